"""The rule policy's settings: complexity bands and model sets.

They live in ``[routing]`` of ``weavergen.toml`` so that an operator can move a
threshold or swap a model without a release::

    [routing]
    policy = "rules"          # or "learned" (see weavergen.routing.learned)
    min_observations = 20     # calls before the learned policy trusts a model
    explicit_only = ["gpt4"]
    min_voters = 3
    escalate = true

    [[routing.bands]]
    below = 0.3
    models = ["qwen3_local"]

    [[routing.bands]]
    below = 1.01
    models = ["qwen3_local", "claude_haiku"]
    consensus = ["qwen3_local", "claude_haiku", "gpt4_mini", "claude_sonnet"]

A band's models are tried first; with ``escalate`` (the default) a request
whose band models all fail goes on to the models of the higher bands, cheapest
first, instead of failing. Without the table, :data:`DEFAULT_BANDS` apply.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weavergen.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Band:
    """Requests with complexity below ``below`` may use these models."""

    below: float
    models: tuple[str, ...]
    consensus: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RoutingConfig:
    """Bands in ascending order plus the models only a request may ask for."""

    bands: tuple[Band, ...]
    explicit_only: tuple[str, ...] = ("gpt4",)
    min_voters: int = 3
    policy: str = "rules"
    escalate: bool = True
    min_observations: int = 20

    def band_limits(self) -> tuple[float, ...]:
        """Each band's upper complexity limit, in order."""
        return tuple(band.below for band in self.bands)

    def all_models(self) -> set[str]:
        """Every model name any band mentions."""
        names: set[str] = set()
        for band in self.bands:
            names.update(band.models, band.consensus)
        return names


# The seed policy, named as the simulated fleet names its models.
DEFAULT_BANDS = (
    Band(0.3, ("qwen3_local",)),
    Band(0.7, ("qwen3_local", "claude_haiku")),
    Band(0.9, ("qwen3_local", "claude_haiku", "gpt4_mini")),
    Band(
        1.01,
        ("qwen3_local",),
        consensus=("qwen3_local", "claude_haiku", "gpt4_mini", "claude_sonnet"),
    ),
)
DEFAULT_ROUTING = RoutingConfig(DEFAULT_BANDS)
POLICIES = ("rules", "learned")


def load_routing_config(path: Path | None) -> RoutingConfig:
    """Read ``[routing]`` from ``path``; defaults when absent or no file."""
    if path is None or not path.exists():
        return DEFAULT_ROUTING
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read TOML: {exc}") from exc
    table = data.get("routing")
    if table is None:
        return DEFAULT_ROUTING
    return parse_routing(table, str(path))


def parse_routing(table: Mapping[str, Any], where: str) -> RoutingConfig:
    """Build a config from the ``[routing]`` table, naming the bad key."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: [routing] must be a table")
    raw_bands = table.get("bands")
    bands = DEFAULT_BANDS if raw_bands is None else _parse_bands(raw_bands, where)
    return RoutingConfig(
        bands=bands,
        explicit_only=_names(
            table.get("explicit_only", ["gpt4"]), where, "explicit_only"
        ),
        min_voters=_int(table.get("min_voters", 3), where, "min_voters"),
        policy=_policy(table.get("policy", "rules"), where),
        escalate=_bool(table.get("escalate", True), where, "escalate"),
        min_observations=_int(
            table.get("min_observations", 20), where, "min_observations"
        ),
    )


def _policy(value: Any, where: str) -> str:
    if value not in POLICIES:
        raise ConfigError(
            f"{where}: routing.policy must be one of {', '.join(POLICIES)}, "
            f"got {value!r}"
        )
    return str(value)


def _parse_bands(raw: Any, where: str) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{where}: routing.bands must be a non-empty array of tables")
    bands = tuple(_parse_band(item, where, index) for index, item in enumerate(raw))
    limits = [band.below for band in bands]
    if limits != sorted(limits) or len(set(limits)) != len(limits):
        raise ConfigError(
            f"{where}: routing.bands 'below' must strictly increase, got {limits}"
        )
    return bands


def _parse_band(item: Any, where: str, index: int) -> Band:
    key = f"routing.bands[{index}]"
    if not isinstance(item, Mapping):
        raise ConfigError(f"{where}: {key} must be a table")
    below = item.get("below")
    if not isinstance(below, int | float) or isinstance(below, bool) or below <= 0:
        raise ConfigError(f"{where}: {key}.below must be a number above 0")
    models = _names(item.get("models"), where, f"{key}.models")
    if not models:
        raise ConfigError(f"{where}: {key}.models must name at least one model")
    consensus = _names(item.get("consensus", []), where, f"{key}.consensus")
    return Band(float(below), models, consensus)


def _names(value: Any, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} must be an array of model names")
    return tuple(value)


def _int(value: Any, where: str, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{where}: {key} must be a whole number of at least 1")
    return value


def _bool(value: Any, where: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key} must be true or false")
    return value
