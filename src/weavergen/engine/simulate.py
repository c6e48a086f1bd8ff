"""A reproducible workload through the real pipeline, priced against naive use.

The question WeaverGen has to answer for the team that pays the bills is what
a generation costs once templates, the cache and routing are in play, next to
sending every request to every model. This module draws a workload from a real
registry (popular slices far more often than rare ones, as traffic is), runs
it through the real pipeline with the simulated fleet, and prices the same
requests the naive way: all five models, no cache. Everything it reports is
simulated and says so.

The workload is Zipf-distributed over (slice, target, pattern) with exponent
:data:`ZIPF_EXPONENT`; slices are single registry groups, patterns follow the
group's kind, and :data:`INTENT_SHARE` of the requests carry one of a few
intents, some reworded, so the semantic cache has something to find.

``cache_hit_rate`` is cache hits over all requests; ``served_quality`` is the
share of served results that pass validation when checked again outside the
pipeline; ``model_mix`` is each model's share of all model calls.
"""

from __future__ import annotations

import logging
import random
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from weavergen.engine.pipeline import Pipeline, cache_key
from weavergen.engine.prompt import build_prompt
from weavergen.engine.request import TARGETS, GenerationRequest, GenerationResult
from weavergen.errors import RequestError
from weavergen.models.chat import ChatModel

log = logging.getLogger(__name__)

ZIPF_EXPONENT = 1.1
# Each request is a real pipeline run (tens of milliseconds) and a stored
# span, and the workload is drawn up front: a million would take hours and
# gigabytes, a billion never ends. The limit makes the refusal immediate.
MAX_REQUESTS = 100_000
INTENT_SHARE = 0.05
# Each intent comes in wordings close enough for the semantic cache to match
# and one reworded far enough that it must not.
INTENTS: tuple[tuple[str, ...], ...] = (
    (
        "add a docstring to every constant saying what the attribute is for",
        "add a docstring to every constant saying what each attribute is for",
    ),
    (
        "group the constants by namespace with a comment heading per group",
        "group all the constants by namespace with a comment heading per group",
    ),
    ("list the deprecated attributes last and mark them as deprecated",),
)
KIND_PATTERNS: Mapping[str, str] = {
    "attribute_group": "attributes",
    "metric": "metrics",
    "span": "spans",
    "event": "events",
    "entity": "attributes",
}

Validator = Callable[[str, str, str, list[dict[str, Any]]], Any]
Reference = Callable[[list[dict[str, Any]], str, str], str]


@dataclass(frozen=True, slots=True)
class Workload:
    """The requests of one simulation, in arrival order."""

    requests: tuple[GenerationRequest, ...]
    universe: int


@dataclass
class Tally:
    """What the routed run and the naive baseline added up to."""

    results: list[GenerationResult] = field(default_factory=list)
    naive_usd: float = 0.0
    failing_served: int = 0


def build_workload(
    groups: Sequence[Mapping[str, Any]], requests: int, seed: int
) -> Workload:
    """Draw ``requests`` requests, Zipf over a seeded ranking of combinations."""
    if not 1 <= requests <= MAX_REQUESTS:
        raise RequestError(
            f"{requests:,} requests is outside 1 to {MAX_REQUESTS:,}; run a "
            "larger workload as several seeds"
        )
    rng = random.Random(seed)
    universe = _combinations(groups)
    rng.shuffle(universe)
    weights = [1.0 / (rank**ZIPF_EXPONENT) for rank in range(1, len(universe) + 1)]
    drawn = rng.choices(universe, weights=weights, k=requests)
    chosen = tuple(_with_intent(item, rng) for item in drawn)
    return Workload(chosen, len(universe))


def run_simulation(
    pipeline: Pipeline,
    workload: Workload,
    naive_fleet: Sequence[ChatModel],
    validate: Validator,
    *,
    workers: int = 1,
) -> dict[str, Any]:
    """Run every request, price the naive baseline, and summarise both.

    With ``workers`` > 1, requests over different (target, pattern, slice)
    run in parallel while each scope keeps its arrival order. Nothing one
    scope does (cache entries, semantic matches, the fleet's attempt
    counters) is visible to another, so the figures equal a serial run's.
    """
    naive = NaiveBaseline(pipeline, naive_fleet)
    second_look = SecondLook(pipeline, validate)
    lanes = _lanes(workload.requests)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        tallies = list(
            pool.map(lambda lane: _run_lane(pipeline, lane, naive, second_look), lanes)
        )
    return summarise(_merge(tallies), workload, pipeline)


def _lanes(
    requests: Sequence[GenerationRequest],
) -> list[list[GenerationRequest]]:
    by_scope: dict[tuple[str, str, Any], list[GenerationRequest]] = {}
    for request in requests:
        scope = (request.target, request.pattern, request.subject)
        by_scope.setdefault(scope, []).append(request)
    # Longest lanes first, so one long lane does not start last and run alone.
    return sorted(by_scope.values(), key=len, reverse=True)


def _run_lane(
    pipeline: Pipeline,
    lane: list[GenerationRequest],
    naive: NaiveBaseline,
    second_look: SecondLook,
) -> Tally:
    tally = Tally()
    for request in lane:
        result = pipeline.generate(request)
        tally.results.append(result)
        tally.naive_usd += naive.cost_usd(request)
        tally.failing_served += second_look.fails(result, request)
    return tally


