"""The parity report tells byte differences from wrong values."""

from __future__ import annotations

from pathlib import Path

from weavergen.forge.parity import (
    compare_trees,
    fact_differences,
    generated_files,
    main,
    module_facts,
)

MODULE = '''\
from enum import Enum
from typing import Final

HTTP_ROUTE: Final = "http.route"
"""Doc."""


class HttpMethodValues(Enum):
    GET = "GET"


def create_http_x(meter):
    return meter.create_counter(name=HTTP_ROUTE, unit="s")
'''


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Lay out generated modules under ``root``."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_module_facts_name_every_constant_member_and_factory() -> None:
    """Facts cover constants, enum members (with decorators) and factories."""
    facts = module_facts(MODULE)
    assert facts["HTTP_ROUTE"] == "'http.route'"
    assert facts["HttpMethodValues"] == ""
    assert facts["HttpMethodValues.GET"] == "'GET'"
    assert facts["create_http_x()"] == (
        " <- meter.create_counter(name=HTTP_ROUTE, unit='s')"
    )


def test_fact_differences_list_missing_extra_and_changed() -> None:
    """Each kind of difference gets its own line."""
    problems = fact_differences({"A": "1", "B": "2"}, {"A": "3", "C": "4"})
    assert problems == ["missing C", "extra B", "A: 1 != 3"]


def test_compare_trees_counts_identical_and_reports_wrong_values(
    tmp_path: Path,
) -> None:
    """Whitespace-only differences count as differing but with no wrong facts."""
    published = write_tree(
        tmp_path / "pub",
        {
            "attributes/a_attributes.py": MODULE,
            "attributes/__init__.py": "",
            "metrics/b_metrics.py": MODULE,
            "_incubating/metrics/c_metrics.py": MODULE,
        },
    )
    ours = write_tree(
        tmp_path / "ours",
        {
            "attributes/a_attributes.py": MODULE,
            "metrics/b_metrics.py": MODULE + "\n",
            "_incubating/attributes/extra_attributes.py": MODULE,
        },
    )
    report = compare_trees(ours, published)
    assert generated_files(published) == [
        "_incubating/metrics/c_metrics.py",
        "attributes/a_attributes.py",
        "metrics/b_metrics.py",
    ]
    assert report.identical == ["attributes/a_attributes.py"]
    assert report.differing == ["metrics/b_metrics.py"]
    assert report.missing == ["_incubating/metrics/c_metrics.py"]
    assert report.extra == ["_incubating/attributes/extra_attributes.py"]
    assert report.fact_mismatches == {}
    assert report.summary().splitlines()[0] == "1 of 3 files byte-identical"


def test_main_prints_figure_and_fails_on_missing(
    tmp_path: Path, capsys: object
) -> None:
    """The command exits non-zero when published modules are missing."""
    assert main([str(tmp_path)]) == 1
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert out.startswith("0 of ")
