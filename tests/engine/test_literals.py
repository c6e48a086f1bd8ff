"""Tests for writing string literals and markdown cells, and reading them back."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weavergen.engine.literals import (
    markdown_cell,
    quote,
    read_markdown_cell,
    unescape,
)


@given(st.text())
def test_python_literals_read_back_by_python_itself(value: str) -> None:
    """Whatever the text, Python's own parser reads the literal back unchanged."""
    assert ast.literal_eval(quote(value, "python")) == value


@pytest.mark.parametrize("target", ["go", "java", "rust", "javascript"])
@given(value=st.text())
def test_c_family_literals_read_back_by_unescape(target: str, value: str) -> None:
    """What ``quote`` writes for a target, ``unescape`` decodes to the same text."""
    assert unescape(quote(value, target)[1:-1]) == value


def test_rust_control_characters_use_braced_unicode_escapes() -> None:
    """Rust has no ``\\uXXXX``; control characters are written ``\\u{..}``."""
    assert quote("a\x01", "rust") == '"a\\u{1}"'
    assert quote("a\x01", "java") == '"a\\u0001"'


@pytest.mark.parametrize("text", ["a|b", "`tick`", "plain", "x | `y`"])
def test_markdown_code_cells_round_trip(text: str) -> None:
    """Pipes are escaped and backticks fenced so the cell reads back as written."""
    assert read_markdown_cell(markdown_cell(text, code=True)) == text
