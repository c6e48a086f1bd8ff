"""Tests for reading ``[routing]`` from weavergen.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from weavergen.errors import ConfigError
from weavergen.routing import DEFAULT_ROUTING, load_routing_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "weavergen.toml"
    path.write_text(text)
    return path


def test_missing_file_gives_the_seed_policy(tmp_path: Path) -> None:
    """No file means the default bands."""
    assert load_routing_config(tmp_path / "none.toml") == DEFAULT_ROUTING


def test_bands_are_read_in_order(tmp_path: Path) -> None:
    """Thresholds and model sets come from the file."""
    path = write(
        tmp_path,
        '[routing]\nescalate = false\n[[routing.bands]]\nbelow = 0.5\nmodels = ["a"]\n'
        '[[routing.bands]]\nbelow = 1.01\nmodels = ["b"]\n'
        'consensus = ["a", "b", "c"]\n',
    )
    config = load_routing_config(path)
    assert [b.below for b in config.bands] == [0.5, 1.01]
    assert config.bands[1].consensus == ("a", "b", "c")
    assert config.escalate is False


def test_decreasing_thresholds_name_the_key(tmp_path: Path) -> None:
    """Bands out of order are a ConfigError naming routing.bands."""
    path = write(
        tmp_path,
        '[routing]\n[[routing.bands]]\nbelow = 0.9\nmodels = ["a"]\n'
        '[[routing.bands]]\nbelow = 0.3\nmodels = ["b"]\n',
    )
    with pytest.raises(ConfigError, match="must strictly increase"):
        load_routing_config(path)


def test_band_without_models_is_refused(tmp_path: Path) -> None:
    """An empty model list is a ConfigError naming the band."""
    path = write(tmp_path, "[routing]\n[[routing.bands]]\nbelow = 0.9\nmodels = []\n")
    with pytest.raises(ConfigError, match=r"routing.bands\[0\].models"):
        load_routing_config(path)


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    """Unparseable TOML is reported with its path."""
    path = write(tmp_path, "[routing\n")
    with pytest.raises(ConfigError, match=r"weavergen\.toml"):
        load_routing_config(path)
