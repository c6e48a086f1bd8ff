"""Stress scenarios: re-run a workload under worse conditions and compare.

A scenario is not a multiplied total: it changes the conditions the workload
runs under (model prices, the cache's hit rate, how often cheap models pass)
and the workload is run again through a ``run_workload(config) -> Ledger``
callable. Two runners exist: :func:`replay_workload` re-prices a measured
ledger generation by generation, and the simulated fleet (``weavergen
simulate``) can be plugged in to re-run the pipeline itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from weavergen.economics.kpis import cache_hit_rate
from weavergen.economics.ledger import GenerationCost, Ledger
from weavergen.economics.pricing import PricingConfig, TierEconomics, unit_economics

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WorkloadConfig:
    """The conditions a workload runs under; the defaults are as measured."""

    price_multiplier: float = 1.0
    max_cache_hit_rate: float | None = None
    cheap_success_multiplier: float = 1.0


RunWorkload = Callable[[WorkloadConfig], Ledger]


@dataclass(frozen=True, slots=True)
class StressScenario:
    """A named change of conditions."""

    key: str
    label: str
    config: WorkloadConfig


STRESS_SCENARIOS = (
    StressScenario("baseline", "As measured", WorkloadConfig()),
    StressScenario(
        "model_prices_up_50", "Model prices +50%", WorkloadConfig(price_multiplier=1.5)
    ),
    StressScenario(
        "cache_below_50",
        "Cache hit rate forced below 50%",
        WorkloadConfig(max_cache_hit_rate=0.45),
    ),
    StressScenario(
        "cheap_models_worse",
        "Cheap models pass 30% less often (more escalations)",
        WorkloadConfig(cheap_success_multiplier=0.7),
    ),
)


@dataclass(frozen=True, slots=True)
class StressResult:
    """One scenario's outcome and its change against the baseline."""

    scenario: StressScenario
    cost_per_generation_usd: float
    delta_cost_usd: float
    cache_hit_rate: float | None
    tiers: tuple[TierEconomics, ...]
    margin_deltas: dict[str, float | None]
    note: str = ""


def run_stress(
    run_workload: RunWorkload,
    pricing: PricingConfig,
    scenarios: Sequence[StressScenario] = STRESS_SCENARIOS,
) -> list[StressResult]:
    """Run the baseline and every scenario; compare each with the baseline."""
    baseline_ledger = run_workload(scenarios[0].config)
    baseline = _result(scenarios[0], baseline_ledger, pricing, None)
    results = [baseline]
    for scenario in scenarios[1:]:
        result = _run_one(run_workload, scenario, pricing, baseline)
        if result.delta_cost_usd == 0:
            result = replace(result, note=why_unchanged(scenario, baseline_ledger))
        results.append(result)
    return results


def why_unchanged(scenario: StressScenario, workload: Ledger) -> str:
    """Why a scenario cannot change this workload's cost, in one sentence."""
    config = scenario.config
    if config.price_multiplier != 1.0 and not any(
        g.tokens_usd for g in workload.generations
    ):
        return "no model tokens were paid for in this workload, so prices cannot bite"
    rate = cache_hit_rate(workload)
    cap = config.max_cache_hit_rate
    if cap is not None and rate is not None and rate <= cap:
        return (
            f"the cache hit rate is already {rate:.1%}, at or below the "
            f"{cap:.0%} cap, so no cache hit is lost"
        )
    if config.cheap_success_multiplier < 1.0:
        return _why_no_escalation(workload)
    return "no change on this workload"


def _why_no_escalation(workload: Ledger) -> str:
    tiers = {g.tier for g in workload.generations}
    if "local" not in tiers:
        return "no generation was answered by a local model, so none can escalate"
    if not tiers & {"cloud", "consensus"}:
        return "no cloud answer was measured to price an escalation with"
    return "too few local answers to fail one in this workload"


def model_calls_measured(workload: Ledger) -> bool:
    """True when some generation of the workload was answered by a model."""
    return any(g.tier in {"local", "cloud", "consensus"} for g in workload.generations)


def _run_one(
    run_workload: RunWorkload,
    scenario: StressScenario,
    pricing: PricingConfig,
    baseline: StressResult | None,
) -> StressResult:
    return _result(scenario, run_workload(scenario.config), pricing, baseline)


def _result(
    scenario: StressScenario,
    ledger: Ledger,
    pricing: PricingConfig,
    baseline: StressResult | None,
) -> StressResult:
    cost = ledger.cost_per_generation_usd or 0.0
    tiers = tuple(unit_economics(cost, pricing))
    logger.info("stress %s: %.4f USD per generation", scenario.key, cost)
    return StressResult(
        scenario=scenario,
        cost_per_generation_usd=cost,
        delta_cost_usd=cost - (baseline.cost_per_generation_usd if baseline else cost),
        cache_hit_rate=cache_hit_rate(ledger),
        tiers=tiers,
        margin_deltas=_margin_deltas(tiers, baseline),
    )


