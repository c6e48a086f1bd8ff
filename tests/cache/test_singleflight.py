"""Tests that concurrent identical requests share one computation."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from weavergen.cache.singleflight import SingleFlight


def test_concurrent_calls_for_one_key_compute_once() -> None:
    """Eight threads asking at once get one computation's result."""
    flight: SingleFlight[int] = SingleFlight()
    started = threading.Event()
    release = threading.Event()
    calls = []

    def compute() -> int:
        calls.append(1)
        started.set()
        release.wait(5)
        return 42

    with ThreadPoolExecutor(max_workers=8) as pool:
        leader = pool.submit(flight.do, "k", compute)
        started.wait(5)
        followers = [pool.submit(flight.do, "k", compute) for _ in range(7)]
        while flight.shared < 7:
            threading.Event().wait(0.01)
        release.set()
        results = [leader.result(5)] + [f.result(5) for f in followers]
    assert results == [42] * 8
    assert len(calls) == 1
    assert flight.in_flight() == 0


def test_different_keys_compute_separately() -> None:
    """Keys do not share results."""
    flight: SingleFlight[str] = SingleFlight()
    assert flight.do("a", lambda: "A") == "A"
    assert flight.do("b", lambda: "B") == "B"
    assert flight.shared == 0


def test_the_leaders_exception_reaches_every_waiter() -> None:
    """A failed computation fails every caller that shared it, then clears."""
    flight: SingleFlight[int] = SingleFlight()
    started = threading.Event()
    release = threading.Event()

    def failing() -> int:
        started.set()
        release.wait(5)
        raise ValueError("model down")

    with ThreadPoolExecutor(max_workers=2) as pool:
        leader = pool.submit(flight.do, "k", failing)
        started.wait(5)
        follower = pool.submit(flight.do, "k", failing)
        while flight.shared < 1:
            threading.Event().wait(0.01)
        release.set()
        for future in (leader, follower):
            with pytest.raises(ValueError, match="model down"):
                future.result(5)
    assert flight.do("k", lambda: 7) == 7
