"""Jinja filters and tests that Weaver templates rely on.

Templates written for Weaver call filters such as ``comment``, ``split_id``
or ``print_member_value`` and tests such as ``is stable``. This module
gives them the same meaning in Jinja, so one template serves both tools.
Case filters live in :mod:`weavergen.forge.casing`.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from weavergen.forge.casing import CASE_FILTERS, apply_acronyms
from weavergen.forge.semconv import (
    code_generation_excluded,
    is_mapping,
    root_namespace,
)

_TEMPLATE_PREFIX = "template["
_SIMPLE_TYPES = {"string", "int", "double", "boolean", "any"}
_ARRAY_TYPES = {f"{name}[]" for name in ("string", "int", "double", "boolean")}
_DEVELOPMENT_LEVELS = {
    "development",
    "experimental",
    "alpha",
    "beta",
    "release_candidate",
}


def split_id(text: str) -> list[str]:
    """``http.request.method`` -> ``["http", "request", "method"]``."""
    return str(text).split(".")


def attribute_namespace(name: str) -> str:
    """The root namespace of an attribute name (``other`` when undotted)."""
    return root_namespace(str(name))


def regex_replace(text: str, pattern: str, replacement: str) -> str:
    """Replace every match of ``pattern`` (Python regex syntax)."""
    return re.sub(pattern, replacement, str(text))


def instantiated_type(attribute_type: object) -> str:
    """The concrete type: an enum's value type, a template's inner type."""
    if is_mapping(attribute_type):
        return enum_type(attribute_type)
    text = str(attribute_type)
    if text.startswith(_TEMPLATE_PREFIX) and text.endswith("]"):
        return text[len(_TEMPLATE_PREFIX) : -1]
    return text


def enum_type(attribute_type: object) -> str:
    """``int`` or ``double`` when every member value is that number, else ``string``."""
    if not is_mapping(attribute_type):
        return instantiated_type(attribute_type)
    values = [member.get("value") for member in attribute_type.get("members") or []]
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int"
    if values and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    ):
        return "double"
    return "string"


def print_member_value(member: Mapping[str, Any] | object) -> str:
    """An enum member's value as a source literal: strings quoted, numbers bare."""
    value = member.get("value") if is_mapping(member) else member
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def deprecated_note(deprecated: object) -> str:
    """What a ``deprecated`` field says, whether it is text or Weaver's mapping."""
    if not deprecated:
        return ""
    if not is_mapping(deprecated):
        return str(deprecated).strip()
    note = str(deprecated.get("note") or "").strip()
    if note:
        return note
    reason = deprecated.get("reason")
    if reason == "renamed" and deprecated.get("renamed_to"):
        return f"Replaced by `{deprecated['renamed_to']}`."
    return f"{str(reason or 'deprecated').capitalize()}."


_LIST_ITEM = re.compile(r"^(\s*(?:[-*+]|\d+\.)\s+)")


