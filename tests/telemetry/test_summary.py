"""Tests for the generation summary behind ``weavergen report``."""

from __future__ import annotations

from typing import Any

import pytest

from weavergen.telemetry import attrs
from weavergen.telemetry.summary import percentile, summarise_generations


def _row(duration_s: float, **attributes: Any) -> dict[str, Any]:
    return {"trace_id": "t", "duration_s": duration_s, "attributes": attributes}


def test_percentile_interpolates_between_ranks() -> None:
    """p50 of 1..4 is 2.5 and p95 is 3.85 (linear interpolation)."""
    values = [1.0, 2.0, 3.0, 4.0]

    assert percentile(values, 50) == 2.5
    assert percentile(values, 95) == pytest.approx(3.85)
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None


def test_summary_groups_counts_and_costs() -> None:
    """Counts and costs add up per target, pattern and tier."""
    rows = [
        _row(
            1.0,
            **{
                attrs.TARGET: "python",
                attrs.PATTERN: "attributes",
                attrs.TIER: "template",
                attrs.COST_USD: 0.25,
            },
        ),
        _row(
            3.0,
            **{
                attrs.TARGET: "python",
                attrs.PATTERN: "metrics",
                attrs.TIER: "cloud",
                attrs.COST_USD: 0.5,
            },
        ),
        _row(
            2.0,
            **{
                attrs.TARGET: "go",
                attrs.PATTERN: "metrics",
                attrs.TIER: "cloud",
                attrs.COST_USD: 0.75,
            },
        ),
    ]

    summary = summarise_generations(rows)

    assert summary["generations"] == 3
    assert summary["total_cost_usd"] == 1.5
    assert summary["cost_per_generation_usd"] == 0.5
    assert summary["by_target"] == {
        "go": {"generations": 1, "cost_usd": 0.75},
        "python": {"generations": 2, "cost_usd": 0.75},
    }
    assert summary["by_pattern"]["metrics"] == {"generations": 2, "cost_usd": 1.25}
    assert summary["by_tier"]["template"] == {"generations": 1, "cost_usd": 0.25}
    assert summary["duration_p50_s"] == 2.0
    assert summary["simulated"] is False


def test_summary_flags_simulated_and_lists_items() -> None:
    """One simulated generation marks the summary; items carry path and cost."""
    rows = [
        _row(1.0, **{attrs.OUTPUT_PATH: "a.py", attrs.COST_USD: 0.1}),
        _row(1.0, **{attrs.SIMULATED: True, attrs.COST_USD: 0.2}),
    ]

    summary = summarise_generations(rows)

    assert summary["simulated"] is True
    assert summary["items"][0]["path"] == "a.py"
    assert summary["items"][0]["target"] == "unknown"
    assert [i["cost_usd"] for i in summary["items"]] == [0.1, 0.2]


def test_summary_of_nothing_is_zero_not_an_error() -> None:
    """No rows: zero counts and costs, no percentiles."""
    summary = summarise_generations([])

    assert summary["generations"] == 0
    assert summary["total_cost_usd"] == 0.0
    assert summary["cost_per_generation_usd"] == 0.0
    assert summary["duration_p95_s"] is None
    assert summary["items"] == []


def test_non_numeric_cost_counts_as_zero() -> None:
    """A span with a malformed cost attribute does not break the report."""
    rows = [_row(1.0, **{attrs.COST_USD: "lots"}), _row(1.0, **{attrs.COST_USD: 2})]

    assert summarise_generations(rows)["total_cost_usd"] == 2.0
