"""What one validation costs per target, with the toolchains this machine has.

For each target, the ground-truth artifact of a small slice (registry.http and
the HTTP server duration metric) and of the whole registry is checked N times
by the toolchain (``check_syntax``, never memoised), then fully validated
once more through the memo; Java also runs 20 small artifacts through one
javac call against 20 separate calls. Medians in seconds.

    .venv/bin/python benchmarks/bench_validate.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from weavergen.engine.naming import TARGETS
from weavergen.engine.reference import reference_code
from weavergen.engine.toolchains import (
    available_toolchains,
    check_java_batch,
    check_syntax,
)
from weavergen.engine.validate import validate
from weavergen.registry import load_registry

MODEL = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "semconv"
SMALL = {"registry.http", "metric.http.server.request.duration"}


def median_s(code: str, target: str, repeat: int) -> float:
    """Median wall time of the toolchain check of ``code``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        check_syntax(code, target)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def memo_s(code: str, target: str, groups: list[dict[str, Any]]) -> float:
    """Wall time of a validation served from the in-process memo."""
    validate(code, target, "docs", groups)
    start = time.perf_counter()
    validate(code, target, "docs", groups)
    return time.perf_counter() - start


def java_batch(groups: list[dict[str, Any]], count: int) -> tuple[float, float]:
    """Seconds for ``count`` Java artifacts in one javac run vs one run each."""
    codes = [reference_code([g], "java", "attributes") for g in groups[:count]]
    start = time.perf_counter()
    check_java_batch(codes)
    together = time.perf_counter() - start
    start = time.perf_counter()
    for code in codes:
        check_syntax(code, "java")
    return together, time.perf_counter() - start


def main() -> None:
    """Print a table of median validation times per target."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    groups = load_registry(MODEL / "v1.44.0" / "model").groups
    small = [g for g in groups if g["id"] in SMALL]
    tools = available_toolchains()
    print(
        f"{'target':<11} {'toolchain':<16} {'small s':>8} {'whole s':>8} {'memo s':>9}"
    )
    for target in TARGETS:
        small_code = reference_code(small, target, "docs")
        whole_code = reference_code(groups, target, "docs")
        print(
            f"{target:<11} {tools[target]:<16} "
            f"{median_s(small_code, target, args.repeat):>8.3f} "
            f"{median_s(whole_code, target, args.repeat):>8.3f} "
            f"{memo_s(small_code, target, small):>9.6f}"
        )
    if tools["java"] != "none":
        together, apart = java_batch([g for g in groups if g.get("attributes")], 20)
        print(f"java x20: one javac {together:.2f} s, twenty javac {apart:.2f} s")


if __name__ == "__main__":
    main()
