"""Try models cheapest first until one answer passes validation.

Each call is one ``gen_ai.chat`` span; each answer is validated before it can
count. The cascade stops for one of three reasons, which it reports: an
answer cleared the quality floor, the next call would break the budget, or
no model was left.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from opentelemetry.trace import Status, StatusCode, Tracer

from weavergen.engine.request import CallCost
from weavergen.errors import (
    ProviderError,
    ProviderRateLimited,
    ProviderResponseError,
    ProviderUnavailable,
)
from weavergen.models.chat import ChatModel, Completion, Prompt
from weavergen.models.pricing import Usage, estimate_tokens
from weavergen.telemetry import attrs

log = logging.getLogger(__name__)

STOP_FLOOR = "quality_floor"
STOP_BUDGET = "budget"
STOP_EXHAUSTED = "exhausted"
# Output tokens priced at once to learn a model's output rate: large enough
# that rounding in the price table does not matter.
_PRICE_PROBE = 1_000_000


class Verdict(Protocol):
    """The parts of a validation the cascade reads."""

    @property
    def score(self) -> float: ...

    @property
    def passed(self) -> bool: ...

    @property
    def confidence(self) -> float: ...

    @property
    def facts(self) -> Any: ...


Check = Callable[[str], Verdict]


@dataclass(frozen=True, slots=True)
class Attempt:
    """One model's answer, its cost and the validator's verdict on it."""

    model: str
    code: str
    cost: CallCost
    verdict: Verdict | None
    error: str | None = None

    def clears(self, floor: float) -> bool:
        """True when the answer passed validation at or above ``floor``."""
        verdict = self.verdict
        return verdict is not None and verdict.passed and verdict.score >= floor


@dataclass(frozen=True, slots=True)
class CascadeOutcome:
    """Every attempt in order, the winner if any, and why the cascade ended."""

    attempts: tuple[Attempt, ...]
    winner: Attempt | None
    stopped_by: str


class ModelCaller:
    """Calls one model inside a ``gen_ai.chat`` span and validates the answer."""

    def __init__(self, models: Mapping[str, ChatModel], tracer: Tracer) -> None:
        self.models = models
        self.tracer = tracer

    def estimate_usd(self, name: str, prompt: Prompt, expected_output: int) -> float:
        """What a call is likely to cost, before making it (for budgets)."""
        usage = Usage(
            estimate_tokens(prompt.system + prompt.user),
            expected_output,
            estimated=True,
        )
        return self.models[name].price.cost_usd(usage)

    def call_within(
        self,
        name: str,
        prompt: Prompt,
        check: Check,
        limits: CascadeLimits,
        spent_usd: float,
    ) -> Attempt | None:
        """Ask ``name`` unless its estimated cost breaks the budget (None).

        Under a budget the answer's ``max_output_tokens`` is also lowered to
        what the rest of the budget pays for, so a reply longer than the
        estimate cannot carry the spend past the cap.
        """
        estimate_usd = self.estimate_usd(name, prompt, limits.output)
        if limits.would_exceed(spent_usd, estimate_usd):
            log.info("budget stops %s: %.6f USD spent", name, spent_usd)
            return None
        if limits.budget_usd is not None:
            prompt = self._within(name, prompt, limits.budget_usd - spent_usd)
        return self.call(name, prompt, check)

    def _within(self, name: str, prompt: Prompt, left_usd: float) -> Prompt:
        input_usd = self.estimate_usd(name, prompt, 0)
        per_token_usd = self.estimate_usd(name, prompt, _PRICE_PROBE) - input_usd
        if per_token_usd <= 0:
            return prompt
        affordable = int((left_usd - input_usd) / per_token_usd * _PRICE_PROBE)
        if affordable >= prompt.max_output_tokens:
            return prompt
        log.info("budget caps %s at %d output tokens", name, affordable)
        return replace(prompt, max_output_tokens=max(1, affordable))

    def call(self, name: str, prompt: Prompt, check: Check) -> Attempt:
        """Ask ``name``; a provider failure is an attempt with an error."""
        model = self.models[name]
        with self.tracer.start_as_current_span(attrs.MODEL_CALL_SPAN) as span:
            span.set_attributes(_request_attributes(model))
            started = time.perf_counter()
            try:
                completion = model.complete(prompt)
            except ProviderError as exc:
                reason = call_error(exc)
                span.set_status(Status(StatusCode.ERROR, reason))
                span.set_attribute("error.type", _error_type(exc))
                log.info("model %s failed: %s", name, exc)
                return _failed_attempt(model, reason, time.perf_counter() - started)
            code = strip_fences(completion.text)
            verdict = check(code)
            span.set_attributes(_usage_attributes(completion, verdict))
        return Attempt(name, code, _call_cost(name, completion, verdict), verdict)


def run_cascade(
    names: Sequence[str],
    caller: ModelCaller,
    prompts: Callable[[str], Prompt],
    check: Check,
    limits: CascadeLimits,
) -> CascadeOutcome:
    """Walk ``names`` in order; stop at the floor, the budget or the end."""
    attempts: list[Attempt] = []
    spent = limits.spent_usd
    for name in names:
        attempt = caller.call_within(name, prompts(name), check, limits, spent)
        if attempt is None:
            return CascadeOutcome(tuple(attempts), None, STOP_BUDGET)
        attempts.append(attempt)
        spent += attempt.cost.cost_usd
        if attempt.clears(limits.floor):
            return CascadeOutcome(tuple(attempts), attempt, STOP_FLOOR)
    return CascadeOutcome(tuple(attempts), None, STOP_EXHAUSTED)


@dataclass(frozen=True, slots=True)
class CascadeLimits:
    """The quality floor, the budget and what has been spent already."""

    floor: float
    budget_usd: float | None
    spent_usd: float = 0.0
    output: int = 1024

    def would_exceed(self, spent_usd: float, next_usd: float) -> bool:
        """True when a call estimated at ``next_usd`` breaks the budget."""
        if self.budget_usd is None:
            return False
        return spent_usd + next_usd > self.budget_usd


def strip_fences(text: str) -> str:
    """Drop one Markdown code fence around the whole answer, if present."""
    stripped = text.strip()
    if not stripped.startswith("```"):
        return text
    lines = stripped.splitlines()
    if len(lines) < 2 or not lines[-1].strip().startswith("```"):
        return text
    return "\n".join(lines[1:-1]) + "\n"


def call_error(exc: ProviderError) -> str:
    """A short reason for a failed call: kind, then the provider's words.

    The adapters prefix their messages with ``model NAME (POST URL): ``;
    the call already names the model, so the prefix is dropped.
    """
    text = str(exc)
    if text.startswith("model ") and ": " in text:
        text = text.split(": ", 1)[1]
    return f"{_ERROR_KINDS.get(type(exc), 'failed')}: {_printable(text)}"


def _printable(text: str) -> str:
    # The reason quotes the provider's body, which is the server's text: its
    # escape codes must not reach a terminal, nor its line breaks split the
    # summary's one line per call.
    flat = " ".join(text.split())
    return "".join(
        char if char.isprintable() else f"\\x{ord(char):02x}" for char in flat
    )


_ERROR_KINDS: Mapping[type[ProviderError], str] = {
    ProviderUnavailable: "unavailable",
    ProviderRateLimited: "rate limited",
    ProviderResponseError: "bad response",
}


def _error_type(exc: ProviderError) -> str:
    # OTel semconv: error.type is the exception's fully qualified class name.
    kind = type(exc)
    return f"{kind.__module__}.{kind.__qualname__}"


def _request_attributes(model: ChatModel) -> dict[str, str | bool]:
    return {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": model.name,
        "gen_ai.provider.name": _provider_name(model),
        attrs.SIMULATED: model.simulated,
    }


def _provider_name(model: ChatModel) -> str:
    provider = getattr(model, "provider", None)
    return (
        str(provider) if provider else ("simulated" if model.simulated else "unknown")
    )


def _usage_attributes(
    completion: Completion, verdict: Verdict
) -> dict[str, str | bool | int | float]:
    return {
        "gen_ai.response.model": completion.model,
        "gen_ai.provider.name": completion.provider,
        "gen_ai.usage.input_tokens": completion.usage.input_tokens,
        "gen_ai.usage.output_tokens": completion.usage.output_tokens,
        attrs.COST_USD: completion.cost_usd,
        attrs.COST_TOKENS_USD: completion.cost_usd,
        attrs.SIMULATED: completion.simulated,
        attrs.ESTIMATED: completion.usage.estimated,
        attrs.QUALITY: verdict.score,
    }


def _call_cost(name: str, completion: Completion, verdict: Verdict) -> CallCost:
    return CallCost(
        model=name,
        provider=completion.provider,
        input_tokens=completion.usage.input_tokens,
        output_tokens=completion.usage.output_tokens,
        cost_usd=completion.cost_usd,
        simulated=completion.simulated,
        passed=verdict.passed,
        score=verdict.score,
        latency_s=completion.latency_s,
        estimated=completion.usage.estimated,
    )


def _failed_attempt(model: ChatModel, error: str, latency_s: float) -> Attempt:
    cost = CallCost(
        model=model.name,
        provider=_provider_name(model),
        input_tokens=0,
        output_tokens=0,
        cost_usd=0.0,
        simulated=model.simulated,
        passed=False,
        score=0.0,
        latency_s=latency_s,
        error=error,
    )
    return Attempt(model.name, "", cost, None, error)
