"""Tests for the HTML report, including a render in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from weavergen.economics.html_report import render_html, write_html_report
from weavergen.economics.ledger import Ledger, open_ledger
from weavergen.economics.pricing import load_pricing
from weavergen.economics.projections import load_assumptions
from weavergen.economics.summary import build_summary

CHARTS = {
    "waterfall",
    "tier-mix",
    "cost-over-time",
    "margin-per-tier",
    "scenario-comparison",
}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium(page: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    argv = [
        CHROMIUM or "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp / 'profile'}",
        "--window-size=1280,2000",
        *extra,
        page.resolve().as_uri(),
    ]
    return subprocess.run(argv, capture_output=True, text=True, timeout=180, check=True)


@pytest.fixture
def page(state_dir: Path, tmp_path: Path) -> Path:
    """The report of the simulated workload."""
    return write_html_report(state_dir, tmp_path / "out" / "economics.html")


def test_page_has_every_chart_and_needs_no_network(page: Path) -> None:
    """Five charts inline; no script, stylesheet or image is fetched."""
    html = page.read_text()
    assert set(re.findall(r'data-chart="([\w-]+)"', html)) == CHARTS
    assert "<script" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_simulated_spans_get_a_banner(page: Path) -> None:
    """Spans from the simulated fleet are labelled SIMULATED."""
    assert 'id="simulated"' in page.read_text()


def test_banner_states_the_simulated_share_measured_from_spans(
    state_dir: Path,
) -> None:
    """With 6 of 24 generations simulated, the banner says 25.0%, not 'all'."""
    ledger = open_ledger(state_dir)
    mixed = [replace(g, simulated=i < 6) for i, g in enumerate(ledger.generations)]
    summary = build_summary(
        load_pricing(), Ledger(tuple(mixed), ledger.calls), load_assumptions()
    )
    html = render_html(summary)
    assert "25.0% of generations (6 of 24) used the simulated model fleet" in html
    assert "not from real traffic" not in html


def test_page_says_the_v2_plan_never_the_seed(page: Path) -> None:
    """The word 'seed' is never shown; the figures are the v2 plan's."""
    html = page.read_text()
    assert "seed" not in html.lower()
    assert "The v2 plan's claims, recomputed" in html


def test_page_explains_structure_versus_measured_cost(page: Path) -> None:
    """One line says why --scenario v2-optimised and measured costs differ."""
    html = page.read_text()
    assert "--scenario v2-optimised ($1.16)" in html
    assert "fixed infrastructure included" in html


def test_roadmap_shows_both_costs_and_labels_them(page: Path) -> None:
    """Targets are compared before the allocation and fully loaded, both labelled."""
    html = page.read_text()
    assert "<th>cost before support+sales</th>" in html
    assert "<th>fully loaded (+$0.40)</th>" in html
    assert "margin incl. (change, % points)" in html


def test_estimated_page_has_no_banner_and_flags_claims() -> None:
    """From a structure alone: no SIMULATED banner, claims still checked."""
    summary = build_summary(load_pricing(), Ledger(()), load_assumptions())
    html = render_html(summary)
    assert 'id="simulated"' not in html
    assert "3 of 11 not supported as stated" in html
    assert html.count("data-status='not supported'") == 1
    assert "ASSUMPTIONS" in html
    assert "below the $0.40 support and sales allocation" in html


@pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)
def test_page_renders_charts_in_headless_chromium(page: Path, tmp_path: Path) -> None:
    """After layout the DOM still holds the five SVG charts and their bars."""
    dom = _chromium(page, tmp_path, "--dump-dom").stdout
    assert set(re.findall(r'data-chart="([\w-]+)"', dom)) == CHARTS
    assert len(re.findall(r'<rect class="bar"', dom)) >= 20
    assert "SIMULATED" in dom


@pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)
def test_page_screenshot_is_a_full_png(page: Path, tmp_path: Path) -> None:
    """Chromium writes a 1280x2000 PNG screenshot of the page."""
    shot = tmp_path / "economics.png"
    _chromium(page, tmp_path, f"--screenshot={shot}")
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(header[16:20], "big") == 1280
    assert int.from_bytes(header[20:24], "big") == 2000
    # A blank page compresses to a few kilobytes; charts and tables do not.
    assert shot.stat().st_size > 50_000


def test_narrow_windows_stack_charts_instead_of_shrinking_them(page: Path) -> None:
    """Below 1100px the chart/table pairs stack in one column (no thumbnail SVGs)."""
    html = page.read_text(encoding="utf-8")
    narrow = re.search(r"@media \(max-width:(\d+)px\)\{([^}]*)\}", html)
    assert narrow is not None
    assert int(narrow.group(1)) >= 1000
    assert narrow.group(2) == ".grid,.cards{grid-template-columns:minmax(0,1fr)"


def test_page_shares_and_margins_stay_under_one_hundred_percent(page: Path) -> None:
    """The tier mix axis ends at 100%; the margin axis never goes past it."""
    html = page.read_text()
    mix = re.search(r'data-chart="tier-mix".*?</svg>', html, re.S)
    margin = re.search(r'data-chart="margin-per-tier".*?</svg>', html, re.S)
    assert mix
    assert margin
    ticks = re.findall(r'class="tick"[^>]*>([^<]+)<', mix.group(0))
    assert ticks == ["0%", "25%", "50%", "75%", "100%"]
    top = re.findall(r'class="tick"[^>]*>([^<]+)<', margin.group(0))[-1]
    assert int(top.rstrip("%").replace(",", "")) <= 100


def test_page_explains_custom_tier_and_simulated_kpi_share(page: Path) -> None:
    """enterprise-plus says it has no list price; KPI cards state the share."""
    html = page.read_text()
    row = re.search(r"<tr><td>enterprise-plus</td>.*?</tr>", html)
    assert row
    assert "custom pricing: no list price" in row.group(0)
    assert html.count("measured (100% simulated).") == 6
