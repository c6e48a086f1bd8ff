"""The tiers, cheapest first: template, verified cache, local model, cloud, vote.

Every generation walks the tiers in the order of DESIGN.md and stops at the
first answer that passes validation; an answer that fails validation is never
served, whichever tier produced it, and a request nothing can answer comes
back ``served=False`` with the reason. Identical requests in flight at the
same time are computed once. Each generation is a ``weavergen.generation``
span; each model call below it a ``gen_ai.chat`` span.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from opentelemetry.trace import Span, Tracer, format_trace_id

from weavergen.cache import CacheEntry, CacheScope, SingleFlight, VerifiedCache
from weavergen.cache.keys import request_key, subject_parts
from weavergen.engine.classify import complexity, slice_shape
from weavergen.engine.consensus import Vote, run_consensus
from weavergen.engine.costing import CostRates, template_cost
from weavergen.engine.prompt import (
    PROMPT_VERSION,
    build_prompt,
    expected_output_tokens,
)
from weavergen.engine.request import (
    TARGETS,
    GenerationRequest,
    GenerationResult,
    check_models,
    check_request,
    normalise_intent,
    select_slice,
)
from weavergen.errors import StateError, TemplateError
from weavergen.models.chat import ChatModel, Prompt
from weavergen.routing.cascade import (
    Attempt,
    CascadeLimits,
    ModelCaller,
    Verdict,
    run_cascade,
)
from weavergen.routing.policy import RouteContext, RoutePlan, Router
from weavergen.telemetry import attrs

log = logging.getLogger(__name__)

# Intents at least this similar to a cached one reuse its answer (after
# re-validation); the answer still has to pass validation on this slice.
SEMANTIC_THRESHOLD = 0.85


class RegistryView(Protocol):
    """What the pipeline reads from a resolved registry."""

    @property
    def groups(self) -> list[dict[str, Any]]:
        """Every group, in Weaver's resolved form."""
        ...

    def content_hash(self, groups: list[dict[str, Any]]) -> str:
        """A digest of the slice, so cache keys change when the slice does."""
        ...


class TemplateTier(Protocol):
    """Compiled patterns: CPU-only answers for some (target, pattern) pairs."""

    def has_template(self, target: str, pattern: str) -> bool:
        """True when a template covers this target and pattern."""
        ...

    def render(self, groups: list[dict[str, Any]], target: str, pattern: str) -> str:
        """Render the slice with the template."""
        ...


class Validator(Protocol):
    """Judges code for a slice; ``content_hash`` spares hashing the slice."""

    def __call__(
        self,
        code: str,
        target: str,
        pattern: str,
        groups: list[dict[str, Any]],
        *,
        content_hash: str | None = None,
    ) -> Verdict:
        """Score ``code`` as the ``pattern`` artifact for ``target``."""
        ...


Reference = Callable[[list[dict[str, Any]], str, str], str]


@dataclass
class PipelineStats:
    """Counters a run reports besides its spans; safe to bump from threads."""

    generations: int = 0
    cache_hits: int = 0
    cache_evictions: int = 0
    template_failures: int = 0
    unserved: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def bump(self, name: str, by: int = 1) -> None:
        """Add ``by`` to the counter ``name``."""
        with self._lock:
            setattr(self, name, getattr(self, name) + by)


