"""What a generation costs when no model is called: CPU time and storage.

The template tier is the cheapest tier, but not free, and the economics
reports need a number per generation to compare tiers fairly. The cost is
measured CPU seconds times a compute rate, plus the bytes written times a
storage rate over an assumed retention. Rates come from defaults below, a
``[costs]`` table in ``weavergen.toml`` in the working folder, and
environment variables, in rising order of precedence.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from weavergen.errors import ConfigError

# AWS Lambda's published x86 price, $0.0000166667 per GB-second, is the usual
# serverless list price; a function with 1 GB of memory gets about one vCPU's
# worth of time, so we read it as USD per CPU-second.
DEFAULT_COMPUTE_USD_PER_CPU_S = 0.0000166667
# Amazon S3 Standard's first-tier list price in us-east-1, USD per GB-month.
DEFAULT_STORAGE_USD_PER_GB_MONTH = 0.023
# Generated files are kept (in the user's repo, in the cache) about a year
# before they are regenerated or thrown away.
DEFAULT_RETENTION_MONTHS = 12.0
# Cloud storage bills a "GB" of 2**30 bytes.
BYTES_PER_GB = 2**30

CONFIG_FILE = "weavergen.toml"
ENV_PREFIX = "WEAVERGEN_COST_"


@dataclass(frozen=True, slots=True)
class CostRates:
    """The prices a template generation is charged at."""

    compute_usd_per_cpu_s: float = DEFAULT_COMPUTE_USD_PER_CPU_S
    storage_usd_per_gb_month: float = DEFAULT_STORAGE_USD_PER_GB_MONTH
    retention_months: float = DEFAULT_RETENTION_MONTHS


@dataclass(frozen=True, slots=True)
class GenerationCost:
    """The cost of one generation, split into what it was spent on."""

    cpu_s: float
    stored_bytes: int
    compute_usd: float
    storage_usd: float

    @property
    def total_usd(self) -> float:
        """Compute plus storage, in USD."""
        return self.compute_usd + self.storage_usd


def template_cost(cpu_s: float, stored_bytes: int, rates: CostRates) -> GenerationCost:
    """Price ``cpu_s`` seconds of CPU and ``stored_bytes`` kept for retention."""
    gb_months = stored_bytes / BYTES_PER_GB * rates.retention_months
    return GenerationCost(
        cpu_s=cpu_s,
        stored_bytes=stored_bytes,
        compute_usd=cpu_s * rates.compute_usd_per_cpu_s,
        storage_usd=gb_months * rates.storage_usd_per_gb_month,
    )


def load_cost_rates(
    cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> CostRates:
    """Read rates: defaults, then ``weavergen.toml`` ``[costs]``, then env vars."""
    config = (cwd or Path.cwd()) / CONFIG_FILE
    rates = _apply(CostRates(), _table_from_file(config), str(config))
    return _apply(rates, _values_from_env(os.environ if env is None else env), "env")


def env_var_for(key: str) -> str:
    """Name of the environment variable that overrides rate ``key``."""
    return ENV_PREFIX + key.upper()


def _table_from_file(config: Path) -> Mapping[str, object]:
    if not config.is_file():
        return {}
    try:
        document = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{config}: cannot read it as TOML: {exc}") from exc
    table = document.get("costs", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{config}: [costs] must be a table of rates")
    return table


def _values_from_env(env: Mapping[str, str]) -> Mapping[str, object]:
    names = [f.name for f in fields(CostRates)]
    return {name: env[env_var_for(name)] for name in names if env_var_for(name) in env}


def _apply(rates: CostRates, values: Mapping[str, object], source: str) -> CostRates:
    known = {f.name for f in fields(CostRates)}
    changes: dict[str, float] = {}
    for key, raw in values.items():
        where = env_var_for(key) if source == "env" else f"{source}: costs.{key}"
        if key not in known:
            raise ConfigError(f"{where}: unknown rate; expected one of {sorted(known)}")
        changes[key] = _non_negative(raw, where)
    return replace(rates, **changes)


def _non_negative(raw: object, where: str) -> float:
    try:
        value = float(raw)  # type: ignore[arg-type]  # checked by the except
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: expected a number, got {raw!r}") from exc
    if value < 0 or not math.isfinite(value):
        raise ConfigError(f"{where}: expected a non-negative number, got {raw!r}")
    return value
