"""Tests for the template tier: files written, one priced span per file."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from weavergen.engine.costing import BYTES_PER_GB, CostRates
from weavergen.engine.template_tier import (
    GenerationRecord,
    cpu_seconds,
    generate_from_template,
)
from weavergen.errors import TargetNotFound
from weavergen.telemetry import SpanStore, Telemetry, attrs

REGISTRY = {
    "groups": [
        {"id": "span.db.query", "type": "span", "brief": "A query."},
        {"id": "span.http.client", "type": "span", "brief": "An HTTP call."},
        {"id": "registry.http", "type": "attribute_group", "brief": "HTTP."},
    ]
}
RATES = CostRates(
    compute_usd_per_cpu_s=1.0, storage_usd_per_gb_month=1.0, retention_months=1.0
)


@pytest.fixture
def fake_target(tmp_path: Path) -> Path:
    """A two-template target: one file per span group, one index file."""
    root = tmp_path / "fake"
    root.mkdir()
    (root / "weaver.yaml").write_text(
        textwrap.dedent(
            """
            params: {greeting: hello}
            templates:
              - template: span.j2
                filter: semconv_spans
                application_mode: each
                file_name: "spans/{{ ctx.id }}.txt"
                pattern: spans
              - template: index.j2
                filter: "."
                application_mode: single
                file_name: index.txt
                pattern: docs
            """
        )
    )
    (root / "span.j2").write_text(
        "{{ params.greeting }} {{ ctx.id }}: {{ ctx.brief }}\n"
    )
    (root / "index.j2").write_text("{% for g in ctx.groups %}{{ g.id }}\n{% endfor %}")
    return root


def test_writes_every_rendered_file(fake_target: Path, tmp_path: Path) -> None:
    """Each rendered file lands under OUTPUT with the template's text."""
    out = tmp_path / "out"

    records = generate_from_template(REGISTRY, fake_target, out, {}, None, rates=RATES)

    assert sorted(str(r.path.relative_to(out)) for r in records) == [
        "index.txt",
        "spans/span.db.query.txt",
        "spans/span.http.client.txt",
    ]
    assert (
        out / "spans/span.db.query.txt"
    ).read_text() == "hello span.db.query: A query.\n"
    assert (out / "index.txt").read_text().splitlines() == [
        "span.db.query",
        "span.http.client",
        "registry.http",
    ]


def test_params_override_target_params(fake_target: Path, tmp_path: Path) -> None:
    """-D style params replace the target's own defaults."""
    out = tmp_path / "out"

    generate_from_template(REGISTRY, fake_target, out, {"greeting": "hi"}, None)

    assert (out / "spans/span.http.client.txt").read_text().startswith("hi ")


def test_records_carry_pattern_groups_size_and_cost(
    fake_target: Path, tmp_path: Path
) -> None:
    """A record says its pattern, groups, bytes, and prices them at the rates."""
    records = generate_from_template(
        REGISTRY, fake_target, tmp_path / "out", {}, None, rates=RATES
    )

    by_name = {r.path.name: r for r in records}
    span = by_name["span.db.query.txt"]
    assert (span.pattern, span.group_ids, span.target) == (
        "spans",
        ("span.db.query",),
        "fake",
    )
    assert span.output_bytes == len(b"hello span.db.query: A query.\n")
    assert span.cost.storage_usd == pytest.approx(span.output_bytes / BYTES_PER_GB)
    assert span.cost.compute_usd == pytest.approx(span.cost.cpu_s)
    assert span.estimated is True
    assert by_name["index.txt"].pattern == "docs"


