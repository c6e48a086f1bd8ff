"""One self-contained HTML page with the economics: tables and SVG charts.

The page is for the people who run WeaverGen as a service. It opens offline
(no script, no font, no stylesheet from anywhere), says on every figure
whether it is measured from spans or estimated from a cost structure, and
shows a SIMULATED banner when the spans came from the simulated fleet.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from weavergen.economics.charts import (
    PALETTE,
    Bar,
    bar_chart,
    capped_axis,
    line_chart,
    share_axis,
    waterfall_chart,
)
from weavergen.economics.claims import SUPPORTED
from weavergen.economics.figures import (
    percent,
    points,
    ratio,
    signed_usd,
    times,
    usd,
)
from weavergen.economics.ledger import (
    Ledger,
    SpanSource,
    ledger_from_source,
    open_ledger,
)
from weavergen.economics.pricing import load_pricing
from weavergen.economics.projections import load_assumptions
from weavergen.economics.stress import RunWorkload, StressResult
from weavergen.economics.structure import load_structure
from weavergen.economics.summary import (
    EconomicsSummary,
    allocation_note,
    basis_note,
    build_summary,
    simulated_note,
    stress_method_label,
    stress_note,
    tier_note,
)
from weavergen.errors import StateError

logger = logging.getLogger(__name__)

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;
color:#1d2733;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;
border-bottom:1px solid #d5dbe1;padding-bottom:4px}
.banner{background:#fff3cd;border:1px solid #e0b84c;padding:8px 12px;
font-weight:600;margin:12px 0}
.basis{color:#5a6b7b;font-size:12px}
.cards{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}
.card{border:1px solid #d5dbe1;border-radius:6px;padding:10px 12px}
.card .v{font-size:22px;font-weight:600}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}
@media (max-width:1100px){.grid,.cards{grid-template-columns:minmax(0,1fr)}
.grid>div{overflow-x:auto}}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border-bottom:1px solid #e3e7eb;padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}
td.text,th.text{text-align:left}
.bad{color:#b33f3f}.good{color:#3a9a5b}
svg.chart{max-width:100%;height:auto;border:1px solid #e3e7eb;border-radius:6px}
svg .chart-title{font-size:13px;font-weight:600;fill:#1d2733}
svg .tick,svg .label{font-size:10px;fill:#5a6b7b}
svg .value{font-size:10px;fill:#1d2733}
svg .chart-empty{font-size:13px;fill:#5a6b7b}
"""


def write_html_report(
    store_or_state_dir: Path | SpanSource,
    path: Path,
    *,
    tiers: Path | None = None,
    scenario: str | None = None,
    projections: Path | None = None,
    run_workload: RunWorkload | None = None,
) -> Path:
    """Write the economics page to ``path`` and return it."""
    summary = build_summary(
        pricing=load_pricing(tiers),
        ledger=_ledger(store_or_state_dir),
        assumptions=load_assumptions(projections),
        structure=load_structure(scenario) if scenario else None,
        run_workload=run_workload,
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_html(summary), encoding="utf-8")
    except OSError as exc:
        raise StateError(f"cannot write the HTML report to {path}: {exc}") from exc
    logger.info("wrote economics report to %s", path)
    return path


def _ledger(source: Path | SpanSource) -> Ledger:
    if isinstance(source, Path):
        return open_ledger(source)
    return ledger_from_source(source)


def render_html(summary: EconomicsSummary) -> str:
    """The whole page as one string."""
    sections = [
        _header(summary),
        _kpi_section(summary),
        _tier_section(summary),
        _cost_section(summary),
        _stress_section(summary),
        _roadmap_section(summary),
        _projection_section(summary),
        _claims_section(summary),
    ]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>WeaverGen economics</title>"
        f"<style>{_CSS}</style></head><body>{''.join(sections)}</body></html>"
    )


