"""Weaver's filters and tests behave as the python templates rely on."""

from __future__ import annotations

import pytest

from weavergen.forge.filters import (
    comment,
    comment_style,
    deprecated_note,
    enum_type,
    instantiated_type,
    is_array,
    is_deprecated,
    is_enum,
    is_excluded,
    is_experimental,
    is_simple_type,
    is_stable,
    is_template_type,
    make_comment_filter,
    make_map_text_filter,
    print_member_value,
    regex_replace,
    split_id,
)


def test_comment_enforces_one_trailing_dot() -> None:
    """A missing final dot is added and a run of dots collapses to one."""
    assert comment("See the spec", enforce_trailing_dots=True) == "See the spec."
    assert comment("See [x](y)..\n", enforce_trailing_dots=True) == "See [x](y)."


def test_comment_escapes_backslashes_for_docstrings() -> None:
    """Backslashes double so a Python docstring shows them literally."""
    assert (
        comment(r"GuzzleHttp\Client", escape_backslashes=True) == r"GuzzleHttp\\Client"
    )


def test_comment_prefixes_indents_and_wraps() -> None:
    """Prefix and indent go on every line; wrapping never splits words."""
    text = comment("alpha beta gamma delta", prefix="# ", line_length=11, indent=4)
    assert text == "    # alpha beta\n    # gamma delta"


def test_comment_adds_header_and_footer() -> None:
    """Header and footer lines frame block comments like ``/** */``."""
    assert comment("x", prefix=" * ", header="/**", footer=" */") == "/**\n * x\n */"


def test_deprecated_note_prefers_the_note() -> None:
    """An explicit note wins; a rename without note names the replacement."""
    assert deprecated_note({"reason": "obsoleted", "note": " Gone. "}) == "Gone."
    renamed = {"reason": "renamed", "renamed_to": "http.new"}
    assert deprecated_note(renamed) == "Replaced by `http.new`."
    assert deprecated_note({"reason": "obsoleted"}) == "Obsoleted."
    assert deprecated_note("Use x.") == "Use x."
    assert deprecated_note(None) == ""


def test_print_member_value_quotes_strings_only() -> None:
    """String values are quoted and escaped; numbers print bare."""
    assert print_member_value({"value": 'say "hi"'}) == '"say \\"hi\\""'
    assert print_member_value({"value": 3}) == "3"
    assert print_member_value({"value": 1.5}) == "1.5"


def test_enum_and_instantiated_types() -> None:
    """Enums report their members' value type; templates their inner type."""
    ints = {"members": [{"id": "a", "value": 0}, {"id": "b", "value": 1}]}
    strings = {"members": [{"id": "a", "value": "a"}]}
    assert enum_type(ints) == "int"
    assert enum_type(strings) == "string"
    assert instantiated_type("template[string[]]") == "string[]"
    assert instantiated_type(ints) == "int"


def test_type_tests_classify_attributes() -> None:
    """enum, simple_type, template_type and array tests read ``type``."""
    enum_attr: dict[str, object] = {"type": {"members": []}}
    template_attr = {"type": "template[int[]]"}
    assert is_enum(enum_attr)
    assert not is_enum({"type": "string"})
    assert is_simple_type({"type": "double"})
    assert not is_simple_type(template_attr)
    assert is_template_type(template_attr)
    assert is_array(template_attr)
    assert is_array({"type": "boolean[]"})
    assert not is_array({"type": "string"})


def test_stability_tests() -> None:
    """stable, experimental and deprecated look at the item's fields."""
    assert is_stable({"stability": "stable"})
    assert not is_stable({"stability": "development"})
    assert is_experimental({"stability": "release_candidate"})
    assert is_experimental({})
    assert is_deprecated({"deprecated": {"reason": "obsoleted"}})
    assert not is_deprecated({"deprecated": None})


def test_excluded_reads_code_generation_annotation() -> None:
    """Members annotated ``code_generation.exclude`` are flagged for skipping."""
    assert is_excluded({"annotations": {"code_generation": {"exclude": True}}})
    assert not is_excluded({"annotations": {"code_generation": {}}})


def test_small_text_filters() -> None:
    """split_id, regex_replace and map_text do one thing each."""
    assert split_id("a.b.c") == ["a", "b", "c"]
    assert regex_replace("brief.", r"\.$", "") == "brief"
    map_text = make_map_text_filter({"py": {"int": "int", "string": "str"}})
    assert map_text("string", "py") == "str"
    assert map_text("any", "py") == "any"
    assert map_text("any", "py", "object") == "object"


def test_comment_wraps_list_items_under_their_text() -> None:
    """A wrapped bullet continues aligned with its text, code blocks untouched."""
    text = "- one two three\n```\nlong code line here\n```"
    assert comment(text, line_length=9) == (
        "- one two\n  three\n```\nlong code line here\n```"
    )


def test_named_comment_formats_with_overrides() -> None:
    """``format=`` picks a configured style; keywords override its options."""
    formats = {"doc": {"prefix": "# ", "enforce_trailing_dots": True}}
    doc_comment = make_comment_filter(formats, default="doc")
    assert doc_comment("a\nb") == "# a\n# b."
    assert doc_comment("a", prefix="// ") == "// a."
    assert doc_comment("a..", format="doc", enforce_trailing_dots=False) == "# a.."


def test_unknown_comment_format_or_option_is_named() -> None:
    """A misspelt format or option says what exists."""
    doc_comment = make_comment_filter({"doc": {}}, default=None)
    with pytest.raises(
        ValueError, match=r"unknown comment format 'docs' \(formats: doc\)"
    ):
        doc_comment("a", format="docs")
    with pytest.raises(ValueError, match=r"unknown comment option.*prefx"):
        comment_style({"prefx": "#"})


def test_weaver_word_wrap_and_trailing_dot_removal() -> None:
    """``word_wrap.line_length`` wraps; ``remove_trailing_dots`` strips dots."""
    style = comment_style({"word_wrap": {"line_length": 5}, "format": "markdown"})
    assert style.line_length == 5
    assert comment("ab cd ef.", line_length=5, remove_trailing_dots=True) == "ab cd\nef"
