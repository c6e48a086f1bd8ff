"""A scripted HTTP model server on 127.0.0.1, and adapters pointed at it.

Each test queues the replies the server gives, in order (success with usage,
429 with Retry-After, 5xx, a hang, malformed JSON, a body cut off mid-way),
and afterwards reads back what the adapter sent. Both wire formats are only
JSON bodies, so one server speaks both.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from weavergen.models import (
    AnthropicChatModel,
    HttpChatModel,
    ModelPrice,
    OpenAIChatModel,
)
from weavergen.models.circuit import CircuitBreaker
from weavergen.models.retry import RetryPolicy

AdapterFactory = Callable[..., HttpChatModel]
SENTINEL_KEY = "sk-SENTINEL-0123456789abcdef"
PRICE = ModelPrice(2.0, 8.0, 0.5)


@dataclass
class Reply:
    """One scripted answer.

    ``hang_s`` holds the reply back (until the test ends, at most that long);
    ``cut_at`` sends only that many body bytes under the full Content-Length
    and closes the connection; ``trickle_s`` sends the body one byte per
    that many seconds.
    """

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    hang_s: float = 0.0
    cut_at: int | None = None
    trickle_s: float = 0.0

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body if self.body is not None else {}).encode()


@dataclass
class Received:
    """One request the server saw."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    script: deque[Reply]
    received: list[Received]
    release: threading.Event

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that time out leave broken pipes; they are expected here."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes; without this each reply waits for
    # the client's delayed ACK.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        raw = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.received.append(Received(self.path, headers, json.loads(raw)))
        script = self.server.script
        reply = script.popleft() if script else Reply(599, b"script exhausted")
        if reply.hang_s:
            self.server.release.wait(reply.hang_s)
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        payload = reply.payload()
        self.send_response(reply.status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if reply.trickle_s:
            self._trickle(payload, reply.trickle_s)
            return
        if reply.cut_at is None:
            self.wfile.write(payload)
            return
        self.wfile.write(payload[: reply.cut_at])
        self.wfile.flush()
        self.close_connection = True

    def _trickle(self, payload: bytes, pause_s: float) -> None:
        # One byte per pause, until the body is sent or the test ends.
        for index in range(len(payload)):
            if self.server.release.wait(pause_s):
                return
            self.wfile.write(payload[index : index + 1])
            self.wfile.flush()


class ScriptedServer:
    """The running server: queue replies, read requests, stop it."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.script = deque()
        self._server.received = []
        self._server.release = threading.Event()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Release hanging replies, stop serving, free the port."""
        self._server.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def queue(self, *replies: Reply) -> None:
        self._server.script.extend(replies)

    @property
    def received(self) -> list[Received]:
        return self._server.received


def openai_reply(text: str, usage: dict[str, Any] | None = None) -> Reply:
    """A chat-completions success body."""
    body: dict[str, Any] = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}}],
    }
    if usage is not None:
        body["usage"] = usage
    return Reply(200, body)


def anthropic_reply(text: str, usage: dict[str, Any] | None = None) -> Reply:
    """A Messages API success body."""
    body: dict[str, Any] = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "content": [{"type": "text", "text": text}],
    }
    if usage is not None:
        body["usage"] = usage
    return Reply(200, body)


def make_adapter(
    provider: str,
    server: ScriptedServer,
    sleeps: list[float],
    *,
    max_retries: int = 3,
    timeout_s: float = 2.0,
    api_key_env: str | None = None,
    breaker: CircuitBreaker | None = None,
) -> OpenAIChatModel | AnthropicChatModel:
    """An adapter of ``provider`` pointed at ``server``; waits are recorded."""
    adapter = OpenAIChatModel if provider == "openai" else AnthropicChatModel
    base_url = server.url + ("/v1" if provider == "openai" else "")
    return adapter(
        name=f"test_{provider}",
        model="test-model",
        base_url=base_url,
        price=PRICE,
        api_key_env=api_key_env,
        timeout_s=timeout_s,
        retry=RetryPolicy(max_retries=max_retries, base_delay_s=0.01),
        breaker=breaker,
        sleep=sleeps.append,
    )
