"""Cost sums per provider usage shape, checked against hand calculations."""

from __future__ import annotations

import pytest

from weavergen.models import (
    ModelPrice,
    Usage,
    anthropic_usage,
    estimate_tokens,
    openai_usage,
)

# $2 input, $8 output, $0.50 cached input per million tokens.
OPENAI_PRICE = ModelPrice(2.0, 8.0, 0.5)
# $3 input, $15 output, $0.30 cache read; cache write left to its 1.25x default.
ANTHROPIC_PRICE = ModelPrice(3.0, 15.0, 0.3)


def test_plain_usage_costs_input_plus_output() -> None:
    """1000 in at $2 and 200 out at $8 cost $0.0036."""
    assert OPENAI_PRICE.cost_usd(Usage(1000, 200)) == pytest.approx(0.0036)


def test_openai_cached_tokens_are_billed_only_at_the_cached_rate() -> None:
    """prompt_tokens includes cached ones: 4000 x $2 + 6000 x $0.5 + 2000 x $8."""
    usage = openai_usage(
        {
            "prompt_tokens": 10_000,
            "completion_tokens": 2_000,
            "prompt_tokens_details": {"cached_tokens": 6_000},
        }
    )
    assert usage.input_tokens == 10_000
    assert usage.cached_input_tokens == 6_000
    assert usage.uncached_input_tokens == 4_000
    assert OPENAI_PRICE.cost_usd(usage) == pytest.approx(0.027)


def test_openai_reasoning_tokens_are_counted_once_inside_output() -> None:
    """completion_tokens already includes 1500 reasoning: 2000 x $8, not 3500."""
    usage = openai_usage(
        {
            "prompt_tokens": 1_000,
            "completion_tokens": 2_000,
            "completion_tokens_details": {"reasoning_tokens": 1_500},
        }
    )
    assert usage.output_tokens == 2_000
    assert usage.reasoning_tokens == 1_500
    assert OPENAI_PRICE.cost_usd(usage) == pytest.approx((1_000 * 2 + 2_000 * 8) / 1e6)


def test_openai_null_details_count_as_zero() -> None:
    """Servers like vLLM send null details; nothing is cached or reasoned."""
    usage = openai_usage(
        {
            "prompt_tokens": 5,
            "completion_tokens": 7,
            "prompt_tokens_details": None,
            "completion_tokens_details": None,
        }
    )
    assert usage == Usage(5, 7)


def test_anthropic_cache_reads_and_writes_join_input_and_bill_once() -> None:
    """1000 x $3 + 20000 x $0.3 + 5000 x $3.75 + 500 x $15 = $0.03525."""
    usage = anthropic_usage(
        {
            "input_tokens": 1_000,
            "output_tokens": 500,
            "cache_read_input_tokens": 20_000,
            "cache_creation_input_tokens": 5_000,
        }
    )
    assert usage.input_tokens == 26_000
    assert usage.cached_input_tokens == 20_000
    assert usage.cache_write_tokens == 5_000
    assert usage.uncached_input_tokens == 1_000
    assert ANTHROPIC_PRICE.cost_usd(usage) == pytest.approx(0.03525)


def test_cache_write_rate_is_configurable() -> None:
    """A $6 cache-write rate (2x, one-hour cache) replaces the 1.25x default."""
    price = ModelPrice(3.0, 15.0, 0.3, cache_write_per_mtok=6.0)
    usage = Usage(26_000, 500, cached_input_tokens=20_000, cache_write_tokens=5_000)
    assert price.cost_usd(usage) == pytest.approx(0.0465)


def test_default_cache_write_rate_is_one_and_a_quarter_input() -> None:
    """Without a configured rate, cache writes cost 1.25 x input."""
    assert ANTHROPIC_PRICE.cache_write_rate == pytest.approx(3.75)


def test_missing_cached_rate_bills_cached_tokens_at_input_rate() -> None:
    """No discount is assumed when none is configured: cost is not understated."""
    price = ModelPrice(2.0, 8.0)
    usage = Usage(10_000, 0, cached_input_tokens=6_000)
    assert price.cost_usd(usage) == pytest.approx(0.02)


def test_anthropic_usage_without_cache_fields_is_plain() -> None:
    """Absent cache counts are zero."""
    assert anthropic_usage({"input_tokens": 3, "output_tokens": 4}) == Usage(3, 4)


@pytest.mark.parametrize(
    ("text", "tokens"), [("", 0), ("a", 1), ("abcd", 1), ("abcde", 2), ("x" * 400, 100)]
)
def test_estimate_is_characters_over_four_rounded_up(text: str, tokens: int) -> None:
    """The estimator is ceil(len / 4)."""
    assert estimate_tokens(text) == tokens
