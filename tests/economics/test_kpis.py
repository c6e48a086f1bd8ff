"""Tests for KPIs computed from spans."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.economics.conftest import generation_cost, workload
from weavergen.economics.kpis import compute_kpis
from weavergen.economics.ledger import Ledger, ModelCall, open_ledger
from weavergen.economics.pricing import load_pricing


def _kpis(state_dir: Path) -> dict[str, object]:
    return {k.key: k for k in compute_kpis(open_ledger(state_dir), load_pricing())}


def test_kpis_come_from_the_spans(state_dir: Path) -> None:
    """Cache hit rate, routing accuracy and quality follow the workload."""
    kpis = _kpis(state_dir)
    gens = workload()
    assert kpis["cache_hit_rate"].value == pytest.approx(12 / 24)
    # 5 local answers took one call; 2 escalations and 1 consensus took more.
    assert kpis["routing_accuracy"].value == pytest.approx(5 / 8)
    assert kpis["served_quality"].value == pytest.approx(
        sum(g.quality for g in gens) / 24
    )
    infra = sum(g.compute_usd + g.storage_usd for g in gens) / 24
    assert kpis["infrastructure_cost_per_generation"].value == pytest.approx(infra)


def test_gross_margin_uses_first_tier_price_for_unmapped_tenants(
    state_dir: Path,
) -> None:
    """Revenue at $0.058 a generation against fully loaded cost."""
    kpis = _kpis(state_dir)
    total = sum(g.cost_usd for g in workload())
    revenue = 24 * 29 / 500
    expected = (revenue - total - 24 * 0.40) / revenue
    assert kpis["gross_margin"].value == pytest.approx(expected)


def test_kpis_are_labelled_simulated_when_spans_are(state_dir: Path) -> None:
    """Every KPI from all-simulated spans says 100% of them were simulated."""
    kpis = _kpis(state_dir).values()
    assert {k.basis for k in kpis} == {"measured (100% simulated)"}
    assert {k.simulated_share for k in kpis} == {1.0}


def test_kpis_state_the_simulated_share_of_a_mixed_store() -> None:
    """3 simulated of 338 generations is labelled 0.9%, not just simulated."""
    real = [generation_cost(f"r{i}", 0.001) for i in range(335)]
    fake = [replace(generation_cost(f"s{i}", 0.001), simulated=True) for i in range(3)]
    kpis = compute_kpis(Ledger((*real, *fake)), load_pricing())
    assert {k.basis for k in kpis} == {"measured (0.9% simulated)"}
    assert [k.simulated_share for k in kpis] == [pytest.approx(3 / 338)] * 6


def test_kpis_of_real_spans_are_just_measured() -> None:
    """No simulated generation: the basis is plain measured, share zero."""
    kpis = compute_kpis(Ledger((generation_cost("g", 0.001),)), load_pricing())
    assert {k.basis for k in kpis} == {"measured"}
    assert {k.simulated_share for k in kpis} == {0.0}


def test_empty_ledger_reports_missing_not_zero() -> None:
    """With no generations the KPIs are None rather than a free service."""
    kpis = compute_kpis(Ledger(()), load_pricing())
    assert all(k.value is None for k in kpis)


def test_cost_kpi_says_how_much_of_it_was_estimated() -> None:
    """Measured cost with guessed token counts says which share was guessed."""
    call = ModelCall("t", "g", "m", 8, 2, 0.25, estimated=True)
    ledger = Ledger((generation_cost("g", 1.0),), (call,))
    kpis = {k.key: k for k in compute_kpis(ledger, load_pricing())}
    assert kpis["cost_per_generation"].note.startswith("25% of it estimated")
    plain = Ledger((generation_cost("g", 1.0),))
    assert compute_kpis(plain, load_pricing())[0].note == ""
