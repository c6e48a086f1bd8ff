"""Tests for the telemetry package's cheap import and lazy exports."""

from __future__ import annotations

import json
import subprocess
import sys

import weavergen.telemetry
from weavergen.telemetry import tracing

HEAVY = ("opentelemetry.sdk", "jinja2")
_PROBE = (
    "import json, sys, importlib; importlib.import_module(sys.argv[1]); "
    f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
)


def _heavy_modules_after_import(module: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, module],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    loaded: list[str] = json.loads(done.stdout)
    return loaded


def test_importing_telemetry_or_the_cli_loads_no_sdk_or_jinja() -> None:
    """weavergen, weavergen.telemetry and weavergen.cli leave the SDK and Jinja out."""
    for module in ("weavergen", "weavergen.telemetry", "weavergen.cli"):
        assert _heavy_modules_after_import(module) == [], module


def test_telemetry_class_is_exported_lazily() -> None:
    """weavergen.telemetry.Telemetry is the class from the tracing module."""
    assert weavergen.telemetry.Telemetry is tracing.Telemetry
    assert weavergen.telemetry.trace_id_of is tracing.trace_id_of
