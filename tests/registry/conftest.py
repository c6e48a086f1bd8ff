"""Fixtures for registry tests: Weaver's case layout, and small registries."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from weavergen.errors import Problem

WriteRegistry = Callable[[dict[str, str]], Path]

# One valid group with one attribute, for tests that need a registry that loads.
GOOD_GROUP = """\
groups:
  - id: registry.ok
    type: attribute_group
    brief: Fine.
    attributes:
      - id: ok.name
        type: string
        brief: A name.
        stability: stable
        examples: [a]
"""


@pytest.fixture
def weaver_layout(resolver_cases: Path) -> Path:
    """Make `data/<case>` valid from the working directory, as Weaver's tests expect.

    Manifests in the cases name dependencies relative to the folder Weaver's
    tests run in (`data/registry-test-.../published`); the autouse fixture
    already put each test in its own working directory.
    """
    link = Path.cwd() / "data"
    link.symlink_to(resolver_cases, target_is_directory=True)
    return link


@pytest.fixture
def write_registry(tmp_path: Path) -> WriteRegistry:
    """Write {relative path: YAML text} into a fresh folder and give its path."""
    counter = iter(range(1_000))

    def write(files: dict[str, str]) -> Path:
        root = tmp_path / f"registry{next(counter)}"
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return write


def one_problem(problems: list[Problem], code: str) -> Problem:
    """The single problem with this code (fails the test if not exactly one)."""
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]