@dataclass
class Pipeline:
    """Answers :class:`GenerationRequest` s by walking the tiers."""

    registry: RegistryView
    models: Mapping[str, ChatModel]
    router: Router
    validate: Validator
    reference: Reference
    tracer: Tracer
    templates: TemplateTier | None = None
    cache: VerifiedCache | None = None
    flights: SingleFlight[GenerationResult] | None = None
    targets: tuple[str, ...] = TARGETS
    cost_rates: CostRates = field(default_factory=CostRates)
    stats: PipelineStats = field(default_factory=PipelineStats)
    _failed_templates: set[str] = field(default_factory=set, repr=False)

    def generate(self, request: GenerationRequest) -> GenerationResult:
        """Check the request, then answer it once per identical flight."""
        groups = self.slice_of(request)
        job = _Job(request, groups, self.registry.content_hash(groups))
        if self.flights is None:
            return self._generate(job)
        return self.flights.do(job.flight_key, lambda: self._generate(job))

    def slice_of(self, request: GenerationRequest) -> list[dict[str, Any]]:
        """Check the request and return the groups it is about."""
        check_request(request, self.targets)
        check_models(request, self.models)
        return select_slice(request, self.registry)

    def _generate(self, job: _Job) -> GenerationResult:
        with self.tracer.start_as_current_span(attrs.GENERATION_SPAN) as span:
            started = time.thread_time()
            result = (
                self._from_template(job)
                or self._from_cache(job)
                or self._from_models(job)
            )
            result.trace_id = _trace_id(span)
            self._record(span, job, result, time.thread_time() - started)
        self._count(result)
        return result

    def _check(self, job: _Job) -> Callable[[str], Verdict]:
        request = job.request
        return lambda code: self.validate(
            code,
            request.target,
            request.pattern,
            job.groups,
            content_hash=job.content_hash,
        )

    def _from_template(self, job: _Job) -> GenerationResult | None:
        request = job.request
        if self.templates is None or not self._has_template(job) or request.intent:
            return None
        if job.scope in self._failed_templates:
            return None
        started = time.thread_time()
        try:
            code = self.templates.render(job.groups, request.target, request.pattern)
        except TemplateError as exc:
            # A broken template costs this tier, not the request: models answer.
            self._template_failed(job, f"cannot render: {exc}")
            return None
        if not code.strip():
            # The templates select nothing of this slice (e.g. a span's
            # attribute references): not a failure, just not this tier's.
            log.debug("no template output for %s", request.describe())
            return None
        verdict = self._check(job)(code)
        if not _clears(verdict, request.quality_floor):
            self._template_failed(job, f"fails validation at {verdict.score:.2f}")
            return None
        cpu_s = time.thread_time() - started
        return self._cheap_result(job, code, "template", verdict, cpu_s, stored=True)

    def _template_failed(self, job: _Job, why: str) -> None:
        self.stats.bump("template_failures")
        self._failed_templates.add(job.scope)
        # INFO, not WARNING: the request is still answered, and a simulation
        # meets the same failing template for every slice it is asked about.
        log.info("template for %s %s", job.request.describe(), why)

    def _has_template(self, job: _Job) -> bool:
        request = job.request
        return self.templates is not None and self.templates.has_template(
            request.target, request.pattern
        )

    def _from_cache(self, job: _Job) -> GenerationResult | None:
        if self.cache is None:
            return None
        started = time.thread_time()
        check = self._entry_check(job)
        entry = self.cache.get_verified(job.key, check)
        intent = normalise_intent(job.request.intent)
        if entry is None and intent is not None:
            hit = self.cache.lookup_intent_verified(
                intent, job.cache_scope, check, SEMANTIC_THRESHOLD
            )
            entry = hit.entry if hit is not None else None
        if entry is None or job.cache_verdict is None:
            return None
        cpu_s = time.thread_time() - started
        result = self._cheap_result(job, entry.code, "cache", job.cache_verdict, cpu_s)
        result.cache_hit = True
        result.simulated = self._made_by_simulation(entry)
        return result

    def _made_by_simulation(self, entry: CacheEntry) -> bool:
        # A cached answer is as simulated as the models that first wrote it.
        # The entry says so itself; older entries are judged by the models of
        # this config, which may not name them (then they count as real).
        if entry.simulated is not None:
            return entry.simulated
        names = entry.models
        return any(
            name in self.models and self.models[name].simulated for name in names
        )

    def _entry_check(self, job: _Job) -> Callable[[CacheEntry], bool]:
        # The cache re-validates every hit against the slice as it is now and
        # evicts what fails; the verdict is kept for the result's score.
        def check(entry: CacheEntry) -> bool:
            verdict = self._check(job)(entry.code)
            if _clears(verdict, job.request.quality_floor):
                job.cache_verdict = verdict
                return True
            self.stats.bump("cache_evictions")
            log.info("cache entry %s fails the current slice", entry.key[:12])
            return False

        return check

    def _novelty(self, job: _Job) -> float:
        intent = normalise_intent(job.request.intent)
        if self.cache is None or intent is None:
            return 1.0
        nearest = self.cache.lookup_intent(intent, job.cache_scope, threshold=0.0)
        return 1.0 - nearest.similarity if nearest is not None else 1.0

    def _cheap_result(
        self,
        job: _Job,
        code: str,
        tier: str,
        verdict: Verdict,
        cpu_s: float,
        *,
        stored: bool = False,
    ) -> GenerationResult:
        # A cache hit stores nothing new; a rendered template is kept like any
        # generated file.
        stored_bytes = len(code.encode()) if stored else 0
        cost = template_cost(cpu_s, stored_bytes, self.cost_rates)
        return GenerationResult(
            code=code,
            tier=tier,
            models=[],
            calls=[],
            cost_usd=cost.total_usd,
            validation_score=verdict.score,
            confidence=verdict.confidence,
            trace_id="",
            simulated=False,
            stopped_by=None,
            group_ids=job.group_ids,
            compute_usd=cost.compute_usd,
            storage_usd=cost.storage_usd,
        )

    def _from_models(self, job: _Job) -> GenerationResult:
        job.complexity = self._complexity(job)
        plan = self.router.route(job.request, job.complexity, self._context(job))
        caller = ModelCaller(self.models, self.tracer)
        limits = CascadeLimits(
            job.request.quality_floor,
            job.request.budget_usd,
            output=expected_output_tokens(job.groups),
        )
        if plan.consensus:
            return self._vote(job, plan, caller, limits)
        outcome = run_cascade(
            plan.models, caller, self._prompts(job), self._check(job), limits
        )
        return self._model_result(
            job, outcome.attempts, outcome.winner, outcome.stopped_by
        )

    def _vote(
        self, job: _Job, plan: RoutePlan, caller: ModelCaller, limits: CascadeLimits
    ) -> GenerationResult:
        voters = plan.consensus or ()
        reserves = [name for name in plan.models if name not in voters]
        vote: Vote = run_consensus(
            voters,
            reserves,
            caller,
            self._prompts(job),
            check=self._check(job),
            limits=limits,
        )
        result = self._model_result(job, vote.attempts, vote.winner, vote.stopped_by)
        result.tier = "consensus"
        result.confidence = round(result.confidence * vote.agreement, 6)
        return result

    def _complexity(self, job: _Job) -> float:
        return complexity(
            job.request.pattern,
            slice_shape(job.groups),
            has_template=self._has_template(job),
            intent=job.request.intent,
            novelty=self._novelty(job),
        )

    def _context(self, job: _Job) -> RouteContext:
        prompt = self._prompt_for(job, reference=None)
        output = expected_output_tokens(job.groups)
        caller = ModelCaller(self.models, self.tracer)
        prices = {
            name: caller.estimate_usd(name, prompt, output) for name in self.models
        }
        local = frozenset(n for n, m in self.models.items() if m.tier == "local")
        return RouteContext(prices, local)

    def _prompts(self, job: _Job) -> Callable[[str], Prompt]:
        def prompt_for(name: str) -> Prompt:
            if not self.models[name].simulated:
                return self._prompt_for(job, reference=None)
            if job.reference is None:
                request = job.request
                job.reference = self.reference(
                    job.groups, request.target, request.pattern
                )
            return self._prompt_for(job, reference=job.reference)

        return prompt_for

    def _prompt_for(self, job: _Job, reference: str | None) -> Prompt:
        request = job.request
        return build_prompt(
            job.groups,
            request.target,
            request.pattern,
            request.intent,
            complexity=job.complexity,
            seed_key=job.key,
            reference=reference,
        )

    def _model_result(
        self,
        job: _Job,
        attempts: tuple[Attempt, ...],
        winner: Attempt | None,
        stopped_by: str,
    ) -> GenerationResult:
        calls = [attempt.cost for attempt in attempts]
        result = GenerationResult(
            code=winner.code if winner else "",
            tier=self._tier_of(winner, attempts),
            models=[call.model for call in calls],
            calls=calls,
            cost_usd=sum(call.cost_usd for call in calls),
            validation_score=_score(winner),
            confidence=_confidence(winner),
            trace_id="",
            simulated=any(call.simulated for call in calls),
            stopped_by=stopped_by,
            served=winner is not None,
            complexity=job.complexity,
            group_ids=job.group_ids,
        )
        if winner is not None:
            self._remember(job, result)
        return result

    def _tier_of(self, winner: Attempt | None, attempts: tuple[Attempt, ...]) -> str:
        last = winner or (attempts[-1] if attempts else None)
        if last is None:
            return "local"
        return "local" if self.models[last.model].tier == "local" else "cloud"

    def _remember(self, job: _Job, result: GenerationResult) -> None:
        if self.cache is None:
            return
        request = job.request
        entry = CacheEntry(
            key=job.key,
            code=result.code,
            target=request.target,
            pattern=request.pattern,
            subject=subject_parts(request.subject),
            slice_hash=job.content_hash,
            intent=normalise_intent(request.intent),
            confidence=result.confidence,
            cost_usd=result.cost_usd,
            tier=result.tier or "cloud",
            models=tuple(result.models),
            simulated=result.simulated,
        )
        try:
            self.cache.put(entry)
        except StateError as exc:
            # The answer is paid for and valid: serve it even if it cannot
            # be kept for next time.
            log.warning("answer served but not cached: %s", exc)

    def _record(
        self, span: Span, job: _Job, result: GenerationResult, cpu_s: float
    ) -> None:
        span.set_attributes(_generation_attributes(job, result))
        span.set_attribute(attrs.CPU_S, cpu_s)

    def _count(self, result: GenerationResult) -> None:
        self.stats.bump("generations")
        self.stats.bump("cache_hits", int(result.cache_hit))
        self.stats.bump("unserved", int(not result.served))
        if result.served:
            log.info(
                "generated via %s for %.6f USD (%s)",
                result.tier,
                result.cost_usd,
                ",".join(result.models) or "no model",
            )


