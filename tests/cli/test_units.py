"""Tests for the CLI's dollar and second formats."""

from __future__ import annotations

import pytest

from weavergen.cli.units import seconds, significant, usd


@pytest.mark.parametrize(
    ("value", "text"),
    [(7.71e-07, "$0.000000771"), (0.00999, "$0.00999"), (0.5, "$0.50"), (0, "$0.00")],
)
def test_usd_keeps_cents_or_three_significant_digits(value: float, text: str) -> None:
    """Cents from $0.01 up; below, three significant digits in plain decimals."""
    assert usd(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.000677, "0.000677 s"), (0.012, "0.0120 s"), (2.5, "2.50 s"), (None, "-")],
)
def test_seconds_are_one_unit_with_three_significant_digits(
    value: float | None, text: str
) -> None:
    """Microsecond and second durations share the unit s."""
    assert seconds(value) == text


def test_rounding_up_does_not_add_a_digit() -> None:
    """0.0099951 rounds to 0.0100, three significant digits, not four."""
    assert significant(0.0099951) == "0.0100"
