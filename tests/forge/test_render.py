"""render_target turns a target and a registry into in-memory files."""

from __future__ import annotations

import logging
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


@pytest.mark.parametrize(
    ("second_name", "expected"),
    [
        (
            "same.txt",
            "a.j2 and b.j2 both render {out}/same.txt; "
            "give them different file_name values",
        ),
        (
            "same.txt/inner.txt",
            "a.j2 renders the file {out}/same.txt, but b.j2 needs it as a folder "
            "for {out}/same.txt/inner.txt",
        ),
    ],
)
def test_colliding_output_paths_are_an_error_naming_both_templates(
    tmp_path: Path, small_registry: dict[str, Any], second_name: str, expected: str
) -> None:
    """One path rendered twice, or a file where a folder is needed, is refused."""
    root = make_target(
        tmp_path / "t",
        "templates:\n  - {template: a.j2, file_name: same.txt}\n"
        f"  - {{template: b.j2, file_name: {second_name}}}\n",
        {"a.j2": "first", "b.j2": "second"},
    )
    out = tmp_path / "out"
    with pytest.raises(TemplateError) as caught:
        render_target(small_registry, load_target(root), out)
    assert str(caught.value) == expected.format(out=out)


def test_nul_byte_in_file_name_is_a_template_error(
    tmp_path: Path, small_registry: dict[str, Any]
) -> None:
    """A file_name with a NUL byte says which template's file_name, not a crash."""
    root = make_target(
        tmp_path / "t",
        'templates:\n  - {template: t.j2, file_name: "a\\0b"}\n',
        {"t.j2": "x"},
    )
    with pytest.raises(OutputEscape, match=r"^t\.j2 file_name: .*contains a NUL byte"):
        render_target(small_registry, load_target(root), tmp_path / "out")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, "option exclude_root_namespace must be a list of strings, got 5"),
        ([[1]], "option exclude_root_namespace must be a list of strings, got [[1]]"),
        (
            "2024-01-01",
            'option exclude_root_namespace must be a list of strings, got "2024-01-01"',
        ),
    ],
)
def test_filter_option_of_the_wrong_type_is_an_error(
    each_target: Path,
    small_registry: dict[str, Any],
    tmp_path: Path,
    value: object,
    expected: str,
) -> None:
    """A parameter that gives a filter option the wrong type names option and param."""
    with pytest.raises(TemplateError) as caught:
        render_target(
            small_registry, load_target(each_target), tmp_path, {"skip": value}
        )
    assert str(caught.value) == f"ns.j2: filter: {expected} (from $skip)"


def test_unknown_filter_option_lists_the_valid_ones(
    tmp_path: Path, small_registry: dict[str, Any]
) -> None:
    """A misspelt filter option is an error naming the options that exist."""
    root = make_target(
        tmp_path / "t",
        "templates:\n  - template: t.j2\n"
        '    filter: \'semconv_attributes({"exclude_namespace": ["a"]})\'\n',
        {"t.j2": "x"},
    )
    with pytest.raises(TemplateError) as caught:
        render_target(small_registry, load_target(root), tmp_path / "out")
    assert str(caught.value) == (
        "t.j2: filter: unknown option 'exclude_namespace'; valid options: "
        "exclude_deprecated, exclude_root_namespace, exclude_stability, "
        "keep_code_generation_excluded"
    )


def test_deeply_nested_filter_argument_is_an_error(
    tmp_path: Path, small_registry: dict[str, Any]
) -> None:
    """A filter argument nested 100000 deep is a message, not a RecursionError."""
    deep = "[" * 100_000 + "]" * 100_000
    root = make_target(
        tmp_path / "t",
        "templates:\n  - template: t.j2\n"
        f"    filter: 'semconv_attributes({{\"x\": {deep}}})'\n",
        {"t.j2": "x"},
    )
    with pytest.raises(
        TemplateError, match=r"^t\.j2: filter argument nests too deeply"
    ):
        render_target(small_registry, load_target(root), tmp_path / "out")


def test_unknown_define_warns_with_the_known_parameters(
    each_target: Path,
    small_registry: dict[str, Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A -D name the target never declares is warned about, naming the real ones."""
    with caplog.at_level(logging.WARNING, logger="weavergen"):
        render_target(small_registry, load_target(each_target), tmp_path, {"sufix": 1})
    assert [r.getMessage() for r in caplog.records] == [
        "-D sufix: not a parameter of target each (its parameters: skip, suffix); "
        "passed to the templates anyway"
    ]


def test_template_error_names_the_group_being_rendered(
    tmp_path: Path, small_registry: dict[str, Any]
) -> None:
    """A failing template line also says which registry group it was rendering."""
    root = make_target(
        tmp_path / "t",
        "templates:\n  - template: t.j2\n    filter: semconv_metrics\n"
        "    application_mode: each\n    file_name: '{{ ctx.metric_name }}'\n",
        {"t.j2": "{{ ctx.metric_name }}\n{{ ctx.nothing | upper }}\n"},
    )
    with pytest.raises(TemplateError) as caught:
        render_target(small_registry, load_target(root), tmp_path / "out")
    message = str(caught.value)
    assert message.startswith("t.j2:2: ")
    assert message.endswith("(while rendering group metric.k8s.job.duration)")


def test_error_in_a_macro_names_the_calling_line(
    tmp_path: Path, small_registry: dict[str, Any]
) -> None:
    """An error inside a macro gives the macro's line and the line that called it."""
    root = make_target(
        tmp_path / "t",
        "templates:\n  - template: t.j2\n",
        {"t.j2": "{% macro m(v) %}{{ v | upper }}{% endmacro %}\nok\n{{ m(ctx.x) }}"},
    )
    with pytest.raises(TemplateError, match=r"^t\.j2:1 \(called from t\.j2:3\): "):
        render_target(small_registry, load_target(root), tmp_path / "out")


def test_builtin_targets_handle_missing_unit_and_brief(tmp_path: Path) -> None:
    """A metric without unit and a deprecated attribute without brief both render."""
    deprecated = {
        "name": "shop.old",
        "type": "string",
        "stability": "development",
        "deprecated": {"reason": "renamed", "renamed_to": "shop.item"},
    }
    metric = {
        "id": "metric.shop.count",
        "type": "metric",
        "metric_name": "shop.count",
        "instrument": "counter",
        "stability": "stable",
        "brief": "Items counted.",
        "attributes": [],
    }
    attributes = {
        "id": "registry.shop",
        "type": "attribute_group",
        "attributes": [deprecated],
    }
    groups = {"groups": [attributes, metric]}
    markdown = render_target(groups, load_target("markdown"), tmp_path / "md")
    python = render_target(groups, load_target("python"), tmp_path / "py")
    shop_md = next(f.text for f in markdown if f.path.name == "shop.md")
    assert (
        "| `shop.old` | string |  |  | Deprecated: Replaced by `shop.item`. |"
        in shop_md
    )
    metrics_py = "".join(f.text for f in python if "metrics" in f.path.name)
    assert 'unit="",' in metrics_py
