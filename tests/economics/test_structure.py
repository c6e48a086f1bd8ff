"""Tests for cost structures: the built-ins reproduce the seed's totals."""

from __future__ import annotations

from pathlib import Path

import pytest

from weavergen.economics.structure import builtin_structures, load_structure
from weavergen.errors import ConfigError


@pytest.mark.parametrize(
    ("name", "total", "per_generation"),
    [
        ("v1-baseline", 200.0, 0.20),
        ("v2-naive", 11100.0, 11.10),
        ("v2-optimised", 1160.0, 1.16),
    ],
)
def test_builtin_structure_totals_match_seed(
    name: str, total: float, per_generation: float
) -> None:
    """Each built-in adds up to the seed's monthly total and cost per generation."""
    structure = load_structure(name)
    assert structure.total_usd == pytest.approx(total)
    assert structure.volume_per_month == 1000
    assert structure.cost_per_generation_usd == pytest.approx(per_generation)


def test_builtin_structures_come_in_seed_order() -> None:
    """The three built-ins are listed baseline, naive, optimised."""
    names = [s.name for s in builtin_structures()]
    assert names == ["v1-baseline", "v2-naive", "v2-optimised"]


def test_user_structure_file_is_loaded_by_path(tmp_path: Path) -> None:
    """A user's YAML file in the same format is read by its path."""
    path = tmp_path / "mine.yaml"
    path.write_text(
        "name: mine\nvolume_per_month: 400\nitems:\n"
        "  - {name: gpu, category: inference, monthly_usd: 300}\n"
        "  - {name: db, category: infrastructure, monthly_usd: 100}\n"
    )
    structure = load_structure(str(path))
    assert structure.cost_per_generation_usd == pytest.approx(1.0)
    assert structure.by_category() == {"inference": 300.0, "infrastructure": 100.0}
    assert structure.infrastructure_per_generation_usd() == pytest.approx(0.25)


def test_wrong_amount_names_file_and_key(tmp_path: Path) -> None:
    """A non-numeric amount is reported with the file and the item's key."""
    path = tmp_path / "bad.yaml"
    path.write_text("volume_per_month: 10\nitems:\n  - {name: x, monthly_usd: lots}\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: 'items\[0\]\.monthly_usd'"):
        load_structure(str(path))


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    """A YAML syntax error is reported with file and line."""
    path = tmp_path / "broken.yaml"
    path.write_text("volume_per_month: 10\nitems: [\n  {name: x\n")
    with pytest.raises(ConfigError, match=r"broken\.yaml:\d+: not valid YAML"):
        load_structure(str(path))


def test_unknown_scenario_lists_builtins() -> None:
    """An unknown name that is no file says which built-ins exist."""
    with pytest.raises(ConfigError, match="built-ins: v1-baseline, v2-naive"):
        load_structure("v3-dream")


def test_builtin_name_wins_over_a_same_named_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder called v2-naive in the working directory does not hide the built-in."""
    (tmp_path / "v2-naive").mkdir()
    monkeypatch.chdir(tmp_path)
    assert load_structure("v2-naive").cost_per_generation_usd == pytest.approx(11.10)
