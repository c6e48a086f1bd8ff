"""When to try a provider again, and how long to wait first.

Rate limits and overloaded servers clear up by themselves; hammering them
does not help. Waits grow exponentially with jitter so that many clients do
not retry in lock-step, and a server's ``Retry-After`` wins over our guess.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many times to retry and how long to wait between attempts.

    The n-th wait (n from 0) is ``min(max_delay_s, base_delay_s * 2**n)``
    times a random factor in [0.5, 1.0) ("equal jitter"). A ``Retry-After``
    longer than ``max_retry_after_s`` ends the retries at once: waiting that
    long inside one call would stall the whole pipeline.
    """

    max_retries: int = 3
    base_delay_s: float = 0.5
    max_delay_s: float = 20.0
    max_retry_after_s: float = 60.0
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def backoff_s(self, retry_index: int) -> float:
        """The jittered wait before retry number ``retry_index`` (from 0)."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2.0**retry_index)
        return ceiling * (0.5 + 0.5 * self.rng.random())

    def wait_s(self, retry_index: int, retry_after_s: float | None) -> float | None:
        """How long to wait before the next try, or None to stop retrying."""
        if retry_index >= self.max_retries:
            return None
        if retry_after_s is None:
            return self.backoff_s(retry_index)
        if retry_after_s > self.max_retry_after_s:
            return None
        return retry_after_s


def parse_retry_after(value: str | None, now_s: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or HTTP date).

    ``now_s`` is the current Unix time (injectable for tests). Returns None
    when the header is absent or unreadable; never negative.
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    return _seconds_until_http_date(value, time.time() if now_s is None else now_s)


def _seconds_until_http_date(value: str, now_s: float) -> float | None:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        # RFC 9110 dates are always GMT; a missing zone means GMT, not local.
        return None
    return max(0.0, moment.timestamp() - now_s)
