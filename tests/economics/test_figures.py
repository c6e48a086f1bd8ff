"""Tests for how amounts, margins and changes are written."""

from __future__ import annotations

from weavergen.economics.figures import percent, points, signed_usd, times, usd


def test_small_amounts_keep_three_significant_digits() -> None:
    """A simulated cost of a fraction of a cent does not print as $0.0000."""
    assert usd(0.0000245611) == "$0.0000246"
    assert usd(0.058) == "$0.0580"
    assert usd(11.1) == "$11.10"


def test_negative_amounts_put_the_sign_first() -> None:
    """-0.342 is written -$0.342, and fixed places are honoured."""
    assert usd(-0.342) == "-$0.342"
    assert usd(-8160589.4, 0) == "-$8,160,589"
    assert usd(None) == "-"


def test_margins_and_changes_are_readable() -> None:
    """Margins as whole percents; changes signed; tiny point changes visible."""
    assert percent(-25.896551) == "-2,590%"
    assert signed_usd(0.0054) == "+$0.00540"
    assert points(-0.000012) == "-0.0012 pts"
    assert points(-0.093) == "-9.3 pts"
    assert times(58.0) == "58.0x"
    assert times(0.000107) == "0.00011x"
