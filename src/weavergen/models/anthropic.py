"""Adapter for the Anthropic Messages API (``POST {base_url}/v1/messages``).

Anthropic reports ``input_tokens`` *without* the cache reads and cache
writes, which come as separate counts; :func:`anthropic_usage` adds them to
get the total :class:`~weavergen.models.pricing.Usage` expects, and the price
then bills each part once at its own rate.
"""

from __future__ import annotations

from typing import Any, ClassVar

from weavergen.models.chat import Prompt
from weavergen.models.http_model import (
    HttpChatModel,
    JsonObject,
    token_count,
    usage_or_estimate,
)
from weavergen.models.pricing import Usage

ANTHROPIC_VERSION = "2023-06-01"


class AnthropicChatModel(HttpChatModel):
    """A Claude model behind the Messages API."""

    provider: ClassVar[str] = "anthropic"
    path: ClassVar[str] = "/v1/messages"

    def build_body(self, prompt: Prompt) -> JsonObject:
        """One user message; the system prompt in its own field."""
        body: JsonObject = {
            "model": self.model,
            "max_tokens": prompt.max_output_tokens,
            "messages": [{"role": "user", "content": prompt.user}],
        }
        if prompt.system:
            body["system"] = prompt.system
        return body

    def auth_headers(self, api_key: str | None) -> dict[str, str]:
        """``x-api-key`` when configured, and the API version always."""
        headers = {"anthropic-version": ANTHROPIC_VERSION}
        if api_key is not None:
            headers["x-api-key"] = api_key
        return headers

    def parse_body(self, payload: JsonObject, prompt: Prompt) -> tuple[str, Usage]:
        """The text blocks joined, and usage (estimated when absent)."""
        blocks = payload["content"]
        text = "".join(b["text"] for b in blocks if b.get("type") == "text")
        usage = payload.get("usage")
        return text, usage_or_estimate(usage, anthropic_usage, prompt, text, self.name)


def anthropic_usage(usage: dict[str, Any]) -> Usage:
    """Normalise Anthropic usage: cache reads and writes join the input total."""
    uncached = token_count(usage, "input_tokens")
    cache_read = token_count(usage, "cache_read_input_tokens", required=False)
    cache_write = token_count(usage, "cache_creation_input_tokens", required=False)
    return Usage(
        input_tokens=uncached + cache_read + cache_write,
        output_tokens=token_count(usage, "output_tokens"),
        cached_input_tokens=cache_read,
        cache_write_tokens=cache_write,
    )
