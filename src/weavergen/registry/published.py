"""Read a published registry (Weaver's `resolved/2.0` file) as a dependency.

A published registry is already resolved: an attribute catalog, and signals
whose attributes point into it with a requirement level. This module turns
it into what a dependent registry needs: attributes to `ref`, signals to
refine, and groups to import, all in the resolved group form. The quirks
follow Weaver so results compare equal: an attribute looked up by `ref` is
`required` unless the referencing group says otherwise, and every imported
attribute and group carries its (possibly empty) `annotations`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from weavergen.registry.exclusion import is_excluded
from weavergen.registry.fields import FieldReader
from weavergen.registry.problems import ProblemLog, Where
from weavergen.registry.resolve import attribute_output
from weavergen.registry.spec import AttrSpec, GroupSpec

_SIGNALS = (
    ("metrics", "metric", "name"),
    ("events", "event", "name"),
    ("entities", "entity", "type"),
    ("spans", "span", "type"),
    ("attribute_groups", "attribute_group", "id"),
)


@dataclass
class Importable:
    """A group a dependency offers to `imports`, with the names it matches by."""

    kind: str
    names: tuple[str, ...]
    group: dict[str, Any]
    excluded: bool


@dataclass
class DependencyView:
    """What one dependency offers: attributes, refinable signals, importable groups."""

    schema_url: str
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    signals: dict[str, GroupSpec] = field(default_factory=dict)
    importable: list[Importable] = field(default_factory=list)


def read_published(data: Any, where: Where, log: ProblemLog) -> DependencyView | None:
    """Read a parsed `resolved/2.0` document into a `DependencyView`."""
    reader = FieldReader(log, where, None)
    document = reader.mapping(data, "a published (resolved/2.0) registry")
    if document is None:
        return None
    catalog = document.get("attribute_catalog") or []
    registry = document.get("registry") or {}
    if not isinstance(catalog, list) or not isinstance(registry, dict):
        reader.problem(
            "a published registry needs 'attribute_catalog' (a list) and "
            "'registry' (a mapping)",
            code="type",
        )
        return None
    view = DependencyView(schema_url=str(document.get("schema_url", "")))
    _read_registry_attributes(view, catalog, registry.get("attributes") or [])
    for section, kind, key in _SIGNALS:
        for signal in registry.get(section) or []:
            if isinstance(signal, dict) and isinstance(signal.get(key), str):
                _add_signal(
                    view, catalog, signal, kind=kind, name=signal[key], where=where
                )
    return view


def _catalog_entry(catalog: list[Any], index: Any) -> dict[str, Any] | None:
    if isinstance(index, int) and 0 <= index < len(catalog):
        entry = catalog[index]
        return entry if isinstance(entry, dict) else None
    return None


def _read_registry_attributes(
    view: DependencyView, catalog: list[Any], indexes: list[Any]
) -> None:
    for index in indexes:
        entry = _catalog_entry(catalog, index)
        if entry is not None and isinstance(entry.get("key"), str):
            view.attributes[entry["key"]] = _attribute(entry, "required", None)


def _attribute(entry: dict[str, Any], level: Any, role: str | None) -> dict[str, Any]:
    fields = {
        "type": entry.get("type"),
        "brief": entry.get("brief", ""),
        "examples": entry.get("examples"),
        "requirement_level": level or "recommended",
        "note": entry.get("note", ""),
        "stability": entry.get("stability"),
        "deprecated": entry.get("deprecated"),
        "annotations": entry.get("annotations") or {},
        "role": role,
    }
    return attribute_output(str(entry["key"]), fields)


def _signal_attributes(
    catalog: list[Any], signal: dict[str, Any], kind: str
) -> list[dict[str, Any]]:
    lists = (
        [("identity", "identifying"), ("description", "descriptive")]
        if kind == "entity"
        else [("attributes", None)]
    )
    out = []
    for key, role in lists:
        for ref in signal.get(key) or []:
            entry = _catalog_entry(
                catalog, ref.get("base") if isinstance(ref, dict) else None
            )
            if entry is not None and isinstance(entry.get("key"), str):
                out.append(_attribute(entry, ref.get("requirement_level"), role))
    return out


def _add_signal(
    view: DependencyView,
    catalog: list[Any],
    signal: dict[str, Any],
    *,
    kind: str,
    name: str,
    where: Where,
) -> None:
    attrs = _signal_attributes(catalog, signal, kind)
    group = _group(signal, kind, name, attrs)
    excluded = is_excluded(signal.get("annotations"))
    view.importable.append(Importable(kind, (name,), group, excluded))
    if kind != "attribute_group":
        view.signals[name] = _summary(group, attrs, signal, where)


def _group(
    signal: dict[str, Any], kind: str, name: str, attrs: list[dict[str, Any]]
) -> dict[str, Any]:
    group: dict[str, Any] = {
        "id": name,
        "type": kind,
        "brief": signal.get("brief", ""),
        "note": signal.get("note", ""),
        "stability": signal.get("stability"),
        "deprecated": signal.get("deprecated"),
        "attributes": sorted(attrs, key=lambda a: a["name"]),
        "span_kind": signal.get("kind") if kind == "span" else None,
        "metric_name": name if kind == "metric" else None,
        "instrument": signal.get("instrument"),
        "unit": signal.get("unit"),
        "name": name if kind in ("event", "entity", "span") else None,
        "annotations": signal.get("annotations") or {},
        "entity_associations": signal.get("entity_associations") or [],
    }
    return {k: v for k, v in group.items() if v not in (None, "", [])}


def _summary(
    group: dict[str, Any],
    attrs: list[dict[str, Any]],
    signal: dict[str, Any],
    where: Where,
) -> GroupSpec:
    specs = [
        AttrSpec(a["name"], False, {k: v for k, v in a.items() if k != "name"}, where)
        for a in attrs
    ]
    fields = {k: v for k, v in group.items() if k not in ("id", "type", "attributes")}
    return GroupSpec(
        id=group["id"],
        type=group["type"],
        fields=fields,
        attributes=specs,
        where=where,
        is_v2=True,
        signal_requirement_level=signal.get("requirement_level"),
    )
