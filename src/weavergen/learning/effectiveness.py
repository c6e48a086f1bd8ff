"""Cost-effectiveness per model, learned from the spans of past generations.

A cheap model that fails often is not cheap: every failed answer is paid for
and the request then goes on to the next model. What a router should compare
is the expected cost of getting one validated answer from a model, which is
its mean cost per call divided by its pass rate. This module computes that
per (target, pattern, complexity band) from stored span dicts, as pure
functions, so the figures can be checked by hand.

A ``gen_ai.chat`` span records the validator's score (``weavergen.quality``),
not its pass flag; the validator passes an answer only when every fact is
right, which is a score of :data:`PASS_SCORE`. A call whose span has no score
(the provider failed) counts as a failed call at its recorded cost, 0 if none.
The target, pattern and complexity live on the parent ``weavergen.generation``
span, which the call is joined to by trace and span id.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weavergen.telemetry import attrs
from weavergen.telemetry.store import SpanStore

log = logging.getLogger(__name__)

PASS_SCORE = 1.0
_REQUEST_MODEL = "gen_ai.request.model"

# (target, pattern, index of the complexity band in the routing config)
RouteKey = tuple[str, str, int]


@dataclass(frozen=True, slots=True)
class ModelStats:
    """One model's record for one route key: calls, passes, total cost."""

    calls: int
    passes: int
    cost_usd: float

    @property
    def pass_rate(self) -> float:
        """Share of calls whose answer passed validation (0 without calls)."""
        return self.passes / self.calls if self.calls else 0.0

    @property
    def mean_cost_usd(self) -> float:
        """Average cost of one call (0 without calls)."""
        return self.cost_usd / self.calls if self.calls else 0.0

    @property
    def expected_cost_usd(self) -> float:
        """Expected spend on this model per validated answer (inf if none)."""
        if self.passes == 0:
            return math.inf
        return self.mean_cost_usd / self.pass_rate

    def plus(self, passed: bool, cost_usd: float) -> ModelStats:
        """This record with one more call added."""
        return ModelStats(
            self.calls + 1, self.passes + int(passed), self.cost_usd + cost_usd
        )


EffectivenessTable = dict[RouteKey, dict[str, ModelStats]]
_EMPTY = ModelStats(0, 0, 0.0)


@dataclass(frozen=True, slots=True)
class _Call:
    key: RouteKey
    model: str
    passed: bool
    cost_usd: float


def band_of(complexity: float, limits: Sequence[float]) -> int:
    """Index of the first band whose limit is above ``complexity`` (else last)."""
    for index, below in enumerate(limits):
        if complexity < below:
            return index
    return max(len(limits) - 1, 0)


def effectiveness(
    spans: Iterable[Mapping[str, Any]], limits: Sequence[float]
) -> EffectivenessTable:
    """Per route key and model: calls, passes and cost of every model call."""
    table: EffectivenessTable = {}
    for call in _calls(list(spans), limits):
        models = table.setdefault(call.key, {})
        models[call.model] = models.get(call.model, _EMPTY).plus(
            call.passed, call.cost_usd
        )
    return table


def load_effectiveness(store_path: Path, limits: Sequence[float]) -> EffectivenessTable:
    """The table for every span in the store at ``store_path`` (empty if none)."""
    table = effectiveness(SpanStore(store_path).spans(), limits)
    log.info("learned effectiveness for %d route keys from %s", len(table), store_path)
    return table


def _calls(spans: list[Mapping[str, Any]], limits: Sequence[float]) -> Iterator[_Call]:
    keys = _generation_keys(spans, limits)
    for span in spans:
        if span.get("name") != attrs.MODEL_CALL_SPAN:
            continue
        key = keys.get((span.get("trace_id"), span.get("parent_span_id")))
        model = span.get("attributes", {}).get(_REQUEST_MODEL)
        if key is None or not isinstance(model, str):
            continue
        yield _Call(key, model, _passed(span), _cost(span))


def _generation_keys(
    spans: list[Mapping[str, Any]], limits: Sequence[float]
) -> dict[tuple[Any, Any], RouteKey]:
    keys: dict[tuple[Any, Any], RouteKey] = {}
    for span in spans:
        if span.get("name") != attrs.GENERATION_SPAN:
            continue
        found = span.get("attributes", {})
        complexity = float(found.get(attrs.COMPLEXITY, 0.0))
        key = (
            str(found.get(attrs.TARGET, "")),
            str(found.get(attrs.PATTERN, "")),
            band_of(complexity, limits),
        )
        keys[(span.get("trace_id"), span.get("span_id"))] = key
    return keys


def _passed(span: Mapping[str, Any]) -> bool:
    score = span.get("attributes", {}).get(attrs.QUALITY)
    return isinstance(score, int | float) and score >= PASS_SCORE


def _cost(span: Mapping[str, Any]) -> float:
    cost = span.get("attributes", {}).get(attrs.COST_USD, 0.0)
    return float(cost) if isinstance(cost, int | float) else 0.0