def _merge(tallies: Sequence[Tally]) -> Tally:
    merged = Tally()
    for tally in tallies:
        merged.results += tally.results
        merged.naive_usd += tally.naive_usd
        merged.failing_served += tally.failing_served
    return merged


class NaiveBaseline:
    """Every request sent to every model, nothing cached, nothing routed.

    Identical requests cost the same, so each distinct request is priced
    once and its figure reused; the baseline itself still pays every time.
    """

    def __init__(self, pipeline: Pipeline, fleet: Sequence[ChatModel]) -> None:
        self.pipeline = pipeline
        self.fleet = list(fleet)
        self._priced: dict[str, float] = {}

    def cost_usd(self, request: GenerationRequest) -> float:
        """What all models together charge for this request."""
        groups = self.pipeline.slice_of(request)
        key = cache_key(request, self.pipeline.registry.content_hash(groups))
        if key not in self._priced:
            self._priced[key] = self._price(request, groups, key)
        return self._priced[key]

    def _price(
        self, request: GenerationRequest, groups: list[dict[str, Any]], key: str
    ) -> float:
        reference = self.pipeline.reference(groups, request.target, request.pattern)
        prompt = build_prompt(
            groups,
            request.target,
            request.pattern,
            request.intent,
            complexity=0.5,
            seed_key=key,
            reference=reference,
        )
        return sum(model.complete(prompt).cost_usd for model in self.fleet)


def summarise(tally: Tally, workload: Workload, pipeline: Pipeline) -> dict[str, Any]:
    """The figures of one simulation as plain JSON-ready data."""
    results = tally.results
    count = len(results)
    served = [r for r in results if r.served]
    routed_usd = sum(r.cost_usd for r in results)
    naive_per = tally.naive_usd / count if count else 0.0
    routed_per = routed_usd / count if count else 0.0
    return {
        "simulated": True,
        "label": "SIMULATED",
        "requests": count,
        "distinct_requests": len(set(workload.requests)),
        "universe": workload.universe,
        "served": len(served),
        "served_share": _share(len(served), count),
        "served_quality": _share(len(served) - tally.failing_served, len(served)),
        "served_failing_validation": tally.failing_served,
        "stopped_by": dict(
            Counter(r.stopped_by or "none" for r in results if not r.served)
        ),
        "cost_usd_total": routed_usd,
        "token_cost_usd_total": sum(c.cost_usd for r in results for c in r.calls),
        "cost_per_generation_usd": routed_per,
        "naive_cost_usd_total": tally.naive_usd,
        "naive_cost_per_generation_usd": naive_per,
        "reduction_vs_naive": 1.0 - routed_per / naive_per if naive_per else 0.0,
        "cache_hit_rate": _share(sum(r.cache_hit for r in results), count),
        "cache_evictions": pipeline.stats.cache_evictions,
        "template_failures": pipeline.stats.template_failures,
        "tier_mix": _mix(r.tier or "none" for r in served),
        "model_mix": _mix(call.model for r in results for call in r.calls),
        "model_calls": sum(len(r.calls) for r in results),
    }


class SecondLook:
    """An independent check of what was served, outside the pipeline.

    The pipeline's own verdicts are memoised by the validator; the caller
    should pass a validator that ignores that memo (``fresh=True``), so each
    distinct served text is judged again. This class remembers only its own
    verdicts, so a text served a thousand times is compiled once more, not a
    thousand times.
    """

    def __init__(self, pipeline: Pipeline, validate: Validator) -> None:
        self.pipeline = pipeline
        self.validate = validate
        self._verdicts: dict[tuple[str, str, str, Any], bool] = {}
        self._lock = threading.Lock()

    def fails(self, result: GenerationResult, request: GenerationRequest) -> int:
        """1 when a served result fails validation on a second look, else 0."""
        if not result.served:
            return 0
        key = (result.code, request.target, request.pattern, request.subject)
        with self._lock:
            known = self._verdicts.get(key)
        if known is None:
            known = self._judge(result.code, request)
            with self._lock:
                self._verdicts[key] = known
        return 0 if known else 1

    def _judge(self, code: str, request: GenerationRequest) -> bool:
        groups = self.pipeline.slice_of(request)
        verdict = self.validate(code, request.target, request.pattern, groups)
        return bool(verdict.passed)


def _combinations(groups: Sequence[Mapping[str, Any]]) -> list[tuple[str, str, str]]:
    combos: list[tuple[str, str, str]] = []
    for group in sorted(groups, key=lambda g: str(g.get("id"))):
        pattern = KIND_PATTERNS.get(str(group.get("type")))
        if pattern is None or not _has_content(group, pattern):
            continue
        combos += [(str(group["id"]), target, pattern) for target in TARGETS]
    return combos


def _has_content(group: Mapping[str, Any], pattern: str) -> bool:
    return pattern == "metrics" or bool(group.get("attributes"))


def _with_intent(item: tuple[str, str, str], rng: random.Random) -> GenerationRequest:
    group_id, target, pattern = item
    intent = None
    if rng.random() < INTENT_SHARE:
        intent = rng.choice(rng.choice(INTENTS))
    return GenerationRequest(target, pattern, (group_id,), intent=intent)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _mix(names: Any) -> dict[str, float]:
    counts = Counter(names)
    total = sum(counts.values())
    return {name: counts[name] / total for name in sorted(counts)}
