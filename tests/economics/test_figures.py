"""Tests for how amounts, margins and changes are written."""

from __future__ import annotations

from weavergen.economics.figures import percent, points, share, signed_usd, times, usd


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
    """Margins as whole percents; changes signed, to two significant digits."""
    assert percent(-25.896551) == "-2,590%"
    assert signed_usd(0.0054) == "+$0.00540"
    assert points(-0.00012) == "-0.012 pts"
    assert points(-0.093) == "-9.3 pts"
    assert points(-5.9043) == "-590 pts"
    assert points(0.0012345) == "+0.12 pts"
    assert times(58.0) == "58.0x"
    assert times(0.000107) == "0.00011x"


def test_point_changes_under_a_hundredth_say_so_with_their_sign() -> None:
    """-0.000060 pts is written -<0.01 pts, not at six decimals."""
    assert points(-0.00000060) == "-<0.01 pts"
    assert points(0.00000060) == "+<0.01 pts"


def test_shares_keep_one_decimal_and_flag_tiny_ones() -> None:
    """0.9% keeps its decimal, whole shares drop it, 1 in 10,000 is <0.1%."""
    assert share(3 / 338) == "0.9%"
    assert share(1.0) == "100%"
    assert share(0.0001) == "<0.1%"
