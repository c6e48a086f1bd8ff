"""String literals written into, and read back out of, generated source.

Registry values (briefs, enum values) may hold quotes, backslashes, control
characters or ``|``; each language spells escapes a little differently (Rust
wants ``\\u{..}``, the others ``\\uXXXX``). Writing and reading escapes live
side by side here so that what ground truth writes, validation reads back.
"""

from __future__ import annotations

import re

_SIMPLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_READ_ESCAPES = {
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "0": "\0",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "a": "\a",
    "e": "\x1b",
}
_ESCAPE = re.compile(
    r"\\(u\{[0-9A-Fa-f]{1,6}\}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2}"
    r"|[0-7]{1,3}|\r?\n|.)",
    re.DOTALL,
)


def quote(value: str, target: str) -> str:
    """Spell ``value`` as a double-quoted string literal of ``target``."""
    out = []
    for char in value:
        if char in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(_control_escape(char, target))
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _control_escape(char: str, target: str) -> str:
    if target == "rust":
        return f"\\u{{{ord(char):x}}}"
    return f"\\u{ord(char):04x}"


def unescape(body: str) -> str:
    """Decode the escapes of a C-family string literal body (quotes removed)."""
    return _ESCAPE.sub(_decode_escape, body)


def _decode_escape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "uUx" and len(code) > 1:
        digits = code[1:].strip("{}")
        return chr(min(int(digits, 16), 0x10FFFF))
    if code[0].isdigit() and code != "0":
        return chr(int(code, 8))
    if code in ("\n", "\r\n"):
        return ""
    return _READ_ESCAPES.get(code, code)


def comment_text(text: str) -> str:
    """Flatten text for a one-line comment that cannot close a block comment."""
    return " ".join(text.split()).replace("*/", "* /")


def flatten(text: str) -> str:
    """Collapse runs of whitespace (newlines too): a table cell is one line."""
    return " ".join(text.split())


def markdown_cell(text: str, *, code: bool = False) -> str:
    """Write a markdown table cell; ``code`` wraps it in a code span."""
    flat = flatten(text).replace("|", "\\|")
    if not code or not flat:
        return flat
    fence = "``" if "`" in flat else "`"
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def read_markdown_cell(cell: str) -> str:
    """Read a markdown table cell back: unescape ``|``, drop a code span."""
    text = cell.strip().replace("\\|", "|")
    fence = len(text) - len(text.lstrip("`"))
    if fence and text.endswith("`" * fence) and len(text) >= 2 * fence:
        inner = text[fence : len(text) - fence]
        if inner.startswith(" ") and inner.endswith(" ") and inner.strip():
            inner = inner[1:-1]
        return inner
    return text
