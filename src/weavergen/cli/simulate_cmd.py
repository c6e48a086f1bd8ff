"""CLI: ``weavergen simulate``, a seeded workload priced against naive use.

Runs a Zipf workload over a real registry through the real pipeline with the
simulated fleet (no keys, no network) in a fresh state folder, then prints
routed cost per generation, served quality, cache hit rate and tier and
model mix beside the naive baseline. Every line says SIMULATED. The figures
are also written to ``simulation.json`` in the state folder.
"""

from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from weavergen.cli.app import app

SUMMARY_FILE = "simulation.json"


@app.command("simulate")
def simulate(
    *,
    registry: Annotated[
        str, typer.Option("--registry", "-r", help="Registry folder or git URL.")
    ],
    requests: Annotated[
        int, typer.Option("--requests", min=1, help="How many generations.")
    ] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Workload and fleet seed.")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Slices simulated in parallel.")
    ] = 2,
    state_dir: Annotated[
        Path | None,
        typer.Option("--state-dir", help="Keep spans and cache here (default: new)."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="weavergen.toml whose [routing] to use; models stay simulated.",
        ),
    ] = None,
) -> None:
    """Simulate traffic through the pipeline; compare with every-model-always."""
    folder = state_dir or Path(tempfile.mkdtemp(prefix="weavergen-sim-"))
    figures = run(registry, requests, seed, folder, workers=workers, config=config)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SUMMARY_FILE).write_text(json.dumps(figures, indent=2, sort_keys=True))
    if as_json:
        typer.echo(json.dumps(figures, sort_keys=True))
    else:
        _print(figures)


def run(
    source: str,
    requests: int,
    seed: int,
    folder: Path,
    *,
    workers: int = 2,
    config: Path | None = None,
) -> dict[str, Any]:
    """Load the registry, build the simulated pipeline and run the workload."""
    # Imported here: the resolver and the OpenTelemetry SDK are slow to load.
    from weavergen.engine.assemble import build_pipeline  # noqa: PLC0415
    from weavergen.engine.simulate import build_workload, run_simulation  # noqa: PLC0415
    from weavergen.engine.validate import validate  # noqa: PLC0415
    from weavergen.models.fleet import simulated_fleet  # noqa: PLC0415
    from weavergen.registry import load_registry  # noqa: PLC0415
    from weavergen.telemetry import Telemetry  # noqa: PLC0415

    loaded = load_registry(source)
    workload = build_workload(loaded.groups, requests, seed)
    fleet = {model.name: model for model in simulated_fleet(seed)}
    with Telemetry(folder) as telemetry, telemetry.run("simulate"):
        pipeline = build_pipeline(
            loaded,
            tracer=telemetry.tracer,
            state_dir=folder,
            config_path=config,
            models=fleet,
        )
        naive_fleet = simulated_fleet(seed)
        # The served-quality check must not reuse the pipeline's memoised
        # verdicts, or it would only repeat them.
        second_look = functools.partial(validate, fresh=True)
        figures = run_simulation(
            pipeline, workload, naive_fleet, second_look, workers=workers
        )
    figures.update(seed=seed, registry=source, state_dir=str(folder))
    return figures


def _print(figures: dict[str, Any]) -> None:
    console = Console(stderr=False, highlight=False)
    console.print(
        f"SIMULATED workload: {figures['requests']} requests "
        f"({figures['distinct_requests']} distinct), seed {figures['seed']}"
    )
    console.print(_headline(figures))
    console.print(_mix_table("tier mix (served)", figures["tier_mix"]))
    console.print(_mix_table("model mix (calls)", figures["model_mix"]))
    # The folder is the user's text: "[/]" in it is not Rich markup, and a
    # long path stays on one line for whoever copies it.
    console.print(f"state folder: {figures['state_dir']}", markup=False, soft_wrap=True)
    console.print(
        "economics of this workload: weavergen economics --state-dir "
        f"{figures['state_dir']}",
        markup=False,
        soft_wrap=True,
    )


def _headline(figures: dict[str, Any]) -> Table:
    table = Table(title="SIMULATED cost and quality", show_header=True)
    table.add_column("figure")
    table.add_column("value", justify="right")
    rows = [
        ("cost per generation (routed)", f"${figures['cost_per_generation_usd']:.6f}"),
        (
            "cost per generation (naive)",
            f"${figures['naive_cost_per_generation_usd']:.6f}",
        ),
        ("reduction vs naive", f"{figures['reduction_vs_naive']:.1%}"),
        ("served", f"{figures['served']} ({figures['served_share']:.1%})"),
        ("served quality", f"{figures['served_quality']:.1%}"),
        ("served failing validation", str(figures["served_failing_validation"])),
        ("cache hit rate", f"{figures['cache_hit_rate']:.1%}"),
        ("model calls", str(figures["model_calls"])),
    ]
    for name, value in rows:
        table.add_row(name, value)
    return table


def _mix_table(title: str, mix: dict[str, float]) -> Table:
    table = Table(title=f"SIMULATED {title}")
    table.add_column("name")
    table.add_column("share", justify="right")
    for name, share in sorted(mix.items(), key=lambda item: -item[1]):
        table.add_row(name, f"{share:.1%}")
    return table
