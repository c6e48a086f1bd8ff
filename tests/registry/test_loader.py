"""Whole-file problems: every file is read, and none gives a traceback."""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from weavergen.errors import RegistryInvalid
from weavergen.registry import check_registry, load_registry
from weavergen.registry.loader import registry_files, synthetic_name
from weavergen.registry.source import DEFAULT_REGISTRY

from .conftest import GOOD_GROUP, WriteRegistry, one_problem


def test_malformed_yaml_is_reported_at_the_yaml_errors_line(
    write_registry: WriteRegistry,
) -> None:
    """A syntax error names the file and the line libyaml stopped at."""
    root = write_registry({"ok.yaml": GOOD_GROUP, "bad.yaml": "groups:\n  - id: [x\n"})
    problem = one_problem(check_registry(root), "yaml_syntax")
    assert (problem.file or "").endswith("bad.yaml")
    assert problem.line == 2
    assert "malformed YAML" in problem.message


def test_tab_indentation_is_reported_as_malformed_yaml(
    write_registry: WriteRegistry,
) -> None:
    """A tab where YAML wants spaces is a syntax error on that line."""
    root = write_registry({"tabs.yaml": "groups:\n  - id: a\n\ttype: span\n"})
    problem = one_problem(check_registry(root), "yaml_syntax")
    assert (problem.line, "tab" in problem.message) == (3, True)


def test_empty_file_is_accepted_without_groups(write_registry: WriteRegistry) -> None:
    """An empty file defines nothing and is not a problem."""
    root = write_registry({"empty.yaml": "", "ok.yaml": GOOD_GROUP})
    assert check_registry(root) == []
    assert [g["id"] for g in load_registry(root).groups] == ["registry.ok"]


def test_top_level_list_says_a_mapping_was_expected(
    write_registry: WriteRegistry,
) -> None:
    """A file that is a YAML list is reported at line 1 as not a mapping."""
    root = write_registry({"list.yaml": "- a\n- b\n"})
    problem = one_problem(check_registry(root), "type")
    assert (problem.file or "").endswith("list.yaml")
    assert problem.line == 1
    assert "must be a mapping with 'groups'" in problem.message
    assert "got a list" in problem.message


def test_binary_junk_is_reported_as_not_text(write_registry: WriteRegistry) -> None:
    """Bytes that are not UTF-8 give a problem naming the file, not a traceback."""
    root = write_registry({})
    root.mkdir(parents=True, exist_ok=True)
    (root / "junk.yaml").write_bytes(b"groups:\n\xff\xfe\x00\x9c binary")
    problem = one_problem(check_registry(root), "yaml_syntax")
    assert (problem.file or "").endswith("junk.yaml")
    assert (problem.line, problem.message) == (2, "file is not UTF-8 text")


def test_groups_as_a_string_says_a_list_was_expected(
    write_registry: WriteRegistry,
) -> None:
    """`groups: hello` names the line and what `groups` must be."""
    root = write_registry({"g.yaml": "# comment\ngroups: hello\n"})
    problem = one_problem(check_registry(root), "type")
    assert problem.line == 2
    assert problem.message == "'groups' must be a list, got 'hello'"


def test_recursive_alias_is_rejected_at_its_anchor(
    write_registry: WriteRegistry,
) -> None:
    """An anchor that contains its own alias cannot be resolved; it is named."""
    text = GOOD_GROUP.replace("examples: [a]", "examples: &e [a, *e]")
    problem = one_problem(
        check_registry(write_registry({"r.yaml": text})), "yaml_syntax"
    )
    assert problem.line == 10
    assert "recursive" in problem.message