def _header(summary: EconomicsSummary) -> str:
    banner = ""
    if summary.simulated:
        banner = (
            f'<div class="banner" id="simulated">SIMULATED: '
            f"{escape(simulated_note(summary))}.</div>"
        )
    stamp = datetime.now(tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"<h1>WeaverGen economics</h1><div class='basis'>Generated {stamp}. "
        f"Headline cost: <b>{escape(summary.basis)}</b> from "
        f"{escape(summary.source)}. <b>Measured</b> figures are read from the "
        "span store; <b>estimated</b> figures come from cost structures (monthly "
        "line items); <b>assumption</b> marks editable inputs.</div>"
        f"{banner}<p class='basis' id='basis-note'>{escape(basis_note(summary))}</p>"
    )


def _kpi_section(summary: EconomicsSummary) -> str:
    cards = []
    for kpi in summary.kpis:
        value = usd(kpi.value) if kpi.unit == "usd" else ratio(kpi.value)
        cards.append(
            f'<div class="card"><div>{escape(kpi.label)}</div>'
            f'<div class="v">{escape(value)}</div>'
            f'<div class="basis">{escape(kpi.basis)}. {escape(kpi.note)}</div></div>'
        )
    return f"<h2>KPIs (from spans)</h2><div class='cards'>{''.join(cards)}</div>"


def _tier_section(summary: EconomicsSummary) -> str:
    rows = "".join(
        f"<tr><td>{escape(t.tier)}</td><td>{usd(t.price_per_included_usd, 5)}</td>"
        f"<td>{usd(t.overage_usd, 2)}</td>{_pct_cell(t.margin_included)}"
        f"{_pct_cell(t.margin_overage)}<td>{usd(t.break_even_cost_usd)}</td>"
        f"<td>{usd(t.target_cost_usd)}</td>"
        f"<td class='text'>{escape(tier_note(t))}</td></tr>"
        for t in summary.tiers
    )
    target = percent(summary.pricing.target_margin)
    table = (
        "<table><tr><th>tier</th><th>price per included</th><th>overage</th>"
        "<th>margin included</th><th>margin overage</th><th>break-even cost</th>"
        f"<th>cost for {target}</th><th class='text'>note</th></tr>{rows}</table>"
    )
    note = (
        f"<p class='basis'>Cost per generation {usd(summary.cost_per_generation_usd)}"
        f" ({escape(summary.basis)}) plus {usd(summary.pricing.allocations_usd, 2)}"
        f" support and sales = fully loaded {usd(summary.fully_loaded_cost_usd)}. "
        "Margin = (price - fully loaded cost) / price; break-even and target "
        "costs are before the allocations (negative: unreachable).</p>"
        f"<p class='bad' id='allocation-note'>{escape(allocation_note(summary))}</p>"
    )
    return f"<h2>Pricing tiers</h2>{note}{two_columns(table, _margin_chart(summary))}"


def _pct_cell(value: float | None) -> str:
    css = "" if value is None else (" class='bad'" if value < 0 else " class='good'")
    return f"<td{css}>{percent(value)}</td>"


def _margin_chart(summary: EconomicsSummary) -> str:
    bars = []
    for t in summary.tiers:
        if t.margin_included is not None:
            bars.append(Bar(f"{t.tier} incl.", t.margin_included, PALETTE[0]))
        if t.margin_overage is not None:
            bars.append(Bar(f"{t.tier} overage", t.margin_overage, PALETTE[1]))
    title = f"Margin per tier ({summary.basis} cost)"
    axis = capped_axis([b.value for b in bars], 1.0, percent) if bars else None
    return bar_chart("margin-per-tier", title, bars, percent, axis)


def _cost_section(summary: EconomicsSummary) -> str:
    charts = [
        _waterfall(summary),
        _tier_mix(summary.ledger),
        _over_time(summary.ledger),
    ]
    return (
        "<h2>Where the cost goes</h2><div class='grid'>"
        + "".join(f"<div>{c}</div>" for c in charts)
        + f"<div>{_structure_table(summary)}</div></div>"
    )


