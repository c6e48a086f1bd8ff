"""Tests for reading the shipped or the user's YAML inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from weavergen.economics.scenario_files import (
    read_scenario,
    require_amount,
    require_count,
    require_number,
    require_price,
)
from weavergen.errors import ConfigError


def test_shipped_file_is_read_and_named() -> None:
    """With no path, the shipped file is parsed and its source says so."""
    data, source = read_scenario(None, "tiers.yaml", "tiers")
    assert source == "the built-in tiers.yaml"
    assert [t["name"] for t in data["tiers"]][:3] == ["developer", "team", "enterprise"]


def test_missing_user_file_says_what_was_expected(tmp_path: Path) -> None:
    """A path that is not a file names the path and the kind of file."""
    with pytest.raises(ConfigError, match=r"nope\.yaml: no such projections file"):
        read_scenario(tmp_path / "nope.yaml", "projections.yaml", "projections")


def test_booleans_are_not_numbers() -> None:
    """YAML's true is rejected where a number is expected."""
    with pytest.raises(
        ConfigError, match=r"f: 'tiers\[0\]\.monthly_usd' must be a number"
    ):
        require_number({"monthly_usd": True}, "monthly_usd", "f", "tiers[0]")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 1e300])
def test_non_finite_or_absurd_numbers_are_refused(value: float) -> None:
    """NaN, infinities and numbers past 1e15 are refused with the key named."""
    with pytest.raises(
        ConfigError, match=r"f: 'items\[0\]\.monthly_usd' must be a fin"
    ):
        require_number({"monthly_usd": value}, "monthly_usd", "f", "items[0]")


@pytest.mark.parametrize("value", [0, 0.5, -3, 2.5])
def test_counts_must_be_whole_and_positive(value: float) -> None:
    """A volume of 0, a fraction or a negative is refused (no division by 0)."""
    with pytest.raises(ConfigError, match="must be a whole number of at least 1"):
        require_count({"volume_per_month": value}, "volume_per_month", "f")


def test_counts_may_start_at_zero_when_asked() -> None:
    """With least=0 a count of 0 is read as the integer 0."""
    assert require_count({"customers": 0.0}, "customers", "f", least=0) == 0


@pytest.mark.parametrize("value", [0, -29.0])
def test_prices_must_be_above_zero(value: float) -> None:
    """A price of 0 or less is refused: margins divide by the price."""
    with pytest.raises(ConfigError, match=r"'tiers\[0\]\.overage_usd' must be above 0"):
        require_price({"overage_usd": value}, "overage_usd", "f", "tiers[0]")


def test_amounts_may_be_zero_but_not_negative() -> None:
    """A cost of 0 is kept; a negative cost is refused."""
    assert require_amount({"monthly_usd": 0}, "monthly_usd", "f") == 0.0
    with pytest.raises(ConfigError, match="'monthly_usd' must be 0 or more, got -1"):
        require_amount({"monthly_usd": -1}, "monthly_usd", "f")


def test_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    """Latin-1 bytes give a ConfigError naming the file and the byte."""
    path = tmp_path / "tiers.yaml"
    path.write_bytes(b"tiers: [{name: caf\xe9}]\n")
    with pytest.raises(
        ConfigError, match=r"tiers\.yaml: not UTF-8 text \(byte 18 is 0xe9\)"
    ):
        read_scenario(path, "tiers.yaml", "tiers")
