"""CLI: ``weavergen report``, what the recorded generations cost and took.

Reads the span store of the state folder and prints rich tables (or one JSON
object with ``--json``); ``--html`` hands the store to the economics HTML
report when that module is part of the build.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from weavergen.cli.app import app, fail, global_options
from weavergen.cli.units import seconds, usd
from weavergen.telemetry.state import resolve_state_dir, span_store_path
from weavergen.telemetry.store import SpanStore
from weavergen.telemetry.summary import summarise_generations

HTML_REPORT_MODULE = "weavergen.economics.html_report"


@app.command("report")
def report(  # noqa: PLR0917  (Typer maps each parameter to an option)
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of tables.")
    ] = False,
    state_dir: Annotated[
        Path | None,
        typer.Option("--state-dir", help="State folder holding spans.db."),
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write an HTML report here.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only generations from this ISO date/time on."),
    ] = None,
    tenant: Annotated[
        str | None, typer.Option("--tenant", help="Only this tenant's generations.")
    ] = None,
) -> None:
    """Generations by target, pattern and tier; cost; p50/p95 duration."""
    html_writer = _html_writer() if html is not None else None
    folder = resolve_state_dir(state_dir or global_options(ctx).state_dir)
    if folder.exists() and not folder.is_dir():
        raise fail(
            f"state folder {folder} is a file, not a folder; point --state-dir "
            "at the folder that holds spans.db"
        )
    store = SpanStore(span_store_path(folder))
    rows = store.generations(since=_parse_since(since), tenant=tenant)
    summary = summarise_generations(rows)
    if as_json:
        typer.echo(json.dumps(summary, indent=2, sort_keys=True))
    if not summary["generations"]:
        # On stderr with --json, so that stdout stays one JSON object.
        typer.echo(empty_report_note(store, since, tenant), err=as_json)
    elif not as_json:
        _print_tables(summary, store.path)
    if html_writer is not None and html is not None:
        _write_html(html_writer, store, html)


def empty_report_note(store: SpanStore, since: str | None, tenant: str | None) -> str:
    """Why the report is empty: no store there, filters, or nothing recorded."""
    if not store.path.exists():
        return (
            f"no span store at {store.path} (nothing generated there yet, "
            "or a wrong --state-dir?)"
        )
    filters = [
        f"{flag} {value}"
        for flag, value in (("--since", since), ("--tenant", tenant))
        if value is not None
    ]
    if filters and store.generations():
        return f"no generations match {' '.join(filters)} in {store.path}"
    return f"no generations recorded yet in {store.path}"


def _parse_since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise fail(
            f"--since {text!r}: expected an ISO date or time such as 2026-12-01 "
            "or 2026-12-01T09:30 (UTC unless it carries an offset)"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _html_writer() -> Callable[[SpanStore, Path], object]:
    if importlib.util.find_spec(HTML_REPORT_MODULE) is None:
        raise fail(
            f"--html needs {HTML_REPORT_MODULE}, which this build of WeaverGen "
            "does not include; use --json and your own charting meanwhile"
        )
    writer: Callable[[SpanStore, Path], object] = importlib.import_module(
        HTML_REPORT_MODULE
    ).write_html_report
    return writer


def _write_html(
    writer: Callable[[SpanStore, Path], object], store: SpanStore, path: Path
) -> None:
    try:
        writer(store, path)
    except OSError as exc:
        raise fail(f"cannot write HTML report {path}: {exc.strerror or exc}") from exc
    typer.echo(f"HTML report written to {path}", err=True)


def _print_tables(summary: Mapping[str, Any], store_path: Path) -> None:
    console = Console()
    # The path goes on its own line, unwrapped: a table title would be
    # folded at the table's width, in the middle of a folder name.
    console.print(f"Span store: {store_path}", soft_wrap=True, highlight=False)
    console.print(_overview(summary))
    for title in ("target", "pattern", "tier"):
        console.print(_breakdown(summary[f"by_{title}"], title))


def _overview(summary: Mapping[str, Any]) -> Table:
    table = Table(title="Generations", show_header=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("generations", str(summary["generations"]))
    table.add_row("total cost", usd(summary["total_cost_usd"]))
    table.add_row("cost per generation", usd(summary["cost_per_generation_usd"]))
    table.add_row("duration p50", seconds(summary["duration_p50_s"]))
    table.add_row("duration p95", seconds(summary["duration_p95_s"]))
    if summary["simulated"]:
        table.add_row("note", "includes simulated model calls")
    return table


def _breakdown(groups: Mapping[str, Mapping[str, Any]], title: str) -> Table:
    table = Table(title=f"By {title}")
    table.add_column(title)
    table.add_column("generations", justify="right")
    table.add_column("cost", justify="right")
    for name, entry in groups.items():
        table.add_row(name, str(entry["generations"]), usd(entry["cost_usd"]))
    return table
