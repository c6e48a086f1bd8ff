"""A circuit breaker per model, so a dead provider fails fast.

Without it every request would spend its full retry budget on a model that
is down before falling back. After ``failure_threshold`` consecutive failed
calls the circuit opens and calls fail at once with ``ProviderUnavailable``;
after ``cooldown_s`` one trial call is let through (half-open): success
closes the circuit, failure opens it again for another cool-down.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Literal

from weavergen.errors import ProviderUnavailable

logger = logging.getLogger(__name__)

CircuitState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """Counts consecutive failures of one model; thread-safe."""

    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 5,
        cooldown_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.failure_threshold = failure_threshold
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> CircuitState:
        """``closed``, ``open`` or ``half_open`` at this moment."""
        with self._lock:
            return self._state_locked()

    def before_call(self) -> None:
        """Let a call through, or raise ``ProviderUnavailable`` if open."""
        with self._lock:
            state = self._state_locked()
            if state == "closed":
                return
            if state == "half_open" and not self._trial_running:
                self._trial_running = True
                return
        raise ProviderUnavailable(
            f"circuit of {self.name} open after {self.failure_threshold} "
            f"consecutive failures; next try in {self._remaining_s():.1f}s"
        )

    def record_success(self) -> None:
        """Close the circuit and forget past failures."""
        with self._lock:
            if self._opened_at is not None:
                logger.info("model %s: circuit closed", self.name)
            self._failures = 0
            self._opened_at = None
            self._trial_running = False

    def record_failure(self) -> None:
        """Count a failed call; open the circuit at the threshold."""
        with self._lock:
            self._failures += 1
            reopen = self._trial_running
            self._trial_running = False
            if reopen or self._failures >= self.failure_threshold:
                self._opened_at = self._clock()
                logger.warning(
                    "model %s: circuit open for %.1fs after %d failure(s)",
                    self.name,
                    self.cooldown_s,
                    self._failures,
                )

    def _state_locked(self) -> CircuitState:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self.cooldown_s:
            return "half_open"
        return "open"

    def _remaining_s(self) -> float:
        with self._lock:
            if self._opened_at is None:
                return 0.0
            return max(0.0, self.cooldown_s - (self._clock() - self._opened_at))
