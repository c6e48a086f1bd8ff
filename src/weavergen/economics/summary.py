"""Everything a report shows, computed once for the terminal, JSON and HTML.

The cost per generation that drives tier margins is either *estimated* (from
a cost structure) or *measured* (from the span store's ledger); the summary
carries which, and whether the measured data was simulated, so no view can
mix the two silently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from weavergen.economics.claims import ClaimCheck, check_claims, load_claims
from weavergen.economics.kpis import Kpi, compute_kpis, simulated_share
from weavergen.economics.ledger import Ledger
from weavergen.economics.pricing import (
    PricingConfig,
    TierEconomics,
    load_pricing,
    unit_economics,
)
from weavergen.economics.projections import (
    Assumptions,
    Projection,
    RoadmapCheck,
    check_roadmap,
    project,
)
from weavergen.economics.stress import (
    RunWorkload,
    StressResult,
    model_calls_measured,
    replay_workload,
    run_stress,
)
from weavergen.economics.structure import CostStructure, builtin_structures

logger = logging.getLogger(__name__)

ESTIMATED = "estimated"
MEASURED = "measured"
REPLAY = "replay"
RERUN = "rerun"


@dataclass(frozen=True, slots=True)
class EconomicsSummary:
    """Unit economics, KPIs, stress, projections, roadmap and claim checks."""

    basis: str
    source: str
    simulated: bool
    cost_per_generation_usd: float
    pricing: PricingConfig
    tiers: tuple[TierEconomics, ...]
    structures: tuple[CostStructure, ...]
    ledger: Ledger
    kpis: tuple[Kpi, ...]
    stress: tuple[StressResult, ...]
    projections: tuple[Projection, ...]
    roadmap: tuple[RoadmapCheck, ...]
    claims: tuple[ClaimCheck, ...]
    assumptions_source: str
    stress_method: str = REPLAY

    @property
    def fully_loaded_cost_usd(self) -> float:
        """Cost per generation plus support and sales allocations."""
        return self.pricing.fully_loaded(self.cost_per_generation_usd)

    @property
    def simulated_share(self) -> float | None:
        """Share of the measured generations that used the simulated fleet."""
        return simulated_share(self.ledger)


def simulated_note(summary: EconomicsSummary) -> str:
    """How much of the measured data is simulated, measured from the spans."""
    share = summary.simulated_share
    if not summary.simulated or share is None:
        return ""
    simulated = round(share * summary.ledger.count)
    note = (
        f"{share:.1%} of generations ({simulated} of {summary.ledger.count}) used "
        "the simulated model fleet"
    )
    if simulated < summary.ledger.count:
        note += "; the rest are real template, cache or model runs"
    return note


CUSTOM_TIER_NOTE = "custom pricing: no list price"


def tier_note(tier: TierEconomics) -> str:
    """Why a tier's row is all dashes, or nothing when it has figures."""
    return CUSTOM_TIER_NOTE if tier.custom else ""


def basis_note(summary: EconomicsSummary) -> str:
    """Why a --scenario structure and the measured cost differ, in one line."""
    optimised = summary.structures[-1]
    return (
        f"Why the two costs differ: --scenario {optimised.name} "
        f"(${optimised.cost_per_generation_usd:.2f}) is the v2 plan's monthly "
        "structure, fixed infrastructure included, divided by its volume; the "
        "measured cost counts only what each generation used (model tokens at "
        "list prices, CPU, storage)."
    )


def stress_method_label(summary: EconomicsSummary) -> str:
    """How the stress scenarios were run, as a few words for a title."""
    if summary.stress_method == RERUN:
        return "simulated workload re-run"
    return "measured spans re-priced"


def stress_note(summary: EconomicsSummary) -> str:
    """How the stress scenarios were run, and a better run when one exists."""
    if not summary.stress:
        return ""
    if summary.stress_method == RERUN:
        return "Each scenario re-ran the simulated workload through the pipeline."
    note = "Each scenario re-priced the measured generations one by one."
    if not model_calls_measured(summary.ledger):
        note += (
            " The measured spans hold no model calls, so the price and "
            "escalation scenarios cannot bite; re-run them on the simulated "
            "workload with --rerun-registry REGISTRY."
        )
    return note


def allocation_note(summary: EconomicsSummary) -> str:
    """Say plainly when no cost per generation can make a tier break even."""
    hopeless = [
        t.tier
        for t in summary.tiers
        if t.break_even_cost_usd is not None and t.break_even_cost_usd < 0
    ]
    if not hopeless:
        return ""
    return (
        f"{', '.join(hopeless)}: the price per included generation is below the "
        f"${summary.pricing.allocations_usd:.2f} support and sales allocation, so "
        "no cost per generation, however low, breaks even"
    )