def _wrap_line(line: str, width: int) -> list[str]:
    """Wrap one line; list items continue under their text, not their bullet."""
    bullet = _LIST_ITEM.match(line)
    hanging = " " * len(bullet.group(1)) if bullet else ""
    wrapped = textwrap.wrap(
        line,
        width,
        subsequent_indent=hanging,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return wrapped or [""]


def _wrap(text: str, width: int) -> list[str]:
    if width <= 0:
        return text.split("\n")
    lines: list[str] = []
    in_code = False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        # Code blocks and tables keep their lines exactly as written.
        keep = in_code or line.lstrip().startswith(("```", "|"))
        lines.extend([line] if keep else _wrap_line(line, width))
    return lines


@dataclass(frozen=True)
class CommentStyle:
    """How the ``comment`` filter lays text out (one ``comment_formats`` entry).

    Each line gets ``indent`` spaces then ``prefix``; ``line_length`` > 0
    wraps paragraphs to that width (prefix excluded); ``header`` and
    ``footer`` add opening and closing lines (``/**`` and `` */`` ...).
    ``enforce_trailing_dots`` ends the text with one period,
    ``remove_trailing_dots`` drops final periods, and ``escape_backslashes``
    doubles backslashes (for Python docstrings). Words are never split, so
    links and code spans stay whole; list items wrap under their text, and
    code blocks and tables are left as written.
    """

    prefix: str = ""
    line_length: int = 0
    indent: int = 0
    header: str | None = None
    footer: str | None = None
    trim: bool = True
    enforce_trailing_dots: bool = False
    remove_trailing_dots: bool = False
    escape_backslashes: bool = False


_STYLE_FIELDS = frozenset(f.name for f in fields(CommentStyle))
# Weaver's `format: markdown | html` says how to read the text; WeaverGen
# always reads it as Markdown, so the key is accepted and ignored.
_IGNORED_STYLE_KEYS = frozenset({"format"})


def comment_style(options: Mapping[str, Any]) -> CommentStyle:
    """A CommentStyle from Weaver-style options; ValueError names unknown keys."""
    flat = {k: v for k, v in options.items() if k not in _IGNORED_STYLE_KEYS}
    wrap = flat.pop("word_wrap", None)
    if isinstance(wrap, Mapping) and "line_length" in wrap:
        flat["line_length"] = wrap["line_length"]
    unknown = sorted(set(flat) - _STYLE_FIELDS)
    if unknown:
        known = ", ".join(sorted(_STYLE_FIELDS | {"word_wrap"}))
        raise ValueError(
            f"unknown comment option(s) {', '.join(unknown)}; known: {known}"
        )
    return CommentStyle(**flat)


def _comment_body(text: object, style: CommentStyle) -> str:
    body = str(text or "")
    body = body.strip() if style.trim else body
    if style.remove_trailing_dots:
        body = body.rstrip(".")
    elif style.enforce_trailing_dots and body:
        # Weaver collapses any run of final dots into one.
        body = body.rstrip(".") + "."
    if style.escape_backslashes:
        body = body.replace("\\", "\\\\")
    return body


def format_comment(text: object, style: CommentStyle) -> str:
    """Lay ``text`` out as a comment block in ``style``."""
    pad = " " * style.indent
    body = _comment_body(text, style)
    lines = [
        f"{pad}{style.prefix}{line}".rstrip() for line in _wrap(body, style.line_length)
    ]
    if style.header is not None:
        lines.insert(0, f"{pad}{style.header}")
    if style.footer is not None:
        lines.append(f"{pad}{style.footer}")
    return "\n".join(lines)


def comment(text: object, **options: Any) -> str:
    """The ``comment`` filter without named formats: options as keywords."""
    return format_comment(text, comment_style(options))


def make_comment_filter(
    formats: Mapping[str, Mapping[str, Any]], default: str | None
) -> Callable[..., str]:
    """The target's ``comment`` filter; ``format=`` picks a ``comment_formats`` entry.

    Keyword options given in the template override the format's own.
    """

    # A named format is read once per target, not once per comment.
    styles: dict[str | None, CommentStyle] = {}

    def comment_filter(
        text: object,
        format: str | None = None,  # Weaver's keyword, shadowing the builtin
        **options: Any,
    ) -> str:
        name = format or default
        if name is not None and name not in formats:
            known = ", ".join(sorted(formats)) or "none"
            raise ValueError(f"unknown comment format {name!r} (formats: {known})")
        base = formats[name] if name is not None else {}
        if options:
            return format_comment(text, comment_style({**base, **options}))
        style = styles.get(name)
        if style is None:
            style = styles[name] = comment_style(base)
        return format_comment(text, style)

    return comment_filter


def markdown_to_text(text: object) -> str:
    """Drop markdown links' targets and emphasis, keeping the words."""
    plain = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", str(text or ""))
    return re.sub(r"(\*\*|__)(.+?)\1", r"\2", plain)


def make_acronym_filter(acronyms: list[str]) -> Callable[[str], str]:
    """The ``acronym`` filter for a target's configured acronym list."""

    def acronym(text: str) -> str:
        return apply_acronyms(str(text), acronyms)

    return acronym


def make_map_text_filter(
    text_maps: Mapping[str, Mapping[str, str]],
) -> Callable[..., str]:
    """The ``map_text`` filter: look ``text`` up in a named map of the target."""

    def map_text(text: object, map_name: str, default: str | None = None) -> str:
        table = text_maps.get(map_name) or {}
        key = str(text)
        if key in table:
            return str(table[key])
        return key if default is None else default

    return map_text


def is_stable(item: object) -> bool:
    """True for an attribute, group or member whose stability is ``stable``."""
    return is_mapping(item) and item.get("stability") == "stable"


def is_experimental(item: object) -> bool:
    """True for anything not (yet) stable: development, alpha, beta, rc."""
    if not is_mapping(item):
        return False
    return str(item.get("stability") or "development") in _DEVELOPMENT_LEVELS


def is_deprecated(item: object) -> bool:
    """True when the item carries a ``deprecated`` field."""
    return is_mapping(item) and bool(item.get("deprecated"))


def is_excluded(item: object) -> bool:
    """True when the item's ``code_generation`` annotation says ``exclude: true``."""
    return code_generation_excluded(item)


def _type_of(item: object) -> object:
    return item.get("type") if is_mapping(item) else item


def is_enum(item: object) -> bool:
    """True for an attribute (or type) whose type lists enum members."""
    return is_mapping(_type_of(item))


def is_simple_type(item: object) -> bool:
    """True for ``string``, ``int``, ``double``, ``boolean`` (and ``any``)."""
    return _type_of(item) in _SIMPLE_TYPES


def is_template_type(item: object) -> bool:
    """True for ``template[...]`` types (attribute families like headers)."""
    attribute_type = _type_of(item)
    return isinstance(attribute_type, str) and attribute_type.startswith(
        _TEMPLATE_PREFIX
    )


def is_array(item: object) -> bool:
    """True for array types, plain or inside a template."""
    return instantiated_type(_type_of(item)) in _ARRAY_TYPES


def static_filters() -> dict[str, Callable[..., Any]]:
    """Filters that need nothing from the target's configuration."""
    return {
        **CASE_FILTERS,
        "split_id": split_id,
        "attribute_namespace": attribute_namespace,
        "regex_replace": regex_replace,
        "instantiated_type": instantiated_type,
        "enum_type": enum_type,
        "print_member_value": print_member_value,
        "deprecated_note": deprecated_note,
        "comment": comment,
        "markdown_to_text": markdown_to_text,
    }


TESTS: dict[str, Callable[[object], bool]] = {
    "stable": is_stable,
    "experimental": is_experimental,
    "deprecated": is_deprecated,
    "enum": is_enum,
    "simple_type": is_simple_type,
    "template_type": is_template_type,
    "array": is_array,
    "excluded": is_excluded,
}
