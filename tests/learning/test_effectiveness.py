"""Tests for cost-effectiveness learned from generation and model-call spans."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from weavergen.learning import ModelStats, band_of, effectiveness, load_effectiveness
from weavergen.telemetry.store import SpanStore, StoredSpan

LIMITS = (0.3, 0.7, 1.01)


def generation(
    span_id: str, target: str, pattern: str, complexity: float
) -> dict[str, Any]:
    return {
        "name": "weavergen.generation",
        "trace_id": "t1",
        "span_id": span_id,
        "parent_span_id": None,
        "attributes": {
            "weavergen.target": target,
            "weavergen.pattern": pattern,
            "weavergen.complexity": complexity,
        },
    }


def call(parent: str, model: str, quality: float | None, cost: float) -> dict[str, Any]:
    found: dict[str, Any] = {"gen_ai.request.model": model}
    if quality is not None:
        found["weavergen.quality"] = quality
        found["weavergen.cost_usd"] = cost
    return {
        "name": "gen_ai.chat",
        "trace_id": "t1",
        "span_id": f"c-{parent}-{model}",
        "parent_span_id": parent,
        "attributes": found,
    }


SPANS = [
    generation("g1", "java", "metrics", 0.1),
    call("g1", "qwen3_local", 0.5, 0.001),
    call("g1", "claude_haiku", 1.0, 0.004),
    generation("g2", "java", "metrics", 0.2),
    call("g2", "qwen3_local", 1.0, 0.003),
    generation("g3", "java", "metrics", 0.5),
    call("g3", "qwen3_local", None, 0.0),
    generation("g4", "go", "attributes", 0.1),
]


def test_band_of_matches_the_rule_policy_bands() -> None:
    """A complexity falls in the first band whose limit is above it, else the last."""
    assert [band_of(c, LIMITS) for c in (0.0, 0.3, 0.69, 1.0, 5.0)] == [0, 1, 1, 2, 2]


def test_calls_are_counted_per_target_pattern_band_and_model() -> None:
    """Each call lands under its parent generation's key with exact totals."""
    table = effectiveness(SPANS, LIMITS)
    assert table[("java", "metrics", 0)] == {
        "qwen3_local": ModelStats(2, 1, pytest.approx(0.004)),  # type: ignore[arg-type]
        "claude_haiku": ModelStats(1, 1, 0.004),
    }
    assert ("go", "attributes", 0) not in table


def test_failed_provider_call_counts_as_a_failure_at_no_cost() -> None:
    """A call span without a score is one call, no pass, zero cost."""
    table = effectiveness(SPANS, LIMITS)
    assert table[("java", "metrics", 1)] == {"qwen3_local": ModelStats(1, 0, 0.0)}


def test_expected_cost_is_mean_cost_over_pass_rate() -> None:
    """2 calls costing 0.004 in all with 1 pass: 0.002 a call, 0.004 per pass."""
    stats = ModelStats(calls=2, passes=1, cost_usd=0.004)
    assert stats.pass_rate == 0.5
    assert stats.mean_cost_usd == pytest.approx(0.002)
    assert stats.expected_cost_usd == pytest.approx(0.004)


def test_model_that_never_passes_has_infinite_expected_cost() -> None:
    """Without a single pass no spend buys a validated answer."""
    assert math.isinf(ModelStats(5, 0, 0.01).expected_cost_usd)


def test_score_below_one_is_not_a_pass() -> None:
    """The validator passes only perfect answers, so 0.99 counts as a failure."""
    spans = [generation("g", "go", "spans", 0.1), call("g", "m", 0.99, 0.0)]
    assert effectiveness(spans, LIMITS)[("go", "spans", 0)]["m"].passes == 0


def test_calls_without_a_known_generation_are_ignored() -> None:
    """A call whose parent is not a stored generation has no key to go under."""
    assert effectiveness([call("missing", "m", 1.0, 0.1)], LIMITS) == {}


def test_load_reads_the_span_store(tmp_path: Path) -> None:
    """The table over a real store file equals the one over its span dicts."""
    store = SpanStore(tmp_path / "spans.db")
    store.add(
        [
            StoredSpan(
                "t1",
                "g1",
                "weavergen.generation",
                1,
                2,
                attributes={
                    "weavergen.target": "rust",
                    "weavergen.pattern": "metrics",
                    "weavergen.complexity": 0.8,
                },
            ),
            StoredSpan(
                "t1",
                "c1",
                "gen_ai.chat",
                1,
                2,
                parent_span_id="g1",
                attributes={
                    "gen_ai.request.model": "gpt4_mini",
                    "weavergen.quality": 1.0,
                    "weavergen.cost_usd": 0.25,
                },
            ),
        ]
    )
    table = load_effectiveness(tmp_path / "spans.db", LIMITS)
    assert table == {("rust", "metrics", 2): {"gpt4_mini": ModelStats(1, 1, 0.25)}}


def test_missing_store_gives_an_empty_table(tmp_path: Path) -> None:
    """No spans yet means nothing learned, not an error."""
    assert load_effectiveness(tmp_path / "none.db", LIMITS) == {}
