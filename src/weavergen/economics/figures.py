"""How money and margins are written, the same in the terminal and HTML."""

from __future__ import annotations


def percent(value: float | None) -> str:
    """A fraction as a whole percent with thousands separators, or a dash."""
    return "-" if value is None else f"{value * 100:,.0f}%"


def usd(value: float | None, places: int = 4) -> str:
    """Dollars with the sign before the symbol, or a dash when missing."""
    if value is None:
        return "-"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.{places}f}"


def ratio(value: float | None) -> str:
    """A share as a percent with one decimal, or 'not measured'."""
    return "not measured" if value is None else f"{value * 100:.1f}%"
