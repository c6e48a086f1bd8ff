"""Tests for the per-run Telemetry: span store, OTLP export, failure handling."""

from __future__ import annotations

import logging
import socket
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http import trace_exporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from weavergen.telemetry import SpanStore, Telemetry, attrs, trace_id_of
from weavergen.telemetry import store as store_module


def _one_generation(telemetry: Telemetry, target: str = "python") -> str:
    with telemetry.run("test") as run:
        span = telemetry.start_generation(
            {attrs.TARGET: target, attrs.TIER: "template"}
        )
        span.end()
        return trace_id_of(run)


def test_run_and_generation_spans_reach_the_store(tmp_path: Path) -> None:
    """After close, the store holds the run and its child generation span."""
    with Telemetry(tmp_path / "state") as telemetry:
        trace_id = _one_generation(telemetry)

    spans = SpanStore(tmp_path / "state" / "spans.db").spans()
    by_name = {span["name"]: span for span in spans}
    assert set(by_name) == {attrs.RUN_SPAN, attrs.GENERATION_SPAN}
    generation = by_name[attrs.GENERATION_SPAN]
    assert generation["trace_id"] == trace_id
    assert generation["parent_span_id"] == by_name[attrs.RUN_SPAN]["span_id"]
    assert generation["attributes"] == {attrs.TARGET: "python", attrs.TIER: "template"}
    assert generation["resource"]["service.name"] == "weavergen"


def test_state_dir_comes_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an explicit folder, WEAVERGEN_STATE_DIR decides where spans go."""
    monkeypatch.setenv("WEAVERGEN_STATE_DIR", str(tmp_path / "elsewhere"))
    with Telemetry() as telemetry:
        _one_generation(telemetry)

    assert telemetry.store_path == tmp_path / "elsewhere" / "spans.db"
    assert len(SpanStore(telemetry.store_path).generations()) == 1


def test_global_tracer_provider_is_left_alone(tmp_path: Path) -> None:
    """A Telemetry never installs itself as the global tracer provider."""
    before = trace.get_tracer_provider()
    with Telemetry(tmp_path / "state") as telemetry:
        _one_generation(telemetry)

    assert trace.get_tracer_provider() is before


def _targets(exporter: InMemorySpanExporter) -> list[object]:
    spans = exporter.get_finished_spans()
    return [
        s.attributes[attrs.TARGET]
        for s in spans
        if attrs.TARGET in (s.attributes or {})
    ]


def test_two_runs_do_not_share_spans(tmp_path: Path) -> None:
    """Spans of one Telemetry never reach another's exporters."""
    first, second = InMemorySpanExporter(), InMemorySpanExporter()
    with Telemetry(tmp_path / "a", exporters=[first]) as one:
        _one_generation(one, "go")
    with Telemetry(tmp_path / "b", exporters=[second]) as two:
        _one_generation(two, "rust")

    assert _targets(first) == ["go"]
    assert _targets(second) == ["rust"]


