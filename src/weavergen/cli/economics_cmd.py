"""``weavergen economics``: unit economics, KPIs and risks in the terminal.

Reads the span store (measured) or a cost structure (estimated), the pricing
tiers and the projection assumptions, and prints tables, or with ``--json``
one object for scripts. All figures come from
:func:`weavergen.economics.summary.build_summary`; this module only formats.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from weavergen.cli.app import app, global_options
from weavergen.economics.claims import SUPPORTED
from weavergen.economics.figures import (
    percent,
    points,
    ratio,
    signed_usd,
    times,
    usd,
)
from weavergen.economics.ledger import open_ledger
from weavergen.economics.pricing import load_pricing
from weavergen.economics.projections import load_assumptions
from weavergen.economics.stress import RunWorkload
from weavergen.economics.structure import load_structure
from weavergen.economics.summary import (
    EconomicsSummary,
    allocation_note,
    basis_note,
    build_summary,
    simulated_note,
    stress_method_label,
    stress_note,
    summary_to_json,
    tier_note,
)
from weavergen.telemetry.state import resolve_state_dir


@app.command("economics")
def economics(
    ctx: typer.Context,
    *,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario",
            help="Cost structure: v1-baseline, v2-naive, v2-optimised or a YAML "
            "file; default: measured cost from the span store",
        ),
    ] = None,
    tiers: Annotated[
        Path | None, typer.Option("--tiers", help="Pricing tiers YAML file.")
    ] = None,
    projections: Annotated[
        Path | None,
        typer.Option("--projections", help="Projection assumptions YAML file."),
    ] = None,
    state_dir: Annotated[
        Path | None, typer.Option("--state-dir", help="State folder with spans.db.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead.")
    ] = False,
    rerun_registry: Annotated[
        str | None,
        typer.Option(
            "--rerun-registry",
            help="Re-run a seeded simulated workload over this registry for each "
            "stress scenario (default: replay the measured spans)",
        ),
    ] = None,
    rerun_requests: Annotated[
        int, typer.Option("--rerun-requests", min=1, help="Requests per re-run.")
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Re-run workload seed.")] = 7,
) -> None:
    """Cost per generation, tier margins, KPIs, stress scenarios, projections."""
    folder = resolve_state_dir(state_dir or global_options(ctx).state_dir)
    # Re-runs write their spans and cache to a scratch folder, never to the
    # user's state folder; their ledgers are read before it is removed.
    with tempfile.TemporaryDirectory(prefix="weavergen-stress-") as scratch:
        runner = None
        if rerun_registry is not None:
            runner = _simulated_runner(rerun_registry, rerun_requests, seed, scratch)
        summary = build_summary(
            pricing=load_pricing(tiers),
            ledger=open_ledger(folder),
            assumptions=load_assumptions(projections),
            structure=load_structure(scenario) if scenario else None,
            run_workload=runner,
        )
    if as_json:
        document = _finite(summary_to_json(summary))
        typer.echo(json.dumps(document, indent=2, allow_nan=False))
        return
    print_summary(summary, Console(width=120))


def _finite(value: Any) -> Any:
    # JSON has no NaN or Infinity; a figure that overflowed or came from a
    # damaged span is printed as null (unknown) rather than as invalid JSON.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def _simulated_runner(
    registry: str, requests: int, seed: int, scratch: str
) -> RunWorkload:
    # Imported here: the pipeline, resolver and OpenTelemetry SDK load slowly.
    from weavergen.economics.simulated import simulated_workload  # noqa: PLC0415

    return simulated_workload(registry, requests, seed, Path(scratch))


def print_summary(summary: EconomicsSummary, console: Console) -> None:
    """Print every section of the summary as terminal tables."""
    console.print(_headline(summary))
    for note in (simulated_note(summary), basis_note(summary)):
        if note:
            console.print(Text(note))
    console.print(_tier_table(summary))
    console.print(_kpi_table(summary))
    if summary.stress:
        console.print(_stress_table(summary))
    console.print(_roadmap_table(summary))
    console.print(_projection_table(summary))
    console.print(_claims_table(summary))


def _add_row(table: Table, *cells: str) -> None:
    # Tier, scenario and file names come from the user's YAML; as plain Text
    # a name like "[/]" is printed, not parsed as Rich markup (or crash).
    table.add_row(*(Text(cell) for cell in cells))


def _headline(summary: EconomicsSummary) -> str:
    label = summary.basis.upper() + (" (SIMULATED)" if summary.simulated else "")
    return (
        f"[bold]Cost per generation {usd(summary.cost_per_generation_usd)}[/bold]"
        f" ({label}: {escape(summary.source)}); fully loaded "
        f"{usd(summary.fully_loaded_cost_usd)} with "
        f"${summary.pricing.allocations_usd:.2f} support and sales"
    )


def _tier_table(summary: EconomicsSummary) -> Table:
    table = Table(title=f"Pricing tiers ({summary.basis} cost)")
    # Tier names and the custom-pricing note are what a reader scans for;
    # they stay whole, and the figure headers wrap instead.
    names = max(len(t.tier) for t in summary.tiers)
    table.add_column(Text("tier"), justify="right", no_wrap=True, min_width=names)
    for column in (
        "price per included",
        "overage",
        "margin included",
        "margin overage",
        "cost to break even",
        f"cost for {percent(summary.pricing.target_margin)}",
    ):
        table.add_column(Text(column), justify="right")
    notes = [tier_note(t) for t in summary.tiers]
    if any(notes):
        table.add_column(Text("note"), no_wrap=True)
    for t, note in zip(summary.tiers, notes, strict=True):
        _add_row(
            table,
            t.tier,
            usd(t.price_per_included_usd, 5),
            usd(t.overage_usd, 2),
            percent(t.margin_included),
            percent(t.margin_overage),
            usd(t.break_even_cost_usd),
            usd(t.target_cost_usd),
            *([note] if any(notes) else []),
        )
    table.caption = Text(allocation_note(summary))
    return table


def _kpi_table(summary: EconomicsSummary) -> Table:
    table = Table(title="KPIs (from spans)")
    for column in ("KPI", "value", "basis", "note"):
        table.add_column(Text(column))
    for kpi in summary.kpis:
        value = usd(kpi.value) if kpi.unit == "usd" else ratio(kpi.value)
        _add_row(table, kpi.label, value, kpi.basis, kpi.note)
    return table


def _stress_table(summary: EconomicsSummary) -> Table:
    listed = [t.tier for t in summary.tiers if t.margin_included is not None]
    how = stress_method_label(summary)
    table = Table(title=f"Stress scenarios ({how})")
    headers = [f"{name} margin (change, % points)" for name in listed]
    for column in ("scenario", "cost/gen", "cost change", "cache hits", *headers):
        table.add_column(Text(column), justify="right")
    for result in summary.stress:
        margins = {t.tier: t.margin_included for t in result.tiers}
        cells = [_with_delta(margins[n], result.margin_deltas[n]) for n in listed]
        _add_row(
            table,
            result.scenario.label,
            usd(result.cost_per_generation_usd),
            signed_usd(result.delta_cost_usd),
            ratio(result.cache_hit_rate),
            *cells,
        )
    table.caption = Text(_stress_caption(summary))
    table.caption_justify = "left"
    return table


def _stress_caption(summary: EconomicsSummary) -> str:
    unchanged = [
        f"{result.scenario.label}: {result.note}."
        for result in summary.stress
        if result.note
    ]
    return "\n".join([*unchanged, stress_note(summary)])


def _with_delta(value: float | None, delta: float | None) -> str:
    if delta is None or delta == 0:
        return percent(value)
    return f"{percent(value)} ({points(delta)})"


def _roadmap_table(summary: EconomicsSummary) -> Table:
    table = Table(title=f"Roadmap targets vs {summary.basis} cost per generation")
    allocation = usd(summary.pricing.allocations_usd, 2)
    for column in (
        "phase",
        "target",
        "cost before support+sales",
        "times target",
        "met before support+sales",
        f"fully loaded (+{allocation})",
        "met fully loaded",
    ):
        table.add_column(Text(column), justify="right")
    for r in summary.roadmap:
        _add_row(
            table,
            r.phase,
            usd(r.target_usd, 2),
            usd(r.actual_usd),
            times(r.factor),
            _yes_no(r.met),
            usd(r.fully_loaded_usd),
            _yes_no(r.met_fully_loaded),
        )
    table.caption = Text(
        "The plan's targets are costs before the support and sales allocation; "
        "the fully loaded columns add it."
    )
    table.caption_justify = "left"
    return table


def _yes_no(flag: bool | None) -> str:
    return "-" if flag is None else ("yes" if flag else "no")


def _projection_table(summary: EconomicsSummary) -> Table:
    table = Table(
        title=Text(
            "Yearly projections (ASSUMPTIONS from "
            f"{summary.assumptions_source}, fully loaded cost)"
        )
    )
    for column in (
        "scenario",
        "generations",
        "revenue",
        "cost",
        "gross profit",
        "margin",
    ):
        table.add_column(Text(column), justify="right")
    for p in summary.projections:
        _add_row(
            table,
            p.scenario,
            f"{p.generations:,}",
            usd(p.revenue_usd, 0),
            usd(p.cost_usd, 0),
            usd(p.gross_profit_usd, 0),
            percent(p.margin),
        )
    return table


def _claims_table(summary: EconomicsSummary) -> Table:
    table = Table(title="Claims of the v2 plan that its own numbers do not support")
    for column in ("claim", "stated", "computed", "why"):
        table.add_column(Text(column))
    for c in summary.claims:
        if c.status != SUPPORTED:
            _add_row(
                table, f"{c.says} ({c.status})", c.stated, c.computed, c.explanation
            )
    return table