def _waterfall(summary: EconomicsSummary) -> str:
    naive, optimised = summary.structures[1], summary.structures[2]
    before = naive.by_category()
    after = optimised.by_category()
    steps = [
        Bar(
            name,
            after.get(name, 0.0) / optimised.volume_per_month
            - before.get(name, 0.0) / naive.volume_per_month,
        )
        for name in dict.fromkeys([*before, *after])
    ]
    columns = [
        Bar(naive.name, naive.cost_per_generation_usd, PALETTE[5]),
        *steps,
        Bar(optimised.name, optimised.cost_per_generation_usd, PALETTE[0]),
    ]
    title = "Cost per generation, naive to optimised (estimated)"
    return waterfall_chart("waterfall", title, columns, lambda v: usd(v, 2))


def _tier_mix(ledger: Ledger) -> str:
    groups = ledger.by_tier()
    bars = [
        Bar(name, s.count / ledger.count, PALETTE[i % len(PALETTE)])
        for i, (name, s) in enumerate(groups.items())
    ]
    title = "Pipeline tier mix (measured share)"
    return bar_chart("tier-mix", title, bars, ratio, share_axis())


def _over_time(ledger: Ledger) -> str:
    points = [Bar(day, s.per_item_usd) for day, s in ledger.by_day().items()]
    title = "Cost per generation per day (measured)"
    return line_chart("cost-over-time", title, points, usd)


def _structure_table(summary: EconomicsSummary) -> str:
    rows = "".join(
        f"<tr><td>{escape(s.name)}</td><td>{usd(s.total_usd, 0)}</td>"
        f"<td>{s.volume_per_month:,}</td><td>{usd(s.cost_per_generation_usd, 2)}</td>"
        f"<td>{usd(s.infrastructure_per_generation_usd(), 3)}</td></tr>"
        for s in summary.structures
    )
    return (
        "<table><tr><th>structure (estimated)</th><th>per month</th>"
        "<th>generations</th><th>per generation</th><th>infrastructure</th></tr>"
        f"{rows}</table><p class='basis'>Totals are the v2 plan's; the split into "
        "line items is an assumption.</p>"
    )


def _stress_section(summary: EconomicsSummary) -> str:
    chart = _scenario_chart(summary)
    if not summary.stress:
        note = "<p>No workload measured: stress scenarios need spans to re-run.</p>"
        return f"<h2>Scenarios</h2>{note}{chart}"
    listed = [t.tier for t in summary.tiers if t.margin_included is not None]
    head = "".join(
        f"<th>{escape(name)} margin incl. (change, % points)</th>" for name in listed
    )
    rows = "".join(_stress_row(result, listed) for result in summary.stress)
    how = stress_method_label(summary)
    table = (
        f"<table><tr><th>scenario ({how})</th><th>cost/gen</th>"
        f"<th>cost change</th><th>cache hits</th>{head}</tr>{rows}</table>"
        f"{_stress_notes(summary)}"
    )
    return f"<h2>Scenarios</h2>{two_columns(chart, table)}"


def _stress_notes(summary: EconomicsSummary) -> str:
    unchanged = "".join(
        f"<li>{escape(r.scenario.label)}: {escape(r.note)}.</li>"
        for r in summary.stress
        if r.note
    )
    listed = f"<ul class='basis'>{unchanged}</ul>" if unchanged else ""
    return (
        f"{listed}<p class='basis' id='stress-note'>{escape(stress_note(summary))}</p>"
    )


def _stress_row(result: StressResult, listed: list[str]) -> str:
    margins = {t.tier: t.margin_included for t in result.tiers}
    cells = "".join(
        f"<td>{percent(margins[n])}{_delta(result.margin_deltas[n])}</td>"
        for n in listed
    )
    return (
        f"<tr><td>{escape(result.scenario.label)}</td>"
        f"<td>{usd(result.cost_per_generation_usd)}</td>"
        f"<td>{signed_usd(result.delta_cost_usd)}</td>"
        f"<td>{ratio(result.cache_hit_rate)}</td>{cells}</tr>"
    )


def _delta(delta: float | None) -> str:
    if not delta:
        return ""
    return f" <span class='bad'>({points(delta)})</span>"


