"""Tests for the learned policy: reorder the rule plan, never widen it."""

from __future__ import annotations

from pathlib import Path

import pytest

from weavergen.engine.assemble import build_router
from weavergen.engine.request import GenerationRequest
from weavergen.errors import ConfigError
from weavergen.learning import EffectivenessTable, ModelStats
from weavergen.routing import (
    DEFAULT_ROUTING,
    LearnedPolicy,
    RouteContext,
    RulePolicy,
    learned_order,
    parse_routing,
)

PRICES = {
    "qwen3_local": 0.001,
    "claude_haiku": 0.004,
    "gpt4_mini": 0.015,
    "claude_sonnet": 0.03,
    "gpt4": 0.045,
}
CONTEXT = RouteContext(PRICES, frozenset({"qwen3_local"}))
JAVA_METRICS = GenerationRequest("java", "metrics")
KEY = ("java", "metrics", 0)


def table_with(local_calls: int) -> EffectivenessTable:
    """The local model always fails for java/metrics; haiku always passes."""
    return {
        KEY: {
            "qwen3_local": ModelStats(local_calls, 0, local_calls * 0.001),
            "claude_haiku": ModelStats(40, 40, 40 * 0.004),
            "gpt4_mini": ModelStats(40, 20, 40 * 0.015),
        }
    }


def test_model_that_passes_goes_before_the_local_model_that_always_fails() -> None:
    """Haiku leads; the failing local model takes the last learned slot.

    Sonnet was never observed, so it keeps its rule position at the end.
    """
    plan = LearnedPolicy(DEFAULT_ROUTING, table_with(30)).route(
        JAVA_METRICS, 0.1, CONTEXT
    )
    assert plan.models == ("claude_haiku", "gpt4_mini", "qwen3_local", "claude_sonnet")
    assert plan.reasons[-1] == "learned"


def test_too_few_observations_leave_the_rule_plan() -> None:
    """Below 20 calls the local model keeps its place and the plan is the rules'."""
    rules = RulePolicy(DEFAULT_ROUTING).route(JAVA_METRICS, 0.1, CONTEXT)
    learned = LearnedPolicy(DEFAULT_ROUTING, table_with(19)).route(
        JAVA_METRICS, 0.1, CONTEXT
    )
    assert learned == rules


def test_other_patterns_are_not_reordered() -> None:
    """What was learned for java/metrics does not move java/spans."""
    request = GenerationRequest("java", "spans")
    rules = RulePolicy(DEFAULT_ROUTING).route(request, 0.1, CONTEXT)
    assert (
        LearnedPolicy(DEFAULT_ROUTING, table_with(30)).route(request, 0.1, CONTEXT)
        == rules
    )


def test_learned_plan_never_adds_gpt4() -> None:
    """gpt4 stays explicit-only even when it is learned to be the best buy."""
    table = {KEY: {"gpt4": ModelStats(100, 100, 0.0)}}
    plan = LearnedPolicy(DEFAULT_ROUTING, table).route(JAVA_METRICS, 0.1, CONTEXT)
    assert "gpt4" not in plan.models


def test_unobserved_models_keep_their_positions() -> None:
    """Only the slots of well-observed models are reordered among themselves."""
    stats = {"a": ModelStats(20, 10, 2.0), "c": ModelStats(20, 20, 1.0)}
    assert learned_order(("a", "b", "c"), stats, 20) == ("c", "b", "a")


def test_learned_policy_is_chosen_by_config(tmp_path: Path) -> None:
    """policy = "learned" builds a LearnedPolicy over the state folder; else rules."""
    learned = parse_routing({"policy": "learned", "min_observations": 5}, "x.toml")
    assert isinstance(build_router(learned, tmp_path), LearnedPolicy)
    assert isinstance(build_router(DEFAULT_ROUTING, tmp_path), RulePolicy)
    assert learned.min_observations == 5


def test_unknown_policy_names_the_file_and_choices() -> None:
    """A typo in routing.policy is a config error, not a silent rule policy."""
    with pytest.raises(ConfigError, match=r"x.toml: routing.policy must be one of"):
        parse_routing({"policy": "lerned"}, "x.toml")
