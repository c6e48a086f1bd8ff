"""The compiled-pattern tier: render a target's templates, write, account.

This is the tier that answers most requests at CPU cost, so it is also where
the cost ledger starts: every file written becomes one ``weavergen.generation``
span carrying its target, pattern, size and price.

The forge renders a whole target in one pass (a target's formatter, if it
has one, runs over all files at the end) and writes all files in one call
(it checks every path before writing any), so CPU time cannot be measured
per file. We measure both passes and share their CPU and wall time out by
output bytes, and say so on each span with ``weavergen.estimated = true``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from weavergen.engine.costing import (
    CostRates,
    GenerationCost,
    load_cost_rates,
    template_cost,
)
from weavergen.telemetry import attrs

if TYPE_CHECKING:
    from weavergen.forge.render import RenderedFile
    from weavergen.forge.target import Target
    from weavergen.telemetry.tracing import Telemetry

logger = logging.getLogger(__name__)

TIER = "template"


@dataclass(frozen=True, slots=True)
class GenerationRecord:
    """One file the template tier wrote, and what it cost."""

    path: Path
    target: str
    pattern: str
    group_ids: tuple[str, ...]
    output_bytes: int
    cost: GenerationCost
    duration_s: float
    estimated: bool
    trace_id: str


class ProgressSink(Protocol):
    """Whatever shows progress (the CLI's bar); the tier only reports to it."""

    def start(self, total: int) -> None:
        """Called once rendering and writing are done, with the file count."""

    def advance(self, record: GenerationRecord) -> None:
        """Called as each written file is priced and recorded."""


@dataclass(frozen=True, slots=True)
class _Passes:
    """The measured render and write passes over all files of a target."""

    files: list[RenderedFile]
    cpu_s: float
    start_ns: int
    wall_ns: int
    total_bytes: int


def generate_from_template(
    registry: object,
    target: Target | str | Path,
    output_dir: Path,
    params: Mapping[str, Any] | None,
    telemetry: Telemetry | None,
    *,
    rates: CostRates | None = None,
    progress: ProgressSink | None = None,
    tenant: str = attrs.DEFAULT_TENANT,
) -> list[GenerationRecord]:
    """Render ``target`` over ``registry`` into ``output_dir``, one span a file.

    Raises the forge's TemplateError family for a broken target, StateError or
    OSError when a file cannot be written; telemetry problems never raise.
    """
    loaded = _load(target)
    context = _Context(loaded.name, rates or load_cost_rates(), telemetry, tenant)
    passes = _render_and_write(registry, loaded, Path(output_dir), params)
    if progress is not None:
        progress.start(len(passes.files))
    records = _account(passes, context, progress)
    logger.info(
        "template tier: %d files for target %s, $%.8f",
        len(records),
        loaded.name,
        total_cost_usd(records),
    )
    return records


@dataclass(frozen=True, slots=True)
class _Context:
    target: str
    rates: CostRates
    telemetry: Telemetry | None
    tenant: str


def _load(target: Target | str | Path) -> Target:
    from weavergen.forge.target import Target, load_target  # noqa: PLC0415  (jinja)

    return target if isinstance(target, Target) else load_target(target)


def _render_and_write(
    registry: object, target: Target, output_dir: Path, params: Mapping[str, Any] | None
) -> _Passes:
    # Deferred so that importing the engine does not import Jinja.
    from weavergen.forge import render_target, write_rendered  # noqa: PLC0415

    start_ns, cpu_start = time.time_ns(), cpu_seconds()
    files = render_target(registry, target, output_dir, dict(params or {}))
    write_rendered(files, output_dir)
    cpu_s = cpu_seconds() - cpu_start
    wall_ns = time.time_ns() - start_ns
    return _Passes(files, cpu_s, start_ns, wall_ns, sum(_size(f) for f in files))


def cpu_seconds() -> float:
    """CPU used so far by this thread and by the child processes it waited for.

    Thread time leaves out the span exporter's thread, which works in the
    background; child time counts the ruff formatter the forge runs as a
    subprocess for targets that ask for it (``post_format``), which process
    time would miss.
    """
    times = os.times()
    return time.thread_time() + times.children_user + times.children_system


def _account(
    passes: _Passes, context: _Context, progress: ProgressSink | None
) -> list[GenerationRecord]:
    records = []
    cursor_ns = passes.start_ns
    for rendered in passes.files:
        share = _share(rendered, passes)
        end_ns = cursor_ns + round(passes.wall_ns * share)
        record = _record(rendered, context, passes.cpu_s * share, cursor_ns, end_ns)
        records.append(record)
        cursor_ns = end_ns
        if progress is not None:
            progress.advance(record)
    return records


def _share(rendered: RenderedFile, passes: _Passes) -> float:
    if passes.total_bytes == 0:
        return 1.0 / len(passes.files)
    return _size(rendered) / passes.total_bytes


def _record(
    rendered: RenderedFile, context: _Context, cpu_s: float, start_ns: int, end_ns: int
) -> GenerationRecord:
    size = _size(rendered)
    cost = template_cost(cpu_s, size, context.rates)
    trace_id = _emit_span(rendered, context, cost, start_ns, end_ns)
    return GenerationRecord(
        path=rendered.path,
        target=context.target,
        pattern=rendered.pattern,
        group_ids=tuple(rendered.group_ids),
        output_bytes=size,
        cost=cost,
        duration_s=(end_ns - start_ns) / 1e9,
        estimated=True,
        trace_id=trace_id,
    )


def _emit_span(
    rendered: RenderedFile,
    context: _Context,
    cost: GenerationCost,
    start_ns: int,
    end_ns: int,
) -> str:
    if context.telemetry is None:
        return ""
    from weavergen.telemetry.tracing import trace_id_of  # noqa: PLC0415  (OTel SDK)

    span = context.telemetry.start_generation(
        _span_attributes(rendered, context, cost), start_ns=start_ns
    )
    span.end(end_time=end_ns)
    return trace_id_of(span)


def _span_attributes(
    rendered: RenderedFile, context: _Context, cost: GenerationCost
) -> dict[str, str | bool | int | float]:
    return {
        attrs.TIER: TIER,
        attrs.TARGET: context.target,
        attrs.PATTERN: rendered.pattern,
        attrs.TENANT: context.tenant,
        attrs.GROUP_COUNT: len(rendered.group_ids),
        attrs.OUTPUT_BYTES: cost.stored_bytes,
        attrs.OUTPUT_PATH: str(rendered.path),
        attrs.CPU_S: cost.cpu_s,
        attrs.COST_USD: cost.total_usd,
        attrs.COST_COMPUTE_USD: cost.compute_usd,
        attrs.COST_STORAGE_USD: cost.storage_usd,
        attrs.COST_TOKENS_USD: 0.0,
        attrs.CACHE_HIT: False,
        attrs.SIMULATED: False,
        attrs.ESTIMATED: True,
    }


def _size(rendered: RenderedFile) -> int:
    return len(rendered.text.encode("utf-8"))


def total_cost_usd(records: Sequence[GenerationRecord]) -> float:
    """Sum of the records' costs, in USD."""
    return sum(r.cost.total_usd for r in records)
