"""The python target reproduces opentelemetry-semantic-conventions 0.66b2.

The published package was generated from semantic conventions v1.44.0;
rendering the same registry must give the same modules. The floor below is
the byte-identical count reached when this test was written, so any
regression fails; raise it when output improves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from weavergen.forge.output import write_rendered
from weavergen.forge.parity import (
    compare_trees,
    generated_files,
    module_facts,
    published_package_root,
)
from weavergen.forge.render import render_target
from weavergen.forge.target import load_target
from weavergen.registry import load_registry

IDENTICAL_FLOOR = 120


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, semconv_model: Path) -> Path:
    """The v1.44.0 registry rendered with the python target, written to disk."""
    out = tmp_path_factory.mktemp("python-target")
    registry = load_registry(semconv_model)
    write_rendered(render_target(registry, load_target("python"), out), out)
    return out


def test_every_published_module_is_rendered(rendered: Path) -> None:
    """Same set of generated modules: none missing, none extra."""
    published = generated_files(published_package_root())
    assert len(published) >= 120
    assert generated_files(rendered) == published


def test_constants_enums_and_factories_match(rendered: Path) -> None:
    """Every constant, enum member and create_* factory has the published value."""
    published = published_package_root()
    for name in generated_files(published):
        ours = module_facts((rendered / name).read_text(encoding="utf-8"))
        theirs = module_facts((published / name).read_text(encoding="utf-8"))
        assert ours == theirs, name


def test_byte_identical_files_do_not_regress(rendered: Path) -> None:
    """At least IDENTICAL_FLOOR modules are byte-identical to the wheel's."""
    report = compare_trees(rendered)
    assert report.missing == []
    assert report.fact_mismatches == {}
    assert len(report.identical) >= IDENTICAL_FLOOR, report.summary()