@dataclass
class _Job:
    """One request in flight with everything derived from it once."""

    request: GenerationRequest
    groups: list[dict[str, Any]]
    content_hash: str
    complexity: float = 0.0
    reference: str | None = None
    cache_verdict: Verdict | None = None

    @property
    def key(self) -> str:
        return cache_key(self.request, self.content_hash)

    @property
    def flight_key(self) -> str:
        # Only requests that would get the same answer on the same terms share
        # a flight: a capped request must not be handed an answer it could not
        # afford, and each tenant's generation is recorded under its name.
        request = self.request
        terms = (
            request.tenant,
            request.quality_floor,
            request.budget_usd,
            sorted(request.explicit_models),
        )
        return f"{self.key}|{terms!r}"

    @property
    def cache_scope(self) -> CacheScope:
        request = self.request
        return CacheScope(request.target, request.pattern, self.content_hash)

    @property
    def scope(self) -> str:
        request = self.request
        return f"{request.target}/{request.pattern}/{self.content_hash}"

    @property
    def group_ids(self) -> list[str]:
        return [str(group.get("id", "")) for group in self.groups]


def cache_key(request: GenerationRequest, content_hash: str) -> str:
    """The verified cache's exact key for a request over a slice."""
    return request_key(
        request.target,
        request.pattern,
        request.subject,
        intent=request.intent,
        slice_hash=content_hash,
        version=PROMPT_VERSION,
    )


