"""Tests for reading the shipped or the user's YAML inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from weavergen.economics.scenario_files import read_scenario, require_number
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
