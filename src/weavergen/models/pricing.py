"""Token usage and what it costs, with each kind of token billed exactly once.

Providers report usage in different shapes: OpenAI's ``prompt_tokens``
includes the cached ones and ``completion_tokens`` includes the reasoning
ones, while Anthropic's ``input_tokens`` excludes cache reads and cache
writes. :class:`Usage` holds one normalised shape (the adapters convert), so
:meth:`ModelPrice.cost_usd` has one formula to get right.
"""

from __future__ import annotations

from dataclasses import dataclass

_PER_MILLION = 1_000_000.0

# Anthropic bills 5-minute cache writes at 1.25x the input rate.
DEFAULT_CACHE_WRITE_FACTOR = 1.25

# Rough chars-per-token ratio of English and code for GPT/Claude tokenizers;
# good to about +-25%, which is why results using it are marked estimated.
_CHARS_PER_TOKEN = 4


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens one call used, normalised across providers.

    ``input_tokens`` counts every prompt token the model read, including
    ``cached_input_tokens`` (cache reads) and ``cache_write_tokens`` (tokens
    written to the prompt cache). ``output_tokens`` includes
    ``reasoning_tokens``. ``estimated`` is True when the provider gave no
    usage and the counts come from :func:`estimate_tokens`.
    """

    input_tokens: int
    output_tokens: int
    cached_input_tokens: int = 0
    reasoning_tokens: int = 0
    estimated: bool = False
    cache_write_tokens: int = 0

    @property
    def uncached_input_tokens(self) -> int:
        """Input tokens billed at the full input rate."""
        return self.input_tokens - self.cached_input_tokens - self.cache_write_tokens


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """US dollars per million tokens.

    ``cached_input_per_mtok`` defaults to the input rate (no discount assumed,
    so cost is never under-reported); ``cache_write_per_mtok`` defaults to
    1.25 times the input rate.
    """

    input_per_mtok: float
    output_per_mtok: float
    cached_input_per_mtok: float | None = None
    cache_write_per_mtok: float | None = None

    @property
    def cached_rate(self) -> float:
        """Rate for cache reads, the default applied."""
        if self.cached_input_per_mtok is None:
            return self.input_per_mtok
        return self.cached_input_per_mtok

    @property
    def cache_write_rate(self) -> float:
        """Rate for cache writes, the default applied."""
        if self.cache_write_per_mtok is None:
            return self.input_per_mtok * DEFAULT_CACHE_WRITE_FACTOR
        return self.cache_write_per_mtok

    def cost_usd(self, usage: Usage) -> float:
        """What ``usage`` costs: each token billed once, at its own rate."""
        micro_usd = (
            usage.uncached_input_tokens * self.input_per_mtok
            + usage.cached_input_tokens * self.cached_rate
            + usage.cache_write_tokens * self.cache_write_rate
            + usage.output_tokens * self.output_per_mtok
        )
        return micro_usd / _PER_MILLION


def estimate_tokens(text: str) -> int:
    """Guess a token count as one token per four characters, rounded up."""
    return -(-len(text) // _CHARS_PER_TOKEN)