def _alias_bomb(levels: int) -> str:
    """A few hundred bytes whose aliases expand to 9 ** levels strings."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * 9) + "]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join([*lines, f"groups: *l{levels - 1}", ""])


def test_alias_bomb_is_refused_at_its_first_anchor(
    write_registry: WriteRegistry,
) -> None:
    """Aliases that multiply into millions of nodes are refused, not walked."""
    root = write_registry({"bomb.yaml": _alias_bomb(7)})
    problem = one_problem(check_registry(root), "yaml_syntax")
    assert (problem.file or "").endswith("bomb.yaml")
    assert problem.line == 1
    assert "aliases expand to more than 100000 nodes" in problem.message


def test_deeply_nested_data_is_rejected(write_registry: WriteRegistry) -> None:
    """Absurd nesting is refused while reading, before anything recurses on it."""
    text = "groups: " + "[" * 300 + "]" * 300 + "\n"
    problem = one_problem(
        check_registry(write_registry({"d.yaml": text})), "yaml_syntax"
    )
    assert "nested more than" in problem.message


def test_unknown_top_level_field_names_what_was_expected(
    write_registry: WriteRegistry,
) -> None:
    """A typo such as `group:` is reported on its line."""
    root = write_registry({"t.yaml": "group:\n  - id: x\n"})
    problem = one_problem(check_registry(root), "unknown_field")
    assert problem.line == 1
    assert "unknown top-level field 'group'" in problem.message


def test_load_registry_raises_registry_invalid_with_every_problem(
    write_registry: WriteRegistry,
) -> None:
    """`load_registry` raises one `RegistryInvalid` with the problems of all files."""
    root = write_registry({"a.yaml": "- x\n", "b.yaml": "groups: 3\n"})
    with pytest.raises(RegistryInvalid) as caught:
        load_registry(root)
    assert sorted(Path(p.file or "").name for p in caught.value.problems) == [
        "a.yaml",
        "b.yaml",
    ]
    assert "2 registry problem(s)" in str(caught.value)


MUTANTS = [
    "x",
    7,
    2.5,
    True,
    None,
    "",
    [],
    {},
    ["a", ["b"]],
    {"members": [1, {"id": None}]},
    {"reason": "renamed"},
    {"conditionally_required": 3},
    "registry.weavergen",
    "span.weavergen.generation",
    "weavergen.tier",
]


def _places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _places(value, (*path, index))
    return found


def _mutate(document: Any, place: int, mutant: Any) -> Any:
    path = _places(document)[place % len(_places(document))]
    if not path:
        return mutant
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = mutant
    return document


@settings(max_examples=60, deadline=None)
@given(
    edits=st.lists(
        st.tuples(st.integers(0, 10_000), st.sampled_from(MUTANTS)),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_registries_give_problems_never_tracebacks(
    edits: list[tuple[int, Any]],
) -> None:
    """Any value anywhere in the default registry: problems, never an exception."""
    document = yaml.safe_load((DEFAULT_REGISTRY / "weavergen.yaml").read_text())
    for place, mutant in edits:
        document = _mutate(document, place, copy.deepcopy(mutant))
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "mutant.yaml").write_text(yaml.safe_dump(document))
        errors = [p for p in check_registry(folder) if p.severity == "error"]
        if errors:
            with pytest.raises(RegistryInvalid) as caught:
                load_registry(folder)
            assert caught.value.problems == errors
        else:
            registry = load_registry(folder)
            assert json.loads(registry.to_json())["groups"] == registry.groups


def test_folder_without_definition_files_gives_a_warning(tmp_path: Path) -> None:
    """An empty folder resolves to nothing, with a warning that says why."""
    (tmp_path / "nothing").mkdir()
    problem = one_problem(check_registry(tmp_path / "nothing"), "empty_registry")
    assert problem.severity == "warning"
    assert load_registry(tmp_path / "nothing").groups == []


def test_registry_files_sorted_by_path_skipping_manifests_and_symlinked_folders(
    tmp_path: Path,
) -> None:
    """Definition files in path order; manifests, dot-files, linked folders out."""
    root = tmp_path / "model"
    for name in ("b/z.yaml", "a.yml", "b/a/x.yaml", "manifest.yaml", "c/.yaml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("groups: []\n", encoding="utf-8")
    (root / "notes.txt").write_text("", encoding="utf-8")
    (root / "linked").symlink_to(root / "b", target_is_directory=True)
    (root / "alias.yaml").symlink_to(root / "a.yml")
    relative = [p.relative_to(root).as_posix() for p in registry_files(root)]
    assert relative == ["a.yml", "alias.yaml", "b/a/x.yaml", "b/z.yaml"]


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        ("model/http/registry.yaml", "model.http.registry"),
        ("model/./v2.deprecated.yml", "model...v2.deprecated"),
        ("model/..hidden/.dot/x.", "model....dot.x."),
    ],
)
def test_synthetic_name_drops_each_parts_last_suffix(
    display: str, expected: str
) -> None:
    """A v2 file's group name is its path with each part's last suffix dropped."""
    assert synthetic_name(display) == expected


def test_deeply_indented_block_nesting_is_rejected(
    write_registry: WriteRegistry,
) -> None:
    """Nesting written as indentation (no brackets) is refused as well."""
    lines = [f"{'  ' * level}k{level}:" for level in range(90)]
    text = "groups:\n" + "\n".join("  " + line for line in lines) + " x\n"
    problem = one_problem(
        check_registry(write_registry({"d.yaml": text})), "yaml_syntax"
    )
    assert "nested more than" in problem.message


def test_resolved_bytes_do_not_depend_on_how_the_folder_is_spelled(
    semconv_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Absolute path, `.` from inside, or a renamed copy: the same resolved JSON."""
    model = tmp_path / "model"
    for area in ("server", "client", "source", "destination"):
        shutil.copytree(semconv_model / area, model / area)
    absolute = load_registry(model).to_json()
    renamed = shutil.copytree(model, tmp_path / "elsewhere" / "other-name")
    assert load_registry(renamed).to_json() == absolute
    monkeypatch.chdir(model)
    assert load_registry(".").to_json() == absolute
    monkeypatch.chdir(tmp_path)
    assert load_registry("model").to_json() == absolute
    ids = [g["id"] for g in json.loads(absolute)["groups"]]
    assert "registry.server.registry" in ids