def build_summary(
    pricing: PricingConfig,
    ledger: Ledger,
    assumptions: Assumptions,
    structure: CostStructure | None = None,
    run_workload: RunWorkload | None = None,
) -> EconomicsSummary:
    """Assemble the summary; ``structure`` wins over the ledger when given.

    With neither a structure nor any measured generation, the v2 optimised
    structure is used and labelled estimated. Stress scenarios re-run
    ``run_workload`` (default: replay of the ledger) when there is a workload.
    """
    basis, source, cost = _headline(ledger, structure)
    loaded = pricing.fully_loaded(cost)
    runner = run_workload or (replay_workload(ledger) if ledger.count else None)
    return EconomicsSummary(
        basis=basis,
        source=source,
        simulated=basis == MEASURED and ledger.simulated,
        cost_per_generation_usd=cost,
        pricing=pricing,
        tiers=tuple(unit_economics(cost, pricing)),
        structures=tuple(builtin_structures()),
        ledger=ledger,
        kpis=tuple(compute_kpis(ledger, pricing)),
        stress=tuple(run_stress(runner, pricing)) if runner else (),
        projections=tuple(project(p, loaded) for p in assumptions.projections),
        roadmap=tuple(check_roadmap(assumptions, cost, loaded)),
        # The plan's claims are about the plan's own tiers, whatever tiers apply.
        claims=tuple(check_claims(load_claims(), load_pricing())),
        assumptions_source=assumptions.source,
        stress_method=RERUN if run_workload is not None else REPLAY,
    )


def _headline(
    ledger: Ledger, structure: CostStructure | None
) -> tuple[str, str, float]:
    if structure is not None:
        cost = structure.cost_per_generation_usd
        return ESTIMATED, f"cost structure {structure.name}", cost
    measured = ledger.cost_per_generation_usd
    if measured is not None:
        return MEASURED, f"span store ({ledger.count} generations)", measured
    fallback = builtin_structures()[-1]
    logger.info("no generations measured; using the %s structure", fallback.name)
    label = f"cost structure {fallback.name} (no generations measured yet)"
    return ESTIMATED, label, fallback.cost_per_generation_usd


def summary_to_json(summary: EconomicsSummary) -> dict[str, Any]:
    """The machine-readable form printed by ``weavergen economics --json``."""
    return {
        "basis": summary.basis,
        "source": summary.source,
        "simulated": summary.simulated,
        "cost_per_generation_usd": summary.cost_per_generation_usd,
        "fully_loaded_cost_usd": summary.fully_loaded_cost_usd,
        "tiers": {t.tier: _tier_json(t) for t in summary.tiers},
        "kpis": {k.key: _kpi_json(k) for k in summary.kpis},
        "stress": {r.scenario.key: _stress_json(r) for r in summary.stress},
        "projections": [_projection_json(p) for p in summary.projections],
        "roadmap": [_roadmap_json(r) for r in summary.roadmap],
        "simulated_share": summary.simulated_share,
        "stress_method": summary.stress_method,
        "claims": [
            {
                "id": c.claim_id,
                "stated": c.stated,
                "computed": c.computed,
                "status": c.status,
            }
            for c in summary.claims
        ],
    }


def _kpi_json(kpi: Kpi) -> dict[str, Any]:
    return {
        "value": kpi.value,
        "unit": kpi.unit,
        "basis": kpi.basis,
        "note": kpi.note,
        "simulated_share": kpi.simulated_share,
    }


def _roadmap_json(check: RoadmapCheck) -> dict[str, Any]:
    # "actual" and "met" compare the cost before the support and sales
    # allocation (as the plan's targets do); the fully loaded pair is beside it.
    return {
        "phase": check.phase,
        "target_usd": check.target_usd,
        "actual_usd": check.actual_usd,
        "actual_basis": "before support and sales allocation",
        "met": check.met,
        "fully_loaded_usd": check.fully_loaded_usd,
        "met_fully_loaded": check.met_fully_loaded,
    }


def _tier_json(tier: TierEconomics) -> dict[str, Any]:
    return {
        "note": tier_note(tier),
        "price_per_included_usd": tier.price_per_included_usd,
        "overage_usd": tier.overage_usd,
        "margin_included": tier.margin_included,
        "margin_overage": tier.margin_overage,
        "break_even_cost_usd": tier.break_even_cost_usd,
        "target_cost_usd": tier.target_cost_usd,
    }


def _stress_json(result: StressResult) -> dict[str, Any]:
    return {
        "label": result.scenario.label,
        "note": result.note,
        "cost_per_generation_usd": result.cost_per_generation_usd,
        "delta_cost_usd": result.delta_cost_usd,
        "cache_hit_rate": result.cache_hit_rate,
        "margin_included": {t.tier: t.margin_included for t in result.tiers},
        "margin_delta": result.margin_deltas,
        "margin_delta_points": {
            tier: None if delta is None else delta * 100
            for tier, delta in result.margin_deltas.items()
        },
    }


def _projection_json(projection: Projection) -> dict[str, Any]:
    return {
        "scenario": projection.scenario,
        "generations": projection.generations,
        "revenue_usd": projection.revenue_usd,
        "cost_usd": projection.cost_usd,
        "gross_profit_usd": projection.gross_profit_usd,
        "margin": projection.margin,
        "assumption": True,
    }