def _margin_deltas(
    tiers: Sequence[TierEconomics], baseline: StressResult | None
) -> dict[str, float | None]:
    before = {t.tier: t.margin_included for t in baseline.tiers} if baseline else {}
    deltas: dict[str, float | None] = {}
    for tier in tiers:
        old = before.get(tier.tier, tier.margin_included)
        new = tier.margin_included
        deltas[tier.tier] = None if new is None or old is None else new - old
    return deltas


def replay_workload(measured: Ledger) -> RunWorkload:
    """A runner that re-prices the measured generations one by one."""

    def run(config: WorkloadConfig) -> Ledger:
        generations = list(measured.generations)
        generations = _reprice_tokens(generations, config.price_multiplier)
        if config.max_cache_hit_rate is not None:
            generations = _cap_cache_hits(generations, config.max_cache_hit_rate)
        if config.cheap_success_multiplier < 1.0:
            generations = _escalate_cheap(generations, config.cheap_success_multiplier)
        return Ledger(tuple(generations), measured.calls)

    return run


def _reprice_tokens(
    generations: list[GenerationCost], multiplier: float
) -> list[GenerationCost]:
    return [
        replace(
            g,
            tokens_usd=g.tokens_usd * multiplier,
            cost_usd=g.cost_usd + g.tokens_usd * (multiplier - 1.0),
        )
        for g in generations
    ]


def _cap_cache_hits(
    generations: list[GenerationCost], cap: float
) -> list[GenerationCost]:
    """Turn spread-out cache hits into misses until the hit rate is below cap.

    A lost hit costs what a miss of the same pattern cost on average (any
    miss when the pattern never missed): the work the cache had saved.
    """
    hits = [i for i, g in enumerate(generations) if g.cache_hit]
    allowed = int(cap * len(generations))
    if len(hits) <= allowed:
        return generations
    misses = [g for g in generations if not g.cache_hit and g.tier != "template"]
    if not misses:
        logger.warning("no measured cache miss to price lost cache hits with")
        return generations
    lost = spread_pick(hits, len(hits) - allowed)
    result = list(generations)
    for index in lost:
        result[index] = _as_miss(generations[index], misses)
    return result


def _as_miss(hit: GenerationCost, misses: list[GenerationCost]) -> GenerationCost:
    same = [m for m in misses if m.pattern == hit.pattern] or misses
    mean = _mean_generation(same)
    return replace(
        mean,
        trace_id=hit.trace_id,
        span_id=hit.span_id,
        tenant=hit.tenant,
        day=hit.day,
        cache_hit=False,
    )


def _escalate_cheap(
    generations: list[GenerationCost], success_multiplier: float
) -> list[GenerationCost]:
    """Make a share of local-model answers fail and go on to a cloud model.

    The escalated generation pays its local attempt plus an average cloud
    (or, when no cloud answer was measured, consensus) generation.
    """
    cheap = [i for i, g in enumerate(generations) if g.tier == "local"]
    upper = [g for g in generations if g.tier == "cloud"] or [
        g for g in generations if g.tier == "consensus"
    ]
    if not cheap or not upper:
        # The stress table says so on the scenario's row; no warning needed.
        logger.info("no local and escalated answers measured: nothing to escalate")
        return generations
    failed = spread_pick(cheap, round(len(cheap) * (1.0 - success_multiplier)))
    escalation = _mean_generation(upper)
    result = list(generations)
    for index in failed:
        result[index] = _add_attempt(generations[index], escalation)
    return result


def _add_attempt(first: GenerationCost, then: GenerationCost) -> GenerationCost:
    return replace(
        first,
        tier=then.tier,
        cost_usd=first.cost_usd + then.cost_usd,
        tokens_usd=first.tokens_usd + then.tokens_usd,
        compute_usd=first.compute_usd + then.compute_usd,
        quality=then.quality,
    )


def _mean_generation(group: list[GenerationCost]) -> GenerationCost:
    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    qualities = [g.quality for g in group if g.quality is not None]
    tiers = [g.tier for g in group]
    return replace(
        group[0],
        tier=max(set(tiers), key=tiers.count),
        cost_usd=mean([g.cost_usd for g in group]),
        tokens_usd=mean([g.tokens_usd for g in group]),
        compute_usd=mean([g.compute_usd for g in group]),
        storage_usd=mean([g.storage_usd for g in group]),
        quality=mean(qualities) if qualities else None,
    )


def spread_pick(indices: list[int], count: int) -> list[int]:
    """Pick ``count`` of ``indices`` spread evenly, deterministically."""
    total = len(indices)
    if count <= 0 or not total:
        return []
    return [
        index
        for position, index in enumerate(indices)
        if (position + 1) * count // total > position * count // total
    ]
