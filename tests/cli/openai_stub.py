"""A tiny OpenAI-compatible chat server on 127.0.0.1 for end-to-end tests.

Each model name has a queue of answers; a request for that model pops the
next one (the last answer repeats). The server records every request body so
a test can check what was sent, e.g. that no reference answer leaked.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Handler(BaseHTTPRequestHandler):
    server: StubServer

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        self.server.received.append(body)
        text = self.server.next_answer(str(body.get("model")))
        payload = json.dumps(_completion(body, text)).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


class StubServer(ThreadingHTTPServer):
    """Serves scripted answers per model until :meth:`stop`."""

    daemon_threads = True

    def __init__(self, answers: dict[str, list[str]]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers = answers
        self.received: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def next_answer(self, model: str) -> str:
        with self._lock:
            queue = self.answers.get(model) or ["no such model"]
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)


def _completion(body: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "id": "stub-1",
        "object": "chat.completion",
        "model": body.get("model"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": 120, "completion_tokens": 80, "total_tokens": 200},
    }
