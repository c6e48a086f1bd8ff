"""The ways the simulated fleet gets an answer wrong.

A simulated failure has to be caught by the same validation that catches a
real model's mistakes, so each flaw mirrors one seen from real models on
generated code: a dropped attribute line, a wrong value in a string literal
(``http.request.method`` becoming ``http.request_method``), or a syntax error
from an unbalanced bracket or quote.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Literal

FlawKind = Literal["missing_line", "wrong_value", "syntax_error"]
FLAW_KINDS: tuple[FlawKind, ...] = ("missing_line", "wrong_value", "syntax_error")

_STRING_LITERAL = re.compile(r"\"([^\"\\\n]+)\"|'([^'\\\n]+)'")
_CLOSERS = ")]}"


def inject_flaw(reference: str, kind: FlawKind, rng: random.Random) -> str:
    """``reference`` with one flaw of ``kind`` (another kind if it cannot apply)."""
    order = (kind, *(k for k in FLAW_KINDS if k != kind))
    for candidate in order:
        flawed = _FLAWS[candidate](reference, rng)
        if flawed is not None and flawed != reference:
            return flawed
    # Nothing to drop, change or unbalance (e.g. an empty reference).
    return reference + "\n("


def drop_line(reference: str, rng: random.Random) -> str | None:
    """Remove one line that carries content (a literal or an assignment)."""
    lines = reference.splitlines(keepends=True)
    candidates = [i for i, line in enumerate(lines) if _carries_content(line)]
    if not candidates:
        return None
    del lines[rng.choice(candidates)]
    return "".join(lines)


def change_literal(reference: str, rng: random.Random) -> str | None:
    """Replace one string literal's value with a plausible wrong one."""
    matches = list(_STRING_LITERAL.finditer(reference))
    if not matches:
        return None
    match = rng.choice(matches)
    group = 1 if match.group(1) is not None else 2
    start, end = match.span(group)
    wrong = _plausible_wrong_value(reference[start:end])
    return reference[:start] + wrong + reference[end:]


def unbalance(reference: str, rng: random.Random) -> str | None:
    """Delete one closing bracket, or failing that one quote character."""
    positions = [i for i, char in enumerate(reference) if char in _CLOSERS]
    if not positions:
        positions = [i for i, char in enumerate(reference) if char in "\"'"]
    if not positions:
        return None
    cut = rng.choice(positions)
    return reference[:cut] + reference[cut + 1 :]


def _carries_content(line: str) -> bool:
    stripped = line.strip()
    if not stripped or stripped.startswith(("#", "//")):
        return False
    return any(mark in stripped for mark in ('"', "'", "=", ":"))


def _plausible_wrong_value(value: str) -> str:
    if "." in value:
        head, _, tail = value.rpartition(".")
        return f"{head}_{tail}"
    if "_" in value:
        return value.replace("_", ".", 1)
    if value.upper() != value:
        return value.upper()
    return value + "_"


_FLAWS: dict[FlawKind, Callable[[str, random.Random], str | None]] = {
    "missing_line": drop_line,
    "wrong_value": change_literal,
    "syntax_error": unbalance,
}
