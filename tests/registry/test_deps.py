"""Manifest dependencies: each registry resolved once, cycles and repeats reported."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from weavergen.registry import build, check_registry

from .conftest import GOOD_GROUP


def _registry(root: Path, deps: list[str], group: str = "ok") -> Path:
    """Write a registry with one group and a manifest naming `deps`."""
    root.mkdir(parents=True)
    (root / "a.yaml").write_text(
        GOOD_GROUP.replace("registry.ok", f"registry.{group}").replace(
            "ok.name", f"{group}.name"
        )
    )
    listed = "".join(f"  - registry_path: {d}\n" for d in deps)
    (root / "manifest.yaml").write_text(
        f"schema_url: https://example.com/{group}\n"
        + (f"dependencies:\n{listed}" if deps else "")
    )
    return root


def test_registry_listing_itself_is_one_cycle_and_repeats_are_warned(
    tmp_path: Path,
) -> None:
    """A manifest naming its own folder thrice gives one cycle and two repeats."""
    root = _registry(tmp_path / "reg", [".", ".", "."])
    problems = check_registry(root)
    codes = [(p.code, p.severity, p.line) for p in problems]
    assert codes == [
        ("dependency_cycle", "error", 3),
        ("duplicate_dependency", "warning", 4),
        ("duplicate_dependency", "warning", 5),
    ]
    assert f"{root.resolve()} -> {root.resolve()}" in problems[0].message
    assert "same registry as '.'" in problems[1].message


def test_cycle_through_two_registries_names_both(tmp_path: Path) -> None:
    """A -> B -> A is reported on B's manifest with the whole loop."""
    _registry(tmp_path / "b", [str(tmp_path / "a")], group="b")
    root = _registry(tmp_path / "a", [str(tmp_path / "b")], group="a")
    (problem,) = [p for p in check_registry(root) if p.severity == "error"]
    assert problem.code == "dependency_cycle"
    assert (problem.file or "").endswith("b/manifest.yaml")
    a, b = (tmp_path / "a").resolve(), (tmp_path / "b").resolve()
    assert f"{a} -> {b} -> {a}" in problem.message


def test_shared_dependency_is_resolved_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two paths to the same registry (a diamond) read its files only once."""
    leaf = _registry(tmp_path / "leaf", [], group="leaf")
    left = _registry(tmp_path / "left", [str(leaf)], group="left")
    right = _registry(tmp_path / "right", [f"{leaf}/../leaf"], group="right")
    root = _registry(tmp_path / "top", [str(left), str(right)], group="top")
    reads: Counter[Path] = Counter()
    original = build.load_folder

    def counting(folder: Path, *args: object, **kwargs: object) -> object:
        reads[folder.resolve()] += 1
        return original(folder, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "load_folder", counting)
    assert check_registry(root) == []
    assert reads[leaf.resolve()] == 1
    assert sum(reads.values()) == 4
