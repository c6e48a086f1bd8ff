"""The circuit breaker's states, with an injected clock, and on a real adapter."""

from __future__ import annotations

import pytest

from tests.models.model_server import (
    AdapterFactory,
    Reply,
    ScriptedServer,
    openai_reply,
)
from weavergen.errors import ProviderUnavailable
from weavergen.models import CircuitBreaker, Prompt


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now_s = 100.0

    def __call__(self) -> float:
        return self.now_s


def breaker(clock: FakeClock, threshold: int = 3) -> CircuitBreaker:
    """A breaker opening after ``threshold`` failures, cooling down for 10 s."""
    return CircuitBreaker(
        "m", failure_threshold=threshold, cooldown_s=10.0, clock=clock
    )


def test_opens_after_threshold_consecutive_failures() -> None:
    """Two failures keep it closed; the third opens it and calls fail fast."""
    clock = FakeClock()
    circuit = breaker(clock)
    circuit.record_failure()
    circuit.record_failure()
    assert circuit.state == "closed"
    circuit.record_failure()
    assert circuit.state == "open"
    with pytest.raises(ProviderUnavailable, match="circuit of m open"):
        circuit.before_call()


def test_success_resets_the_failure_count() -> None:
    """Failures must be consecutive: a success in between starts again."""
    circuit = breaker(FakeClock())
    circuit.record_failure()
    circuit.record_failure()
    circuit.record_success()
    circuit.record_failure()
    assert circuit.state == "closed"


def test_half_open_after_cooldown_lets_one_trial_through() -> None:
    """After the cool-down exactly one call passes; others still fail fast."""
    clock = FakeClock()
    circuit = breaker(clock, threshold=1)
    circuit.record_failure()
    clock.now_s += 10.0
    assert circuit.state == "half_open"
    circuit.before_call()
    with pytest.raises(ProviderUnavailable):
        circuit.before_call()


def test_successful_trial_closes_the_circuit() -> None:
    """A half-open trial that succeeds closes the circuit."""
    clock = FakeClock()
    circuit = breaker(clock, threshold=1)
    circuit.record_failure()
    clock.now_s += 10.0
    circuit.before_call()
    circuit.record_success()
    assert circuit.state == "closed"


def test_failed_trial_reopens_for_a_full_cooldown() -> None:
    """A half-open trial that fails opens the circuit again from that moment."""
    clock = FakeClock()
    circuit = breaker(clock, threshold=5)
    for _ in range(5):
        circuit.record_failure()
    clock.now_s += 10.0
    circuit.before_call()
    circuit.record_failure()
    assert circuit.state == "open"
    clock.now_s += 9.9
    assert circuit.state == "open"
    clock.now_s += 0.1
    assert circuit.state == "half_open"


def test_open_circuit_keeps_requests_off_the_server(
    server: ScriptedServer, adapter_for: AdapterFactory
) -> None:
    """Once two calls failed, the third never reaches the server."""
    clock = FakeClock()
    circuit = breaker(clock, threshold=2)
    adapter = adapter_for("openai", max_retries=0, breaker=circuit)
    server.queue(Reply(500, b"down"), Reply(500, b"down"), openai_reply("late"))
    for _ in range(2):
        with pytest.raises(ProviderUnavailable, match="HTTP 500"):
            adapter.complete(Prompt("", "hi"))
    with pytest.raises(ProviderUnavailable, match=r"circuit of .* open") as info:
        adapter.complete(Prompt("", "hi"))
    assert str(info.value).startswith(f"model {adapter.name} (POST {adapter.url}): ")
    assert len(server.received) == 2
    clock.now_s += 10.0
    assert adapter.complete(Prompt("", "hi")).text == "late"
    assert circuit.state == "closed"