def test_unwritable_state_dir_warns_once_and_keeps_working(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A state folder that cannot exist gives one warning; spans still flow."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    memory = InMemorySpanExporter()

    with (
        caplog.at_level(logging.WARNING),
        Telemetry(blocker / "state", exporters=[memory]) as telemetry,
    ):
        _one_generation(telemetry)
        _one_generation(telemetry)

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "cannot create state folder" in warnings[0]
    assert len(memory.get_finished_spans()) == 4


def test_store_write_failure_warns_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """If spans.db cannot be written, the run warns once and does not raise."""
    state = tmp_path / "state"
    (state / "spans.db").mkdir(parents=True)  # a folder where the file should be

    with caplog.at_level(logging.WARNING), Telemetry(state) as telemetry:
        _one_generation(telemetry)
        telemetry.flush()
        _one_generation(telemetry)

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "cannot write spans" in warnings[0]
    assert (state / "spans.db").is_dir()


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, str, bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers["Content-Type"], body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def collector() -> Iterator[tuple[str, list[tuple[str, str, bytes]]]]:
    """A tiny OTLP/HTTP receiver on 127.0.0.1 that records each POST."""
    received: list[tuple[str, str, bytes]] = []
    handler = type("Handler", (_Collector,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()
    thread.join()


def test_otlp_endpoint_receives_protobuf_spans(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    collector: tuple[str, list[tuple[str, str, bytes]]],
) -> None:
    """With OTEL_EXPORTER_OTLP_ENDPOINT set, spans are POSTed to /v1/traces."""
    endpoint, received = collector
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)

    with Telemetry(tmp_path / "state") as telemetry:
        _one_generation(telemetry, "java")

    names, targets = set(), []
    for path, content_type, body in received:
        assert path == "/v1/traces"
        assert content_type == "application/x-protobuf"
        request = ExportTraceServiceRequest.FromString(body)
        for scope in request.resource_spans[0].scope_spans:
            for span in scope.spans:
                names.add(span.name)
                targets += [
                    a.value.string_value
                    for a in span.attributes
                    if a.key == attrs.TARGET
                ]
    assert names == {attrs.RUN_SPAN, attrs.GENERATION_SPAN}
    assert targets == ["java"]
    assert len(SpanStore(tmp_path / "state" / "spans.db").spans()) == 2


def test_dead_otlp_endpoint_warns_once_and_store_still_fills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A collector that refuses connections costs one warning, not the run."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "0.5")

    with (
        caplog.at_level(logging.WARNING, logger="weavergen"),
        Telemetry(tmp_path / "state") as telemetry,
    ):
        _one_generation(telemetry)
        telemetry.flush()
        _one_generation(telemetry)

    ours = [r.getMessage() for r in caplog.records if r.name.startswith("weavergen")]
    assert len(ours) == 1
    assert f"127.0.0.1:{port}/v1/traces" in ours[0]
    assert len(SpanStore(tmp_path / "state" / "spans.db").generations()) == 2


def test_close_twice_is_harmless(tmp_path: Path) -> None:
    """Closing an already closed Telemetry does nothing and raises nothing."""
    telemetry = Telemetry(tmp_path / "state")
    _one_generation(telemetry)
    telemetry.close()
    telemetry.close()

    assert len(SpanStore(telemetry.store_path).generations()) == 1


class _BrokenExporter:
    def __init__(self, **_: object) -> None:
        raise ValueError("bad certificate bundle")


def test_otlp_set_up_failure_warns_and_store_still_fills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """If the OTLP exporter cannot even be built, the run warns and goes on."""
    monkeypatch.setattr(trace_exporter, "OTLPSpanExporter", _BrokenExporter)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")

    with (
        caplog.at_level(logging.WARNING, logger="weavergen"),
        Telemetry(tmp_path / "state") as telemetry,
    ):
        _one_generation(telemetry)

    ours = [r.getMessage() for r in caplog.records if r.name.startswith("weavergen")]
    assert ours == [
        "telemetry: cannot set up OTLP export to http://127.0.0.1:4318/v1/traces "
        "(bad certificate bundle)"
    ]
    assert len(SpanStore(tmp_path / "state" / "spans.db").generations()) == 1


@pytest.fixture
def trickling_collector() -> Iterator[str]:
    """A collector on 127.0.0.1 that answers one byte every 0.1 s, forever."""
    stop = threading.Event()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.1)

    def trickle(conn: socket.socket) -> None:
        with conn:
            conn.recv(1 << 20)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            while not stop.wait(0.1):
                conn.sendall(b"\0")

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            threading.Thread(target=trickle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    server.close()


def test_trickling_otlp_collector_cannot_hold_close_past_the_deadline(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    trickling_collector: str,
) -> None:
    """A collector that never finishes its answer costs one warning; close returns."""
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", trickling_collector)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "0.5")
    telemetry = Telemetry(tmp_path / "state")
    _one_generation(telemetry)

    with caplog.at_level(logging.WARNING, logger="weavergen"):
        closing = threading.Thread(target=telemetry.close, daemon=True)
        closing.start()
        closing.join(30)  # a guard against hanging the suite, not a timing

    assert not closing.is_alive()
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("weavergen")]
    assert len(ours) == 1
    assert "no answer within 1.5 s" in ours[0]
    assert len(SpanStore(tmp_path / "state" / "spans.db").spans()) == 2


def test_locked_store_is_waited_for_once_then_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A store another process keeps locked costs one wait and one warning."""
    state = tmp_path / "state"
    with Telemetry(state) as telemetry:
        _one_generation(telemetry)
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.2)
    attempts: list[Path] = []
    real_connect = store_module._connect_for_write

    def counting(path: Path) -> Any:
        attempts.append(path)
        return real_connect(path)

    monkeypatch.setattr(store_module, "_connect_for_write", counting)
    holder = sqlite3.connect(state / "spans.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with caplog.at_level(logging.WARNING), Telemetry(state) as telemetry:
            _one_generation(telemetry)
            telemetry.flush()
            _one_generation(telemetry)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(attempts) == 1
    assert len(warnings) == 1
    assert "database is locked" in warnings[0]
    assert len(SpanStore(state / "spans.db").generations()) == 1
