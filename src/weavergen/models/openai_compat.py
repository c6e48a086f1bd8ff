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
from weavergen.models.http_model import HttpChatModel, JsonObject, estimated_usage
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
        if not isinstance(usage, dict):
            return text, estimated_usage(prompt, text)
        return text, openai_usage(usage)


def openai_usage(usage: dict[str, Any]) -> Usage:
    """Normalise an OpenAI ``usage`` object (totals already include subsets)."""
    prompt_details = usage.get("prompt_tokens_details") or {}
    output_details = usage.get("completion_tokens_details") or {}
    return Usage(
        input_tokens=int(usage["prompt_tokens"]),
        output_tokens=int(usage["completion_tokens"]),
        cached_input_tokens=int(prompt_details.get("cached_tokens") or 0),
        reasoning_tokens=int(output_details.get("reasoning_tokens") or 0),
    )
