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
from weavergen.economics.kpis import Kpi, compute_kpis
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
    replay_workload,
    run_stress,
)
from weavergen.economics.structure import CostStructure, builtin_structures

logger = logging.getLogger(__name__)

ESTIMATED = "estimated"
MEASURED = "measured"


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

    @property
    def fully_loaded_cost_usd(self) -> float:
        """Cost per generation plus support and sales allocations."""
        return self.pricing.fully_loaded(self.cost_per_generation_usd)


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
        roadmap=tuple(check_roadmap(assumptions, cost)),
        # The seed's claims are about the seed's own tiers, whatever tiers apply.
        claims=tuple(check_claims(load_claims(), load_pricing())),
        assumptions_source=assumptions.source,
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
        "kpis": {
            k.key: {"value": k.value, "unit": k.unit, "basis": k.basis, "note": k.note}
            for k in summary.kpis
        },
        "stress": {r.scenario.key: _stress_json(r) for r in summary.stress},
        "projections": [_projection_json(p) for p in summary.projections],
        "roadmap": [
            {
                "phase": r.phase,
                "target_usd": r.target_usd,
                "actual_usd": r.actual_usd,
                "met": r.met,
            }
            for r in summary.roadmap
        ],
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


def _tier_json(tier: TierEconomics) -> dict[str, float | None]:
    return {
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
        "cost_per_generation_usd": result.cost_per_generation_usd,
        "delta_cost_usd": result.delta_cost_usd,
        "cache_hit_rate": result.cache_hit_rate,
        "margin_included": {t.tier: t.margin_included for t in result.tiers},
        "margin_delta": result.margin_deltas,
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
