"""Stress scenarios re-run through the real pipeline with the simulated fleet.

Replaying measured spans (:func:`weavergen.economics.stress.replay_workload`)
estimates what a change would cost; this runner instead runs the same seeded
workload again with the change in place: every model's price scaled, cheap
models' success rates lowered (so the cascade escalates more), or the cache
made to miss until its hit rate stays under a cap. Each run writes its own
span store, and the ledger is read back from it, so every figure comes from
spans. Everything it produces is simulated.
"""

from __future__ import annotations

import logging
from pathlib import Path

from weavergen.economics.ledger import Ledger, open_ledger
from weavergen.economics.stress import RunWorkload, WorkloadConfig
from weavergen.engine.assemble import build_pipeline
from weavergen.engine.pipeline import AnswerCache, CachedAnswer, Pipeline
from weavergen.engine.simulate import build_workload
from weavergen.models.fleet import SimulatedModel, simulated_fleet
from weavergen.models.pricing import ModelPrice
from weavergen.registry import load_registry
from weavergen.telemetry import Telemetry

logger = logging.getLogger(__name__)

# Models cheaper than this blended $/Mtok count as "cheap" for the scenario
# that lowers cheap models' quality: the local model and the smallest cloud one.
CHEAP_PRICE_PER_MTOK = 1.0


class CappedCache:
    """A cache that turns hits into misses so its hit rate stays under a cap.

    The rate is over lookups; generations answered by a template never look
    the cache up, so the rate over all generations is lower still.
    """

    def __init__(self, inner: AnswerCache, cap: float) -> None:
        self.inner = inner
        self.cap = cap
        self.lookups = 0
        self.hits = 0

    def get(self, key: str) -> CachedAnswer | None:
        """The stored answer, unless serving it would break the cap."""
        self.lookups += 1
        return self._allow(self.inner.get(key))

    def put(self, key: str, code: str, *, intent: str | None, scope: str) -> None:
        """Store as the real cache does."""
        self.inner.put(key, code, intent=intent, scope=scope)

    def evict(self, key: str) -> None:
        """Evict as the real cache does."""
        self.inner.evict(key)

    def nearest_intent(self, intent: str, scope: str) -> CachedAnswer | None:
        """The nearest answer, unless serving it would break the cap."""
        return self._allow(self.inner.nearest_intent(intent, scope))

    def _allow(self, answer: CachedAnswer | None) -> CachedAnswer | None:
        if answer is None or self.hits + 1 > self.cap * self.lookups:
            return None
        self.hits += 1
        return answer


def simulated_workload(
    registry: str, requests: int, seed: int, work_dir: Path
) -> RunWorkload:
    """A runner that re-runs one seeded workload under each config."""
    loaded = load_registry(registry)
    workload = build_workload(loaded.groups, requests, seed)

    def run(config: WorkloadConfig) -> Ledger:
        folder = work_dir / _slug(config)
        fleet = {m.name: _adjusted(m, config) for m in simulated_fleet(seed)}
        with Telemetry(folder) as telemetry, telemetry.run("economics stress"):
            pipeline = build_pipeline(
                loaded, tracer=telemetry.tracer, state_dir=folder, models=fleet
            )
            _cap_cache(pipeline, config.max_cache_hit_rate)
            for request in workload.requests:
                pipeline.generate(request)
        logger.info("stress run %s: %d requests", folder.name, requests)
        return open_ledger(folder)

    return run


def _cap_cache(pipeline: Pipeline, cap: float | None) -> None:
    if cap is not None and pipeline.cache is not None:
        pipeline.cache = CappedCache(pipeline.cache, cap)


def _adjusted(model: SimulatedModel, config: WorkloadConfig) -> SimulatedModel:
    price = _scaled(model.price, config.price_multiplier)
    rate = model.success_rate
    if model.price.input_per_mtok < CHEAP_PRICE_PER_MTOK:
        rate *= config.cheap_success_multiplier
    return SimulatedModel(
        model.name, price=price, success_rate=rate, tier=model.tier, seed=model.seed
    )


def _scaled(price: ModelPrice, factor: float) -> ModelPrice:
    def times(value: float | None) -> float | None:
        return None if value is None else value * factor

    return ModelPrice(
        price.input_per_mtok * factor,
        price.output_per_mtok * factor,
        times(price.cached_input_per_mtok),
        times(price.cache_write_per_mtok),
    )


def _slug(config: WorkloadConfig) -> str:
    cap = "none" if config.max_cache_hit_rate is None else config.max_cache_hit_rate
    return (
        f"run-price{config.price_multiplier}-cache{cap}"
        f"-cheap{config.cheap_success_multiplier}"
    )
