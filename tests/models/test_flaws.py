"""The wrong answers the simulated fleet makes."""

from __future__ import annotations

import random

import pytest

from weavergen.models.flaws import (
    FLAW_KINDS,
    FlawKind,
    change_literal,
    drop_line,
    inject_flaw,
    unbalance,
)

REFERENCE = """HTTP_METHOD = "http.request.method"
UNIT = "ms"
NAMES = ["a", "b"]
"""


def test_drop_line_removes_exactly_one_content_line() -> None:
    """One of the three lines is gone, the others are intact."""
    flawed = drop_line(REFERENCE, random.Random(0))
    assert flawed is not None
    kept = flawed.splitlines()
    assert len(kept) == 2
    assert set(kept) < set(REFERENCE.splitlines())


def test_drop_line_ignores_comments_and_blank_lines() -> None:
    """Only comments and blanks: nothing to drop."""
    assert drop_line("# header\n\n// note\n", random.Random(0)) is None


def test_change_literal_renames_a_dotted_value_the_way_models_do() -> None:
    """The last dot becomes an underscore, a classic wrong attribute name."""
    assert change_literal('A = "http.request.method"\n', random.Random(0)) == (
        'A = "http.request_method"\n'
    )


@pytest.mark.parametrize(
    ("literal", "wrong"), [("'a_b'", "'a.b'"), ("'ms'", "'MS'"), ("'42'", "'42_'")]
)
def test_change_literal_always_changes_the_value(literal: str, wrong: str) -> None:
    """Underscored, lower-case and digit-only values each change."""
    assert change_literal(f"X = {literal}", random.Random(0)) == f"X = {wrong}"


def test_unbalance_removes_one_closing_bracket() -> None:
    """One closer fewer than openers."""
    flawed = unbalance(REFERENCE, random.Random(0))
    assert flawed is not None
    assert flawed.count("[") == flawed.count("]") + 1


def test_unbalance_falls_back_to_a_quote() -> None:
    """Without brackets a quote goes missing instead."""
    assert unbalance('x = "a"', random.Random(0)) in {'x = a"', 'x = "a'}


@pytest.mark.parametrize("kind", FLAW_KINDS)
def test_every_flaw_differs_from_the_reference(kind: FlawKind) -> None:
    """Whatever the kind and seed, the flawed text is never the right one."""
    for seed in range(30):
        assert inject_flaw(REFERENCE, kind, random.Random(seed)) != REFERENCE


def test_flaw_that_cannot_apply_falls_back_to_another_kind() -> None:
    """No literal to change: a line is dropped or a bracket broken instead."""
    text = "x = f(1)\ny = 2\n"
    flawed = inject_flaw(text, "wrong_value", random.Random(0))
    assert flawed != text


def test_empty_reference_still_gets_a_syntax_error() -> None:
    """Nothing to mutate: an unbalanced bracket is appended."""
    assert inject_flaw("", "missing_line", random.Random(0)) == "\n("
