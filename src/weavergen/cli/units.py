"""How the CLI writes dollars and seconds, so every command reads the same.

Template generations cost micro-dollars and take microseconds, model calls
cost cents and take seconds; both appear in one table. Scientific notation
("7.71e-07") and mixed units ("677 µs" beside "0.012 s") make such a table
hard to compare down a column, so figures keep one unit and plain decimals.
"""

from __future__ import annotations

import math

SIGNIFICANT_DIGITS = 3
# Below a cent, a dollar figure keeps its significant digits; above, cents.
CENT = 0.01


def usd(value: float) -> str:
    """Dollars in plain decimals: cents from $0.01 up, 3 significant digits below."""
    if value >= CENT or value == 0:
        return f"${value:,.2f}"
    return "$" + significant(value)


def seconds(value: float | None) -> str:
    """Seconds with 3 significant digits (a dash when there is none)."""
    if value is None:
        return "-"
    return f"{significant(value)} s"


def significant(value: float, digits: int = SIGNIFICANT_DIGITS) -> str:
    """``value`` with ``digits`` significant digits, never in e-notation."""
    if value == 0 or not math.isfinite(value):
        return f"{value:.{digits - 1}f}" if value == 0 else str(value)
    # Rounded first, so 0.0099951 becomes 0.0100, not 0.01000.
    rounded = float(f"{value:.{digits - 1}e}")
    magnitude = math.floor(math.log10(abs(rounded)))
    decimals = max(0, digits - 1 - magnitude)
    return f"{rounded:,.{decimals}f}"