def _scenario_chart(summary: EconomicsSummary) -> str:
    # Structures cost dollars and a measured workload cents: on one axis the
    # scenarios would vanish, so structures only stand in when nothing ran.
    if not summary.stress:
        bars = [
            Bar(s.name, s.cost_per_generation_usd, PALETTE[5])
            for s in summary.structures
        ]
        title = "Cost per generation of the structures (estimated)"
        return bar_chart("scenario-comparison", title, bars, lambda v: usd(v, 2))
    bars = [
        Bar(r.scenario.key.replace("_", " "), r.cost_per_generation_usd, PALETTE[i % 4])
        for i, r in enumerate(summary.stress)
    ]
    title = "Cost per generation under each scenario (measured workload)"
    return bar_chart("scenario-comparison", title, bars, usd)


def _roadmap_section(summary: EconomicsSummary) -> str:
    rows = "".join(
        f"<tr><td>{escape(r.phase)}</td><td>{usd(r.target_usd, 2)}</td>"
        f"<td>{usd(r.actual_usd)}</td><td>{times(r.factor)}</td>"
        f"{_met_cell(r.met)}<td>{usd(r.fully_loaded_usd)}</td>"
        f"{_met_cell(r.met_fully_loaded)}</tr>"
        for r in summary.roadmap
    )
    allocation = usd(summary.pricing.allocations_usd, 2)
    return (
        f"<h2>Roadmap targets vs {escape(summary.basis)} cost</h2><p class='basis'>"
        "The plan's targets are costs before the support and sales allocation; "
        "the fully loaded columns add it.</p><table><tr><th>phase</th>"
        "<th>target</th><th>cost before support+sales</th><th>times target</th>"
        f"<th>before support+sales</th><th>fully loaded (+{allocation})</th>"
        f"<th>fully loaded</th></tr>{rows}</table>"
    )


def _met_cell(met: bool | None) -> str:
    if met is None:
        return "<td>-</td>"
    return "<td class='good'>met</td>" if met else "<td class='bad'>not met</td>"


def two_columns(left: str, right: str) -> str:
    """Two blocks side by side."""
    return f"<div class='grid'><div>{left}</div><div>{right}</div></div>"


def _projection_section(summary: EconomicsSummary) -> str:
    rows = "".join(
        f"<tr><td>{escape(p.scenario)}</td><td>{p.generations:,}</td>"
        f"<td>{usd(p.revenue_usd, 0)}</td><td>{usd(p.cost_usd, 0)}</td>"
        f"<td>{usd(p.gross_profit_usd, 0)}</td>{_pct_cell(p.margin)}</tr>"
        for p in summary.projections
    )
    return (
        "<h2>Yearly projections (assumption)</h2><p class='basis'>Customers, "
        "revenue per user and generations per customer are ASSUMPTIONS from "
        f"{escape(summary.assumptions_source)}, not measured and not the v2 plan's "
        "figures; edit the file to change them. Cost is fully loaded at the "
        "headline cost per generation.</p><table><tr><th>scenario</th>"
        "<th>generations</th><th>revenue</th><th>cost</th><th>gross profit</th>"
        f"<th>margin</th></tr>{rows}</table>"
    )


def _claims_section(summary: EconomicsSummary) -> str:
    unsupported = sum(c.status != SUPPORTED for c in summary.claims)
    rows = "".join(
        f"<tr class='claim' data-status='{escape(c.status)}'>"
        f"<td class='text'>{escape(c.says)}</td><td>{escape(c.stated)}</td>"
        f"<td>{escape(c.computed)}</td><td class='text "
        f"{'good' if c.status == SUPPORTED else 'bad'}'>{escape(c.status)}</td>"
        f"<td class='text'>{escape(c.explanation)}</td></tr>"
        for c in sorted(summary.claims, key=lambda c: c.status == SUPPORTED)
    )
    return (
        f"<h2 id='claims'>The v2 plan's claims, recomputed: {unsupported} of "
        f"{len(summary.claims)} not supported as stated</h2><p class='basis'>Each "
        "stated figure is recomputed from the plan's structures and tiers; those "
        "its own numbers do not support come first.</p>"
        "<table><tr><th>claim</th><th>stated</th><th>computed</th>"
        f"<th class='text'>verdict</th><th class='text'>why</th></tr>{rows}</table>"
    )
