"""The KPIs a WeaverGen operator watches, computed from the measured ledger.

Each KPI says whether it is measured (from spans) or not available; a KPI
with no data is reported as missing rather than as zero, so an empty store
never looks like a free service.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from weavergen.economics.figures import share
from weavergen.economics.ledger import MODEL_TIERS, Ledger
from weavergen.economics.pricing import PricingConfig

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Kpi:
    """One named figure, its unit, and where it came from."""

    key: str
    label: str
    value: float | None
    unit: str
    basis: str
    note: str = ""
    simulated_share: float | None = None


def estimated_note(ledger: Ledger) -> str:
    """How much of the measured total the spans flag as estimated, if any."""
    total = ledger.total_usd
    estimated = ledger.estimated_usd
    if estimated <= 0 or total <= 0:
        return ""
    return (
        f"{estimated / total:.0%} of it estimated (CPU shares or token counts "
        "the spans mark weavergen.estimated)"
    )


def simulated_share(ledger: Ledger) -> float | None:
    """Share of the measured generations that used the simulated fleet."""
    if not ledger.count:
        return None
    return sum(g.simulated for g in ledger.generations) / ledger.count


def measured_basis(ledger: Ledger) -> str:
    """``measured``, with the simulated share when any generation was simulated.

    A bare "simulated" on a store where 3 of 338 generations were simulated
    would misdescribe the other 335, so the share is stated.
    """
    fraction = simulated_share(ledger)
    if fraction is None:
        return "no generations measured"
    if not fraction:
        return "measured"
    return f"measured ({share(fraction)} simulated)"


def compute_kpis(ledger: Ledger, pricing: PricingConfig) -> list[Kpi]:
    """The six KPIs, in the order reports show them."""
    kpis = _kpis(ledger, pricing, measured_basis(ledger))
    fraction = simulated_share(ledger)
    return [replace(kpi, simulated_share=fraction) for kpi in kpis]


def _kpis(ledger: Ledger, pricing: PricingConfig, basis: str) -> list[Kpi]:
    return [
        Kpi(
            "cost_per_generation",
            "Cost per generation",
            ledger.cost_per_generation_usd,
            "usd",
            basis,
            estimated_note(ledger),
        ),
        _gross_margin(ledger, pricing, basis),
        Kpi("cache_hit_rate", "Cache hit rate", cache_hit_rate(ledger), "ratio", basis),
        Kpi(
            "routing_accuracy",
            "Routing accuracy",
            routing_accuracy(ledger),
            "ratio",
            basis,
            "model-answered generations settled by their first model call",
        ),
        Kpi(
            "infrastructure_cost_per_generation",
            "Infrastructure cost per generation",
            _infrastructure_per_generation(ledger),
            "usd",
            basis,
            "compute plus storage, without tokens",
        ),
        Kpi(
            "served_quality",
            "Served quality",
            served_quality(ledger),
            "ratio",
            basis,
            "mean validation score of what was served",
        ),
    ]


def cache_hit_rate(ledger: Ledger) -> float | None:
    """Share of generations answered from the verified cache."""
    if not ledger.count:
        return None
    return sum(g.cache_hit for g in ledger.generations) / ledger.count


def routing_accuracy(ledger: Ledger) -> float | None:
    """Share of model-answered generations that needed one model call only.

    A generation that took more calls was escalated (or sent to consensus),
    which means the router's first choice did not pass validation.
    """
    calls_per_span: dict[str, int] = {}
    for call in ledger.calls:
        parent = call.parent_span_id
        calls_per_span[parent] = calls_per_span.get(parent, 0) + 1
    answered = [g for g in ledger.generations if g.tier in MODEL_TIERS]
    if not answered:
        return None
    first_try = sum(calls_per_span.get(g.span_id, 0) == 1 for g in answered)
    return first_try / len(answered)


def served_quality(ledger: Ledger) -> float | None:
    """Mean quality over generations whose span recorded one."""
    scores = [g.quality for g in ledger.generations if g.quality is not None]
    return sum(scores) / len(scores) if scores else None


def gross_margin(ledger: Ledger, pricing: PricingConfig) -> float | None:
    """Blended margin: revenue at each tenant's included price vs loaded cost."""
    revenue = 0.0
    for generation in ledger.generations:
        price = pricing.tier_of(generation.tenant).price_per_included_usd
        revenue += price or 0.0
    if not revenue:
        return None
    cost = ledger.total_usd + ledger.count * pricing.allocations_usd
    return (revenue - cost) / revenue


def _gross_margin(ledger: Ledger, pricing: PricingConfig, basis: str) -> Kpi:
    default = pricing.listed()[0].name
    note = (
        "revenue at each tenant's price per included generation, cost fully "
        f"loaded; tenants with no tier mapping count as {default}"
    )
    return Kpi(
        "gross_margin",
        "Gross margin",
        gross_margin(ledger, pricing),
        "ratio",
        basis,
        note,
    )


def _infrastructure_per_generation(ledger: Ledger) -> float | None:
    if not ledger.count:
        return None
    return sum(g.infrastructure_usd for g in ledger.generations) / ledger.count
