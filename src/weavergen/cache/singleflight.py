"""Let concurrent identical requests share one computation.

When several threads ask for the same artifact at once (a burst of identical
service requests, or the simulator replaying traffic), only the first pays
for a model call; the others wait for its result, or its exception.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar, cast

T = TypeVar("T")


@dataclass
class _Call(Generic[T]):
    done: threading.Event = field(default_factory=threading.Event)
    result: T | None = None
    error: BaseException | None = None
    waiters: int = 0


class SingleFlight(Generic[T]):
    """Run at most one computation per key at a time; callers share its outcome."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[str, _Call[T]] = {}
        self.shared = 0

    def do(self, key: str, compute: Callable[[], T]) -> T:
        """Return ``compute()``, or the result of the same key's call in flight."""
        with self._lock:
            call = self._calls.get(key)
            leader = call is None
            if call is None:
                call = self._calls[key] = _Call()
            else:
                call.waiters += 1
                self.shared += 1
        if leader:
            self._lead(key, call, compute)
        else:
            call.done.wait()
        if call.error is not None:
            raise call.error
        return cast(T, call.result)

    def in_flight(self) -> int:
        """Count keys being computed right now."""
        with self._lock:
            return len(self._calls)

    def _lead(self, key: str, call: _Call[T], compute: Callable[[], T]) -> None:
        try:
            call.result = compute()
        except BaseException as exc:
            call.error = exc
        finally:
            with self._lock:
                del self._calls[key]
            call.done.set()
