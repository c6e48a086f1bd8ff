"""Tests for the tiered pipeline over fakes of its collaborators."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.engine.engine_fakes import (
    FakeRegistry,
    FakeTemplates,
    ScriptedModel,
    make_pipeline,
    validate,
)
from weavergen.cache import CacheEntry, SingleFlight, VerifiedCache
from weavergen.engine.pipeline import cache_key
from weavergen.engine.request import GenerationRequest, GenerationResult, select_slice
from weavergen.errors import RequestError, StateError
from weavergen.models.chat import Completion, Prompt
from weavergen.models.pricing import Usage

ATTRS = GenerationRequest("python", "attributes", ("registry.http",))
GO = GenerationRequest("go", "attributes", ("registry.http",))


def fleet(
    local: list[str], haiku: list[str], mini: list[str] | None = None
) -> list[ScriptedModel]:
    return [
        ScriptedModel("qwen3_local", local, price=0.01, tier="local"),
        ScriptedModel("claude_haiku", haiku, price=0.5),
        ScriptedModel("gpt4_mini", mini or [], price=1.5),
        ScriptedModel("claude_sonnet", [], price=3.0),
        ScriptedModel("gpt4", ["REF"], price=4.5),
    ]


def test_template_answers_without_calling_a_model() -> None:
    """A python attributes request is served by the template tier at no token cost."""
    models = fleet(["REF"], ["REF"])
    result = make_pipeline(models, templates=FakeTemplates()).generate(ATTRS)
    assert (result.tier, result.calls, result.served) == ("template", [], True)
    assert all(not m.prompts for m in models)


def test_failing_template_falls_through_to_models() -> None:
    """A template whose output fails validation is not served."""
    models = fleet(["REF"], [])
    pipeline = make_pipeline(models, templates=FakeTemplates(broken=True))
    result = pipeline.generate(ATTRS)
    assert (result.tier, result.models) == ("local", ["qwen3_local"])
    assert pipeline.stats.template_failures == 1


def test_template_that_cannot_render_falls_through_to_models() -> None:
    """A TemplateError costs the template tier, not the request."""
    pipeline = make_pipeline(fleet(["REF"], []), templates=FakeTemplates(raises=True))
    assert pipeline.generate(ATTRS).tier == "local"
    assert pipeline.stats.template_failures == 1


def test_template_rendering_nothing_is_not_a_template_failure() -> None:
    """Templates that select nothing of a slice leave it to the next tier."""
    pipeline = make_pipeline(fleet(["REF"], []), templates=FakeTemplates(empty=True))
    assert pipeline.generate(ATTRS).tier == "local"
    assert pipeline.stats.template_failures == 0


def test_validation_is_given_the_slice_content_hash() -> None:
    """The pipeline hands validate the hash it keyed the request by."""
    hashes: list[str | None] = []

    def recording(*args: Any, content_hash: str | None = None) -> Any:
        hashes.append(content_hash)
        return validate(*args)

    pipeline = make_pipeline(fleet(["REF"], []), validate=recording)
    pipeline.generate(ATTRS)
    groups = select_slice(ATTRS, pipeline.registry)
    assert hashes
    assert set(hashes) == {pipeline.registry.content_hash(groups)}


def test_markdown_request_is_served_by_a_model() -> None:
    """Markdown is a pipeline target: without a template, a model answers it."""
    request = GenerationRequest("markdown", "attributes", ("registry.http",))
    result = make_pipeline(fleet(["REF"], [])).generate(request)
    assert (result.served, result.tier) == (True, "local")


def test_local_failure_escalates_to_the_next_cheapest_model() -> None:
    """Garbage from the local model sends the request on to haiku."""
    result = make_pipeline(fleet(["garbage"], ["REF"])).generate(GO)
    assert result.tier == "cloud"
    assert result.models == ["qwen3_local", "claude_haiku"]
    assert [c.passed for c in result.calls] == [False, True]
    assert result.stopped_by == "quality_floor"
    assert result.cost_usd == pytest.approx(sum(c.cost_usd for c in result.calls))


def test_nothing_passing_is_never_served() -> None:
    """When every model fails, the result has no code and says exhausted."""
    result = make_pipeline(fleet(["bad"], ["bad"], ["bad"])).generate(GO)
    assert (result.served, result.code, result.stopped_by) == (False, "", "exhausted")
    assert "gpt4" not in result.models


def test_provider_error_counts_as_a_failed_attempt() -> None:
    """A model that is down is skipped and the next one answers."""
    result = make_pipeline(fleet(["DOWN"], ["REF"])).generate(GO)
    assert result.served
    assert result.calls[0].passed is False


def test_budget_stops_the_cascade_and_says_so() -> None:
    """A budget too small for any cloud call ends with stopped_by=budget."""
    request = GenerationRequest("go", "attributes", ("registry.http",), budget_usd=1e-5)
    result = make_pipeline(fleet(["bad"], ["REF"])).generate(request)
    assert (result.served, result.stopped_by) == (False, "budget")
    assert result.models == ["qwen3_local"]


def test_second_identical_request_is_a_cache_hit(tmp_path: Path) -> None:
    """A served model answer is cached and re-served after re-validation."""
    models = fleet(["REF"], [])
    pipeline = make_pipeline(models, cache=VerifiedCache(tmp_path / "c.db"))
    pipeline.generate(GO)
    again = pipeline.generate(GO)
    assert (again.tier, again.cache_hit, again.calls) == ("cache", True, [])
    assert again.simulated is True
    assert len(models[0].prompts) == 1


class FullCache(VerifiedCache):
    """A cache whose writes fail, as on a full disk or a long-held lock."""

    def put(self, entry: CacheEntry) -> CacheEntry:
        raise StateError("cache c.db cannot be read or written (disk is full)")


def test_paid_answer_is_served_when_the_cache_cannot_keep_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A failing cache write used to throw away a paid, valid answer."""
    pipeline = make_pipeline(fleet(["REF"], []), cache=FullCache(tmp_path / "c.db"))
    result = pipeline.generate(GO)
    assert (result.served, result.tier, len(result.calls)) == (True, "local", 1)
    assert "answer served but not cached: cache c.db" in caplog.text