def test_one_generation_span_per_file_under_the_run(
    fake_target: Path, tmp_path: Path
) -> None:
    """Each file is one weavergen.generation span, child of weavergen.run."""
    out = tmp_path / "out"
    with Telemetry(tmp_path / "state") as telemetry, telemetry.run("test") as run:
        records = generate_from_template(
            REGISTRY, fake_target, out, {}, telemetry, rates=RATES
        )
        run_id = format(run.get_span_context().span_id, "016x")

    rows = SpanStore(tmp_path / "state" / "spans.db").generations()
    assert len(rows) == len(records) == 3
    assert {row["parent_span_id"] for row in rows} == {run_id}
    by_path = {row["attributes"][attrs.OUTPUT_PATH]: row["attributes"] for row in rows}
    record = next(r for r in records if r.path.name == "span.db.query.txt")
    span = by_path[str(record.path)]
    assert span[attrs.TIER] == "template"
    assert span[attrs.TARGET] == "fake"
    assert span[attrs.PATTERN] == "spans"
    assert span[attrs.GROUP_COUNT] == 1
    assert span[attrs.OUTPUT_BYTES] == record.output_bytes
    assert span[attrs.COST_USD] == pytest.approx(record.cost.total_usd)
    assert span[attrs.COST_COMPUTE_USD] + span[attrs.COST_STORAGE_USD] == pytest.approx(
        span[attrs.COST_USD]
    )
    assert span[attrs.ESTIMATED] is True
    assert record.trace_id == rows[0]["trace_id"]


def test_spans_tile_the_render_without_overlap(
    fake_target: Path, tmp_path: Path
) -> None:
    """Per-file spans follow each other: each starts where the previous ended."""
    with Telemetry(tmp_path / "state") as telemetry:
        generate_from_template(REGISTRY, fake_target, tmp_path / "out", {}, telemetry)

    rows = SpanStore(tmp_path / "state" / "spans.db").generations()
    assert [r["start_ns"] for r in rows[1:]] == [r["end_ns"] for r in rows[:-1]]


class _Recorder:
    def __init__(self) -> None:
        self.total = -1
        self.seen: list[GenerationRecord] = []

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, record: GenerationRecord) -> None:
        self.seen.append(record)


def test_progress_sees_total_then_each_file(fake_target: Path, tmp_path: Path) -> None:
    """The progress sink learns the file count first, then every record."""
    progress = _Recorder()

    records = generate_from_template(
        REGISTRY, fake_target, tmp_path / "out", {}, None, progress=progress
    )

    assert progress.total == 3
    assert progress.seen == records


def test_unknown_target_raises_target_not_found(tmp_path: Path) -> None:
    """A target that is neither built in nor a folder raises TargetNotFound."""
    with pytest.raises(TargetNotFound, match="no-such-target"):
        generate_from_template(REGISTRY, "no-such-target", tmp_path, {}, None)


def test_unwritable_output_raises_os_error(fake_target: Path, tmp_path: Path) -> None:
    """An OUTPUT that is a file is reported as an OSError, not swallowed."""
    blocker = tmp_path / "out"
    blocker.write_text("a file")

    with pytest.raises(OSError, match="out"):
        generate_from_template(REGISTRY, fake_target, blocker, {}, None)


def test_broken_telemetry_does_not_stop_generation(
    fake_target: Path, tmp_path: Path
) -> None:
    """With an impossible state folder, files are still written."""
    blocker = tmp_path / "state-file"
    blocker.write_text("x")
    out = tmp_path / "out"

    with Telemetry(blocker / "state") as telemetry:
        records = generate_from_template(REGISTRY, fake_target, out, {}, telemetry)

    assert len(records) == 3
    assert all(r.path.is_file() for r in records)


def _children_cpu_s() -> float:
    times = os.times()
    return times.children_user + times.children_system


def test_cpu_seconds_counts_waited_child_processes() -> None:
    """CPU spent by a finished subprocess (ruff, in the forge) is counted."""
    before, children_before = cpu_seconds(), _children_cpu_s()
    subprocess.run([sys.executable, "-c", "sum(range(2_000_000))"], check=True)
    after, children_after = cpu_seconds(), _children_cpu_s()

    child_s = children_after - children_before
    assert child_s > 0
    assert after - before >= child_s
