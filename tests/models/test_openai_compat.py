"""The OpenAI-compatible wire format: what is sent and what is read back."""

from __future__ import annotations

import pytest

from tests.models.model_server import (
    SENTINEL_KEY,
    AdapterFactory,
    ScriptedServer,
    openai_reply,
)
from weavergen.models import Prompt
from weavergen.models.openai_compat import openai_usage


def test_request_goes_to_chat_completions_with_bearer_key(
    server: ScriptedServer, adapter_for: AdapterFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """POST {base_url}/chat/completions, key as bearer, system then user."""
    monkeypatch.setenv("WG_TEST_KEY", SENTINEL_KEY)
    server.queue(openai_reply("ok", {"prompt_tokens": 1, "completion_tokens": 1}))
    adapter_for("openai", api_key_env="WG_TEST_KEY").complete(
        Prompt("be brief", "say ok", max_output_tokens=17)
    )
    sent = server.received[0]
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == f"Bearer {SENTINEL_KEY}"
    assert sent.body == {
        "model": "test-model",
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "say ok"},
        ],
        "max_tokens": 17,
    }


def test_no_key_and_no_system_prompt_send_neither(
    server: ScriptedServer, adapter_for: AdapterFactory
) -> None:
    """A local server without a key gets no auth header; no empty system turn."""
    server.queue(openai_reply("ok"))
    adapter_for("openai").complete(Prompt("", "hi"))
    sent = server.received[0]
    assert "authorization" not in sent.headers
    assert sent.body["messages"] == [{"role": "user", "content": "hi"}]


def test_cached_and_reasoning_usage_are_billed_once(
    server: ScriptedServer, adapter_for: AdapterFactory
) -> None:
    """End to end: 4000 x $2 + 6000 x $0.5 + 2000 x $8 = $0.027."""
    usage = {
        "prompt_tokens": 10_000,
        "completion_tokens": 2_000,
        "prompt_tokens_details": {"cached_tokens": 6_000},
        "completion_tokens_details": {"reasoning_tokens": 1_500},
    }
    server.queue(openai_reply("ok", usage))
    completion = adapter_for("openai").complete(Prompt("", "hi"))
    assert completion.usage.reasoning_tokens == 1_500
    assert completion.cost_usd == pytest.approx(0.027)


def test_null_content_reads_as_empty_text(
    server: ScriptedServer, adapter_for: AdapterFactory
) -> None:
    """A choice with content null (e.g. only a refusal) gives empty text."""
    reply = openai_reply("", {"prompt_tokens": 2, "completion_tokens": 0})
    reply.body["choices"][0]["message"]["content"] = None
    server.queue(reply)
    assert adapter_for("openai").complete(Prompt("", "hi")).text == ""


def test_cached_tokens_above_the_prompt_total_are_refused() -> None:
    """cached_tokens > prompt_tokens would bill a negative remainder: refused."""
    usage = {
        "prompt_tokens": 10,
        "completion_tokens": 2,
        "prompt_tokens_details": {"cached_tokens": 50},
    }
    with pytest.raises(ValueError, match="cached_tokens > prompt_tokens"):
        openai_usage(usage)


def test_details_that_are_not_objects_are_ignored() -> None:
    """A null or string *_details block reads as no cached/reasoning tokens."""
    usage = {
        "prompt_tokens": 10,
        "completion_tokens": 2,
        "prompt_tokens_details": "n/a",
        "completion_tokens_details": None,
    }
    read = openai_usage(usage)
    assert (read.input_tokens, read.cached_input_tokens, read.reasoning_tokens) == (
        10,
        0,
        0,
    )
