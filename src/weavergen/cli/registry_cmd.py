"""CLI: ``weavergen registry check|resolve|stats|generate``, shaped like Weaver's.

``-r`` names the registry (a folder or a git URL); without it the embedded
default registry is used. Heavy modules (the resolver, Jinja, the
OpenTelemetry SDK) are imported inside the commands so ``--help`` stays fast.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from weavergen.cli.app import fail, global_options, registry_app
from weavergen.cli.units import usd
from weavergen.errors import Problem

if TYPE_CHECKING:
    from weavergen.engine.template_tier import GenerationRecord, ProgressSink

RegistryOption = Annotated[
    str | None,
    typer.Option(
        "--registry",
        "-r",
        help="Registry folder or git URL (url@ref[subfolder]); default: embedded.",
    ),
]


class CheckFormat(StrEnum):
    """How ``registry check`` prints its problems."""

    TEXT = "text"
    JSON = "json"


@registry_app.command("check")
def check(
    registry: RegistryOption = None,
    output_format: Annotated[
        CheckFormat, typer.Option("--format", help="text, or json: a list of objects.")
    ] = CheckFormat.TEXT,
) -> None:
    """Report every problem as file:line (group id): message; exit 1 on errors."""
    from weavergen.registry import check_registry  # noqa: PLC0415  (resolver)

    problems = check_registry(registry)
    if output_format is CheckFormat.JSON:
        typer.echo(json.dumps([dataclasses.asdict(p) for p in problems], indent=2))
    else:
        _print_problems(problems)
    if any(p.severity == "error" for p in problems):
        raise typer.Exit(1)


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        typer.echo(f"{problem.location()}: {problem.severity}: {problem.message}")
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if problems:
        typer.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
    else:
        typer.echo("registry is valid: no problems found", err=True)


@registry_app.command("resolve")
def resolve(
    registry: RegistryOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the resolved JSON here."),
    ] = None,
) -> None:
    """Print (or write) the resolved registry as Weaver-style JSON."""
    from weavergen.registry import load_registry  # noqa: PLC0415  (resolver)

    text = load_registry(registry).to_json()
    if output is None:
        typer.echo(text)
        return
    _write_text(output, text)
    typer.echo(f"resolved registry written to {output}", err=True)


def _write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write {path}: {exc.strerror or exc}") from exc


@registry_app.command("stats")
def stats(
    registry: RegistryOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Count groups, attributes, metrics and more in the registry."""
    from weavergen.registry import load_registry, registry_stats  # noqa: PLC0415

    figures = registry_stats(load_registry(registry))
    if as_json:
        typer.echo(json.dumps(figures, indent=2, sort_keys=True, default=str))
        return
    Console().print(_stats_table(figures))


def _stats_table(figures: Mapping[str, Any], title: str = "Registry") -> Table:
    table = Table(title=title, show_header=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in _flatten(figures):
        table.add_row(key, str(value))
    return table


def _flatten(figures: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in figures.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{name}.")
        else:
            yield name, value


@registry_app.command("generate")
def generate(  # noqa: PLR0917  (Typer maps each parameter to an option)
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="Target name or folder.")],
    output: Annotated[Path, typer.Argument(help="Folder to write into.")],
    registry: RegistryOption = None,
    templates: Annotated[
        Path | None,
        typer.Option("--templates", "-t", help="Folder holding TARGET (as in Weaver)."),
    ] = None,
    define: Annotated[
        list[str] | None,
        typer.Option("--param", "-D", help="Template parameter key=value (repeat)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress.")] = False,
    state_dir: Annotated[
        Path | None,
        typer.Option("--state-dir", help="State folder for spans (as in report)."),
    ] = None,
) -> None:
    """Render TARGET's templates over the registry into OUTPUT."""
    options = global_options(ctx)
    job = _GenerateJob(
        registry=registry,
        target=templates / target if templates is not None else target,
        output=output,
        params=_parse_defines(define or []),
        state_dir=state_dir or options.state_dir,
        quiet=quiet or options.quiet,
    )
    records, trace_id = _run_generate(job)
    if not job.quiet:
        total = sum(r.cost.total_usd for r in records)
        typer.echo(
            f"wrote {len(records)} file(s) to {output} "
            f"(cost {usd(total)}, trace {trace_id})",
            err=True,
        )


@dataclasses.dataclass(frozen=True, slots=True)
class _GenerateJob:
    registry: str | None
    target: str | Path
    output: Path
    params: dict[str, Any]
    state_dir: Path | None
    quiet: bool


def _parse_defines(defines: list[str]) -> dict[str, Any]:
    from weavergen.forge.target import parse_define  # noqa: PLC0415  (yaml)

    return dict(parse_define(text) for text in defines)


def _run_generate(job: _GenerateJob) -> tuple[list[GenerationRecord], str]:
    # Deferred: the forge (Jinja), resolver and OTel SDK are only paid for here.
    from weavergen.engine.template_tier import generate_from_template  # noqa: PLC0415
    from weavergen.forge.target import load_target  # noqa: PLC0415
    from weavergen.registry import load_registry  # noqa: PLC0415
    from weavergen.telemetry.tracing import Telemetry, trace_id_of  # noqa: PLC0415

    target = load_target(job.target)
    resolved = load_registry(job.registry)
    with (
        Telemetry(job.state_dir) as telemetry,
        telemetry.run("registry generate") as run,
        _progress(job.quiet) as progress,
    ):
        try:
            records = generate_from_template(
                resolved, target, job.output, job.params, telemetry, progress=progress
            )
        except OSError as exc:
            raise fail(f"cannot write into {job.output}: {_os_reason(exc)}") from exc
    return records, trace_id_of(run)


def _os_reason(exc: OSError) -> str:
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{exc.strerror or exc}{where}"


class _BarProgress:
    """Feeds the template tier's progress into a rich progress bar."""

    def __init__(self, bar: Progress) -> None:
        self._bar = bar
        self._task = bar.add_task("generating", total=None)

    def start(self, total: int) -> None:
        self._bar.update(self._task, total=total)

    def advance(self, record: GenerationRecord) -> None:
        self._bar.update(self._task, advance=1, description=record.path.name)


@contextmanager
def _progress(quiet: bool) -> Iterator[ProgressSink | None]:
    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        yield _BarProgress(bar)
