"""User templates run sandboxed, and their errors say file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from weavergen.errors import TemplateError
from weavergen.forge.environment import (
    build_environment,
    environment_for,
    render_file,
    render_string,
)
from weavergen.forge.target import load_target


def target_with(tmp_path: Path, template: str) -> Path:
    """A one-template target whose template text is ``template``."""
    root = tmp_path / "target"
    root.mkdir()
    (root / "weaver.yaml").write_text(
        "templates:\n  - template: t.j2\n", encoding="utf-8"
    )
    (root / "t.j2").write_text(template, encoding="utf-8")
    return root


def render(tmp_path: Path, template: str, **context: object) -> str:
    """Render ``template`` as the target's only file."""
    env = build_environment(load_target(target_with(tmp_path, template)))
    return render_file(env, "t.j2", dict(context))


@pytest.mark.parametrize(
    "escape",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.system('true') }}",
        "{{ lipsum.__globals__['os'].listdir('/') }}",
        "{{ ctx.__class__ }}",
    ],
)
def test_sandbox_blocks_python_internals(tmp_path: Path, escape: str) -> None:
    """Dunder attributes and module globals are unreachable from a template."""
    with pytest.raises(TemplateError, match=r"t\.j2:1: .*unsafe|undefined"):
        render(tmp_path, escape, ctx={})


def test_templates_cannot_include_files_outside_target(tmp_path: Path) -> None:
    """``include`` resolves inside the target folder only."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    for index, name in enumerate(("../secret.txt", str(secret), "/etc/passwd")):
        folder = tmp_path / f"case{index}"
        folder.mkdir()
        (folder / "secret.txt").write_text("TOP SECRET", encoding="utf-8")
        with pytest.raises(TemplateError, match=r"t\.j2:1: no template") as caught:
            render(folder, f"{{% include {name!r} %}}")
        assert "TOP SECRET" not in str(caught.value)


def test_no_autoescaping(tmp_path: Path) -> None:
    """Markup characters pass through unless the template escapes them."""
    assert (
        render(tmp_path, "{{ x }}|{{ x | e }}", x="<a & b>")
        == "<a & b>|&lt;a &amp; b&gt;"
    )


def test_missing_value_is_falsy_in_if_but_fails_when_printed(tmp_path: Path) -> None:
    """``if`` on a missing field is false; printing it names the template line."""
    text = "{% if a.note %}N{% else %}-{% endif %}\n{{ a.brief }}\n{{ a.note }}"
    with pytest.raises(TemplateError, match=r"t\.j2:3: .*has no attribute 'note'"):
        render(tmp_path, text, a={"brief": "b"})


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    """A broken tag reports where it is."""
    with pytest.raises(TemplateError, match=r"t\.j2:2: "):
        render(tmp_path, "ok\n{% if %}\n")


def test_filter_misuse_is_a_template_error(tmp_path: Path) -> None:
    """A Python error inside a filter call comes back as TemplateError with line."""
    with pytest.raises(TemplateError, match=r"t\.j2:2: "):
        render(tmp_path, "ok\n{{ 'a' | comment(line_length='x') }}")


def test_whitespace_control_trims_block_lines(tmp_path: Path) -> None:
    """trim_blocks and lstrip_blocks are on, as the built-in targets expect."""
    assert render(tmp_path, "a\n  {% if true %}\nb\n  {% endif %}\nc\n") == "a\nb\nc\n"


def test_filters_and_tests_are_registered(tmp_path: Path) -> None:
    """Weaver's filters and tests are usable by name in templates."""
    text = "{{ n | pascal_case }} {{ a is stable }} {{ n | split_id | first }}"
    assert (
        render(tmp_path, text, n="k8s.job", a={"stability": "stable"})
        == "K8sJob True k8s"
    )


def test_bad_regex_is_a_template_error(tmp_path: Path) -> None:
    """An invalid pattern in regex_replace names the template line."""
    with pytest.raises(TemplateError, match=r"t\.j2:1: .*missing \)"):
        render(tmp_path, "{{ 'a' | regex_replace('(', '') }}")


def test_render_string_reports_its_label(tmp_path: Path) -> None:
    """File-name expressions fail with the label the caller gave."""
    env = build_environment(load_target(target_with(tmp_path, "x")))
    with pytest.raises(TemplateError, match=r"t\.j2 file_name:1: "):
        render_string(env, "{{ ctx.missing.x }}", "t.j2 file_name", {"ctx": {}})


def test_environment_is_built_once_per_target(tmp_path: Path) -> None:
    """Rendering again reuses the environment, so templates compile once."""
    target = load_target(target_with(tmp_path, "x"))
    assert environment_for(target) is environment_for(target)
    assert environment_for(load_target(target.root)) is not environment_for(target)


def test_dict_fields_read_as_attributes_and_methods_stay_methods(
    tmp_path: Path,
) -> None:
    """``d.key`` gives the item; dict method names still give the method."""
    data = {"name": "http.method", "keys": "shadowed", "note": ""}
    text = render(
        tmp_path,
        "{{ d.name }}|{{ d.keys() | list | length }}|"
        "{{ 'set' if d.note is defined else 'unset' }}|"
        "{{ 'set' if d.brief is defined else 'unset' }}",
        d=data,
    )
    assert text == "http.method|3|set|unset"


@pytest.mark.parametrize("escape", ["{{ d.__class__ }}", "{{ d.get.__self__ }}"])
def test_dict_internals_stay_blocked(tmp_path: Path, escape: str) -> None:
    """The dict shortcut leaves the sandbox's refusal of internals in place."""
    with pytest.raises(TemplateError):
        render(tmp_path, escape, d={"__class__": "x"})


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ range(10**9) | length }}", r"t\.j2:1: Range too big"),
        ("x\n{{ 'a' * 10**10 }}", r"t\.j2:2: repeating a str of length 1"),
        ("{{ 10**10 * [1] }}", r"t\.j2:1: repeating a list of length 1"),
        (
            "{{ 10 ** (10 ** 8) }}",
            r"t\.j2:1: 10 \*\* 100000000 exceeds the sandbox limit",
        ),
    ],
)
def test_size_bombs_are_template_errors_with_a_line(
    tmp_path: Path, template: str, message: str
) -> None:
    """Huge ranges, repetitions and powers stop with file:line, not a crash."""
    with pytest.raises(TemplateError, match=message):
        render(tmp_path, template)


def test_modest_repetition_and_powers_still_work(tmp_path: Path) -> None:
    """The caps leave ordinary arithmetic and padding alone."""
    assert render(tmp_path, "{{ '-' * 3 }} {{ [0] * 2 }} {{ 2 ** 64 }}") == (
        "--- [0, 0] 18446744073709551616"
    )


def test_range_bomb_in_file_name_names_the_file_name(tmp_path: Path) -> None:
    """A too-large range in a file_name expression says 'file_name' and the line."""
    env = build_environment(load_target(target_with(tmp_path, "x")))
    with pytest.raises(TemplateError, match=r"^t\.j2 file_name:1: Range too big"):
        render_string(env, "{{ range(10**7) | length }}", "t.j2 file_name", {})
