"""The measured cost ledger: a read-only view of what the span store recorded.

Every generation span carries its cost (tokens x prices, compute, storage)
and every model call its tokens and price; this module only reads them and
adds them up per generation, pipeline tier, model, tenant and day. It never
writes to the store. Costs a span marks as estimated (``weavergen.estimated``,
e.g. token counts guessed because a provider returned none) are counted
apart, so a report can say how much of a measured figure was estimated.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from weavergen.telemetry import attrs
from weavergen.telemetry.state import span_store_path
from weavergen.telemetry.store import SpanStore

logger = logging.getLogger(__name__)

MODEL_ATTR = "gen_ai.request.model"
INPUT_TOKENS_ATTR = "gen_ai.usage.input_tokens"
OUTPUT_TOKENS_ATTR = "gen_ai.usage.output_tokens"
MODEL_TIERS = frozenset({"local", "cloud", "consensus"})


class SpanSource(Protocol):
    """What the ledger needs from a span store (``SpanStore`` provides it)."""

    def generations(self) -> list[dict[str, Any]]: ...

    def spans(self, name: str | None = None) -> list[dict[str, Any]]: ...


@dataclass(frozen=True, slots=True)
class GenerationCost:
    """One generation's measured cost and outcome."""

    trace_id: str
    span_id: str
    tier: str
    cost_usd: float
    compute_usd: float
    storage_usd: float
    tokens_usd: float
    cache_hit: bool
    quality: float | None
    simulated: bool
    estimated: bool
    tenant: str
    day: str
    pattern: str

    @property
    def infrastructure_usd(self) -> float:
        """Compute plus storage: what the generation cost besides tokens."""
        return self.compute_usd + self.storage_usd


@dataclass(frozen=True, slots=True)
class ModelCall:
    """One model call's tokens and cost; its parent is the generation span."""

    trace_id: str
    parent_span_id: str
    model: str
    input_tokens: int
    output_tokens: int
    cost_usd: float
    estimated: bool


@dataclass(frozen=True, slots=True)
class CostSummary:
    """Count and cost of a group of generations or calls."""

    count: int
    cost_usd: float

    @property
    def per_item_usd(self) -> float:
        """Average cost of one member of the group (0 for an empty group)."""
        return self.cost_usd / self.count if self.count else 0.0


@dataclass(frozen=True, slots=True)
class Ledger:
    """Measured generations and model calls, with the sums reports need."""

    generations: tuple[GenerationCost, ...]
    calls: tuple[ModelCall, ...] = ()

    @property
    def count(self) -> int:
        """Number of generations recorded."""
        return len(self.generations)

    @property
    def total_usd(self) -> float:
        """Cost of every generation."""
        return sum(g.cost_usd for g in self.generations)

    @property
    def cost_per_generation_usd(self) -> float | None:
        """Average cost of one generation, None when nothing was recorded."""
        return self.total_usd / self.count if self.count else None

    @property
    def simulated(self) -> bool:
        """True if any generation came from the simulated fleet."""
        return any(g.simulated for g in self.generations)

    @property
    def estimated_usd(self) -> float:
        """The part of the total whose spans say it was estimated.

        A generation span flagged estimated counts whole; otherwise its model
        calls flagged estimated (token counts guessed because the provider
        reported none or nonsense) count on their own.
        """
        flagged = {(g.trace_id, g.span_id) for g in self.generations if g.estimated}
        calls = sum(
            c.cost_usd
            for c in self.calls
            if c.estimated and (c.trace_id, c.parent_span_id) not in flagged
        )
        return sum(g.cost_usd for g in self.generations if g.estimated) + calls

    def by(self, key: Callable[[GenerationCost], str]) -> dict[str, CostSummary]:
        """Generations grouped by ``key`` (tier, tenant, day...), sorted."""
        return summarise((key(g), g.cost_usd) for g in self.generations)

    def by_tier(self) -> dict[str, CostSummary]:
        """Generations grouped by the pipeline tier that answered."""
        return self.by(lambda g: g.tier)

    def by_tenant(self) -> dict[str, CostSummary]:
        """Generations grouped by tenant."""
        return self.by(lambda g: g.tenant)

    def by_day(self) -> dict[str, CostSummary]:
        """Generations grouped by UTC day (YYYY-MM-DD)."""
        return self.by(lambda g: g.day)

    def by_model(self) -> dict[str, CostSummary]:
        """Model calls grouped by requested model."""
        return summarise((c.model, c.cost_usd) for c in self.calls)


