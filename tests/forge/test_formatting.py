"""The optional ruff pass formats Python and degrades clearly without ruff."""

from __future__ import annotations

import logging

import pytest

from weavergen.errors import TemplateError
from weavergen.forge import formatting


def test_ruff_formats_with_the_given_line_length() -> None:
    """One ruff run formats every text to the requested width."""
    texts = {"a": "x = ( 1 )\n", "b": "def f( a ):\n  return a\n"}
    assert formatting.format_files(texts, 120) == {
        "a": "x = 1\n",
        "b": "def f(a):\n    return a\n",
    }


def test_missing_ruff_returns_text_unchanged_with_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Without ruff the text is kept as rendered and a warning says why."""
    monkeypatch.setattr(formatting, "ruff_command", lambda: None)
    with caplog.at_level(logging.WARNING, logger="weavergen.forge.formatting"):
        assert formatting.format_files({"a": "x = ( 1 )\n"}, 88) == {"a": "x = ( 1 )\n"}
    assert "ruff is not installed" in caplog.text


def test_invalid_python_is_a_template_error() -> None:
    """Code ruff cannot parse is reported as a template bug."""
    with pytest.raises(TemplateError, match="ruff format rejected"):
        formatting.format_files({"a": "def (:\n"}, 88)


def test_rejection_names_the_output_file_and_position() -> None:
    """ruff's complaint names the output file (not a scratch file) and line:column."""
    with pytest.raises(TemplateError) as caught:
        formatting.format_files(
            {"0": "x = 1\n", "1": "def broken(:\n"},
            88,
            labels={"0": "out/a.py{pos} (from a.j2)", "1": "out/b.py{pos} (from b.j2)"},
        )
    message = str(caught.value)
    assert "out/b.py:1:12 (from b.j2): " in message
    assert "f1.py" not in message
