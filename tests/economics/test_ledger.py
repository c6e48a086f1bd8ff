"""Tests for the measured ledger read from the span store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.economics.conftest import generation_cost, workload
from weavergen.economics.ledger import (
    Ledger,
    ModelCall,
    ledger_from_source,
    open_ledger,
)
from weavergen.telemetry import attrs


def test_ledger_totals_every_generation(state_dir: Path) -> None:
    """Count, total and cost per generation come from the generation spans."""
    ledger = open_ledger(state_dir)
    expected = sum(g.cost_usd for g in workload())
    assert ledger.count == 24
    assert ledger.total_usd == pytest.approx(expected)
    assert ledger.cost_per_generation_usd == pytest.approx(expected / 24)
    assert ledger.simulated is True
    assert ledger.estimated_usd == 0.0


def test_ledger_groups_by_tier_tenant_and_day(state_dir: Path) -> None:
    """Per-tier, per-tenant and per-day groups add up to the whole."""
    ledger = open_ledger(state_dir)
    tiers = ledger.by_tier()
    assert {k: v.count for k, v in tiers.items()} == {
        "cache": 12,
        "cloud": 2,
        "consensus": 1,
        "local": 5,
        "template": 4,
    }
    assert tiers["cloud"].per_item_usd == pytest.approx(0.051)
    assert sum(s.count for s in ledger.by_tenant().values()) == 24
    assert list(ledger.by_day()) == ["2025-12-04", "2025-12-05"]


def test_ledger_groups_model_calls_by_model(state_dir: Path) -> None:
    """Model-call spans are summed per requested model."""
    models = open_ledger(state_dir).by_model()
    assert models["local-small"].count == 7
    assert models["local-small"].cost_usd == pytest.approx(0.014)
    assert models["cloud-large"].cost_usd == pytest.approx(0.196)


def test_empty_state_dir_gives_empty_ledger(tmp_path: Path) -> None:
    """No span store yet: zero generations and no cost per generation."""
    ledger = open_ledger(tmp_path / "nothing")
    assert ledger.count == 0
    assert ledger.cost_per_generation_usd is None


def test_estimated_share_counts_flagged_calls_of_unflagged_generations() -> None:
    """A call with guessed tokens counts; calls of a flagged generation not twice."""
    ledger = Ledger(
        (
            generation_cost("g1", 0.5, estimated=True),
            generation_cost("g2", 0.25),
        ),
        (
            ModelCall("t", "g1", "m", 10, 10, 0.5, estimated=True),
            ModelCall("t", "g2", "m", 10, 10, 0.125, estimated=True),
            ModelCall("t", "g2", "m", 10, 10, 0.125, estimated=False),
        ),
    )
    assert ledger.estimated_usd == pytest.approx(0.625)


class _Rows:
    """A span source holding given generation rows and no model calls."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def generations(self) -> list[dict[str, Any]]:
        return self.rows

    def spans(self, name: str | None = None) -> list[dict[str, Any]]:
        return []


@pytest.mark.parametrize("damaged", [float("nan"), float("inf"), -5.0, "abc"])
def test_damaged_cost_attributes_are_left_out_and_reported(
    damaged: object, caplog: pytest.LogCaptureFixture
) -> None:
    """NaN, inf, negative or text costs count as 0, with a warning saying so."""
    rows = [
        {"span_id": "a", "attributes": {attrs.COST_USD: damaged}},
        {"span_id": "b", "attributes": {attrs.COST_USD: 0.5}},
    ]
    ledger = ledger_from_source(_Rows(rows))
    assert ledger.total_usd == 0.5
    assert ledger.cost_per_generation_usd == 0.25
    assert "1 generation span(s) have an unreadable weavergen.cost_usd" in caplog.text
