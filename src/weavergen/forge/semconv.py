"""The registry slices a template can ask for, by name.

Weaver selects what each template sees with JQ expressions; the common ones
(``semconv_grouped_attributes``, ``semconv_grouped_metrics`` ...) are helper
functions in its JQ library. WeaverGen names the same helpers in
``weaver.yaml`` and implements each as a Python function here, so a target
written for Weaver keeps its meaning without a JQ interpreter.

Every function takes the resolved groups and an options mapping:

- ``exclude_root_namespace``: list of root namespaces to leave out
  (the part of a name before the first dot; names without a dot belong to
  ``other``).
- ``exclude_stability``: list of stability levels to leave out;
  ``experimental`` also matches ``development``, as in the registry schema.
- ``exclude_deprecated``: leave out anything with a ``deprecated`` field.

Anything annotated ``code_generation: {exclude: true}`` is left out, as the
registry authors asked, unless ``keep_code_generation_excluded`` is true: the
annotation is about code, and reference pages still document such items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeGuard

Group = dict[str, Any]
Options = Mapping[str, Any]
SliceFunction = Callable[[list[Group], Options], Any]

_STABILITY_ALIASES = {"experimental": "development"}


def root_namespace(name: str) -> str:
    """The first segment of a dotted name, or ``other`` when it has none."""
    head, dot, _ = name.partition(".")
    return head if dot else "other"


def _normalised_stability(value: object) -> str:
    text = str(value or "development")
    return _STABILITY_ALIASES.get(text, text)


def is_mapping(value: object) -> TypeGuard[Mapping[str, Any]]:
    """``isinstance(value, Mapping)``, cheap for plain registry values.

    Templates ask this of every attribute and field; the ABC check behind
    ``isinstance(..., Mapping)`` costs a Python call each time, a type test
    on ``dict`` and the scalar types does not.
    """
    if isinstance(value, dict):
        return True
    if isinstance(value, str | int | float | list) or value is None:
        return False
    return isinstance(value, Mapping)


def code_generation_excluded(item: object) -> bool:
    """True when ``annotations.code_generation.exclude`` is set on the item."""
    if not is_mapping(item):
        return False
    annotations = item.get("annotations")
    if not annotations:
        return False
    generation = annotations.get("code_generation") if is_mapping(annotations) else None
    return is_mapping(generation) and bool(generation.get("exclude"))


def _keeper(options: Options) -> Callable[[Mapping[str, Any], str], bool]:
    """The test an item must pass to be kept, with ``options`` read once."""
    excluded_ns = set(options.get("exclude_root_namespace") or [])
    excluded = {
        _normalised_stability(s) for s in options.get("exclude_stability") or []
    }
    drop_deprecated = bool(options.get("exclude_deprecated"))
    honour_annotation = not options.get("keep_code_generation_excluded")

    def is_kept(item: Mapping[str, Any], name: str) -> bool:
        if honour_annotation and code_generation_excluded(item):
            return False
        if root_namespace(name) in excluded_ns:
            return False
        if _normalised_stability(item.get("stability")) in excluded:
            return False
        return not (drop_deprecated and item.get("deprecated"))

    return is_kept


def _registry_attribute_groups(groups: Iterable[Group]) -> list[Group]:
    return [
        group
        for group in groups
        if group.get("type") == "attribute_group"
        and str(group.get("id", "")).startswith("registry.")
    ]


def semconv_attributes(groups: list[Group], options: Options) -> list[dict[str, Any]]:
    """Every registry attribute (from ``registry.*`` groups) once, sorted by name.

    Each attribute dict gains ``group_id``: the registry group defining it.
    """
    is_kept = _keeper(options)
    by_name: dict[str, dict[str, Any]] = {}
    for group in _registry_attribute_groups(groups):
        for attribute in group.get("attributes") or []:
            name = str(attribute.get("name", ""))
            if name not in by_name and is_kept(attribute, name):
                by_name[name] = {**attribute, "group_id": group.get("id")}
    return [by_name[name] for name in sorted(by_name)]


def _definition_first(group: Group) -> tuple[bool, str]:
    is_definition = group.get("id") == f"metric.{group.get('metric_name')}"
    return (not is_definition, str(group.get("id")))


def semconv_metrics(groups: list[Group], options: Options) -> list[Group]:
    """Every metric once, sorted by metric name.

    Refinements (``metric_refinements`` in definition/2 files) resolve to
    more groups with the same ``metric_name``; the metric's own definition,
    the group whose id is ``metric.<metric_name>``, is the one kept, else
    the first by id.
    """
    metrics = [group for group in groups if group.get("type") == "metric"]
    chosen: dict[str, Group] = {}
    for group in sorted(metrics, key=_definition_first):
        chosen.setdefault(str(group.get("metric_name", "")), group)
    is_kept = _keeper(options)
    return [chosen[name] for name in sorted(chosen) if is_kept(chosen[name], name)]


def _group_by_namespace(
    items: list[dict[str, Any]], name_key: str, list_key: str, group_ids: list[str]
) -> list[dict[str, Any]]:
    buckets: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        buckets.setdefault(root_namespace(str(item.get(name_key, ""))), []).append(item)
    return [
        {
            "root_namespace": namespace,
            list_key: buckets[namespace],
            "group_ids": sorted(
                {str(item[k]) for item in buckets[namespace] for k in group_ids}
            ),
        }
        for namespace in sorted(buckets)
    ]


def semconv_grouped_attributes(
    groups: list[Group], options: Options
) -> list[dict[str, Any]]:
    """Registry attributes by root namespace: ``root_namespace``, ``attributes``."""
    attributes = semconv_attributes(groups, options)
    return _group_by_namespace(attributes, "name", "attributes", ["group_id"])


def semconv_grouped_metrics(
    groups: list[Group], options: Options
) -> list[dict[str, Any]]:
    """Metric groups bucketed by root namespace: ``root_namespace``, ``metrics``."""
    metrics = semconv_metrics(groups, options)
    return _group_by_namespace(metrics, "metric_name", "metrics", ["id"])


def semconv_signal(kind: str) -> SliceFunction:
    """A slice of every group of one ``type`` (span, event, entity ...), by id."""

    def select(groups: list[Group], options: Options) -> list[Group]:
        is_kept = _keeper(options)
        chosen = [
            group
            for group in groups
            if group.get("type") == kind and is_kept(group, str(group.get("id", "")))
        ]
        return sorted(chosen, key=lambda group: str(group.get("id", "")))

    return select


def _signal_name(group: Group) -> str:
    """The dotted name a span or event is filed under (its id without kind)."""
    if group.get("name"):
        return str(group["name"])
    kind, _, rest = str(group.get("id", "")).partition(".")
    return rest if kind == group.get("type") and rest else str(group.get("id", ""))


def semconv_grouped_signals(
    groups: list[Group], options: Options
) -> list[dict[str, Any]]:
    """Every root namespace with its attributes, metrics, spans and events.

    A documentation page per namespace needs all four at once; a namespace
    with only metrics (a user's registry of counters) still gets its entry.
    Spans and events are filed by their id without the ``span.``/``event.``
    prefix (events by ``name`` when set), so ``span.http.client`` is ``http``.
    """
    kinds: dict[str, list[dict[str, Any]]] = {
        "attributes": semconv_grouped_attributes(groups, options),
        "metrics": semconv_grouped_metrics(groups, options),
    }
    for kind in ("span", "event"):
        named = [
            {**group, "signal_name": _signal_name(group)}
            for group in semconv_signal(kind)(groups, options)
        ]
        kinds[f"{kind}s"] = _group_by_namespace(named, "signal_name", f"{kind}s", [])
    return _merge_namespaces(kinds)


def _merge_namespaces(
    kinds: dict[str, list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for list_key, buckets in kinds.items():
        for bucket in buckets:
            namespace = bucket["root_namespace"]
            entry = merged.setdefault(
                namespace, {"root_namespace": namespace, **{k: [] for k in kinds}}
            )
            entry[list_key] = bucket[list_key]
    return [merged[namespace] for namespace in sorted(merged)]


def whole_registry(groups: list[Group], options: Options) -> dict[str, Any]:
    """Weaver's ``.``: the registry itself, as ``{"groups": [...]}``."""
    del options
    return {"groups": groups}


SLICES: dict[str, SliceFunction] = {
    ".": whole_registry,
    "semconv_attributes": semconv_attributes,
    "semconv_grouped_attributes": semconv_grouped_attributes,
    "semconv_metrics": semconv_metrics,
    "semconv_grouped_metrics": semconv_grouped_metrics,
    "semconv_grouped_signals": semconv_grouped_signals,
    "semconv_spans": semconv_signal("span"),
    "semconv_events": semconv_signal("event"),
    "semconv_entities": semconv_signal("entity"),
}
