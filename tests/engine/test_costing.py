"""Tests for the CPU and storage cost of template generations."""

from __future__ import annotations

from pathlib import Path

import pytest

from weavergen.engine.costing import (
    BYTES_PER_GB,
    DEFAULT_COMPUTE_USD_PER_CPU_S,
    CostRates,
    load_cost_rates,
    template_cost,
)
from weavergen.errors import ConfigError


def test_template_cost_prices_cpu_and_retained_bytes() -> None:
    """Compute is CPU s x rate; storage is GB x months x monthly rate."""
    rates = CostRates(
        compute_usd_per_cpu_s=2.0, storage_usd_per_gb_month=3.0, retention_months=4.0
    )

    cost = template_cost(0.5, BYTES_PER_GB // 2, rates)

    assert cost.compute_usd == 1.0
    assert cost.storage_usd == 6.0
    assert cost.total_usd == 7.0
    assert (cost.cpu_s, cost.stored_bytes) == (0.5, BYTES_PER_GB // 2)


def test_defaults_apply_without_config(tmp_path: Path) -> None:
    """With no weavergen.toml and no env vars, the documented defaults apply."""
    rates = load_cost_rates(tmp_path, env={})

    assert rates == CostRates()
    assert rates.compute_usd_per_cpu_s == DEFAULT_COMPUTE_USD_PER_CPU_S


def test_costs_table_then_env_override(tmp_path: Path) -> None:
    """[costs] in weavergen.toml sets rates; environment variables win over it."""
    (tmp_path / "weavergen.toml").write_text(
        "[costs]\ncompute_usd_per_cpu_s = 0.5\nretention_months = 6\n"
    )

    rates = load_cost_rates(tmp_path, env={"WEAVERGEN_COST_RETENTION_MONTHS": "2"})

    assert rates.compute_usd_per_cpu_s == 0.5
    assert rates.retention_months == 2.0
    assert rates.storage_usd_per_gb_month == CostRates().storage_usd_per_gb_month


def test_other_tables_in_config_are_ignored(tmp_path: Path) -> None:
    """A weavergen.toml without [costs] (models only) leaves the defaults."""
    (tmp_path / "weavergen.toml").write_text('[models.local]\nprovider = "x"\n')

    assert load_cost_rates(tmp_path, env={}) == CostRates()


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[costs]\ncompute_usd_per_cpu_s = "cheap"\n',
            r"costs\.compute_usd_per_cpu_s: expected a number",
        ),
        (
            "[costs]\nretention_months = -1\n",
            r"costs\.retention_months: expected a non-negative",
        ),
        ("[costs]\negress_usd = 1\n", r"costs\.egress_usd: unknown rate"),
        ("costs = 3\n", r"\[costs\] must be a table"),
        ("[costs\n", "cannot read it as TOML"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path: Path, toml: str, message: str) -> None:
    """A wrong [costs] entry raises ConfigError naming weavergen.toml and the key."""
    (tmp_path / "weavergen.toml").write_text(toml)

    with pytest.raises(ConfigError, match=message) as caught:
        load_cost_rates(tmp_path, env={})
    assert "weavergen.toml" in str(caught.value)


def test_bad_env_value_names_the_variable(tmp_path: Path) -> None:
    """A non-numeric env override raises ConfigError naming the variable."""
    env = {"WEAVERGEN_COST_STORAGE_USD_PER_GB_MONTH": "nan"}

    with pytest.raises(ConfigError, match="WEAVERGEN_COST_STORAGE_USD_PER_GB_MONTH"):
        load_cost_rates(tmp_path, env=env)
