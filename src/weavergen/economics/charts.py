"""Inline SVG charts for the HTML report, drawn here so the page needs nothing.

The report must open offline as one file, so instead of a charting library
each chart is a small SVG string: bars (negatives below a zero line), a
waterfall and a line over days. Every chart carries ``data-chart`` so tests
can find it in the rendered DOM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 560
HEIGHT = 260
PAD_LEFT = 70
PAD_RIGHT = 16
PAD_TOP = 28
PAD_BOTTOM = 56
TICK_CHAR_PX = 6
PALETTE = ("#2f6fb3", "#e08a1e", "#3a9a5b", "#b33f3f", "#7a5ab8", "#5a6b7b")
UP = "#b33f3f"
DOWN = "#3a9a5b"

Format = Callable[[float], str]


@dataclass(frozen=True, slots=True)
class Bar:
    """One labelled value, with the colour to draw it in."""

    label: str
    value: float
    color: str = PALETTE[0]


@dataclass(frozen=True, slots=True)
class Scale:
    """Maps values onto the plot's vertical pixels."""

    low: float
    high: float

    def y(self, value: float) -> float:
        """Pixel row of ``value`` (top of the plot is the high end)."""
        span = (self.high - self.low) or 1.0
        plot = HEIGHT - PAD_TOP - PAD_BOTTOM
        return PAD_TOP + (self.high - value) / span * plot


def scale_for(values: Sequence[float], ceiling: float | None = None) -> Scale:
    """A scale that always includes zero, with 8% headroom.

    ``ceiling`` caps the headroom for figures that cannot exceed it (a margin
    is at most 100%), so the axis never promises a value that cannot occur.
    """
    low, high = min(0.0, *values), max(0.0, *values)
    room = (high - low) * 0.08 or 1.0
    top = high + room if high > 0 else high
    if ceiling is not None:
        top = max(high, min(top, ceiling))
    return Scale(low - room if low < 0 else low, top)


@dataclass(frozen=True, slots=True)
class Axis:
    """A vertical axis fixed in advance: its scale, ticks and their format."""

    scale: Scale
    ticks: tuple[float, ...]
    fmt: Format


def share_axis() -> Axis:
    """0 to 100% in quarters: a share of a whole can never pass 100%."""
    return Axis(Scale(0.0, 1.0), (0.0, 0.25, 0.5, 0.75, 1.0), _whole_percent)


def capped_axis(values: Sequence[float], ceiling: float, fmt: Format) -> Axis:
    """The usual low/middle/high axis, its top held at ``ceiling``."""
    scale = scale_for(values, ceiling)
    return Axis(scale, (scale.low, (scale.low + scale.high) / 2, scale.high), fmt)


def _whole_percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def svg_frame(kind: str, title: str, body: str) -> str:
    """Wrap chart elements in an accessible, self-describing SVG element."""
    return (
        f'<svg class="chart" data-chart="{kind}" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<text x="{PAD_LEFT}" y="16" class="chart-title">{escape(title)}</text>'
        f"{body}</svg>"
    )


def bar_chart(
    kind: str,
    title: str,
    bars: Sequence[Bar],
    fmt: Format,
    axis: Axis | None = None,
) -> str:
    """Vertical bars from a zero line, each labelled with its value.

    Without ``axis`` the scale fits the values with some headroom.
    """
    if not bars:
        return empty_chart(kind, title)
    scale = axis.scale if axis else scale_for([b.value for b in bars])
    slot = (WIDTH - PAD_LEFT - PAD_RIGHT) / len(bars)
    parts = [_axis(scale, fmt, axis)]
    for index, bar in enumerate(bars):
        left = PAD_LEFT + index * slot + slot * 0.15
        parts.append(
            _bar(left, slot * 0.7, scale, base=0.0, top=bar.value, color=bar.color)
        )
        parts.append(_value_label(left + slot * 0.35, scale, bar.value, fmt))
        parts.append(_category_label(left + slot * 0.35, bar.label))
    return svg_frame(kind, title, "".join(parts))