def summarise(pairs: Iterable[tuple[str, float]]) -> dict[str, CostSummary]:
    """Count and add up costs per key, keys sorted."""
    counts: dict[str, int] = {}
    costs: dict[str, float] = {}
    for key, cost in pairs:
        counts[key] = counts.get(key, 0) + 1
        costs[key] = costs.get(key, 0.0) + cost
    return {key: CostSummary(counts[key], costs[key]) for key in sorted(counts)}


def ledger_from_source(source: SpanSource) -> Ledger:
    """Read every generation and model call from a span store."""
    generation_rows = list(source.generations())
    call_rows = list(source.spans(attrs.MODEL_CALL_SPAN))
    _warn_unreadable(generation_rows, "generation")
    _warn_unreadable(call_rows, "model call")
    generations = tuple(generation_from_row(r) for r in generation_rows)
    calls = tuple(_call_from_row(r) for r in call_rows)
    logger.debug("ledger: %d generations, %d model calls", len(generations), len(calls))
    return Ledger(generations, calls)


def open_ledger(state_dir: Path) -> Ledger:
    """Read the ledger from the span store in ``state_dir``."""
    return ledger_from_source(SpanStore(span_store_path(state_dir)))


def generation_from_row(row: Mapping[str, Any]) -> GenerationCost:
    """Decode one generation span row (as the span store returns it)."""
    values = row.get("attributes", {})
    return GenerationCost(
        trace_id=str(row.get("trace_id", "")),
        span_id=str(row.get("span_id", "")),
        tier=str(values.get(attrs.TIER, "unknown")),
        cost_usd=_number(values, attrs.COST_USD),
        compute_usd=_number(values, attrs.COST_COMPUTE_USD),
        storage_usd=_number(values, attrs.COST_STORAGE_USD),
        tokens_usd=_number(values, attrs.COST_TOKENS_USD),
        cache_hit=bool(values.get(attrs.CACHE_HIT, False)),
        quality=_optional_number(values, attrs.QUALITY),
        simulated=bool(values.get(attrs.SIMULATED, False)),
        estimated=bool(values.get(attrs.ESTIMATED, False)),
        tenant=str(values.get(attrs.TENANT, attrs.DEFAULT_TENANT)),
        day=_day(row.get("start")),
        pattern=str(values.get(attrs.PATTERN, "")),
    )


def _call_from_row(row: Mapping[str, Any]) -> ModelCall:
    values = row.get("attributes", {})
    return ModelCall(
        trace_id=str(row.get("trace_id", "")),
        parent_span_id=str(row.get("parent_span_id") or ""),
        model=str(values.get(MODEL_ATTR, "unknown")),
        input_tokens=int(_number(values, INPUT_TOKENS_ATTR)),
        output_tokens=int(_number(values, OUTPUT_TOKENS_ATTR)),
        cost_usd=_number(values, attrs.COST_USD),
        estimated=bool(values.get(attrs.ESTIMATED, False)),
    )


def _number(values: Mapping[str, Any], key: str) -> float:
    found = _optional_number(values, key)
    return 0.0 if found is None else found


def _optional_number(values: Mapping[str, Any], key: str) -> float | None:
    # Costs, token counts and scores are never negative or infinite; such a
    # value is a damaged span and is left out rather than added up.
    value = values.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or value < 0:
        return None
    return float(value)


def _warn_unreadable(rows: Sequence[Mapping[str, Any]], what: str) -> None:
    damaged = sum(
        1
        for row in rows
        if attrs.COST_USD in row.get("attributes", {})
        and _optional_number(row["attributes"], attrs.COST_USD) is None
    )
    if damaged:
        logger.warning(
            "%d %s span(s) have an unreadable %s (not a number >= 0); counted as 0",
            damaged,
            what,
            attrs.COST_USD,
        )


def _day(start: object) -> str:
    if isinstance(start, datetime):
        return start.date().isoformat()
    return "unknown"
