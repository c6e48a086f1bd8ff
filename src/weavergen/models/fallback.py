"""Try models in order until one answers: a provider outage is not an outage.

:class:`FallbackChain` is itself a :class:`~weavergen.models.chat.ChatModel`,
so the engine can use a chain wherever it uses one model. It falls through
only on ``ProviderError`` (down, rate-limited, garbled); a wrong *answer* is
validation's business, and configuration errors are raised at once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from weavergen.errors import ConfigError, ProviderError
from weavergen.models.chat import ChatModel, Completion, Prompt, Tier
from weavergen.models.pricing import ModelPrice

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FailedModel:
    """One model in a chain that failed, and how."""

    model: str
    error: ProviderError


@dataclass(frozen=True, slots=True)
class FallbackOutcome:
    """The answer a chain got, and every model that failed before it."""

    completion: Completion
    failed: tuple[FailedModel, ...]


class FallbackChain:
    """Models tried in order; the first to answer wins.

    ``name``, ``price``, ``tier`` and ``simulated`` describe the first model,
    the one the chain is meant to use. :meth:`attempt` reports which models
    failed; :meth:`complete` keeps the ``ChatModel`` signature.
    """

    def __init__(self, models: Sequence[ChatModel]) -> None:
        if not models:
            raise ConfigError("FallbackChain needs at least one model")
        self.models: tuple[ChatModel, ...] = tuple(models)

    @property
    def name(self) -> str:
        """The primary model's name."""
        return self.models[0].name

    @property
    def price(self) -> ModelPrice:
        """The primary model's price."""
        return self.models[0].price

    @property
    def simulated(self) -> bool:
        """The primary model's flag."""
        return self.models[0].simulated

    @property
    def tier(self) -> Tier:
        """The primary model's tier."""
        return self.models[0].tier

    def complete(self, prompt: Prompt) -> Completion:
        """The first model's answer that arrives; raises if all fail."""
        return self.attempt(prompt).completion

    def attempt(self, prompt: Prompt) -> FallbackOutcome:
        """Try each model in turn; report the failures before the answer."""
        failed: list[FailedModel] = []
        for model in self.models:
            try:
                completion = model.complete(prompt)
            except ProviderError as exc:
                logger.warning("model %s failed, falling back: %s", model.name, exc)
                failed.append(FailedModel(model.name, exc))
                continue
            return FallbackOutcome(completion, tuple(failed))
        raise _all_failed(failed)


def _all_failed(failed: list[FailedModel]) -> ProviderError:
    last = failed[-1].error
    summary = "; ".join(f"{f.model}: {f.error}" for f in failed)
    error = type(last)(f"all {len(failed)} model(s) failed: {summary}")
    error.__cause__ = last
    return error
