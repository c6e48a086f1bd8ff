"""CLI: ``weavergen generate``, one artifact through the tiered pipeline.

The code goes to stdout (or ``-o FILE``); a summary of how it was made (tier,
models, cost per call, validation score, confidence, trace id) goes to
stderr, so the code can be piped. ``--json`` prints one object instead.
Heavy modules (registry resolver, OpenTelemetry SDK) load inside the command.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from weavergen.cli.app import app, fail, global_options
from weavergen.cli.units import usd
from weavergen.engine.request import (
    WHOLE_REGISTRY,
    GenerationRequest,
    GenerationResult,
    Subject,
)
from weavergen.errors import RequestError

SIMULATED_LABEL = "SIMULATED"


@app.command("generate")
def generate(
    ctx: typer.Context,
    *,
    registry: Annotated[
        str, typer.Option("--registry", "-r", help="Registry folder or git URL.")
    ],
    target: Annotated[str, typer.Option("--target", help="python, go, java...")],
    pattern: Annotated[
        str, typer.Option("--pattern", help="attributes, metrics, docs...")
    ],
    group: Annotated[
        list[str] | None, typer.Option("--group", help="A group id; repeatable.")
    ] = None,
    namespace: Annotated[
        str | None, typer.Option("--namespace", help="All groups of a namespace.")
    ] = None,
    intent: Annotated[
        str | None, typer.Option("--intent", help="Free-text wish.")
    ] = None,
    tenant: Annotated[str, typer.Option("--tenant")] = "default",
    quality_floor: Annotated[float, typer.Option("--quality-floor")] = 0.95,
    budget_usd: Annotated[float | None, typer.Option("--budget-usd")] = None,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", help="Allow a model the router never picks unasked."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="weavergen.toml to read.")
    ] = None,
    state_dir: Annotated[Path | None, typer.Option("--state-dir")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Generate one artifact: template, cache, local model, cloud, vote."""
    request = GenerationRequest(
        target=target,
        pattern=pattern,
        subject=_subject(group or [], namespace),
        intent=intent,
        tenant=tenant,
        quality_floor=quality_floor,
        budget_usd=budget_usd,
        explicit_models=tuple(model or ()),
    )
    folder = state_dir or global_options(ctx).state_dir
    if output is not None and output.is_dir():
        # Refused before anything is generated (and billed).
        raise fail(f"-o {output} is a folder; expected a file path")
    result = _run(registry, request, config, folder)
    _emit(result, as_json, output)
    if not result.served:
        raise fail(unserved_message(result))


def unserved_message(result: GenerationResult) -> str:
    """Why nothing was served; names the failures when no model could answer."""
    message = (
        f"no answer passed validation (stopped by {result.stopped_by}); "
        "nothing was served"
    )
    errors = [f"{call.model}: {call.error}" for call in result.calls if call.error]
    if errors and len(errors) == len(result.calls):
        message += "; no model could answer: " + "; ".join(errors)
    return message


def _subject(groups: list[str], namespace: str | None) -> Subject:
    if groups and namespace is not None:
        raise RequestError("give --group or --namespace, not both")
    if groups:
        return tuple(groups)
    if namespace is None:
        return WHOLE_REGISTRY
    if not namespace.strip():
        # Not taken as "everything": the whole registry is a far larger (and
        # dearer) request than an empty value suggests.
        raise RequestError(
            "--namespace is empty; expected a namespace such as 'http', or no "
            "--namespace for the whole registry"
        )
    return namespace


def _run(
    source: str,
    request: GenerationRequest,
    config: Path | None,
    state_dir: Path | None,
) -> GenerationResult:
    # Imported here: the resolver and the OpenTelemetry SDK are slow to load.
    from weavergen.engine.assemble import (  # noqa: PLC0415
        build_pipeline,
        default_config_path,
    )
    from weavergen.registry import load_registry  # noqa: PLC0415
    from weavergen.telemetry import Telemetry  # noqa: PLC0415

    loaded = load_registry(source)
    with Telemetry(state_dir) as telemetry, telemetry.run("generate"):
        pipeline = build_pipeline(
            loaded,
            tracer=telemetry.tracer,
            state_dir=telemetry.state_dir,
            config_path=default_config_path(config),
        )
        return pipeline.generate(request)


def _emit(result: GenerationResult, as_json: bool, output: Path | None) -> None:
    if output is not None and result.served:
        _write_output(output, result.code)
    if as_json:
        typer.echo(json.dumps(result_json(result, output), sort_keys=True))
        return
    if output is None and result.served:
        typer.echo(result.code, nl=not result.code.endswith("\n"))
    typer.echo(summary_text(result), err=True)


def _write_output(output: Path, code: str) -> None:
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(code, encoding="utf-8")
    except OSError as exc:
        # A model answer is in the verified cache by now, so the same request
        # with another -o is served from there rather than paid for again.
        reason = exc.strerror or str(exc)
        raise fail(f"cannot write {output} ({reason}); nothing was written") from exc


def result_json(result: GenerationResult, output: Path | None) -> dict[str, Any]:
    """The result as one object; the code is left out when written to a file."""
    data = result.to_dict()
    if output is not None:
        data["code"] = None
        data["output_path"] = str(output)
    if result.simulated:
        data["label"] = SIMULATED_LABEL
    return data


def summary_text(result: GenerationResult) -> str:
    """A few lines for a person: what answered, what it cost, how sure."""
    head = f"[{SIMULATED_LABEL}] " if result.simulated else ""
    state = "served" if result.served else "NOT served"
    lines = [
        f"{head}{state} by tier {result.tier} "
        f"(score {result.validation_score:.2f}, confidence {result.confidence:.2f})",
        f"cost: {usd(result.cost_usd)}; trace {result.trace_id or '-'}",
    ]
    # On a served result stopped_by only says the floor was met; a person
    # needs it when nothing was served, to know which limit ended the search.
    if result.stopped_by and not result.served:
        lines.append(f"stopped by: {result.stopped_by}")
    lines += [_call_line(call_index, result) for call_index in range(len(result.calls))]
    return "\n".join(lines)


def _call_line(index: int, result: GenerationResult) -> str:
    call = result.calls[index]
    label = f" {SIMULATED_LABEL}" if call.simulated else ""
    head = f"  {index + 1}. {call.model} [{call.provider}]{label}: "
    if call.error:
        return head + call.error
    verdict = "passed" if call.passed else "failed validation"
    estimated = " (estimated)" if call.estimated else ""
    return (
        f"{head}{call.input_tokens}+{call.output_tokens} tokens{estimated}, "
        f"{usd(call.cost_usd)}, {verdict} at {call.score:.2f}"
    )
