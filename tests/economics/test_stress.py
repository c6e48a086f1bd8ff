"""Tests for stress scenarios re-run over the measured workload."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.economics.conftest import Gen, workload, write_workload
from weavergen.economics.ledger import open_ledger
from weavergen.economics.pricing import load_pricing
from weavergen.economics.stress import (
    WorkloadConfig,
    model_calls_measured,
    replay_workload,
    run_stress,
    spread_pick,
)
from weavergen.telemetry.state import span_store_path
from weavergen.telemetry.store import SpanStore


def _results(state_dir: Path) -> dict[str, object]:
    run = replay_workload(open_ledger(state_dir))
    return {r.scenario.key: r for r in run_stress(run, load_pricing())}


def test_price_rise_scales_token_costs_only(state_dir: Path) -> None:
    """+50% prices add half of the token spend, not half of everything."""
    results = _results(state_dir)
    tokens = sum(g.tokens_usd for g in workload())
    assert results["model_prices_up_50"].delta_cost_usd == pytest.approx(
        0.5 * tokens / 24
    )


def test_cache_cap_turns_hits_into_priced_misses(state_dir: Path) -> None:
    """At most 45% hits remain; each lost hit costs an average miss."""
    result = _results(state_dir)["cache_below_50"]
    assert result.cache_hit_rate == pytest.approx(10 / 24)
    misses = [g for g in workload() if g.tier in ("local", "cloud", "consensus")]
    mean_miss = sum(g.cost_usd for g in misses) / len(misses)
    assert result.delta_cost_usd == pytest.approx(2 * (mean_miss - 0.0002) / 24)


def test_worse_cheap_models_escalate_to_cloud(state_dir: Path) -> None:
    """30% of 5 local answers (2) now also pay an average cloud answer."""
    result = _results(state_dir)["cheap_models_worse"]
    assert result.delta_cost_usd == pytest.approx(2 * 0.051 / 24)


def test_every_stress_lowers_every_listed_tier_margin(state_dir: Path) -> None:
    """Each scenario reports a negative margin change for each priced tier."""
    for key, result in _results(state_dir).items():
        if key == "baseline":
            assert all(d in (0.0, None) for d in result.margin_deltas.values())
            continue
        deltas = result.margin_deltas
        assert deltas["enterprise-plus"] is None
        assert all(deltas[t] < 0 for t in ("developer", "team", "enterprise")), key


def test_replay_without_changes_reproduces_the_measurement(state_dir: Path) -> None:
    """The default config re-runs to the measured cost per generation."""
    ledger = open_ledger(state_dir)
    again = replay_workload(ledger)(WorkloadConfig())
    assert again.cost_per_generation_usd == pytest.approx(
        ledger.cost_per_generation_usd
    )


def test_spread_pick_is_even_and_exact() -> None:
    """Picking 3 of 9 takes every third; picking none takes none."""
    assert spread_pick(list(range(9)), 3) == [2, 5, 8]
    assert spread_pick([1, 2], 0) == []


def _template_only(tmp_path: Path) -> Path:
    folder = tmp_path / "templates-only"
    gens = [Gen("template", compute_usd=0.0001) for _ in range(4)]
    write_workload(SpanStore(span_store_path(folder)), gens)
    return folder


def test_scenarios_that_cannot_bite_say_why(tmp_path: Path) -> None:
    """On a template-only workload each unchanged scenario names the reason."""
    notes = {key: r.note for key, r in _results(_template_only(tmp_path)).items()}
    assert notes["baseline"] == ""
    assert "no model tokens were paid for" in notes["model_prices_up_50"]
    assert "already 0.0%, at or below the 45% cap" in notes["cache_below_50"]
    assert "no generation was answered by a local model" in notes["cheap_models_worse"]


def test_scenarios_that_change_the_cost_carry_no_note(state_dir: Path) -> None:
    """A scenario that moves the cost needs no explanation."""
    results = _results(state_dir)
    assert all(results[key].note == "" for key in results)


def test_model_calls_measured_tells_templates_from_model_answers(
    state_dir: Path, tmp_path: Path
) -> None:
    """Only a ledger with local/cloud/consensus answers has model calls."""
    assert model_calls_measured(open_ledger(state_dir)) is True
    assert model_calls_measured(open_ledger(_template_only(tmp_path))) is False
