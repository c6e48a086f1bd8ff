"""The shapes every model call shares: what is asked, what comes back, at what cost.

The engine, the router and the cascade only ever see these types, so a real
provider, a local server and the simulated fleet are interchangeable behind
:class:`ChatModel`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from weavergen.models.pricing import ModelPrice, Usage

Tier = Literal["local", "cloud"]


@dataclass(frozen=True, slots=True)
class Prompt:
    """One request to a model.

    ``reference`` is the known-correct answer and exists only for the
    simulated fleet, which needs ground truth to fake right and wrong
    answers; real providers never send it. ``complexity`` is in [0, 1];
    ``seed_key`` names the request so a simulation is reproducible.
    """

    system: str
    user: str
    max_output_tokens: int = 4096
    reference: str | None = None
    complexity: float = 0.5
    seed_key: str = ""


@dataclass(frozen=True, slots=True)
class Completion:
    """A model's answer with the tokens it used and what they cost.

    ``latency_s`` is the wall time of the whole call, retries included (for
    the simulated fleet, a modelled figure: nothing sleeps). ``attempts`` is
    how many HTTP requests the call took.
    """

    model: str
    provider: str
    text: str
    usage: Usage
    cost_usd: float
    latency_s: float
    simulated: bool
    attempts: int = 1


@runtime_checkable
class ChatModel(Protocol):
    """Anything that answers a :class:`Prompt`; raises ``ProviderError``."""

    @property
    def name(self) -> str:
        """The model's name in ``weavergen.toml``."""
        ...

    @property
    def price(self) -> ModelPrice:
        """Its price per million tokens."""
        ...

    @property
    def simulated(self) -> bool:
        """True when no real model answers."""
        ...

    @property
    def tier(self) -> Tier:
        """``local`` (own hardware) or ``cloud`` (paid per token)."""
        ...

    def complete(self, prompt: Prompt) -> Completion:
        """Answer ``prompt``; raise a ``ProviderError`` subclass on failure."""
        ...


class PricedModel:
    """Base of the concrete models: the name, price and tier they are built with.

    Kept read-only so that a model's price cannot change between the router's
    estimate and the bill.
    """

    def __init__(self, name: str, price: ModelPrice, tier: Tier) -> None:
        self._name = name
        self._price = price
        self._tier: Tier = tier

    @property
    def name(self) -> str:
        """The model's name in ``weavergen.toml`` or the fleet."""
        return self._name

    @property
    def price(self) -> ModelPrice:
        """Its price per million tokens."""
        return self._price

    @property
    def tier(self) -> Tier:
        """``local`` or ``cloud``."""
        return self._tier
