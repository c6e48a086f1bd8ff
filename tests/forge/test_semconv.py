"""The named registry slices select and group like Weaver's JQ helpers."""

from __future__ import annotations

from typing import Any

from weavergen.forge.semconv import (
    SLICES,
    root_namespace,
    semconv_attributes,
    semconv_grouped_attributes,
    semconv_grouped_metrics,
    semconv_grouped_signals,
    semconv_metrics,
)


def test_root_namespace_of_undotted_name_is_other() -> None:
    """A name without a dot belongs to the ``other`` namespace."""
    assert root_namespace("state") == "other"
    assert root_namespace("gen_ai.request.model") == "gen_ai"


def test_grouped_attributes_come_from_registry_groups_only(
    small_registry: dict[str, Any],
) -> None:
    """Span groups do not add attributes; each namespace lists its names sorted."""
    grouped = semconv_grouped_attributes(small_registry["groups"], {})
    assert [g["root_namespace"] for g in grouped] == ["http", "k8s"]
    names = [a["name"] for a in grouped[0]["attributes"]]
    assert names == ["http.old", "http.request.header", "http.request.method"]
    assert grouped[0]["group_ids"] == ["registry.http"]


def test_exclusions_by_namespace_stability_and_deprecation(
    small_registry: dict[str, Any],
) -> None:
    """Each option removes exactly what it names."""
    groups = small_registry["groups"]
    no_k8s = semconv_grouped_attributes(groups, {"exclude_root_namespace": ["k8s"]})
    assert [g["root_namespace"] for g in no_k8s] == ["http"]
    stable = semconv_attributes(groups, {"exclude_stability": ["experimental"]})
    assert [a["name"] for a in stable] == ["http.request.header", "http.request.method"]
    current = semconv_attributes(groups, {"exclude_deprecated": True})
    assert "http.old" not in [a["name"] for a in current]


def test_code_generation_exclude_annotation_is_honoured() -> None:
    """An attribute annotated ``code_generation.exclude`` never reaches a template."""
    hidden = {
        "name": "x.hidden",
        "annotations": {"code_generation": {"exclude": True}},
    }
    groups = [{"id": "registry.x", "type": "attribute_group", "attributes": [hidden]}]
    assert semconv_attributes(groups, {}) == []


def test_grouped_metrics_sorted_by_metric_name(small_registry: dict[str, Any]) -> None:
    """Metrics bucket by the root namespace of ``metric_name``."""
    grouped = semconv_grouped_metrics(small_registry["groups"], {})
    assert len(grouped) == 1
    assert grouped[0]["root_namespace"] == "k8s"
    names = [m["metric_name"] for m in grouped[0]["metrics"]]
    assert names == ["k8s.job.duration", "k8s.pod.count"]
    assert grouped[0]["group_ids"] == [
        "metric.k8s.job.duration",
        "metric.k8s.pod.count",
    ]


def test_signal_slices_and_whole_registry(small_registry: dict[str, Any]) -> None:
    """``semconv_spans`` lists span groups; ``.`` hands over the registry."""
    groups = small_registry["groups"]
    assert [g["id"] for g in SLICES["semconv_spans"](groups, {})] == [
        "span.http.client"
    ]
    assert SLICES["."](groups, {}) == {"groups": groups}


def test_metric_refinements_keep_the_definition() -> None:
    """Of groups sharing a metric_name, ``metric.<name>`` wins over refinements."""
    groups = [
        {"id": "metric.hw.cpu.errors", "type": "metric", "metric_name": "hw.errors"},
        {"id": "metric.hw.errors", "type": "metric", "metric_name": "hw.errors"},
        {"id": "metric.hw.x.y", "type": "metric", "metric_name": "hw.z"},
        {"id": "metric.hw.a.y", "type": "metric", "metric_name": "hw.z"},
    ]
    chosen = [g["id"] for g in semconv_metrics(groups, {})]
    assert chosen == ["metric.hw.errors", "metric.hw.a.y"]


def test_grouped_signals_merge_every_kind_by_namespace() -> None:
    """Attributes, metrics, spans and events meet under one namespace entry."""
    groups = [
        {
            "id": "registry.a",
            "type": "attribute_group",
            "attributes": [{"name": "a.x"}],
        },
        {"id": "metric.b.count", "type": "metric", "metric_name": "b.count"},
        {"id": "span.a.call", "type": "span"},
        {"id": "event.a.done", "type": "event", "name": "a.done"},
    ]
    merged = semconv_grouped_signals(groups, {})
    assert [entry["root_namespace"] for entry in merged] == ["a", "b"]
    assert [a["name"] for a in merged[0]["attributes"]] == ["a.x"]
    assert [s["signal_name"] for s in merged[0]["spans"]] == ["a.call"]
    assert [e["signal_name"] for e in merged[0]["events"]] == ["a.done"]
    assert merged[0]["metrics"] == []
    assert [m["metric_name"] for m in merged[1]["metrics"]] == ["b.count"]
    assert merged[1]["attributes"] == merged[1]["spans"] == []


def test_keep_code_generation_excluded_keeps_annotated_metrics() -> None:
    """Docs may keep what the ``code_generation.exclude`` annotation drops."""
    metric = {
        "id": "metric.c.old",
        "type": "metric",
        "metric_name": "c.old",
        "annotations": {"code_generation": {"exclude": True}},
    }
    assert semconv_metrics([metric], {}) == []
    kept = semconv_metrics([metric], {"keep_code_generation_excluded": True})
    assert kept == [metric]
