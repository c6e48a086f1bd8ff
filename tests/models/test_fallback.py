"""FallbackChain: the next model answers when one raises a ProviderError."""

from __future__ import annotations

import pytest

from tests.models.model_server import (
    AdapterFactory,
    Reply,
    ScriptedServer,
    anthropic_reply,
)
from weavergen.errors import (
    ConfigError,
    ProviderRateLimited,
    ProviderUnavailable,
    RequestError,
)
from weavergen.models import (
    ChatModel,
    Completion,
    FallbackChain,
    ModelPrice,
    Prompt,
    Usage,
)

PROMPT = Prompt("", "hi")


class ScriptedModel:
    """A model that raises the given error, or answers with its name."""

    simulated = False
    tier = "cloud"

    def __init__(self, name: str, error: Exception | None = None) -> None:
        self.name = name
        self.price = ModelPrice(1.0, 1.0)
        self.error = error
        self.calls = 0

    def complete(self, prompt: Prompt) -> Completion:
        self.calls += 1
        if self.error is not None:
            raise self.error
        return Completion(self.name, "test", self.name, Usage(1, 1), 0.0, 0.0, False)


def test_scripted_model_is_a_chat_model() -> None:
    """The test double satisfies the ChatModel protocol, as the chain does."""
    assert isinstance(ScriptedModel("a"), ChatModel)
    assert isinstance(FallbackChain([ScriptedModel("a")]), ChatModel)


def test_first_model_that_answers_wins_and_failures_are_recorded() -> None:
    """a is down, b is rate-limited, c answers; a and b are reported."""
    down = ProviderUnavailable("a down")
    limited = ProviderRateLimited("b busy")
    models = [ScriptedModel("a", down), ScriptedModel("b", limited), ScriptedModel("c")]
    outcome = FallbackChain(models).attempt(PROMPT)
    assert outcome.completion.model == "c"
    assert [(f.model, f.error) for f in outcome.failed] == [("a", down), ("b", limited)]


def test_later_models_are_not_called_once_one_answers() -> None:
    """A healthy primary is the only model called."""
    second = ScriptedModel("b")
    assert FallbackChain([ScriptedModel("a"), second]).complete(PROMPT).model == "a"
    assert second.calls == 0


def test_all_failing_raises_the_last_error_class_naming_every_model() -> None:
    """When every model fails, the error lists each one and what it said."""
    chain = FallbackChain(
        [
            ScriptedModel("a", ProviderUnavailable("a down")),
            ScriptedModel("b", ProviderRateLimited("b busy")),
        ]
    )
    with pytest.raises(ProviderRateLimited, match="all 2 model") as info:
        chain.complete(PROMPT)
    assert "a: a down" in str(info.value)
    assert "b: b busy" in str(info.value)


def test_non_provider_errors_are_not_swallowed() -> None:
    """A request error is the caller's bug, not an outage: no fallback."""
    second = ScriptedModel("b")
    chain = FallbackChain([ScriptedModel("a", RequestError("bad prompt")), second])
    with pytest.raises(RequestError):
        chain.complete(PROMPT)
    assert second.calls == 0


def test_empty_chain_is_a_config_error() -> None:
    """A chain of no models cannot answer anything."""
    with pytest.raises(ConfigError):
        FallbackChain([])


def test_chain_describes_itself_as_its_primary() -> None:
    """name, price, tier and simulated come from the first model."""
    chain = FallbackChain([ScriptedModel("a"), ScriptedModel("b")])
    assert (chain.name, chain.tier, chain.simulated) == ("a", "cloud", False)


def test_chain_of_real_adapters_falls_back_when_the_first_server_is_down(
    server: ScriptedServer, adapter_for: AdapterFactory
) -> None:
    """A 503 from the primary sends the prompt to the backup, which is billed."""
    primary = adapter_for("openai", max_retries=0)
    backup = adapter_for("anthropic", max_retries=0)
    server.queue(
        Reply(503, b"down"),
        anthropic_reply("backup", {"input_tokens": 1000, "output_tokens": 0}),
    )
    outcome = FallbackChain([primary, backup]).attempt(PROMPT)
    assert outcome.completion.provider == "anthropic"
    assert outcome.completion.cost_usd == pytest.approx(0.002)
    assert [f.model for f in outcome.failed] == [primary.name]
    assert isinstance(outcome.failed[0].error, ProviderUnavailable)
    assert [r.path for r in server.received] == ["/v1/chat/completions", "/v1/messages"]
