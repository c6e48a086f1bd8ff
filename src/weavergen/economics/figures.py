"""How money and margins are written, the same in the terminal and HTML.

Simulated generations cost fractions of a cent, so a fixed four decimals
would print $0.0000; amounts under a dollar keep three significant digits.
"""

from __future__ import annotations

import math

SIGNIFICANT = 3
MAX_DECIMALS = 8


def percent(value: float | None) -> str:
    """A fraction as a whole percent with thousands separators, or a dash."""
    return "-" if value is None else f"{value * 100:,.0f}%"


def usd(value: float | None, places: int | None = None) -> str:
    """Dollars with the sign before the symbol, or a dash when missing.

    ``places`` fixes the decimals; without it small amounts keep three
    significant digits and amounts of a dollar or more get two decimals.
    """
    if value is None:
        return "-"
    decimals = places if places is not None else decimals_for(value)
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.{decimals}f}"


def signed_usd(value: float) -> str:
    """A change in dollars, always with its sign."""
    text = usd(value)
    return text if text.startswith("-") else "+" + text


SMALLEST_POINTS = 0.01


def points(delta: float) -> str:
    """A change of margin in percentage points, to two significant digits.

    A change under a hundredth of a point is written ``<0.01 pts`` (with its
    sign): six decimals of a point tell a reader nothing the JSON does not.
    """
    pts = delta * 100
    size = abs(pts)
    sign = "-" if pts < 0 else "+"
    if size < SMALLEST_POINTS:
        return f"{sign}<{SMALLEST_POINTS} pts"
    decimals = max(0, 1 - math.floor(math.log10(size)))
    return f"{sign}{size:,.{decimals}f} pts"


def share(value: float) -> str:
    """A share in percent with one decimal, and ``<0.1%`` when tiny but not 0."""
    if 0 < value < 0.001:
        return "<0.1%"
    return f"{value * 100:.1f}%".replace(".0%", "%")


def times(factor: float) -> str:
    """A multiple such as 5.0x or 0.00011x."""
    return f"{factor:,.{_short_decimals(factor)}f}x"


def decimals_for(value: float, significant: int = SIGNIFICANT) -> int:
    """Decimals that show ``significant`` digits of ``value`` (2 from 1 up)."""
    size = abs(value)
    if size >= 1 or size == 0:
        return 2
    leading_zeros = -math.floor(math.log10(size)) - 1
    return min(MAX_DECIMALS, leading_zeros + significant)


def _short_decimals(value: float) -> int:
    return 1 if abs(value) >= 1 or value == 0 else decimals_for(value, 2)


def ratio(value: float | None) -> str:
    """A share as a percent with one decimal, or 'not measured'."""
    return "not measured" if value is None else f"{value * 100:.1f}%"
