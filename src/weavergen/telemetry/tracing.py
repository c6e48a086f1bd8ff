"""Tracing set-up for one run: a private TracerProvider and its exporters.

Each :class:`Telemetry` owns its TracerProvider instead of installing the
global one, so two runs in one process (tests, the service) never share
exporters or leak spans into each other. Spans are exported off the hot path
by batch processors and flushed when the run closes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import Span, Tracer, format_trace_id

from weavergen import __version__
from weavergen.telemetry import attrs
from weavergen.telemetry.exporters import GuardedExporter, SpanStoreExporter, WarnOnce
from weavergen.telemetry.state import resolve_state_dir, span_store_path
from weavergen.telemetry.store import SpanStore

logger = logging.getLogger(__name__)

OTLP_ENDPOINT_ENVS = (
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
)
OTLP_TIMEOUT_ENVS = ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT")
# The SDK's default OTLP timeout is 10 s, with retries; a run that ends while the
# collector is down would hang that long. Two seconds still covers a slow local
# collector; set OTEL_EXPORTER_OTLP_TIMEOUT to wait longer.
DEFAULT_OTLP_TIMEOUT_S = 2.0
FLUSH_TIMEOUT_MS = 10_000
# Added to the OTLP timeout to make the overall deadline of one remote export.
OTLP_DEADLINE_SLACK_S = 1.0

AttributeValue = str | bool | int | float


class Telemetry:
    """Tracing for one run: spans go to the span store and, if set, to OTLP."""

    def __init__(
        self,
        state_dir: Path | None = None,
        *,
        env: Mapping[str, str] | None = None,
        exporters: Sequence[SpanExporter] = (),
        store: bool = True,
    ) -> None:
        self._env = os.environ if env is None else env
        self.warnings = WarnOnce()
        self.state_dir = resolve_state_dir(state_dir, self._env)
        self.store_path = span_store_path(self.state_dir)
        self._provider = TracerProvider(resource=_resource())
        self._closed = False
        for exporter in self._build_exporters(store, exporters):
            self._provider.add_span_processor(BatchSpanProcessor(exporter))
        self.tracer: Tracer = self._provider.get_tracer("weavergen")

    def __enter__(self) -> Telemetry:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def run(self, command: str) -> Iterator[Span]:
        """Open the ``weavergen.run`` span that parents this run's generations."""
        with self.tracer.start_as_current_span(
            attrs.RUN_SPAN, attributes={attrs.COMMAND: command}
        ) as span:
            yield span

    def start_generation(
        self, attributes: Mapping[str, AttributeValue], start_ns: int | None = None
    ) -> Span:
        """Start a ``weavergen.generation`` span; the caller ends it."""
        return self.tracer.start_span(
            attrs.GENERATION_SPAN, attributes=dict(attributes), start_time=start_ns
        )

    def flush(self) -> bool:
        """Export every finished span now; False if an exporter timed out."""
        return self._provider.force_flush(FLUSH_TIMEOUT_MS)

    def close(self) -> None:
        """Flush and shut the exporters down; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self.flush()
        self._provider.shutdown()

    def _build_exporters(
        self, store: bool, extra: Sequence[SpanExporter]
    ) -> list[SpanExporter]:
        exporters = list(extra)
        if store and self._prepare_state_dir():
            exporters.append(
                SpanStoreExporter(SpanStore(self.store_path), self.warnings)
            )
        otlp = self._otlp_exporter()
        if otlp is not None:
            exporters.append(otlp)
        return exporters

    def _prepare_state_dir(self) -> bool:
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.warnings.warn(
                "store",
                "telemetry: cannot create state folder %s (%s); spans are not stored",
                self.state_dir,
                exc.strerror or exc,
            )
            return False
        return True

    def _otlp_exporter(self) -> SpanExporter | None:
        endpoint = _first_set(self._env, OTLP_ENDPOINT_ENVS)
        if endpoint is None:
            return None
        # Imported here: the OTLP exporter pulls in protobuf and an HTTP stack,
        # which runs without a collector never need.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # noqa: PLC0415
            OTLPSpanExporter,
        )

        url = _traces_url(self._env, endpoint)
        timeout_s = _otlp_timeout_s(self._env)
        try:
            inner = OTLPSpanExporter(endpoint=url, timeout=timeout_s)
        # The exporter reads certificates and headers from the environment and
        # can fail in ways we cannot list; a bad collector set-up must not stop
        # the run it would have observed.
        except Exception as exc:
            self.warnings.warn(
                "otlp", "telemetry: cannot set up OTLP export to %s (%s)", url, exc
            )
            return None
        # The SDK's timeout bounds each socket read, not the whole answer; the
        # guard's deadline bounds the whole export, a little above it.
        return GuardedExporter(
            inner,
            f"OTLP endpoint {url}",
            self.warnings,
            deadline_s=timeout_s + OTLP_DEADLINE_SLACK_S,
        )


def trace_id_of(span: Span) -> str:
    """Return the span's trace id in the 32-digit hex form the store uses."""
    return format_trace_id(span.get_span_context().trace_id)


def _resource() -> Resource:
    return Resource.create(
        {"service.name": "weavergen", "service.version": __version__}
    )


def _first_set(env: Mapping[str, str], names: Sequence[str]) -> str | None:
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return value
    return None


def _traces_url(env: Mapping[str, str], endpoint: str) -> str:
    if env.get(OTLP_ENDPOINT_ENVS[0], "").strip():
        return endpoint  # the per-signal variable is a full URL by the spec
    return endpoint.removesuffix("/") + "/v1/traces"


def _otlp_timeout_s(env: Mapping[str, str]) -> float:
    raw = _first_set(env, OTLP_TIMEOUT_ENVS)
    if raw is None:
        return DEFAULT_OTLP_TIMEOUT_S
    try:
        # Seconds, as the Python OTLP exporter reads this variable.
        return float(raw)
    except ValueError:
        logger.warning("ignoring OTEL_EXPORTER_OTLP_TIMEOUT=%r: not a number", raw)
        return DEFAULT_OTLP_TIMEOUT_S
