"""render_target turns a target and a registry into in-memory files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from weavergen.errors import OutputEscape, TemplateError
from weavergen.forge.render import RenderedFile, registry_groups, render_target
from weavergen.forge.target import load_target

EACH_CONFIG = """\
params: {suffix: txt, skip: []}
templates:
  - template: ns.j2
    pattern: attributes
    filter: 'semconv_grouped_attributes({"exclude_root_namespace": $skip})'
    application_mode: each
    file_name: "{{ ctx.root_namespace }}/names.{{ params.suffix }}"
  - template: all.j2
    filter: semconv_metrics
    application_mode: single
    file_name: metrics.txt
"""


def make_target(root: Path, config: str, templates: dict[str, str]) -> Path:
    """Write a target folder."""
    root.mkdir()
    (root / "weaver.yaml").write_text(config, encoding="utf-8")
    for name, text in templates.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def each_target(tmp_path: Path) -> Path:
    """A target with one file per namespace and one file for all metrics."""
    return make_target(
        tmp_path / "each",
        EACH_CONFIG,
        {
            "ns.j2": (
                "{% for a in ctx.attributes %}{{ a.name | pascal_case }}\n{% endfor %}"
            ),
            "all.j2": "{% for m in ctx %}{{ m.metric_name }}\n{% endfor %}",
        },
    )


def test_each_mode_renders_one_file_per_item(
    each_target: Path, small_registry: dict[str, Any], tmp_path: Path
) -> None:
    """Every namespace gets its file; the single template gets one file."""
    out = tmp_path / "out"
    files = render_target(small_registry, load_target(each_target), out)
    assert [f.path for f in files] == [
        out / "http/names.txt",
        out / "k8s/names.txt",
        out / "metrics.txt",
    ]
    assert files[0].text == "HttpOld\nHttpRequestHeader\nHttpRequestMethod\n"
    assert files[0].pattern == "attributes"
    assert files[0].group_ids == ["registry.http"]
    assert files[2] == RenderedFile(
        out / "metrics.txt",
        "k8s.job.duration\nk8s.pod.count\n",
        "all",
        ["metric.k8s.job.duration", "metric.k8s.pod.count"],
    )


def test_params_override_target_params(
    each_target: Path, small_registry: dict[str, Any], tmp_path: Path
) -> None:
    """``-D`` values replace the target's params, in file names and filters."""
    params = {"suffix": "md", "skip": ["http"]}
    files = render_target(small_registry, load_target(each_target), tmp_path, params)
    assert [f.path.relative_to(tmp_path).as_posix() for f in files] == [
        "k8s/names.md",
        "metrics.txt",
    ]


def test_registry_object_with_groups_attribute(
    each_target: Path, small_registry: dict[str, Any], tmp_path: Path
) -> None:
    """Anything with a ``groups`` list (a ResolvedRegistry) is accepted."""

    class Resolved:
        groups = small_registry["groups"]

    assert registry_groups(Resolved()) is small_registry["groups"]
    assert registry_groups(small_registry["groups"]) is small_registry["groups"]
    with pytest.raises(TemplateError, match="'groups' list"):
        registry_groups({"nope": 1})


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/passwd", "a/../../x", "."])
def test_file_name_outside_output_is_refused(
    tmp_path: Path, small_registry: dict[str, Any], name: str
) -> None:
    """A template cannot name a file outside the output folder."""
    root = make_target(
        tmp_path / "evil",
        f"templates:\n  - template: t.j2\n    file_name: '{name}'\n",
        {"t.j2": "x"},
    )
    with pytest.raises(OutputEscape):
        render_target(small_registry, load_target(root), tmp_path / "out")


def test_undefined_filter_parameter_is_reported(
    tmp_path: Path, small_registry: dict[str, Any]
) -> None:
    """A ``$param`` in a filter that no params define is a clear error."""
    root = make_target(
        tmp_path / "t",
        "templates:\n  - template: t.j2\n"
        "    filter: 'semconv_attributes({\"exclude_root_namespace\": $nope})'\n",
        {"t.j2": "x"},
    )
    with pytest.raises(TemplateError, match=r"undefined parameter.*nope"):
        render_target(small_registry, load_target(root), tmp_path / "out")


def test_each_mode_needs_a_list(tmp_path: Path, small_registry: dict[str, Any]) -> None:
    """``each`` over the whole registry (a mapping) says what it needed."""
    root = make_target(
        tmp_path / "t",
        "templates:\n  - template: t.j2\n    filter: .\n    application_mode: each\n",
        {"t.j2": "x"},
    )
    with pytest.raises(TemplateError, match="'each' needs a list"):
        render_target(small_registry, load_target(root), tmp_path / "out")


def test_blank_output_is_not_a_file(
    tmp_path: Path, small_registry: dict[str, Any]
) -> None:
    """A template that renders only whitespace produces no file."""
    root = make_target(
        tmp_path / "t", "templates:\n  - template: t.j2\n", {"t.j2": "  \n"}
    )
    assert render_target(small_registry, load_target(root), tmp_path / "out") == []


def test_post_format_ruff_formats_a_user_targets_python(
    tmp_path: Path, small_registry: dict[str, Any]
) -> None:
    """A target asking for ``post_format: ruff`` gets its .py files formatted."""
    root = make_target(
        tmp_path / "t",
        "post_format: {ruff: {line_length: 88}}\ntemplates:\n"
        "  - template: t.j2\n    file_name: names.py\n"
        "  - template: t.j2\n    file_name: names.txt\n",
        {"t.j2": "X = ( 1 )\n"},
    )
    files = render_target(small_registry, load_target(root), tmp_path / "out")
    assert [(f.path.name, f.text) for f in files] == [
        ("names.py", "X = 1\n"),
        ("names.txt", "X = ( 1 )\n"),
    ]


def test_markdown_target_lists_attributes_per_namespace(
    small_registry: dict[str, Any], tmp_path: Path
) -> None:
    """The built-in markdown target writes an index and a page per namespace."""
    files = render_target(small_registry, load_target("markdown"), tmp_path)
    by_name = {f.path.name: f.text for f in files}
    assert sorted(by_name) == ["README.md", "http.md", "k8s.md"]
    http = by_name["http.md"]
    assert (
        "| `http.old` | string | The http.old. |  | "
        "Deprecated: Replaced by `http.new`. |" in http
    )
    assert (
        "| `http.request.method` | enum | The http.request.method. |  | Stable |"
        in http
    )
    assert "| `GET` | get value. | Stable |" in http
    assert "| [k8s](k8s.md) | 1 |" in by_name["README.md"]


def test_markdown_examples_of_every_shape(tmp_path: Path) -> None:
    """Scalar, number, list and nested-list examples all render as code spans."""
    attributes = [
        {"name": "x.a", "type": "int", "brief": "A.", "examples": 3},
        {
            "name": "x.b",
            "type": "string[]",
            "brief": "B.",
            "examples": [["p", "q"], "r"],
        },
        {"name": "x.c", "type": "string", "brief": "C | pipe.", "stability": "stable"},
    ]
    groups = [{"id": "registry.x", "type": "attribute_group", "attributes": attributes}]
    files = render_target(groups, load_target("markdown"), tmp_path)
    page = next(f.text for f in files if f.path.name == "x.md")
    assert "| `x.a` | int | A. | `3` | Development |" in page
    assert "| `x.b` | string[] | B. | `[p, q]`, `r` | Development |" in page
    assert "| `x.c` | string | C \\| pipe. |  | Stable |" in page
