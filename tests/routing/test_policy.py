"""Tests for the rule policy: bands, escalation order, explicit models, votes."""

from __future__ import annotations

import pytest

from weavergen.engine.request import GenerationRequest
from weavergen.routing import (
    DEFAULT_ROUTING,
    Band,
    RouteContext,
    RoutingConfig,
    RulePolicy,
)

PRICES = {
    "qwen3_local": 0.5,  # nominally dear, but local models always go first
    "claude_haiku": 0.05,
    "gpt4_mini": 0.15,
    "claude_sonnet": 0.3,
    "gpt4": 0.45,
}
CONTEXT = RouteContext(PRICES, frozenset({"qwen3_local"}))
REQUEST = GenerationRequest("go", "attributes")


def plan_for(score: float, request: GenerationRequest = REQUEST):  # type: ignore[no-untyped-def]
    return RulePolicy(DEFAULT_ROUTING).route(request, score, CONTEXT)


def test_easy_request_starts_with_the_local_model() -> None:
    """Below 0.3 the local model is tried first, then the rest cheapest first."""
    plan = plan_for(0.1)
    assert plan.models == ("qwen3_local", "claude_haiku", "gpt4_mini", "claude_sonnet")
    assert plan.consensus is None


def test_middle_band_tries_its_own_models_before_escalating() -> None:
    """At 0.5 local and haiku come before the higher bands' models."""
    assert plan_for(0.5).models[:2] == ("qwen3_local", "claude_haiku")


def test_hardest_band_votes_with_four_models() -> None:
    """At 0.95 the plan is a consensus of local, haiku, mini and sonnet."""
    plan = plan_for(0.95)
    assert plan.consensus == (
        "qwen3_local",
        "claude_haiku",
        "gpt4_mini",
        "claude_sonnet",
    )
    assert plan.max_tier == "consensus"


@pytest.mark.parametrize("score", [0.1, 0.5, 0.8, 0.95])
def test_gpt4_is_never_chosen_unasked(score: float) -> None:
    """gpt4 appears in no plan unless the request names it."""
    plan = plan_for(score)
    assert "gpt4" not in plan.models
    assert "gpt4" not in (plan.consensus or ())


def test_gpt4_asked_for_goes_last() -> None:
    """A request naming gpt4 gets it as the final escalation step."""
    request = GenerationRequest("go", "attributes", explicit_models=("gpt4",))
    assert plan_for(0.1, request).models[-1] == "gpt4"


def test_without_escalation_a_band_keeps_to_its_models() -> None:
    """``escalate = false`` confines the plan to the band's own models."""
    config = RoutingConfig(DEFAULT_ROUTING.bands, escalate=False)
    plan = RulePolicy(config).route(REQUEST, 0.1, CONTEXT)
    assert plan.models == ("qwen3_local",)
    assert plan.max_tier == "local"


def test_unknown_band_models_fall_back_to_every_configured_model() -> None:
    """A custom fleet the bands do not name still gets a plan, cheapest first."""
    context = RouteContext({"mine": 0.2, "theirs": 0.1, "gpt4": 0.01}, frozenset())
    config = RoutingConfig((Band(1.01, ("absent",)),))
    assert RulePolicy(config).route(REQUEST, 0.5, context).models == ("theirs", "mine")
