"""How far template generation is from the floor of just parsing the YAML.

Times, best of N, generating the whole built-in ``python`` target over the
semantic conventions v1.44.0 in-process (load + resolve + render + write, with
telemetry to a span store), and the floor: parsing the same YAML files with
PyYAML's C loader. Prints both and their ratio, in wall time and in CPU time
(this process and the children it waited for); on a shared machine the CPU
ratio is the steadier of the two.

    .venv/bin/python benchmarks/bench_generate.py [--repeat 3] [--model DIR]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from weavergen.engine.template_tier import generate_from_template
from weavergen.forge.target import load_target
from weavergen.registry import load_registry
from weavergen.telemetry import SpanStore
from weavergen.telemetry.tracing import Telemetry

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = REPO / ".." / "shared" / "data" / "semconv" / "v1.44.0" / "model"


def generate_untraced(model: Path, work: Path) -> int:
    """The same generation without telemetry, to show what tracing adds."""
    registry = load_registry(model)
    target = load_target("python")
    return len(generate_from_template(registry, target, work / "out", {}, None))


def generate_once(model: Path, work: Path) -> int:
    """Generate the python target into ``work``; return the files written."""
    with Telemetry(work / "state") as telemetry, telemetry.run("bench"):
        registry = load_registry(model)
        target = load_target("python")
        records = generate_from_template(registry, target, work / "out", {}, telemetry)
    stored = len(SpanStore(work / "state" / "spans.db").generations())
    if stored != len(records):
        raise SystemExit(f"span store has {stored} generations, wrote {len(records)}")
    return len(records)


def parse_floor(files: list[Path]) -> int:
    """Parse every YAML file with the C loader; return how many were parsed."""
    for path in files:
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    return len(files)


def cpu_now() -> float:
    """CPU seconds used so far by this process and its waited-for children."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def best_of(repeat: int, step: Callable[[int], int]) -> tuple[float, float, int]:
    """Run ``step(i)`` ``repeat`` times; the fastest wall and CPU time, and count."""
    best, best_cpu, count = float("inf"), float("inf"), 0
    for attempt in range(repeat):
        start, cpu_start = time.perf_counter(), cpu_now()
        count = step(attempt)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, cpu_now() - cpu_start)
    return best, best_cpu, count


def main() -> None:
    """Run both measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args()
    model = args.model.resolve()
    files = sorted(model.rglob("*.yaml"))

    with tempfile.TemporaryDirectory() as tmp:
        generate_s, generate_cpu, written = best_of(
            args.repeat, lambda i: generate_once(model, Path(tmp) / str(i))
        )
        untraced_s, untraced_cpu, _ = best_of(
            args.repeat, lambda i: generate_untraced(model, Path(tmp) / f"u{i}")
        )
    floor_s, floor_cpu, parsed = best_of(args.repeat, lambda _: parse_floor(files))

    print(f"model: {model} ({parsed} YAML files), best of {args.repeat}")
    print("                          wall s    CPU s")
    print(f"generate python target : {generate_s:8.3f} {generate_cpu:8.3f}", end="")
    print(f"  ({written} files)")
    print(f"  same, telemetry off  : {untraced_s:8.3f} {untraced_cpu:8.3f}")
    print(f"parse YAML (CSafeLoader): {floor_s:7.3f} {floor_cpu:8.3f}")
    print(f"ratio generate / floor : {generate_s / floor_s:8.1f} x", end="")
    print(f" {generate_cpu / floor_cpu:7.1f} x")


if __name__ == "__main__":
    main()