def waterfall_chart(kind: str, title: str, columns: Sequence[Bar], fmt: Format) -> str:
    """A start total, the change each middle column makes, and the end total."""
    start, steps, end = columns[0], columns[1:-1], columns[-1]
    running, levels = start.value, [start.value]
    for step in steps:
        running += step.value
        levels.append(running)
    scale = scale_for([*levels, end.value])
    slot = (WIDTH - PAD_LEFT - PAD_RIGHT) / len(columns)
    parts = [_axis(scale, fmt)]
    for index, column in enumerate(columns):
        base, top = _waterfall_span(index, column, levels, len(columns))
        left = PAD_LEFT + index * slot + slot * 0.12
        color = (
            column.color
            if index in (0, len(columns) - 1)
            else (UP if column.value > 0 else DOWN)
        )
        parts.append(_bar(left, slot * 0.76, scale, base=base, top=top, color=color))
        parts.append(
            _value_label(
                left + slot * 0.38,
                scale,
                max(base, top),
                fmt,
                column.value if 0 < index < len(columns) - 1 else None,
            )
        )
        parts.append(_category_label(left + slot * 0.38, column.label))
    return svg_frame(kind, title, "".join(parts))


def _waterfall_span(
    index: int, column: Bar, levels: list[float], count: int
) -> tuple[float, float]:
    if index == 0 or index == count - 1:
        return 0.0, column.value
    return levels[index - 1], levels[index]


def line_chart(kind: str, title: str, points: Sequence[Bar], fmt: Format) -> str:
    """Values over ordered labels (days), joined by a line, with dots."""
    if not points:
        return empty_chart(kind, title)
    scale = scale_for([p.value for p in points])
    slot = (WIDTH - PAD_LEFT - PAD_RIGHT) / len(points)
    xs = [PAD_LEFT + slot * (i + 0.5) for i in range(len(points))]
    coords = " ".join(
        f"{x:.1f},{scale.y(p.value):.1f}" for x, p in zip(xs, points, strict=True)
    )
    parts = [
        _axis(scale, fmt),
        f'<polyline points="{coords}" fill="none" stroke="{PALETTE[0]}" '
        'stroke-width="2"/>',
    ]
    for x, point in zip(xs, points, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{scale.y(point.value):.1f}" r="4" '
            f'fill="{PALETTE[0]}"/>'
        )
        parts.append(_value_label(x, scale, point.value, fmt))
        parts.append(_category_label(x, point.label))
    return svg_frame(kind, title, "".join(parts))


def empty_chart(kind: str, title: str) -> str:
    """A chart frame saying there is nothing to draw yet."""
    body = (
        f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" '
        'class="chart-empty">no generations measured yet</text>'
    )
    return svg_frame(kind, title, body)


def _axis(scale: Scale, fmt: Format, fixed: Axis | None = None) -> str:
    zero = scale.y(0.0)
    values: tuple[float, ...] = (scale.low, (scale.low + scale.high) / 2, scale.high)
    if fixed is not None:
        values, fmt = fixed.ticks, fixed.fmt
    ticks = []
    for value in values:
        text = fmt(value)
        ticks.append(
            f'<text x="{PAD_LEFT - 6}" y="{scale.y(value) + 4:.1f}" '
            f'text-anchor="end" class="tick"{_squeeze(text)}>{escape(text)}</text>'
        )
    return (
        f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{zero:.1f}" '
        f'y2="{zero:.1f}" stroke="#444" stroke-width="1"/>' + "".join(ticks)
    )


def _squeeze(text: str) -> str:
    # Tick text is right-aligned against the plot; a long figure such as
    # "$0.00000212" would run off the chart's left edge, so it is narrowed to
    # the margin instead (10px digits are about 6px wide).
    room = PAD_LEFT - 8
    if len(text) * TICK_CHAR_PX <= room:
        return ""
    return f' textLength="{room}" lengthAdjust="spacingAndGlyphs"'


def _bar(
    left: float, width: float, scale: Scale, *, base: float, top: float, color: str
) -> str:
    y_top, y_base = sorted((scale.y(top), scale.y(base)))
    height = max(y_base - y_top, 1.0)
    return (
        f'<rect class="bar" x="{left:.1f}" y="{y_top:.1f}" width="{width:.1f}" '
        f'height="{height:.1f}" fill="{color}"/>'
    )


def _value_label(
    x: float, scale: Scale, value: float, fmt: Format, shown: float | None = None
) -> str:
    text = fmt(value if shown is None else shown)
    if shown is not None and shown > 0:
        text = "+" + text
    y = scale.y(max(value, 0.0)) - 5 if value >= 0 else scale.y(value) + 14
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" '
        f'class="value">{escape(text)}</text>'
    )


def _category_label(x: float, label: str) -> str:
    # Tilted so that long labels under narrow columns do not run together.
    y = HEIGHT - PAD_BOTTOM + 14
    return (
        f'<text x="{x:.1f}" y="{y}" text-anchor="end" class="label" '
        f'transform="rotate(-25 {x:.1f} {y})">{escape(label)}</text>'
    )
