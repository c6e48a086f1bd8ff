"""The Anthropic Messages wire format: what is sent and what is read back."""

from __future__ import annotations

import pytest

from tests.models.model_server import (
    SENTINEL_KEY,
    AdapterFactory,
    Reply,
    ScriptedServer,
    anthropic_reply,
)
from weavergen.errors import ProviderResponseError
from weavergen.models import Prompt
from weavergen.models.anthropic import ANTHROPIC_VERSION


def test_request_goes_to_v1_messages_with_key_and_version(
    server: ScriptedServer, adapter_for: AdapterFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """POST {base_url}/v1/messages with x-api-key, anthropic-version, system."""
    monkeypatch.setenv("WG_TEST_KEY", SENTINEL_KEY)
    server.queue(anthropic_reply("ok", {"input_tokens": 1, "output_tokens": 1}))
    adapter_for("anthropic", api_key_env="WG_TEST_KEY").complete(
        Prompt("be brief", "say ok", max_output_tokens=33)
    )
    sent = server.received[0]
    assert sent.path == "/v1/messages"
    assert sent.headers["x-api-key"] == SENTINEL_KEY
    assert sent.headers["anthropic-version"] == ANTHROPIC_VERSION
    assert sent.body == {
        "model": "test-model",
        "max_tokens": 33,
        "system": "be brief",
        "messages": [{"role": "user", "content": "say ok"}],
    }


def test_empty_system_prompt_is_left_out(
    server: ScriptedServer, adapter_for: AdapterFactory
) -> None:
    """No system field is sent when the prompt has none."""
    server.queue(anthropic_reply("ok"))
    adapter_for("anthropic").complete(Prompt("", "hi"))
    assert "system" not in server.received[0].body


def test_text_blocks_are_joined_and_other_blocks_skipped(
    server: ScriptedServer, adapter_for: AdapterFactory
) -> None:
    """Only text blocks make the answer, in order."""
    reply = anthropic_reply("a", {"input_tokens": 1, "output_tokens": 1})
    reply.body["content"] = [
        {"type": "text", "text": "first "},
        {"type": "tool_use", "id": "t", "name": "x", "input": {}},
        {"type": "text", "text": "second"},
    ]
    server.queue(reply)
    assert adapter_for("anthropic").complete(Prompt("", "hi")).text == "first second"


def test_cache_usage_is_billed_end_to_end(
    server: ScriptedServer, adapter_for: AdapterFactory
) -> None:
    """1000 x $2 + 20000 x $0.5 + 5000 x $2.5 + 500 x $8 = $0.0285."""
    usage = {
        "input_tokens": 1_000,
        "output_tokens": 500,
        "cache_read_input_tokens": 20_000,
        "cache_creation_input_tokens": 5_000,
    }
    server.queue(anthropic_reply("ok", usage))
    completion = adapter_for("anthropic").complete(Prompt("", "hi"))
    assert completion.usage.input_tokens == 26_000
    assert completion.cost_usd == pytest.approx(0.0285)


def test_content_that_is_not_a_list_of_blocks_is_a_response_error(
    server: ScriptedServer, adapter_for: AdapterFactory
) -> None:
    """A string where the content blocks belong is a ProviderResponseError."""
    server.queue(Reply(200, {"content": "plain text", "usage": None}))
    with pytest.raises(ProviderResponseError, match="unexpected body shape"):
        adapter_for("anthropic").complete(Prompt("sys", "user"))