def test_simulated_answer_stays_labelled_when_served_to_another_config(
    tmp_path: Path,
) -> None:
    """A config without the simulated fleet served its cached code as real."""
    cache = VerifiedCache(tmp_path / "c.db")
    make_pipeline(fleet(["REF"], []), cache=cache).generate(GO)
    real = ScriptedModel("my_llama", [], price=0.0, tier="local", simulated=False)
    again = make_pipeline([real], cache=cache).generate(GO)
    assert (again.tier, again.cache_hit, again.simulated) == ("cache", True, True)
    assert real.prompts == []


def test_cached_answer_failing_revalidation_is_evicted(tmp_path: Path) -> None:
    """A stale cache entry is evicted, counted and the request regenerated."""
    cache = VerifiedCache(tmp_path / "c.db")
    pipeline = make_pipeline(fleet(["REF", "REF"], []), cache=cache)
    first = pipeline.generate(GO)
    registry = FakeRegistry()
    key = cache_key(GO, registry.content_hash(select_slice(GO, registry)))
    entry = cache.peek(key)
    assert entry is not None
    cache.put(replace(entry, code="stale"))
    again = pipeline.generate(GO)
    assert (again.tier, again.code) == ("local", first.code)
    assert pipeline.stats.cache_evictions == 1
    assert cache.stats().false_hits == 1


def test_similar_intent_reuses_the_cached_answer(tmp_path: Path) -> None:
    """An intent differing by one word of many hits the semantic cache."""
    words = "add constants for every http attribute with docs and enums please"
    first = GenerationRequest("go", "attributes", ("registry.http",), intent=words)
    second = GenerationRequest(
        "go", "attributes", ("registry.http",), intent=words.replace("please", "")
    )
    cache = VerifiedCache(tmp_path / "c.db")
    pipeline = make_pipeline(fleet(["REF"], ["REF"]), cache=cache)
    pipeline.generate(first)
    assert pipeline.generate(second).tier == "cache"
    assert cache.stats().semantic_hits == 1


def test_identical_requests_differ_only_in_spacing_share_a_key() -> None:
    """Group order and intent whitespace do not change the cache key."""
    one = GenerationRequest("go", "docs", ("a", "b"), intent="Add  Helpers")
    two = GenerationRequest("go", "docs", ("b", "a"), intent="add helpers ")
    assert cache_key(one, "h") == cache_key(two, "h")
    assert cache_key(one, "h") != cache_key(one, "other-content")


