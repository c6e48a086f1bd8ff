"""Tests for the cascade: order, stop reasons, spans and fence stripping."""

from __future__ import annotations

from dataclasses import dataclass

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import NoOpTracer, StatusCode, Tracer

from weavergen.errors import (
    ProviderRateLimited,
    ProviderResponseError,
    ProviderUnavailable,
)
from weavergen.models.chat import Completion, Prompt
from weavergen.models.pricing import ModelPrice, Usage
from weavergen.routing.cascade import (
    CascadeLimits,
    CascadeOutcome,
    ModelCaller,
    call_error,
    run_cascade,
    strip_fences,
)

GOOD = "CONST = 1\n"


@dataclass(frozen=True)
class Verdict:
    score: float
    passed: bool
    confidence: float = 1.0
    facts: object = None


class Model:
    def __init__(self, name: str, text: str | None, price: float = 1.0) -> None:
        self.name, self.text, self.tier, self.simulated = name, text, "cloud", True
        self.price = ModelPrice(price, price)
        self.calls = 0

    def complete(self, prompt: Prompt) -> Completion:
        self.calls += 1
        if self.text is None:
            raise ProviderUnavailable("down")
        usage = Usage(1000, 500)
        return Completion(
            self.name, "fake", self.text, usage, self.price.cost_usd(usage), 0.2, True
        )


def check(code: str) -> Verdict:
    return Verdict(1.0 if code == GOOD else 0.0, code == GOOD)


def cascade(
    models: list[Model], tracer: Tracer | None = None, budget: float | None = None
) -> CascadeOutcome:
    caller = ModelCaller({m.name: m for m in models}, tracer or NoOpTracer())
    limits = CascadeLimits(0.95, budget, output=500)
    return run_cascade(
        [m.name for m in models],
        caller,
        lambda _: Prompt("s", "u" * 4000),
        check,
        limits,
    )


def test_first_passing_model_stops_the_cascade() -> None:
    """The model after a passing one is never called."""
    models = [Model("a", "bad"), Model("b", GOOD), Model("c", GOOD)]
    outcome = cascade(models)
    assert outcome.winner is not None
    assert (outcome.winner.model, outcome.stopped_by) == ("b", "quality_floor")
    assert models[2].calls == 0


def test_estimated_cost_over_budget_stops_before_calling() -> None:
    """A call whose estimate would pass the cap is not made."""
    models = [Model("a", "bad", price=1.0), Model("b", GOOD, price=100.0)]
    outcome = cascade(models, budget=0.01)
    assert outcome.stopped_by == "budget"
    assert (models[0].calls, models[1].calls) == (1, 0)


class Verbose(Model):
    """Writes 2,000 tokens, or fewer when ``max_output_tokens`` says so."""

    def complete(self, prompt: Prompt) -> Completion:
        self.calls += 1
        self.asked = prompt.max_output_tokens
        usage = Usage(1000, min(2000, prompt.max_output_tokens))
        return Completion(
            self.name, "fake", GOOD, usage, self.price.cost_usd(usage), 0.2, True
        )


def test_a_reply_longer_than_the_estimate_cannot_pass_the_budget() -> None:
    """The estimate assumed 500 output tokens; the cap bounds what is billed."""
    model = Verbose("wordy", GOOD)
    outcome = cascade([model], budget=0.002)
    assert 990 <= model.asked <= 1000
    assert outcome.attempts[0].cost.cost_usd <= 0.002
    assert outcome.winner is not None


def test_without_a_budget_max_output_tokens_is_left_alone() -> None:
    """No cap, no trimming: the prompt's own bound is sent."""
    model = Verbose("wordy", GOOD)
    cascade([model])
    assert model.asked == 4096


def test_model_calls_are_gen_ai_spans_with_usage_and_cost() -> None:
    """Each call records model, provider, tokens, cost and the simulated flag."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    cascade([Model("a", GOOD)], tracer=provider.get_tracer("t"))
    (span,) = exporter.get_finished_spans()
    assert span.name == "gen_ai.chat"
    assert span.attributes is not None
    assert span.attributes["gen_ai.request.model"] == "a"
    assert span.attributes["gen_ai.usage.input_tokens"] == 1000
    assert span.attributes["gen_ai.usage.output_tokens"] == 500
    assert span.attributes["weavergen.cost_usd"] == 0.0015
    assert span.attributes["weavergen.simulated"] is True


def test_provider_failure_is_recorded_and_skipped() -> None:
    """A down provider is a failed attempt; the cascade goes on."""
    outcome = cascade([Model("a", None), Model("b", GOOD)])
    assert [a.error is not None for a in outcome.attempts] == [True, False]


def test_provider_failure_is_an_error_on_the_call_not_a_score() -> None:
    """The failed call's cost says why it failed; the span is an ERROR."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    outcome = cascade([Model("a", None), Model("b", GOOD)], provider.get_tracer("t"))
    assert [a.cost.error for a in outcome.attempts] == ["unavailable: down", None]
    failed = exporter.get_finished_spans()[0]
    assert failed.status.status_code is StatusCode.ERROR
    assert failed.status.description == "unavailable: down"
    assert failed.attributes is not None
    assert failed.attributes["error.type"] == "weavergen.errors.ProviderUnavailable"


def test_call_error_drops_the_adapter_prefix_and_names_the_kind() -> None:
    """`model X (POST url): reason` becomes `<kind>: reason`."""
    refused = ProviderUnavailable(
        "model m (POST http://127.0.0.1:9/v1/chat): connection refused; gave up"
    )
    limited = ProviderRateLimited("model m (POST http://h/x): HTTP 429: slow down")
    assert call_error(refused) == "unavailable: connection refused; gave up"
    assert call_error(limited) == "rate limited: HTTP 429: slow down"


def test_call_error_shows_a_hostile_body_as_one_plain_line() -> None:
    """An escape code or line break in a provider's body reached the terminal."""
    exc = ProviderResponseError("model m (POST u): not JSON: \x1b[2J\nwiped\x07")
    assert call_error(exc) == "bad response: not JSON: \\x1b[2J wiped\\x07"


def test_fence_around_the_whole_answer_is_removed() -> None:
    """A Markdown-fenced answer becomes its inner code."""
    assert strip_fences("```python\nX = 1\n```") == "X = 1\n"
    assert strip_fences("X = 1\n") == "X = 1\n"
