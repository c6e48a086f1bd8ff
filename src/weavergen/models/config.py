"""Which models exist, where they live and what they cost: ``weavergen.toml``.

Each ``[models.<name>]`` table describes one model::

    [models.gpt4_mini]
    provider = "openai"            # openai | anthropic | simulated
    model = "gpt-4o-mini"          # the provider's model id
    base_url = "http://127.0.0.1:8000/v1"
    api_key_env = "OPENAI_API_KEY" # the variable's *name*; never the key
    input_per_mtok = 0.15          # US$ per million tokens
    output_per_mtok = 0.60
    cached_input_per_mtok = 0.075  # default: the input rate
    cache_write_per_mtok = 0.1875  # default: 1.25 x the input rate
    timeout_s = 60
    max_retries = 3
    tier = "cloud"                 # local | cloud
    circuit_failures = 5           # consecutive failed calls that open it
    circuit_cooldown_s = 30

``price_per_mtok`` sets input, output and cached rates at once (the blended
price the simulated fleet uses). Simulated models also take ``success_rate``
and ``seed``; one named like a seed-fleet model takes its price, rate and
tier as defaults. Every mistake is a :class:`ConfigError` naming the file and
the key; a missing API key variable only when that model is first called.
Without a file, or with a file that has no ``[models]``, the simulated fleet
is used.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import httpx

from weavergen.errors import ConfigError
from weavergen.models.anthropic import AnthropicChatModel
from weavergen.models.chat import ChatModel, Tier
from weavergen.models.circuit import CircuitBreaker
from weavergen.models.fleet import SEED_FLEET, SimulatedModel, simulated_fleet
from weavergen.models.http_model import HttpChatModel
from weavergen.models.openai_compat import OpenAIChatModel
from weavergen.models.pricing import ModelPrice
from weavergen.models.retry import RetryPolicy

PROVIDERS = ("openai", "anthropic", "simulated")
TIERS: tuple[Tier, ...] = ("local", "cloud")
_PRICE_KEYS = (
    "input_per_mtok",
    "output_per_mtok",
    "cached_input_per_mtok",
    "cache_write_per_mtok",
    "price_per_mtok",
)
_COMMON_KEYS = frozenset({"provider", "tier", *_PRICE_KEYS})
_HTTP_KEYS = _COMMON_KEYS | {
    "model",
    "base_url",
    "api_key_env",
    "timeout_s",
    "max_retries",
    "circuit_failures",
    "circuit_cooldown_s",
}
_SIMULATED_KEYS = _COMMON_KEYS | {"success_rate", "seed"}
_SEED_DEFAULTS = {name: (price, rate, tier) for name, price, rate, tier in SEED_FLEET}


@dataclass(frozen=True)
class ModelsConfig:
    """The configured models by name, in file order."""

    models: dict[str, ChatModel]
    source: Path | None = None

    def __iter__(self) -> Iterator[ChatModel]:
        return iter(self.models.values())

    def __len__(self) -> int:
        return len(self.models)

    def __contains__(self, name: object) -> bool:
        return name in self.models

    def names(self) -> list[str]:
        """Model names in file order."""
        return list(self.models)

    def get(self, name: str) -> ChatModel:
        """The model called ``name``; ``ConfigError`` listing the known ones."""
        try:
            return self.models[name]
        except KeyError:
            where = self.source or "the simulated fleet"
            known = ", ".join(self.models) or "none"
            raise ConfigError(f"{where}: no model {name!r} (known: {known})") from None

    def by_tier(self, tier: Tier) -> list[ChatModel]:
        """The models of one tier, in file order."""
        return [m for m in self.models.values() if m.tier == tier]

    @property
    def simulated(self) -> bool:
        """True when every model is simulated."""
        return all(m.simulated for m in self.models.values())

    def close(self) -> None:
        """Close every HTTP connection pool."""
        for model in self.models.values():
            if isinstance(model, HttpChatModel):
                model.close()


def load_models_config(path: str | Path | None) -> ModelsConfig:
    """Models from ``weavergen.toml`` at ``path``; the simulated fleet if None."""
    if path is None:
        return ModelsConfig({m.name: m for m in simulated_fleet()})
    source = Path(path)
    tables = _model_tables(_read_toml(source), source)
    if tables is None:
        return ModelsConfig({m.name: m for m in simulated_fleet()}, source)
    models = {name: build_model(name, table, source) for name, table in tables.items()}
    return ModelsConfig(models, source)


def build_model(name: str, table: dict[str, Any], source: Path) -> ChatModel:
    """One model from its ``[models.<name>]`` table."""
    fields = _Fields(name, table, source)
    provider = fields.choice("provider", PROVIDERS, None)
    if provider == "simulated":
        return _simulated_model(fields)
    return _http_model(fields, provider)


def _read_toml(source: Path) -> dict[str, Any]:
    try:
        with source.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{source}: file not found") from None
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc


def _model_tables(
    document: dict[str, Any], source: Path
) -> dict[str, dict[str, Any]] | None:
    models = document.get("models")
    if models is None:
        return None
    if not isinstance(models, dict):
        raise ConfigError(f"{source}: models: expected a table of [models.<name>]")
    for name, table in models.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: models.{name}: expected a table")
    return cast(dict[str, dict[str, Any]], models)


def _http_model(fields: _Fields, provider: str) -> HttpChatModel:
    fields.reject_unknown(_HTTP_KEYS)
    adapter = OpenAIChatModel if provider == "openai" else AnthropicChatModel
    name = fields.name
    breaker = CircuitBreaker(
        name,
        failure_threshold=fields.integer("circuit_failures", 5, minimum=1),
        cooldown_s=fields.number("circuit_cooldown_s", 30.0),
    )
    return adapter(
        name=name,
        model=fields.text("model", None),
        base_url=fields.url("base_url"),
        api_key_env=fields.optional_text("api_key_env"),
        price=fields.price(None),
        timeout_s=fields.number("timeout_s", 60.0, positive=True),
        tier=fields.choice("tier", TIERS, "cloud"),
        retry=RetryPolicy(max_retries=fields.integer("max_retries", 3, minimum=0)),
        breaker=breaker,
        config_source=str(fields.source),
    )


def _simulated_model(fields: _Fields) -> SimulatedModel:
    fields.reject_unknown(_SIMULATED_KEYS)
    seed_price, seed_rate, seed_tier = _SEED_DEFAULTS.get(
        fields.name, (None, None, None)
    )
    rate = fields.number("success_rate", seed_rate)
    if rate > 1.0:
        raise fields.error("success_rate", "expected a probability in [0, 1]", rate)
    return SimulatedModel(
        fields.name,
        price=fields.price(seed_price),
        success_rate=rate,
        tier=fields.choice("tier", TIERS, seed_tier or "cloud"),
        seed=fields.integer("seed", 0, minimum=0),
    )


@dataclass(frozen=True)
class _Fields:
    """Typed reads from one model table, each error naming file and key."""

    name: str
    table: dict[str, Any]
    source: Path

    def error(self, key: str, expected: str, got: object) -> ConfigError:
        return ConfigError(
            f"{self.source}: models.{self.name}.{key}: {expected}, got {got!r}"
        )

    def reject_unknown(self, allowed: frozenset[str]) -> None:
        unknown = sorted(set(self.table) - allowed)
        if unknown:
            raise self.error(
                unknown[0], f"unknown key (allowed: {', '.join(sorted(allowed))})", "?"
            )

    def _required(self, key: str, default: Any) -> Any:
        if key in self.table:
            return self.table[key]
        if default is None:
            raise ConfigError(f"{self.source}: models.{self.name}.{key}: missing")
        return default

    def text(self, key: str, default: str | None) -> str:
        value = self._required(key, default)
        if not isinstance(value, str) or not value:
            raise self.error(key, "expected a non-empty string", value)
        return value

    def url(self, key: str) -> str:
        # Checked here so that a typo is a config error naming the key, not
        # an httpx exception (or a silent fallback) at the first call.
        value = self.text(key, None)
        try:
            parsed = httpx.URL(value)
        except httpx.InvalidURL as exc:
            raise self.error(key, f"expected an http(s) URL ({exc})", value) from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise self.error(key, "expected an http:// or https:// URL", value)
        return value

    def optional_text(self, key: str) -> str | None:
        return self.text(key, None) if key in self.table else None

    def choice(self, key: str, allowed: tuple[str, ...], default: str | None) -> Any:
        value = self.text(key, default)
        if value not in allowed:
            raise self.error(key, f"expected one of {', '.join(allowed)}", value)
        return value

    def number(
        self, key: str, default: float | None, *, positive: bool = False
    ) -> float:
        value = self._required(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, "expected a number", value)
        if not math.isfinite(value):
            # TOML allows nan and inf; neither is a price or a timeout.
            raise self.error(key, "expected a finite number", value)
        if value < 0 or (positive and value == 0):
            kind = "a positive number" if positive else "a number >= 0"
            raise self.error(key, f"expected {kind}", value)
        return float(value)

    def integer(self, key: str, default: int, *, minimum: int) -> int:
        value = self._required(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.error(key, f"expected an integer >= {minimum}", value)
        return value

    def price(self, blended_default: float | None) -> ModelPrice:
        blended = self._optional_number("price_per_mtok", blended_default)
        input_rate = self.number("input_per_mtok", blended)
        return ModelPrice(
            input_per_mtok=input_rate,
            output_per_mtok=self.number("output_per_mtok", blended),
            cached_input_per_mtok=self._optional_number(
                "cached_input_per_mtok", blended
            ),
            cache_write_per_mtok=self._optional_number("cache_write_per_mtok", None),
        )

    def _optional_number(self, key: str, default: float | None) -> float | None:
        if key not in self.table:
            return default
        return self.number(key, None)
