"""What ``import weavergen`` costs a fresh process, next to ``import httpx``.

Each import runs in its own fresh interpreter (best of N; "import" is the
import statement alone, "process" the whole interpreter run; peak RSS from
getrusage), and we list which heavy modules the import dragged in: the
goal is ``import weavergen`` <= 0.3 s without the OpenTelemetry SDK or Jinja.

    .venv/bin/python benchmarks/bench_import.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

HEAVY = ("opentelemetry.sdk", "jinja2", "httpx", "rich", "typer", "yaml", "pydantic")
PROBE = """
import json, resource, sys, time
start = time.perf_counter()
{statement}
elapsed = time.perf_counter() - start
heavy = [m for m in {heavy!r} if m in sys.modules]
rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"s": elapsed, "rss_kib": rss_kib, "heavy": heavy}}))
"""
CASES = {
    "python -c pass": "pass",
    "import weavergen": "import weavergen",
    "import weavergen.cli": "import weavergen.cli",
    "import httpx": "import httpx",
}


def measure(statement: str) -> dict[str, object]:
    """Run ``statement`` in a fresh interpreter and return its probe figures."""
    code = PROBE.format(statement=statement, heavy=HEAVY)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout)
    result["process_s"] = time.perf_counter() - start
    return result


def best_of(repeat: int, statement: str) -> dict[str, object]:
    """The fastest of ``repeat`` fresh-process runs."""
    runs = [measure(statement) for _ in range(repeat)]
    return min(runs, key=lambda run: float(str(run["s"])))


def main() -> None:
    """Measure every case and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    header = f"{'case':24} {'import':>9} {'process':>9} {'peak RSS':>10}"
    print(f"{header}  heavy modules loaded")
    for label, statement in CASES.items():
        run = best_of(args.repeat, statement)
        heavy = ", ".join(map(str, run["heavy"])) or "-"  # type: ignore[call-overload]
        rss_mib = float(str(run["rss_kib"])) / 1024
        import_s, process_s = float(str(run["s"])), float(str(run["process_s"]))
        print(
            f"{label:24} {import_s:7.3f} s {process_s:7.3f} s "
            f"{rss_mib:6.1f} MiB  {heavy}"
        )


if __name__ == "__main__":
    main()
