"""Faults every HTTP adapter must survive, against a real server on 127.0.0.1.

Each test runs for both wire formats (OpenAI chat completions and Anthropic
Messages), since retries, timeouts and error mapping are shared.
"""

from __future__ import annotations

import logging
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate

import pytest

from tests.models.model_server import (
    PRICE,
    SENTINEL_KEY,
    AdapterFactory,
    Reply,
    ScriptedServer,
    anthropic_reply,
    make_adapter,
    openai_reply,
)
from weavergen.errors import (
    ConfigError,
    ProviderError,
    ProviderRateLimited,
    ProviderResponseError,
    ProviderUnavailable,
)
from weavergen.models import CircuitBreaker, HttpChatModel, Prompt, http_model

PROVIDERS = ["openai", "anthropic"]
PROMPT = Prompt(system="Be exact.", user="Write the constants.", max_output_tokens=64)


@pytest.fixture(params=PROVIDERS)
def provider(request: pytest.FixtureRequest) -> str:
    """Each test runs once per wire format."""
    return str(request.param)


def success(provider: str, text: str = "X = 1") -> Reply:
    """A success reply with 1000 input and 200 output tokens, no caching."""
    if provider == "openai":
        return openai_reply(text, {"prompt_tokens": 1000, "completion_tokens": 200})
    return anthropic_reply(text, {"input_tokens": 1000, "output_tokens": 200})


PLAIN_COST_USD = (1000 * 2.0 + 200 * 8.0) / 1e6


def test_success_returns_text_usage_and_cost(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
) -> None:
    """A 200 with usage gives the text, the counts and their price, in one try."""
    server.queue(success(provider, "A = 'b'"))
    completion = adapter_for(provider).complete(PROMPT)
    assert completion.text == "A = 'b'"
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (
        1000,
        200,
    )
    assert completion.cost_usd == pytest.approx(PLAIN_COST_USD)
    assert completion.attempts == 1
    assert completion.provider == provider
    assert completion.simulated is False
    assert completion.usage.estimated is False


def test_429_waits_retry_after_seconds_then_succeeds(
    provider: str,
    server: ScriptedServer,
    sleeps: list[float],
    adapter_for: AdapterFactory,
) -> None:
    """A 429 with Retry-After: 7 waits exactly 7 s, then the retry is billed."""
    server.queue(Reply(429, {"error": "slow down"}, {"Retry-After": "7"}))
    server.queue(success(provider))
    completion = adapter_for(provider).complete(PROMPT)
    assert sleeps == [7.0]
    assert completion.attempts == 2
    assert len(server.received) == 2
    assert completion.cost_usd == pytest.approx(PLAIN_COST_USD)


def test_429_on_every_try_raises_rate_limited_after_max_retries(
    provider: str,
    server: ScriptedServer,
    sleeps: list[float],
    adapter_for: AdapterFactory,
) -> None:
    """Four 429s with max_retries=3 end in ProviderRateLimited after 4 requests."""
    server.queue(*[Reply(429, {"error": "busy"}, {"Retry-After": "1"})] * 4)
    adapter = adapter_for(provider, max_retries=3)
    with pytest.raises(ProviderRateLimited, match="gave up after 4 attempt") as info:
        adapter.complete(PROMPT)
    assert sleeps == [1.0, 1.0, 1.0]
    assert len(server.received) == 4
    assert adapter.name in str(info.value)
    assert adapter.url in str(info.value)


def test_retry_after_beyond_limit_stops_retrying(
    provider: str,
    server: ScriptedServer,
    sleeps: list[float],
    adapter_for: AdapterFactory,
) -> None:
    """A Retry-After of an hour is not waited out inside a call."""
    server.queue(Reply(429, {}, {"Retry-After": "3600"}), success(provider))
    with pytest.raises(ProviderRateLimited):
        adapter_for(provider).complete(PROMPT)
    assert sleeps == []
    assert len(server.received) == 1


def test_500_then_success_retries_once_with_backoff(
    provider: str,
    server: ScriptedServer,
    sleeps: list[float],
    adapter_for: AdapterFactory,
) -> None:
    """A 500 is retried after a jittered backoff; the answer is billed once."""
    server.queue(Reply(500, {"error": "boom"}), success(provider))
    completion = adapter_for(provider).complete(PROMPT)
    assert completion.attempts == 2
    assert len(sleeps) == 1
    assert 0.005 <= sleeps[0] < 0.01
    assert completion.cost_usd == pytest.approx(PLAIN_COST_USD)


