"""How much time the OpenAI-compatible adapter adds over a bare httpx POST.

A fake chat-completions server on 127.0.0.1 answers at once with a fixed
body; the same run times N calls through ``OpenAIChatModel.complete`` and N
bare ``httpx.Client.post`` + ``.json()`` calls, interleaved so that drift of
the shared machine hits both alike, and prints p50/p99 of each and the
difference. Run: ``.venv/bin/python benchmarks/bench_provider.py --calls 3000``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from weavergen.models import ModelPrice, OpenAIChatModel, Prompt

ANSWER = json.dumps(
    {
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "X = 1"}}],
        "usage": {
            "prompt_tokens": 120,
            "completion_tokens": 8,
            "prompt_tokens_details": {"cached_tokens": 64},
        },
    }
).encode()


class _InstantHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body waits
    # for the client's delayed ACK (40 ms on Linux) and swamps the figures.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request lines."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(ANSWER)))
        self.end_headers()
        self.wfile.write(ANSWER)


def percentile_ms(samples_s: list[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``samples_s``, in milliseconds."""
    ordered = sorted(samples_s)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000.0


def timed(call: Any) -> float:
    """Seconds one call takes."""
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def run(calls: int) -> None:
    """Start the server, warm both paths, time them interleaved, print."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _InstantHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    model = OpenAIChatModel(
        name="bench",
        model="bench-model",
        base_url=base_url,
        price=ModelPrice(1.0, 2.0, 0.5),
    )
    prompt = Prompt("You write Python constants.", "Generate the attributes module.")
    body = model.build_body(prompt)
    raw_client = httpx.Client(timeout=60.0)
    url = base_url + "/chat/completions"

    def raw_call() -> None:
        raw_client.post(url, json=body).json()

    def adapter_call() -> None:
        model.complete(prompt)

    for _ in range(200):
        raw_call()
        adapter_call()
    raw_s: list[float] = []
    adapter_s: list[float] = []
    for _ in range(calls):
        raw_s.append(timed(raw_call))
        adapter_s.append(timed(adapter_call))
    report(calls, raw_s, adapter_s)
    raw_client.close()
    model.close()
    server.shutdown()
    server.server_close()


def report(calls: int, raw_s: list[float], adapter_s: list[float]) -> None:
    """Print p50/p99 of both paths and the adapter's added time."""
    print(f"{calls} calls each to a fake server on 127.0.0.1")
    for label, samples in (("raw httpx POST+json", raw_s), ("adapter", adapter_s)):
        print(
            f"  {label:<20} p50 {percentile_ms(samples, 0.5):7.3f} ms"
            f"   p99 {percentile_ms(samples, 0.99):7.3f} ms"
            f"   mean {statistics.fmean(samples) * 1000:7.3f} ms"
        )
    added_p50 = percentile_ms(adapter_s, 0.5) - percentile_ms(raw_s, 0.5)
    added_p99 = percentile_ms(adapter_s, 0.99) - percentile_ms(raw_s, 0.99)
    print(f"  added by adapter:    p50 {added_p50:+.3f} ms   p99 {added_p99:+.3f} ms")


def main() -> None:
    """Parse ``--calls`` and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    run(parser.parse_args().calls)


if __name__ == "__main__":
    main()
