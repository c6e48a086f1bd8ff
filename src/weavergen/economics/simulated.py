"""Stress scenarios re-run through the real pipeline with the simulated fleet.

Replaying measured spans (:func:`weavergen.economics.stress.replay_workload`)
estimates what a change would cost; this runner instead runs the same seeded
workload again with the change in place: every model's price scaled, cheap
models' success rates lowered (so the cascade escalates more), or the cache
switched off for requests that would lift its hit rate over a cap. Each run
writes its own span store, and the ledger is read back from it, so every
figure comes from spans. Everything it produces is simulated.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from weavergen.economics.ledger import Ledger, open_ledger
from weavergen.economics.stress import RunWorkload, WorkloadConfig
from weavergen.engine.assemble import build_pipeline
from weavergen.engine.request import GenerationRequest
from weavergen.engine.simulate import build_workload
from weavergen.models.fleet import SimulatedModel, simulated_fleet
from weavergen.models.pricing import ModelPrice
from weavergen.registry import load_registry
from weavergen.telemetry import Telemetry

logger = logging.getLogger(__name__)

# Models cheaper than this blended $/Mtok count as "cheap" for the scenario
# that lowers cheap models' quality: the local model and the smallest cloud one.
CHEAP_PRICE_PER_MTOK = 1.0


class Generator(Protocol):
    """The part of the pipeline a capped run needs."""

    cache: Any

    def generate(self, request: GenerationRequest) -> Any: ...


def serve_capped(
    pipeline: Generator, requests: Sequence[GenerationRequest], cap: float
) -> int:
    """Serve ``requests`` with the cache switched off whenever a hit would
    lift the hit rate over ``cap``; return the number of cache hits.

    Working at the request level (rather than wrapping the cache) depends
    only on the pipeline's public ``cache`` field and ``cache_hit`` result.
    A request served without the cache also stores nothing in it.
    """
    real, hits = pipeline.cache, 0
    for index, request in enumerate(requests):
        allowed = hits + 1 <= cap * (index + 1)
        pipeline.cache = real if allowed else None
        try:
            hits += int(bool(pipeline.generate(request).cache_hit))
        finally:
            pipeline.cache = real
    return hits


def simulated_workload(
    registry: str, requests: int, seed: int, work_dir: Path, *, use_cache: bool = True
) -> RunWorkload:
    """A runner that re-runs one seeded workload under each config."""
    loaded = load_registry(registry)
    workload = build_workload(loaded.groups, requests, seed)

    runs = iter(range(1, 1_000_000))

    def run(config: WorkloadConfig) -> Ledger:
        # A fresh folder per run: a reused one would add its spans to the last.
        folder = work_dir / f"{next(runs):03d}-{_slug(config)}"
        fleet = {m.name: _adjusted(m, config) for m in simulated_fleet(seed)}
        with Telemetry(folder) as telemetry, telemetry.run("economics stress"):
            pipeline = build_pipeline(
                loaded,
                tracer=telemetry.tracer,
                state_dir=folder,
                models=fleet,
                use_cache=use_cache,
            )
            _serve(pipeline, workload.requests, config.max_cache_hit_rate)
        logger.info("stress run %s: %d requests", folder.name, requests)
        return open_ledger(folder)

    return run


def _serve(
    pipeline: Generator, requests: Sequence[GenerationRequest], cap: float | None
) -> None:
    if cap is not None:
        serve_capped(pipeline, requests, cap)
        return
    for request in requests:
        pipeline.generate(request)


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
