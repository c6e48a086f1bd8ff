"""The simulated fleet: five priced models that run without keys or network.

It lets the whole pipeline (routing, cascade, cache, economics) run and be
tested offline. Each model answers with the prompt's known-correct
``reference`` with its success probability, and otherwise with a realistic
wrong answer (see :mod:`weavergen.models.flaws`), so validation and
escalation are exercised for real. Everything it returns says it is
simulated.

Prices are the seed's dollar figure per model, read as a *blended* price per
million tokens: input and output tokens both cost that much.

Success probability falls with request complexity ``c`` in [0, 1] as
``p = base ** (0.5 + c)``: at the typical ``c = 0.5`` a model succeeds at its
base rate, easy requests succeed more often and hard ones less.

Outcomes are deterministic in (model name, seed, ``prompt.seed_key``,
attempt) and do not depend on call order. The attempt is the number of
earlier calls to the same model with the same seed key, so asking again can
give a different answer, exactly as re-asking a real model can.
"""

from __future__ import annotations

import hashlib
import random
import threading
from dataclasses import dataclass
from typing import ClassVar

from weavergen.errors import RequestError
from weavergen.models.chat import Completion, PricedModel, Prompt, Tier
from weavergen.models.flaws import FLAW_KINDS, FlawKind, inject_flaw
from weavergen.models.pricing import ModelPrice, Usage, estimate_tokens

# (name, blended $ per million tokens, success rate at complexity 0.5, tier)
SEED_FLEET: tuple[tuple[str, float, float, Tier], ...] = (
    ("qwen3_local", 0.01, 0.78, "local"),
    ("claude_haiku", 0.50, 0.85, "cloud"),
    ("gpt4_mini", 1.50, 0.90, "cloud"),
    ("claude_sonnet", 3.00, 0.95, "cloud"),
    ("gpt4", 4.50, 0.97, "cloud"),
)

# Modelled, not measured: time to first token and decode speed per tier.
_FIRST_TOKEN_S: dict[Tier, float] = {"local": 0.05, "cloud": 0.35}
_TOKENS_PER_S: dict[Tier, float] = {"local": 40.0, "cloud": 90.0}


@dataclass(frozen=True, slots=True)
class SimulatedDraw:
    """What the simulation decided for one (prompt, attempt)."""

    correct: bool
    flaw: FlawKind | None
    text: str
    latency_s: float


class SimulatedModel(PricedModel):
    """A model that fakes answers from ``prompt.reference``; never sleeps."""

    provider: ClassVar[str] = "simulated"

    def __init__(
        self,
        name: str,
        *,
        price: ModelPrice,
        success_rate: float,
        tier: Tier = "cloud",
        seed: int = 0,
    ) -> None:
        super().__init__(name, price, tier)
        self.success_rate = success_rate
        self.seed = seed
        self._attempts: dict[str, int] = {}
        self._lock = threading.Lock()

    @property
    def simulated(self) -> bool:
        """Always True."""
        return True

    def __repr__(self) -> str:
        return f"SimulatedModel(name={self._name!r}, success_rate={self.success_rate})"

    def success_probability(self, complexity: float) -> float:
        """``base ** (0.5 + c)`` with ``c`` clamped to [0, 1]."""
        clamped = min(1.0, max(0.0, complexity))
        return float(self.success_rate ** (0.5 + clamped))

    def complete(self, prompt: Prompt) -> Completion:
        """Answer as the next attempt for this prompt's seed key."""
        return self.complete_attempt(prompt, self._next_attempt(_seed_key(prompt)))

    def complete_attempt(self, prompt: Prompt, attempt: int) -> Completion:
        """Answer as attempt number ``attempt`` (from 0), reproducibly."""
        draw = self.draw(prompt, attempt)
        usage = Usage(
            input_tokens=estimate_tokens(prompt.system) + estimate_tokens(prompt.user),
            output_tokens=estimate_tokens(draw.text),
            estimated=True,
        )
        return Completion(
            model=self._name,
            provider=self.provider,
            text=draw.text,
            usage=usage,
            cost_usd=self._price.cost_usd(usage),
            latency_s=draw.latency_s,
            simulated=True,
        )

    def draw(self, prompt: Prompt, attempt: int) -> SimulatedDraw:
        """Decide right or wrong, the flaw, the text and the latency."""
        reference = _require_reference(self._name, prompt)
        rng = random.Random(self._rng_seed(_seed_key(prompt), attempt))
        correct = rng.random() < self.success_probability(prompt.complexity)
        flaw = None if correct else rng.choice(FLAW_KINDS)
        text = reference if flaw is None else inject_flaw(reference, flaw, rng)
        return SimulatedDraw(correct, flaw, text, self._latency_s(text, rng))

    def _latency_s(self, text: str, rng: random.Random) -> float:
        decode_s = estimate_tokens(text) / _TOKENS_PER_S[self._tier]
        return (_FIRST_TOKEN_S[self._tier] + decode_s) * rng.uniform(0.8, 1.2)

    def _rng_seed(self, seed_key: str, attempt: int) -> int:
        material = f"{self._name}\0{self.seed}\0{seed_key}\0{attempt}".encode()
        return int.from_bytes(hashlib.sha256(material).digest()[:8], "big")

    def _next_attempt(self, seed_key: str) -> int:
        with self._lock:
            attempt = self._attempts.get(seed_key, 0)
            self._attempts[seed_key] = attempt + 1
            return attempt


def simulated_fleet(seed: int = 0) -> list[SimulatedModel]:
    """The five seed models, cheapest first."""
    return [
        SimulatedModel(
            name,
            price=ModelPrice(price, price, price),
            success_rate=rate,
            tier=tier,
            seed=seed,
        )
        for name, price, rate, tier in SEED_FLEET
    ]


def _seed_key(prompt: Prompt) -> str:
    if prompt.seed_key:
        return prompt.seed_key
    digest = hashlib.sha256(f"{prompt.system}\0{prompt.user}".encode())
    return digest.hexdigest()


def _require_reference(name: str, prompt: Prompt) -> str:
    if prompt.reference is None:
        raise RequestError(
            f"simulated model {name} needs prompt.reference (the known-correct "
            "answer) to simulate right and wrong answers; none was given"
        )
    return prompt.reference