def test_5xx_on_every_try_raises_unavailable(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
) -> None:
    """Three 503s with max_retries=2 raise ProviderUnavailable naming HTTP 503."""
    server.queue(*[Reply(503, b"overloaded")] * 3)
    with pytest.raises(ProviderUnavailable, match="HTTP 503: overloaded"):
        adapter_for(provider, max_retries=2).complete(PROMPT)
    assert len(server.received) == 3


def test_hang_past_timeout_raises_unavailable(
    provider: str,
    server: ScriptedServer,
    sleeps: list[float],
    adapter_for: AdapterFactory,
) -> None:
    """A server that does not answer within timeout_s is given up on."""
    server.queue(Reply(hang_s=5.0), Reply(hang_s=5.0))
    adapter = adapter_for(provider, max_retries=1, timeout_s=0.2)
    with pytest.raises(ProviderUnavailable, match=r"no answer within 0\.2s") as info:
        adapter.complete(PROMPT)
    assert "gave up after 2 attempt" in str(info.value)
    assert len(sleeps) == 1


def test_malformed_json_raises_response_error_without_retry(
    provider: str,
    server: ScriptedServer,
    sleeps: list[float],
    adapter_for: AdapterFactory,
) -> None:
    """A 200 whose body is not JSON is a ProviderResponseError at once."""
    server.queue(Reply(200, b'{"choices": [oops'), success(provider))
    with pytest.raises(ProviderResponseError, match="body is not JSON"):
        adapter_for(provider).complete(PROMPT)
    assert len(server.received) == 1
    assert sleeps == []


def test_json_of_the_wrong_shape_raises_response_error(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
) -> None:
    """Valid JSON without the answer's fields is a ProviderResponseError."""
    server.queue(Reply(200, {"unexpected": True}))
    with pytest.raises(ProviderResponseError, match="unexpected body shape"):
        adapter_for(provider).complete(PROMPT)


def test_cut_off_body_is_retried_then_succeeds(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
) -> None:
    """A body shorter than its Content-Length is retried; the retry counts."""
    server.queue(Reply(200, success(provider).payload(), cut_at=20), success(provider))
    completion = adapter_for(provider).complete(PROMPT)
    assert completion.attempts == 2
    assert completion.cost_usd == pytest.approx(PLAIN_COST_USD)


def test_cut_off_body_every_time_raises_response_error(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
) -> None:
    """Bodies cut off on every try end in ProviderResponseError."""
    cut = Reply(200, success(provider).payload(), cut_at=20)
    server.queue(cut, cut)
    with pytest.raises(ProviderResponseError, match="cut off"):
        adapter_for(provider, max_retries=1).complete(PROMPT)
    assert len(server.received) == 2


def test_missing_usage_is_estimated_from_characters(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
) -> None:
    """Without usage, tokens are chars/4 rounded up and marked estimated."""
    reply = openai_reply if provider == "openai" else anthropic_reply
    server.queue(reply("x" * 41))
    completion = adapter_for(provider).complete(PROMPT)
    # "Be exact." is 9 chars -> 3 tokens; "Write the constants." 20 -> 5.
    assert completion.usage.input_tokens == 8
    assert completion.usage.output_tokens == 11
    assert completion.usage.estimated is True
    assert completion.cost_usd == pytest.approx((8 * 2.0 + 11 * 8.0) / 1e6)


def test_client_error_is_not_retried(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
) -> None:
    """A 400 will fail the same way again, so it is raised at once."""
    server.queue(Reply(400, {"error": "bad model"}), success(provider))
    with pytest.raises(ProviderUnavailable, match="request rejected, HTTP 400"):
        adapter_for(provider).complete(PROMPT)
    assert len(server.received) == 1


def test_connection_refused_raises_unavailable_after_retries(
    provider: str, sleeps: list[float], opened: list[HttpChatModel]
) -> None:
    """A port nobody listens on gives ProviderUnavailable after every retry."""
    closed = ScriptedServer()
    closed.stop()
    adapter = make_adapter(provider, closed, sleeps, max_retries=2)
    opened.append(adapter)
    with pytest.raises(ProviderUnavailable, match="connection refused"):
        adapter.complete(PROMPT)
    assert len(sleeps) == 2


