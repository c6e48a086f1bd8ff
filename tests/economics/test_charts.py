"""Tests for the inline SVG charts."""

from __future__ import annotations

import re

import pytest

from weavergen.economics.charts import (
    Bar,
    Scale,
    bar_chart,
    capped_axis,
    line_chart,
    scale_for,
    share_axis,
    waterfall_chart,
)


def _rects(svg: str) -> list[tuple[float, float]]:
    """(y, height) of every bar rectangle."""
    found = re.findall(
        r'class="bar" x="[\d.]+" y="([\d.]+)" width="[\d.]+" '
        r'height="([\d.]+)"',
        svg,
    )
    return [(float(y), float(h)) for y, h in found]


def test_negative_bars_hang_below_the_zero_line() -> None:
    """A negative value's bar starts at zero and grows downwards."""
    svg = bar_chart("m", "t", [Bar("up", 1.0), Bar("down", -1.0)], str)
    zero = scale_for([1.0, -1.0]).y(0.0)
    (up_y, up_h), (down_y, down_h) = _rects(svg)
    assert abs(up_y + up_h - zero) < 0.11
    assert abs(down_y - zero) < 0.11
    assert abs(up_h - down_h) < 0.11


def test_waterfall_steps_start_where_the_previous_ended() -> None:
    """Each step's bar spans from the running total before it to after it."""
    columns = [Bar("start", 10.0), Bar("cut", -6.0), Bar("end", 4.0)]
    svg = waterfall_chart("w", "t", columns, str)
    scale = scale_for([10.0, 4.0, 4.0])
    _, (cut_y, cut_h), (end_y, _) = _rects(svg)
    assert abs(cut_y - scale.y(10.0)) < 0.11
    assert abs(cut_y + cut_h - scale.y(4.0)) < 0.11
    assert abs(end_y - scale.y(4.0)) < 0.11


def test_charts_escape_labels_and_carry_their_kind() -> None:
    """Labels are escaped and each SVG says which chart it is."""
    svg = line_chart("days", "<t>", [Bar("a&b", 1.0), Bar("c", 2.0)], str)
    assert 'data-chart="days"' in svg
    assert "a&amp;b" in svg
    assert "<title>&lt;t&gt;</title>" in svg
    assert svg.count("<circle") == 2


def test_empty_chart_says_nothing_was_measured() -> None:
    """No bars gives a frame with a message instead of an error."""
    svg = bar_chart("mix", "t", [], str)
    assert "no generations measured yet" in svg
    assert "<rect" not in svg


def test_long_tick_figures_are_narrowed_to_the_left_margin() -> None:
    """A tick like $0.00000212 is fitted into the margin; a short one is not."""
    tiny = bar_chart("m", "t", [Bar("a", 2.12e-6)], lambda v: f"${v:.8f}")
    short = bar_chart("m", "t", [Bar("a", 2.0)], lambda v: f"${v:.2f}")
    squeezed = re.findall(r'class="tick" textLength="(\d+)"', tiny)
    assert squeezed == ["62", "62", "62"]
    assert "textLength" not in short


def _ticks(svg: str) -> list[str]:
    return re.findall(r'class="tick"[^>]*>([^<]+)<', svg)


def test_share_axis_stops_at_one_hundred_percent_in_quarters() -> None:
    """A tier mix topping out at 99% gets ticks 0/25/50/75/100%, not 107.0%."""
    bars = [Bar("cache", 0.99), Bar("local", 0.01)]
    svg = bar_chart("mix", "t", bars, str, share_axis())
    assert _ticks(svg) == ["0%", "25%", "50%", "75%", "100%"]
    (top_y, _), _ = _rects(svg)
    assert abs(top_y - Scale(0.0, 1.0).y(0.99)) < 0.11


def test_capped_axis_never_passes_its_ceiling() -> None:
    """Margins of 95% keep an axis top of 100%; far lower ones keep headroom."""
    assert capped_axis([0.95, 0.5], 1.0, str).scale.high == 1.0
    low = capped_axis([0.5], 1.0, str).scale
    assert low.high == pytest.approx(0.54)
    assert capped_axis([-5.9], 1.0, str).scale.high == 0.0
