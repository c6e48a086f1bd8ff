"""Small stand-ins for the registry, validator, models and cache of the engine.

They follow the contracts in docs/architecture.md closely enough that the
pipeline cannot tell them apart, while letting each test script exactly what
every model answers.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from opentelemetry.trace import NoOpTracer

from weavergen.engine.pipeline import Pipeline
from weavergen.errors import ProviderUnavailable, TemplateError
from weavergen.models.chat import Completion, Prompt, Tier
from weavergen.models.pricing import ModelPrice, Usage
from weavergen.routing import DEFAULT_ROUTING, RulePolicy

GROUPS: list[dict[str, Any]] = [
    {
        "id": "registry.http",
        "type": "attribute_group",
        "attributes": [
            {"name": "http.request.method", "type": "string"},
            {
                "name": "http.route",
                "type": {"members": [{"id": "a", "value": "a"}]},
            },
        ],
    },
    {
        "id": "registry.db",
        "type": "attribute_group",
        "attributes": [{"name": "db.system", "type": "string"}],
    },
    {
        "id": "metric.http.server.request.duration",
        "type": "metric",
        "attributes": [{"name": "http.request.method", "type": "string"}],
    },
]


@dataclass
class FakeRegistry:
    """A registry with fixed groups and a content hash over their JSON."""

    groups: list[dict[str, Any]] = field(default_factory=lambda: list(GROUPS))

    def content_hash(self, groups: list[dict[str, Any]]) -> str:
        text = json.dumps(groups, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class FakeVerdict:
    """A verdict: passes only on the exact reference text."""

    score: float
    passed: bool
    confidence: float
    facts: Any


def reference(groups: list[dict[str, Any]], target: str, pattern: str) -> str:
    """One constant line per attribute name: the known-correct answer."""
    names = sorted(
        {attr["name"] for group in groups for attr in group.get("attributes", [])}
    )
    return "".join(f'{n.upper().replace(".", "_")} = "{n}"\n' for n in names)


def validate(
    code: str,
    target: str,
    pattern: str,
    groups: list[dict[str, Any]],
    *,
    content_hash: str | None = None,
) -> FakeVerdict:
    """Score a code text by the share of reference lines it contains."""
    want = set(reference(groups, target, pattern).splitlines())
    have = set(code.splitlines())
    score = len(want & have) / len(want) if want else 1.0
    return FakeVerdict(score, have == want, 0.9, sorted(have))


class ScriptedModel:
    """A model answering from a queue; ``"REF"`` means the prompt's reference."""

    def __init__(
        self,
        name: str,
        answers: list[str],
        *,
        price: float = 1.0,
        tier: Tier = "cloud",
        simulated: bool = True,
    ) -> None:
        self.name = name
        self.price = ModelPrice(price, price)
        self.tier = tier
        self.simulated = simulated
        self.answers = deque(answers)
        self.prompts: list[Prompt] = []

    def complete(self, prompt: Prompt) -> Completion:
        self.prompts.append(prompt)
        answer = self.answers.popleft() if self.answers else "garbage"
        if answer == "DOWN":
            raise ProviderUnavailable(f"{self.name} is down")
        text = (prompt.reference or "") if answer == "REF" else answer
        usage = Usage(100, 50)
        return Completion(
            self.name,
            "fake",
            text,
            usage,
            self.price.cost_usd(usage),
            0.1,
            self.simulated,
        )


class FakeTemplates:
    """Templates for python attributes only, rendering the reference."""

    def __init__(
        self, broken: bool = False, raises: bool = False, empty: bool = False
    ) -> None:
        self.broken = broken
        self.raises = raises
        self.empty = empty

    def has_template(self, target: str, pattern: str) -> bool:
        return (target, pattern) == ("python", "attributes")

    def render(self, groups: list[dict[str, Any]], target: str, pattern: str) -> str:
        if self.raises:
            raise TemplateError("attributes.j2:3: unknown filter 'nope'")
        if self.empty:
            return "\n"
        text = reference(groups, target, pattern)
        return text[: len(text) // 2] if self.broken else text


def make_pipeline(models: list[ScriptedModel], **parts: Any) -> Pipeline:
    """A pipeline over the fake registry with the default rule policy."""
    return Pipeline(
        registry=FakeRegistry(),
        models={model.name: model for model in models},
        router=RulePolicy(DEFAULT_ROUTING),
        validate=parts.pop("validate", validate),
        reference=reference,
        tracer=parts.pop("tracer", NoOpTracer()),
        **parts,
    )