def test_reference_answer_is_never_sent(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
) -> None:
    """Prompt.reference is ground truth for simulation only, not for providers."""
    server.queue(success(provider))
    prompt = Prompt("sys", "user", reference="SECRET_REFERENCE_ANSWER")
    adapter_for(provider).complete(prompt)
    assert "SECRET_REFERENCE_ANSWER" not in str(server.received[0].body)


def test_missing_key_variable_fails_only_when_called(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
) -> None:
    """Constructing works; the call is unavailable, naming the missing variable."""
    adapter = adapter_for(provider, api_key_env="WG_TEST_NO_SUCH_KEY")
    with pytest.raises(
        ProviderUnavailable, match="API key variable WG_TEST_NO_SUCH_KEY is not set"
    ):
        adapter.complete(PROMPT)
    assert server.received == []


def test_missing_key_warns_once_and_never_opens_the_circuit(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Repeated calls warn once and keep naming the variable, not an open circuit."""
    adapter = adapter_for(provider, api_key_env="WG_TEST_NO_SUCH_KEY")
    messages = []
    with caplog.at_level(logging.WARNING, logger="weavergen.models.http_model"):
        for _ in range(8):
            with pytest.raises(ProviderUnavailable) as info:
                adapter.complete(PROMPT)
            messages.append(str(info.value))
    warnings = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert len(warnings) == 1
    assert "WG_TEST_NO_SUCH_KEY" in warnings[0]
    assert all("WG_TEST_NO_SUCH_KEY is not set" in text for text in messages)


def _fault_replies(provider: str) -> list[Reply]:
    echo = {"error": f"invalid key {SENTINEL_KEY}"}
    return [
        Reply(401, echo),
        Reply(429, echo, {"Retry-After": "0"}),
        Reply(500, echo),
        Reply(200, f"not json {SENTINEL_KEY}".encode()),
        Reply(200, success(provider).payload(), cut_at=10),
        Reply(503, echo),
    ]


def test_api_key_never_reaches_logs_or_errors(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The key is sent, but no log line, error text or repr ever contains it."""
    monkeypatch.setenv("WG_TEST_KEY", SENTINEL_KEY)
    adapter = adapter_for(
        provider,
        max_retries=0,
        api_key_env="WG_TEST_KEY",
        breaker=CircuitBreaker("keyed", failure_threshold=100),
    )
    caplog.set_level(logging.DEBUG)
    texts = [repr(adapter)]
    for reply in _fault_replies(provider):
        server.queue(reply)
        with pytest.raises(ProviderError) as info:
            adapter.complete(PROMPT)
        texts.append("".join(traceback.format_exception(info.value)))
    server.queue(success(provider))
    texts.append(repr(adapter.complete(PROMPT)))
    sent = server.received[-1].headers
    assert SENTINEL_KEY in (sent.get("authorization", "") + sent.get("x-api-key", ""))
    assert all(SENTINEL_KEY not in text for text in texts)
    assert SENTINEL_KEY not in caplog.text
    assert "[redacted]" in "".join(texts)


def test_price_constant_matches_the_hand_calculation() -> None:
    """The tests' price is $2 in / $8 out / $0.50 cached per million tokens."""
    assert (PRICE.input_per_mtok, PRICE.output_per_mtok, PRICE.cached_rate) == (
        2.0,
        8.0,
        0.5,
    )


def test_429_with_http_date_retry_after_waits_until_that_date(
    provider: str,
    server: ScriptedServer,
    sleeps: list[float],
    adapter_for: AdapterFactory,
) -> None:
    """A Retry-After date 30 s ahead means a wait of about 30 s, not backoff."""
    when = formatdate(time.time() + 30, usegmt=True)
    server.queue(Reply(429, {}, {"Retry-After": when}), success(provider))
    completion = adapter_for(provider).complete(PROMPT)
    assert completion.attempts == 2
    # HTTP dates have whole seconds; the margin covers a slow machine. The
    # backoff this adapter would otherwise use is 10 ms.
    assert 20.0 < sleeps[0] <= 30.0


def test_one_adapter_serves_many_threads(
    provider: str, server: ScriptedServer, adapter_for: AdapterFactory
) -> None:
    """40 calls from 8 threads share one client and are each billed once."""
    server.queue(*[success(provider) for _ in range(40)])
    adapter = adapter_for(provider)
    with ThreadPoolExecutor(max_workers=8) as pool:
        completions = list(pool.map(lambda _: adapter.complete(PROMPT), range(40)))
    assert len(server.received) == 40
    assert sum(c.cost_usd for c in completions) == pytest.approx(40 * PLAIN_COST_USD)
    assert {c.attempts for c in completions} == {1}


def test_body_that_is_not_the_gzip_it_claims_raises_response_error(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
) -> None:
    """Content-Encoding gzip over garbage is a ProviderResponseError, not httpx's."""
    broken = Reply(
        200, b"\x1f\x8b\x08\x00not gzip at all", {"content-encoding": "gzip"}
    )
    server.queue(broken)
    with pytest.raises(ProviderResponseError, match="body could not be decoded"):
        adapter_for(provider).complete(PROMPT)


def _usage_reply(provider: str, value: object) -> Reply:
    if provider == "openai":
        return openai_reply("X = 1", {"prompt_tokens": value, "completion_tokens": 2})
    return anthropic_reply("X = 1", {"input_tokens": value, "output_tokens": 2})


@pytest.mark.parametrize("value", [-1_000_000, "1000", 10**30, 1.5, SENTINEL_KEY])
def test_implausible_usage_is_estimated_never_billed_as_sent(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
    caplog: pytest.LogCaptureFixture,
    value: object,
) -> None:
    """Negative, string, huge or fractional counts: answer kept, usage estimated."""
    server.queue(_usage_reply(provider, value))
    caplog.set_level(logging.DEBUG)
    completion = adapter_for(provider).complete(PROMPT)
    assert completion.text == "X = 1"
    assert completion.usage.estimated is True
    # 3 + 5 prompt tokens and 2 answer tokens by the chars/4 estimate.
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (8, 2)
    assert completion.cost_usd == pytest.approx((8 * 2.0 + 2 * 8.0) / 1e6)
    assert "token counts estimated" in caplog.text
    assert SENTINEL_KEY not in caplog.text


def test_body_trickling_past_the_timeout_is_cut_short(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
) -> None:
    """A byte every 0.05s never trips httpx's per-read timeout; the total does."""
    server.queue(Reply(200, success(provider).payload(), trickle_s=0.05))
    adapter = adapter_for(provider, max_retries=0, timeout_s=0.3)
    with pytest.raises(ProviderUnavailable, match=r"body not finished within 0\.3s"):
        adapter.complete(PROMPT)


def test_body_beyond_the_size_cap_is_a_response_error(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A body past MAX_BODY_BYTES is refused rather than buffered."""
    monkeypatch.setattr(http_model, "MAX_BODY_BYTES", 64)
    server.queue(Reply(200, b"{" + b" " * 500 + b"}"))
    with pytest.raises(ProviderResponseError, match="body larger than 64 bytes"):
        adapter_for(provider).complete(PROMPT)


@pytest.mark.parametrize("value", ["sk-\u00fc\u00f1\u00ed", "sk-abc\nX-Evil: 1"])
def test_key_a_header_cannot_carry_is_a_config_error_without_the_value(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
    monkeypatch: pytest.MonkeyPatch,
    value: str,
) -> None:
    """Non-ASCII or control characters: ConfigError naming the variable only."""
    monkeypatch.setenv("WG_TEST_KEY", value)
    adapter = adapter_for(provider, api_key_env="WG_TEST_KEY")
    with pytest.raises(ConfigError, match="WG_TEST_KEY, whose value holds") as info:
        adapter.complete(PROMPT)
    assert value not in str(info.value)
    assert server.received == []


def test_whitespace_around_the_key_is_not_sent(
    provider: str,
    server: ScriptedServer,
    adapter_for: AdapterFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A key pasted with a trailing newline is sent without it."""
    monkeypatch.setenv("WG_TEST_KEY", f" {SENTINEL_KEY}\n")
    server.queue(success(provider))
    adapter_for(provider, api_key_env="WG_TEST_KEY").complete(PROMPT)
    sent = server.received[0].headers
    if provider == "openai":
        assert sent["authorization"] == f"Bearer {SENTINEL_KEY}"
    else:
        assert sent["x-api-key"] == SENTINEL_KEY
