"""Adapter for OpenAI-compatible chat completions.

One wire format serves OpenAI, vLLM, Ollama, the llama.cpp server and
OpenRouter: ``POST {base_url}/chat/completions``. Its usage counts cached
prompt tokens inside ``prompt_tokens`` and reasoning tokens inside
``completion_tokens``, which matches :class:`~weavergen.models.pricing.Usage`
directly, so nothing is added twice.
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


class OpenAIChatModel(HttpChatModel):
    """A model behind an OpenAI-compatible ``/chat/completions`` endpoint."""

    provider: ClassVar[str] = "openai"
    path: ClassVar[str] = "/chat/completions"

    def build_body(self, prompt: Prompt) -> JsonObject:
        """Messages in chat form; ``max_tokens`` as local servers expect."""
        messages = [{"role": "user", "content": prompt.user}]
        if prompt.system:
            messages.insert(0, {"role": "system", "content": prompt.system})
        return {
            "model": self.model,
            "messages": messages,
            "max_tokens": prompt.max_output_tokens,
        }

    def auth_headers(self, api_key: str | None) -> dict[str, str]:
        """A bearer token when a key is configured; none for local servers."""
        if api_key is None:
            return {}
        return {"authorization": f"Bearer {api_key}"}

    def parse_body(self, payload: JsonObject, prompt: Prompt) -> tuple[str, Usage]:
        """First choice's text, and usage (estimated when absent)."""
        text = payload["choices"][0]["message"]["content"] or ""
        if not isinstance(text, str):
            raise TypeError("choices[0].message.content is not a string")
        usage = payload.get("usage")
        return text, usage_or_estimate(usage, openai_usage, prompt, text, self.name)


def openai_usage(usage: dict[str, Any]) -> Usage:
    """Normalise an OpenAI ``usage`` object (totals already include subsets)."""
    prompt_details = _details(usage, "prompt_tokens_details")
    output_details = _details(usage, "completion_tokens_details")
    read = Usage(
        input_tokens=token_count(usage, "prompt_tokens"),
        output_tokens=token_count(usage, "completion_tokens"),
        cached_input_tokens=token_count(
            prompt_details, "cached_tokens", required=False
        ),
        reasoning_tokens=token_count(
            output_details, "reasoning_tokens", required=False
        ),
    )
    # Subsets larger than their totals would bill a negative remainder.
    if read.cached_input_tokens > read.input_tokens:
        raise ValueError("usage.prompt_tokens_details.cached_tokens > prompt_tokens")
    if read.reasoning_tokens > read.output_tokens:
        raise ValueError(
            "usage.completion_tokens_details.reasoning_tokens > completion_tokens"
        )
    return read


def _details(usage: dict[str, Any], key: str) -> dict[str, Any]:
    # Some compatible servers send null or omit these; anything else is junk.
    details = usage.get(key)
    return details if isinstance(details, dict) else {}