def test_cache_key_carries_the_prompt_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answers written under older naming rules are never looked up again."""
    request = GenerationRequest("go", "attributes", ("registry.http",))
    before = cache_key(request, "h")
    monkeypatch.setattr("weavergen.engine.pipeline.PROMPT_VERSION", "next")
    assert cache_key(request, "h") != before


def test_simulated_models_get_the_reference_and_real_ones_never() -> None:
    """Prompt.reference is set for simulated models only."""
    real = ScriptedModel("qwen3_local", ["bad"], tier="local", simulated=False)
    sim = ScriptedModel("claude_haiku", ["REF"], price=0.5)
    make_pipeline([real, sim]).generate(GO)
    assert real.prompts[0].reference is None
    assert sim.prompts[0].reference is not None
    assert "registry.http" in real.prompts[0].user


def test_hard_request_is_decided_by_a_passing_majority() -> None:
    """A consensus-band request serves the answer most voters agree on."""
    models = fleet(["REF"], ["REF"], ["bad"])
    models[3].answers.extend(["REF"])
    hard = GenerationRequest("go", "novel", "*", intent=" ".join(["w"] * 60))
    result = make_pipeline(models).generate(hard)
    assert (result.tier, result.served) == ("consensus", True)
    assert len(result.calls) == 4
    assert result.confidence == pytest.approx(0.9 * 0.75)


def test_bad_request_raises_before_any_call() -> None:
    """An unknown target never reaches a model."""
    models = fleet(["REF"], [])
    with pytest.raises(RequestError):
        make_pipeline(models).generate(GenerationRequest("cobol", "attributes"))
    assert not models[0].prompts


def test_unknown_explicit_model_is_refused_before_any_call() -> None:
    """`--model gtp4` was silently ignored; now it names the close match."""
    models = fleet(["REF"], [])
    pipeline = make_pipeline(models)
    request = replace(GO, explicit_models=("gtp4",))
    with pytest.raises(RequestError, match=r"unknown model 'gtp4' \(did you mean gpt4"):
        pipeline.generate(request)
    assert models[0].prompts == []


def test_generation_span_parents_its_model_call_spans() -> None:
    """One weavergen.generation span with tier and cost; calls are its children."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    result = make_pipeline(fleet(["bad"], ["REF"]), tracer=tracer).generate(GO)
    spans = {span.name: span for span in exporter.get_finished_spans()}
    calls = [s for s in exporter.get_finished_spans() if s.name == "gen_ai.chat"]
    generation = spans["weavergen.generation"]
    assert generation.attributes is not None
    assert generation.attributes["weavergen.tier"] == "cloud"
    assert generation.attributes["weavergen.cost_usd"] == result.cost_usd
    assert generation.attributes["weavergen.simulated"] is True
    assert len(calls) == 2
    assert all(c.parent is not None for c in calls)
    assert {c.parent.span_id for c in calls if c.parent} == {generation.context.span_id}
    assert result.trace_id == format(generation.context.trace_id, "032x")


class EstimatingModel(ScriptedModel):
    """Answers like a provider that reported no usage: tokens are guessed."""

    def complete(self, prompt: Prompt) -> Completion:
        answer = super().complete(prompt)
        return replace(answer, usage=Usage(100, 50, estimated=True))


def generation_attributes(models: list[ScriptedModel]) -> dict[str, Any]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    make_pipeline(models, tracer=provider.get_tracer("test")).generate(GO)
    spans = exporter.get_finished_spans()
    (generation,) = [s for s in spans if s.name == "weavergen.generation"]
    return dict(generation.attributes or {})


def test_generation_with_estimated_usage_says_so_on_its_span() -> None:
    """A call without provider usage marks the generation weavergen.estimated."""
    models = fleet([], [])
    models[0] = EstimatingModel("qwen3_local", ["REF"], price=0.01, tier="local")
    assert generation_attributes(models)["weavergen.estimated"] is True


def test_generation_with_reported_usage_is_not_estimated() -> None:
    """Usage the provider reported leaves weavergen.estimated false."""
    assert generation_attributes(fleet(["REF"], []))["weavergen.estimated"] is False


class GatedModel(ScriptedModel):
    """Holds its answer until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__("qwen3_local", ["REF"], price=0.01, tier="local")
        self.entered = threading.Event()
        self.gate = threading.Event()

    def complete(self, prompt: Prompt) -> Completion:
        self.entered.set()
        self.gate.wait(timeout=30)
        return super().complete(prompt)


def race(
    first: GenerationRequest, second: GenerationRequest
) -> tuple[GatedModel, SingleFlight[GenerationResult], list[GenerationResult]]:
    """Start ``second`` while ``first`` is inside its model call; both results."""
    model = GatedModel()
    flights: SingleFlight[GenerationResult] = SingleFlight()
    pipeline = make_pipeline([model], flights=flights)
    results: dict[int, GenerationResult] = {}
    one = threading.Thread(target=lambda: results.update({1: pipeline.generate(first)}))
    one.start()
    assert model.entered.wait(timeout=30)
    two = threading.Thread(
        target=lambda: results.update({2: pipeline.generate(second)})
    )
    two.start()
    while flights.shared == 0 and two.is_alive():
        time.sleep(0.01)
    model.gate.set()
    one.join(timeout=30)
    two.join(timeout=30)
    return model, flights, [results[1], results[2]]


def test_identical_concurrent_requests_make_one_model_call() -> None:
    """A second identical request waits for the first instead of calling again."""
    model, _, results = race(GO, GO)
    assert len(model.prompts) == 1
    assert [r.served for r in results] == [True, True]
    assert results[0] is results[1]


def test_concurrent_request_with_a_cap_does_not_share_an_uncapped_flight() -> None:
    """A budget-0 twin used to wait for, and be handed, the uncapped paid answer."""
    _, flights, (free, capped) = race(GO, replace(GO, budget_usd=0.0))
    assert (free.served, free.cost_usd > 0) == (True, True)
    assert (capped.served, capped.stopped_by) == (False, "budget")
    assert (capped.calls, flights.shared) == ([], 0)
