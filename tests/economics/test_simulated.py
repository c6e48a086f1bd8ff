"""Tests for stress scenarios re-run through the pipeline's simulated fleet."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from weavergen.economics.kpis import routing_accuracy
from weavergen.economics.pricing import load_pricing
from weavergen.economics.simulated import serve_capped, simulated_workload
from weavergen.economics.stress import StressScenario, WorkloadConfig, run_stress
from weavergen.engine.request import GenerationRequest

REGISTRY = """\
groups:
  - id: registry.shop
    type: attribute_group
    brief: Shop attributes.
    attributes:
      - id: shop.cart.items
        type: int
        brief: Items in the cart.
        examples: [3]
        stability: development
      - id: shop.payment.method
        type:
          members:
            - {id: card, value: card, brief: Card., stability: development}
            - {id: cash, value: cash, brief: Cash., stability: development}
        brief: How the customer pays.
        stability: development
  - id: registry.queue
    type: attribute_group
    brief: Queue attributes.
    attributes:
      - id: queue.name
        type: string
        brief: Queue name.
        examples: [orders]
        stability: development
"""


class AlwaysHits:
    """A pipeline whose cache, when switched on, answers every request."""

    def __init__(self) -> None:
        self.cache: object = "cache"
        self.served_without_cache = 0

    def generate(self, request: object) -> SimpleNamespace:
        self.served_without_cache += self.cache is None
        return SimpleNamespace(cache_hit=self.cache is not None)


@pytest.fixture
def registry(tmp_path: Path) -> str:
    """A two-group registry of our own."""
    folder = tmp_path / "registry"
    folder.mkdir()
    (folder / "shop.yaml").write_text(REGISTRY)
    return str(folder)


def test_capped_serving_keeps_hits_at_the_cap() -> None:
    """With a cache that always answers, 45 of 100 requests hit; it is restored."""
    pipeline = AlwaysHits()
    requests = [GenerationRequest("python", "attributes", ("g",))] * 100
    assert serve_capped(pipeline, requests, 0.45) == 45
    assert pipeline.served_without_cache == 55
    assert pipeline.cache == "cache"


def test_rerun_with_dearer_models_scales_token_cost(
    registry: str, tmp_path: Path
) -> None:
    """The same seeded run at 1.5x prices costs 1.5x in tokens, from spans."""
    run = simulated_workload(registry, 30, 7, tmp_path / "work", use_cache=False)
    base = run(WorkloadConfig())
    dear = run(WorkloadConfig(price_multiplier=1.5))
    assert base.count == dear.count == 30
    assert len(list((tmp_path / "work").iterdir())) == 2
    assert base.simulated
    assert dear.simulated
    base_tokens = sum(g.tokens_usd for g in base.generations)
    dear_tokens = sum(g.tokens_usd for g in dear.generations)
    assert base_tokens > 0
    assert dear_tokens == pytest.approx(1.5 * base_tokens)


def test_rerun_with_worse_cheap_models_escalates_more(
    registry: str, tmp_path: Path
) -> None:
    """Lower cheap-model success: more escalations, lower margins everywhere."""
    run = simulated_workload(registry, 30, 7, tmp_path / "work", use_cache=False)
    scenarios = (
        StressScenario("baseline", "as measured", WorkloadConfig()),
        StressScenario(
            "worse", "cheap worse", WorkloadConfig(cheap_success_multiplier=0.5)
        ),
    )
    base, worse = run_stress(run, load_pricing(), scenarios)
    assert worse.cost_per_generation_usd > base.cost_per_generation_usd
    assert all(worse.margin_deltas[t] < 0 for t in ("developer", "team", "enterprise"))
    accuracy_base = routing_accuracy(run(scenarios[0].config))
    accuracy_worse = routing_accuracy(run(scenarios[1].config))
    assert accuracy_base is not None
    assert accuracy_worse is not None
    assert accuracy_worse < accuracy_base


def test_rerun_with_capped_cache_stays_below_half(
    registry: str, tmp_path: Path
) -> None:
    """A run that hits the cache over half the time is held under 50%."""
    run = simulated_workload(registry, 60, 7, tmp_path / "work")
    free = run(WorkloadConfig())
    capped = run(WorkloadConfig(max_cache_hit_rate=0.45))
    assert capped.count == free.count == 60
    assert sum(g.cache_hit for g in free.generations) / 60 > 0.5
    assert sum(g.cache_hit for g in capped.generations) / 60 <= 0.45
    assert capped.total_usd > free.total_usd