def _clears(verdict: Verdict, floor: float) -> bool:
    return verdict.passed and verdict.score >= floor


def _score(winner: Attempt | None) -> float:
    return winner.verdict.score if winner and winner.verdict else 0.0


def _confidence(winner: Attempt | None) -> float:
    return winner.verdict.confidence if winner and winner.verdict else 0.0


def _trace_id(span: Span) -> str:
    context = span.get_span_context()
    return format_trace_id(context.trace_id) if context.is_valid else ""


def _generation_attributes(
    job: _Job, result: GenerationResult
) -> dict[str, str | bool | int | float]:
    request = job.request
    return {
        attrs.TARGET: request.target,
        attrs.PATTERN: request.pattern,
        attrs.TIER: result.tier or "",
        attrs.GROUP_COUNT: len(job.groups),
        attrs.OUTPUT_BYTES: len(result.code.encode()),
        attrs.COST_USD: result.cost_usd,
        attrs.COST_TOKENS_USD: sum(call.cost_usd for call in result.calls),
        attrs.COST_COMPUTE_USD: result.compute_usd,
        attrs.COST_STORAGE_USD: result.storage_usd,
        attrs.QUALITY: result.validation_score,
        attrs.CACHE_HIT: result.cache_hit,
        attrs.SIMULATED: result.simulated,
        attrs.TENANT: request.tenant,
        attrs.SERVED: result.served,
        attrs.STOPPED_BY: result.stopped_by or "",
        attrs.COMPLEXITY: result.complexity,
        attrs.MODELS: ",".join(result.models),
        attrs.ESTIMATED: any(call.estimated for call in result.calls),
    }
