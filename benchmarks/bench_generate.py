"""How far template generation is from the floor of just parsing the YAML.

Times, best of N, generating the whole built-in ``python`` target over the
semantic conventions v1.44.0 in-process (load + resolve + render + write, with
telemetry to a span store), and the floor: parsing the same YAML files with
PyYAML's C loader. Prints both and their ratio.

    .venv/bin/python benchmarks/bench_generate.py [--repeat 3] [--model DIR]
"""

from __future__ import annotations

import argparse
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


def best_of(repeat: int, step: Callable[[int], int]) -> tuple[float, int]:
    """Run ``step(i)`` ``repeat`` times; return the fastest time and its count."""
    best, count = float("inf"), 0
    for attempt in range(repeat):
        start = time.perf_counter()
        count = step(attempt)
        best = min(best, time.perf_counter() - start)
    return best, count


def main() -> None:
    """Run both measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args()
    model = args.model.resolve()
    files = sorted(model.rglob("*.yaml"))

    with tempfile.TemporaryDirectory() as tmp:
        generate_s, written = best_of(
            args.repeat, lambda i: generate_once(model, Path(tmp) / str(i))
        )
        untraced_s, _ = best_of(
            args.repeat, lambda i: generate_untraced(model, Path(tmp) / f"u{i}")
        )
    floor_s, parsed = best_of(args.repeat, lambda _: parse_floor(files))

    print(f"model: {model} ({parsed} YAML files), best of {args.repeat}")
    print(f"generate python target : {generate_s:8.3f} s  ({written} files)")
    print(f"  same, telemetry off  : {untraced_s:8.3f} s")
    print(f"parse YAML (CSafeLoader): {floor_s:8.3f} s")
    print(f"ratio generate / floor : {generate_s / floor_s:8.1f} x")


if __name__ == "__main__":
    main()
