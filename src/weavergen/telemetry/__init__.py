"""Tracing set-up and the embedded span store.

Importing this package is cheap: :class:`Telemetry` (which needs the
OpenTelemetry SDK) is loaded on first use, so commands that only read the
span store or the attribute names never pay for the SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from weavergen.telemetry import attrs
from weavergen.telemetry.state import resolve_state_dir, span_store_path
from weavergen.telemetry.store import SpanStore, StoredSpan

if TYPE_CHECKING:
    from weavergen.telemetry.tracing import Telemetry, trace_id_of

__all__ = [
    "SpanStore",
    "StoredSpan",
    "Telemetry",
    "attrs",
    "resolve_state_dir",
    "span_store_path",
    "trace_id_of",
]

_LAZY = {"Telemetry", "trace_id_of"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        # Deferred: tracing imports the OpenTelemetry SDK (see module doc).
        from weavergen.telemetry import tracing  # noqa: PLC0415

        return getattr(tracing, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
