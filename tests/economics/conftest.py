"""A small simulated workload written into a real span store.

24 generations over two days and two tenants: 4 template answers, 12 cache
hits, 5 local-model answers (one call each), 2 cloud answers escalated from a
local model (two calls each) and 1 consensus answer (three calls).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from weavergen.economics.ledger import GenerationCost
from weavergen.telemetry import attrs
from weavergen.telemetry.state import span_store_path
from weavergen.telemetry.store import SpanStore, StoredSpan

DAY_S = 86_400
DAY_ONE_S = 1_764_806_400  # 2025-12-04 00:00 UTC


@dataclass(frozen=True)
class Gen:
    """One generation to write: its tier, costs and the model calls it made."""

    tier: str
    tokens_usd: float = 0.0
    compute_usd: float = 0.0
    storage_usd: float = 0.0
    quality: float = 1.0
    tenant: str = "acme"
    day: int = 0
    calls: tuple[tuple[str, float], ...] = field(default_factory=tuple)

    @property
    def cost_usd(self) -> float:
        return self.tokens_usd + self.compute_usd + self.storage_usd


def workload() -> list[Gen]:
    """The generations of the module docstring, in order."""
    gens = [Gen("template", compute_usd=0.0001, day=i % 2) for i in range(4)]
    gens += [
        Gen("cache", storage_usd=0.0002, day=i % 2, tenant="beta" if i % 3 else "acme")
        for i in range(12)
    ]
    gens += [
        Gen(
            "local",
            tokens_usd=0.002,
            compute_usd=0.001,
            quality=0.96,
            day=i % 2,
            calls=(("local-small", 0.002),),
        )
        for i in range(5)
    ]
    gens += [
        Gen(
            "cloud",
            tokens_usd=0.05,
            compute_usd=0.001,
            quality=0.99,
            day=1,
            calls=(("local-small", 0.002), ("cloud-large", 0.048)),
        )
        for _ in range(2)
    ]
    gens.append(
        Gen(
            "consensus",
            tokens_usd=0.15,
            compute_usd=0.002,
            quality=0.98,
            day=1,
            calls=(("cloud-large", 0.05), ("cloud-large", 0.05), ("cloud-other", 0.05)),
        )
    )
    return gens


def write_workload(store: SpanStore, gens: list[Gen]) -> None:
    """Write each generation span and its model-call child spans."""
    spans: list[StoredSpan] = []
    for index, gen in enumerate(gens):
        spans.extend(_spans_of(index, gen))
    store.add(spans)


def _spans_of(index: int, gen: Gen) -> list[StoredSpan]:
    start_ns = (DAY_ONE_S + gen.day * DAY_S + index) * 1_000_000_000
    span_id = f"{index + 1:016x}"
    values = {
        attrs.TIER: gen.tier,
        attrs.COST_USD: gen.cost_usd,
        attrs.COST_TOKENS_USD: gen.tokens_usd,
        attrs.COST_COMPUTE_USD: gen.compute_usd,
        attrs.COST_STORAGE_USD: gen.storage_usd,
        attrs.QUALITY: gen.quality,
        attrs.CACHE_HIT: gen.tier == "cache",
        attrs.SIMULATED: True,
        attrs.TENANT: gen.tenant,
        attrs.PATTERN: "constants",
    }
    spans = [
        StoredSpan(
            "a" * 32,
            span_id,
            attrs.GENERATION_SPAN,
            start_ns,
            start_ns + 1000,
            attributes=values,
        )
    ]
    for number, (model, cost) in enumerate(gen.calls):
        call_values = {
            "gen_ai.request.model": model,
            attrs.COST_USD: cost,
            "gen_ai.usage.input_tokens": 100,
            "gen_ai.usage.output_tokens": 50,
        }
        spans.append(
            StoredSpan(
                "a" * 32,
                f"{index + 1:08x}{number + 1:08x}",
                attrs.MODEL_CALL_SPAN,
                start_ns + 1,
                start_ns + 2,
                parent_span_id=span_id,
                attributes=call_values,
            )
        )
    return spans


def workload_state_dir(folder: Path) -> Path:
    """Write the workload's spans into the state folder ``folder``."""
    write_workload(SpanStore(span_store_path(folder)), workload())
    return folder


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    """A state folder whose span store holds the workload."""
    return workload_state_dir(tmp_path / "state")


def generation_cost(
    span_id: str, cost_usd: float, *, estimated: bool = False
) -> GenerationCost:
    """A ledger row for a local-model generation costing ``cost_usd`` in tokens."""
    return GenerationCost(
        trace_id="t",
        span_id=span_id,
        tier="local",
        cost_usd=cost_usd,
        compute_usd=0.0,
        storage_usd=0.0,
        tokens_usd=cost_usd,
        cache_hit=False,
        quality=1.0,
        simulated=False,
        estimated=estimated,
        tenant="acme",
        day="2026-12-04",
        pattern="attributes",
    )
