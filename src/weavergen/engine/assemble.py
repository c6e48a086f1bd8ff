"""Put a pipeline together from its real parts: config, models, cache, tracer.

The pipeline takes every collaborator as an argument so it can be tested with
fakes; commands (``generate``, ``simulate``, the service) build it here, in
one way, from ``weavergen.toml`` and the state folder.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from opentelemetry.trace import Tracer

from weavergen.cache import SingleFlight, VerifiedCache
from weavergen.engine.forge_tier import ForgeTemplates
from weavergen.engine.pipeline import Pipeline, RegistryView
from weavergen.engine.reference import reference_code
from weavergen.engine.request import GenerationResult
from weavergen.engine.validate import validate
from weavergen.learning import load_effectiveness
from weavergen.models.chat import ChatModel
from weavergen.models.config import load_models_config
from weavergen.routing import (
    LearnedPolicy,
    Router,
    RoutingConfig,
    RulePolicy,
    load_routing_config,
)
from weavergen.telemetry.state import span_store_path

log = logging.getLogger(__name__)

CONFIG_FILE = "weavergen.toml"
CACHE_FILE = "cache.db"


def default_config_path(explicit: Path | None) -> Path | None:
    """The config given, else ``weavergen.toml`` in the working folder if any."""
    if explicit is not None:
        return explicit
    local = Path.cwd() / CONFIG_FILE
    return local if local.is_file() else None


def load_models(config_path: Path | None) -> dict[str, ChatModel]:
    """The configured models by name (the simulated fleet without a file)."""
    config = load_models_config(config_path)
    return {name: config.get(name) for name in config.names()}


def build_pipeline(
    registry: RegistryView,
    *,
    tracer: Tracer,
    state_dir: Path,
    config_path: Path | None = None,
    models: Mapping[str, ChatModel] | None = None,
    use_cache: bool = True,
) -> Pipeline:
    """A pipeline with templates, the verified cache, config'd models, rules."""
    chosen = dict(models) if models is not None else load_models(config_path)
    cache, flights = _cache_parts(state_dir) if use_cache else (None, None)
    return Pipeline(
        registry=registry,
        models=chosen,
        router=build_router(load_routing_config(config_path), state_dir),
        validate=validate,
        reference=reference_code,
        tracer=tracer,
        templates=ForgeTemplates(),
        cache=cache,
        flights=flights,
    )


def build_router(config: RoutingConfig, state_dir: Path) -> Router:
    """The rule policy, or the learned one over the state folder's spans."""
    if config.policy != "learned":
        return RulePolicy(config)
    table = load_effectiveness(span_store_path(state_dir), config.band_limits())
    return LearnedPolicy(config, table)


def _cache_parts(
    state_dir: Path,
) -> tuple[VerifiedCache, SingleFlight[GenerationResult]]:
    return VerifiedCache(state_dir / CACHE_FILE), SingleFlight()


def describe_models(models: Mapping[str, ChatModel]) -> list[dict[str, Any]]:
    """Name, tier and simulated flag of each model, for summaries."""
    return [
        {"name": name, "tier": model.tier, "simulated": model.simulated}
        for name, model in models.items()
    ]
