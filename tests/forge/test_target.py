"""Targets load from weaver.yaml with clear errors for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from weavergen.errors import TargetNotFound, TemplateError
from weavergen.forge.target import (
    BUILTIN_TARGETS,
    builtin_target_names,
    load_target,
    parse_define,
)


def make_target(
    root: Path, config: str, templates: dict[str, str] | None = None
) -> Path:
    """Write a target folder with ``weaver.yaml`` and template files."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "weaver.yaml").write_text(config, encoding="utf-8")
    for name, text in (templates or {"t.j2": "x"}).items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_builtin_targets_load_by_name() -> None:
    """``python`` and ``markdown`` ship with WeaverGen and load by name."""
    assert {"python", "markdown"} <= set(builtin_target_names())
    python = load_target("python")
    assert python.root == BUILTIN_TARGETS / "python"
    assert [t.application_mode for t in python.templates] == ["each"] * 4
    assert python.templates[0].filter_name == "semconv_grouped_attributes"
    assert python.templates[0].pattern == "attributes"
    # Its templates emit ruff's layout themselves (see test_python_target).
    assert python.post_format == {}
    assert python.params["line_length"] == 120


def test_target_loads_by_path(tmp_path: Path) -> None:
    """A folder path loads its weaver.yaml; filter arguments are kept raw."""
    root = make_target(
        tmp_path / "mine",
        "params: {ns: [a]}\ntemplates:\n"
        "  - template: t.j2\n"
        "    filter: 'semconv_grouped_attributes({\"exclude_root_namespace\": $ns})'\n"
        "    application_mode: each\n",
    )
    target = load_target(root)
    assert target.params == {"ns": ["a"]}
    spec = target.templates[0]
    assert spec.filter_args == '{"exclude_root_namespace": $ns}'
    assert spec.pattern == "t"
    assert spec.file_name == "t"


def test_unknown_target_lists_every_path_tried(tmp_path: Path) -> None:
    """TargetNotFound names each candidate weaver.yaml and the built-ins."""
    with pytest.raises(TargetNotFound) as caught:
        load_target("nosuch")
    message = str(caught.value)
    assert str(Path("nosuch") / "weaver.yaml") in message
    assert str(BUILTIN_TARGETS / "nosuch" / "weaver.yaml") in message
    assert "python" in message


def test_invalid_yaml_reports_file_and_line(tmp_path: Path) -> None:
    """A YAML syntax error says which file and line."""
    root = make_target(
        tmp_path / "bad", "templates:\n  - template: t.j2\n    filter: a: b\n"
    )
    with pytest.raises(TemplateError, match=r"weaver\.yaml:3: not valid YAML"):
        load_target(root)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("  - template: missing.j2\n", "template file 'missing.j2' not found"),
        ("  - template: t.j2\n    application_mode: many\n", "single or each"),
        (
            "  - template: t.j2\n    filter: .groups[] | select(.x)\n",
            "unsupported filter",
        ),
        ("  - just a string\n", "expected a mapping"),
        ("  - template: t.j2\n    params: [a]\n", "'params' must be a mapping"),
    ],
)
def test_bad_template_entries_say_which_entry(
    tmp_path: Path, entry: str, expected: str
) -> None:
    """Each malformed entry names templates[index] and what was expected."""
    root = make_target(tmp_path / "t", f"templates:\n{entry}")
    with pytest.raises(TemplateError, match=r"templates\[0\]") as caught:
        load_target(root)
    assert expected in str(caught.value)


def test_empty_templates_list_is_rejected(tmp_path: Path) -> None:
    """A target must render something."""
    with pytest.raises(TemplateError, match="non-empty list"):
        load_target(make_target(tmp_path / "t", "params: {}\n"))


def test_define_values_are_yaml_scalars() -> None:
    """``-D key=value`` parses numbers, booleans and lists as YAML."""
    assert parse_define("n=3") == ("n", 3)
    assert parse_define("flag=true") == ("flag", True)
    assert parse_define("ns=[a, b]") == ("ns", ["a", "b"])
    assert parse_define("name=k8s") == ("name", "k8s")
    assert parse_define("empty=") == ("empty", "")
    with pytest.raises(TemplateError, match="expected key=value"):
        parse_define("novalue")


def test_comment_formats_are_checked_at_load(tmp_path: Path) -> None:
    """A bad comment option or default format is reported with the file."""
    bad_option = (
        "comment_formats: {doc: {prefx: '#'}}\ntemplates:\n  - template: t.j2\n"
    )
    with pytest.raises(TemplateError, match=r"comment_formats\.doc: unknown comment"):
        load_target(make_target(tmp_path / "a", bad_option))
    bad_default = "default_comment_format: doc\ntemplates:\n  - template: t.j2\n"
    with pytest.raises(TemplateError, match="'doc' is not in comment_formats"):
        load_target(make_target(tmp_path / "b", bad_default))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("acronyms: 5", "acronyms: input should be a valid list, got 5"),
        ("acronyms: [GC, 1]", "acronyms.1: input should be a valid string, got 1"),
        (
            "default_comment_format: [1]\ncomment_formats: {a: {}}",
            "default_comment_format: input should be a valid string, got [1]",
        ),
        (
            "post_format: {ruff: {line_length: abc}}",
            "post_format.ruff.line_length: input should be a valid integer, got 'abc'",
        ),
        ("text_maps: {types: {int: 5}}", "text_maps.types.int: input should be a"),
        ("whitespace_control: {trim_blocks: maybe}", "whitespace_control.trim_blocks"),
    ],
)
def test_wrong_field_types_name_weaver_yaml_and_the_key(
    tmp_path: Path, head: str, expected: str
) -> None:
    """A weaver.yaml field of the wrong shape names the file, key and expectation."""
    root = make_target(tmp_path / "t", f"{head}\ntemplates:\n  - template: t.j2\n")
    with pytest.raises(TemplateError) as caught:
        load_target(root)
    assert str(caught.value).startswith(f"{root / 'weaver.yaml'}: {expected}")


def test_weaver_yaml_that_is_not_utf8_is_a_message(tmp_path: Path) -> None:
    """A Latin-1 weaver.yaml says it is not UTF-8 and where the bad byte is."""
    root = make_target(tmp_path / "t", "templates:\n  - template: t.j2\n")
    (root / "weaver.yaml").write_bytes(b"templates:\n  - template: t.j2 # caf\xe9\n")
    with pytest.raises(TemplateError, match=r"not UTF-8 text \(byte 0xe9 at offset 35"):
        load_target(root)


def test_define_yaml_error_is_one_line() -> None:
    """A -D value that is not YAML gives one line with its line and column."""
    with pytest.raises(TemplateError) as caught:
        parse_define("a=[unclosed")
    message = str(caught.value)
    assert message.startswith("-D a=[unclosed: not a YAML value (line 1, column ")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("define", "expected"),
    [
        ("x=&a [*a]", "-D x: the value contains itself"),
        ("x=" + "[" * 30 + "]" * 30, "-D x: the value nests deeper than 20"),
        ("x=" + "[" * 100_000 + "]" * 100_000, "the value nests too deeply"),
    ],
)
def test_define_self_reference_and_deep_nesting_are_refused(
    define: str, expected: str
) -> None:
    """-D values that would loop or recurse forever are refused with a message."""
    with pytest.raises(TemplateError, match=expected):
        parse_define(define)


def test_define_dates_stay_text() -> None:
    """A -D value that looks like a date is kept as the text given."""
    assert parse_define("day=2024-01-01") == ("day", "2024-01-01")
    assert parse_define("days=[2024-01-01]") == ("days", ["2024-01-01"])
