"""Backoff, jitter and Retry-After parsing."""

from __future__ import annotations

import random
from email.utils import formatdate

import pytest

from weavergen.models import RetryPolicy, parse_retry_after

NOW_S = 1_800_000_000.0


def test_backoff_doubles_within_equal_jitter_bounds() -> None:
    """The n-th wait lies in [0.5, 1) x base x 2**n."""
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=100.0, rng=random.Random(1))
    for index in range(5):
        wait_s = policy.backoff_s(index)
        assert 0.5 * 2**index <= wait_s < 2**index


def test_backoff_is_capped_at_max_delay() -> None:
    """Waits never exceed max_delay_s however many retries came before."""
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=3.0, rng=random.Random(2))
    assert all(policy.backoff_s(i) < 3.0 for i in range(10, 20))


def test_jitter_spreads_waits_of_the_same_retry() -> None:
    """Two clients at the same retry do not wait the same time."""
    waits = {RetryPolicy(rng=random.Random(seed)).backoff_s(2) for seed in range(20)}
    assert len(waits) == 20


def test_wait_stops_after_max_retries() -> None:
    """Retry index max_retries has no wait: the caller gives up."""
    policy = RetryPolicy(max_retries=2)
    assert policy.wait_s(1, None) is not None
    assert policy.wait_s(2, None) is None


def test_retry_after_replaces_backoff() -> None:
    """A server's Retry-After is waited exactly."""
    assert RetryPolicy().wait_s(0, 4.5) == 4.5


def test_retry_after_beyond_limit_gives_up() -> None:
    """A Retry-After beyond max_retry_after_s ends the retries."""
    assert RetryPolicy(max_retry_after_s=10.0).wait_s(0, 11.0) is None


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("7", 7.0), (" 2.5 ", 2.5), ("-3", 0.0), (None, None), ("", None), ("soon", None)],
)
def test_retry_after_seconds_form(header: str | None, seconds: float | None) -> None:
    """Seconds parse as floats, never negative; junk and absence give None."""
    assert parse_retry_after(header, NOW_S) == seconds


def test_retry_after_http_date_form() -> None:
    """An HTTP date 30 s after now means wait 30 s."""
    header = formatdate(NOW_S + 30, usegmt=True)
    assert parse_retry_after(header, NOW_S) == pytest.approx(30.0)


def test_retry_after_date_in_the_past_means_now() -> None:
    """A date already passed means no wait."""
    assert parse_retry_after(formatdate(NOW_S - 60, usegmt=True), NOW_S) == 0.0
