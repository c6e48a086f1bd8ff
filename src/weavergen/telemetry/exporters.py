"""Span exporters that can fail without failing the work they observe.

A generation must succeed even when the state folder is read-only, the disk
is full or the OTLP collector is down or answers too slowly. Each exporter
here swallows its own failure, says so once per run in a warning, and reports
FAILURE to the SDK so the batch is dropped rather than retried forever. A
remote export runs under an overall deadline: a collector that trickles its
answer would otherwise keep the run from exiting.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import format_span_id, format_trace_id

from weavergen.errors import StateError
from weavergen.telemetry.store import SpanStore, StoredSpan

logger = logging.getLogger(__name__)


class WarnOnce:
    """Log each kind of telemetry failure once, however often it recurs."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def warn(self, key: str, message: str, *args: object) -> None:
        """Log ``message`` at WARNING unless ``key`` was already warned about."""
        with self._lock:
            if key in self._seen:
                return
            self._seen.add(key)
        logger.warning(message, *args)

    def warned(self, key: str) -> bool:
        """Say whether a warning for ``key`` was logged."""
        return key in self._seen


class SpanStoreExporter(SpanExporter):
    """Write finished spans to the embedded SQLite span store.

    The store is prepared (file, journal, tables) on a background thread as
    soon as the exporter exists, while the run does its work; the first
    export waits for that and then only inserts. Once the store has failed
    (locked by another process, foreign file), later batches are dropped at
    once: the run waits for a busy store only once.
    """

    def __init__(self, store: SpanStore, warnings: WarnOnce) -> None:
        self._store = store
        self._warnings = warnings
        self._failure: StateError | None = None
        self._preparing = threading.Thread(
            target=self._prepare, name="weavergen-span-store", daemon=True
        )
        self._preparing.start()

    def _prepare(self) -> None:
        try:
            self._store.prepare()
        except StateError as exc:
            # export() warns with this fault instead of meeting it again.
            logger.debug("span store not prepared ahead: %s", exc)
            self._failure = exc

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Append the batch; on failure warn once and drop it."""
        self._preparing.join()
        if self._failure is None:
            try:
                self._store.add([to_stored_span(span) for span in spans])
            except StateError as exc:
                self._failure = exc
        if self._failure is not None:
            self._warnings.warn(
                "store", "telemetry: %s; generation continues without it", self._failure
            )
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        """Wait for the preparation; each batch opens and closes its connection."""
        self._preparing.join()


class GuardedExporter(SpanExporter):
    """Wrap another exporter (OTLP) so its errors and stalls never reach the caller.

    Each call to the wrapped exporter runs on a daemon thread and is waited
    for at most ``deadline_s`` seconds. After the first missed deadline the
    exporter gives up: later batches are dropped at once, and the stalled
    thread is left behind (a daemon, so it does not hold the process).
    """

    def __init__(
        self,
        inner: SpanExporter,
        label: str,
        warnings: WarnOnce,
        deadline_s: float = 3.0,
    ) -> None:
        self._inner = inner
        self._label = label
        self._warnings = warnings
        self._deadline_s = deadline_s
        self._gave_up = False

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Forward the batch; warn once if it fails, raises or stalls."""
        if self._gave_up:
            return SpanExportResult.FAILURE
        outcome = self._call(lambda: self._inner.export(spans), "export")
        if outcome is SpanExportResult.SUCCESS:
            return SpanExportResult.SUCCESS
        if outcome is SpanExportResult.FAILURE:
            self._warn("the export was rejected or timed out")
        return SpanExportResult.FAILURE

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Flush the wrapped exporter, within the deadline."""
        if self._gave_up:
            return False
        return bool(self._call(lambda: self._inner.force_flush(timeout_millis), ""))

    def shutdown(self) -> None:
        """Shut the wrapped exporter down within the deadline, ignoring errors."""
        if not self._gave_up:
            self._call(self._inner.shutdown, "")

    def _call(self, work: Callable[[], object], what: str) -> object | None:
        """Run ``work`` on a daemon thread; None if it raised or missed the deadline."""
        outcome: list[object] = []
        worker = threading.Thread(
            target=self._run_into,
            args=(work, outcome, what),
            name="weavergen-otlp",
            daemon=True,
        )
        worker.start()
        worker.join(self._deadline_s)
        if worker.is_alive():
            self._gave_up = True
            self._warn(f"no answer within {self._deadline_s:g} s, gave up waiting")
            return None
        return outcome[0] if outcome else None

    def _run_into(
        self, work: Callable[[], object], outcome: list[object], what: str
    ) -> None:
        try:
            outcome.append(work())
        # Telemetry must never raise into the work it observes, and a third-party
        # exporter can fail in ways we cannot enumerate.
        except Exception as exc:
            if what:
                self._warn(str(exc))
            else:
                logger.debug("%s: flush or shutdown failed: %s", self._label, exc)

    def _warn(self, reason: str) -> None:
        self._warnings.warn(
            self._label,
            "telemetry: could not send spans to %s (%s); generation continues",
            self._label,
            reason,
        )


def to_stored_span(span: ReadableSpan) -> StoredSpan:
    """Convert an SDK span to the store's row form."""
    context = span.get_span_context()
    parent = span.parent
    resource = span.resource.attributes if span.resource else {}
    return StoredSpan(
        trace_id=format_trace_id(context.trace_id) if context else "0" * 32,
        span_id=format_span_id(context.span_id) if context else "0" * 16,
        parent_span_id=format_span_id(parent.span_id) if parent else None,
        name=span.name,
        kind=span.kind.name,
        status=span.status.status_code.name,
        start_ns=span.start_time or 0,
        end_ns=span.end_time or span.start_time or 0,
        attributes=dict(span.attributes or {}),
        resource=dict(resource),
    )
