"""Read what validation needs out of resolved registry groups.

Validation, ground-truth rendering and the cache all look at the same few
things in a slice: its attributes (deduplicated by key, since one key appears
in many groups), their enum members, its metrics, and a content hash that
says whether two slices are the same. They are read here once, in one
deterministic order, so every consumer agrees on them.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from weavergen.errors import RequestError

Scalar = str | int | float | bool
_HASHES_KEPT = 64
_HASHES: OrderedDict[int, tuple[Sequence[Mapping[str, Any]], str]] = OrderedDict()
_HASH_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Member:
    """One enum member of an attribute: its id and its value.

    ``generated`` is False when the registry excludes the member from code
    generation (``annotations.code_generation.exclude``).
    """

    id: str
    value: Scalar
    brief: str = ""
    generated: bool = True


@dataclass(frozen=True, slots=True)
class Attribute:
    """One attribute of a slice, by key; ``members`` is empty unless an enum."""

    key: str
    type_label: str
    brief: str = ""
    members: tuple[Member, ...] = ()
    generated: bool = True


@dataclass(frozen=True, slots=True)
class Metric:
    """One metric group of a slice: name, unit and instrument."""

    name: str
    instrument: str
    unit: str | None
    brief: str = ""
    generated: bool = True


@dataclass(frozen=True, slots=True)
class SliceView:
    """The attributes (sorted by key) and metrics (sorted by name) of a slice."""

    attributes: tuple[Attribute, ...]
    metrics: tuple[Metric, ...]
    group_ids: tuple[str, ...]


def slice_hash(groups: Sequence[Mapping[str, Any]]) -> str:
    """Hash a slice's content so equal slices share cache and memo entries.

    Resolved groups are never changed in place, so the hash of the same list
    object is remembered: hashing the whole registry takes a quarter second,
    and the simulator validates against the same slice thousands of times.
    """
    with _HASH_LOCK:
        known = _HASHES.get(id(groups))
        if known is not None and known[0] is groups:
            return known[1]
    text = json.dumps(list(groups), sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256(text.encode()).hexdigest()
    with _HASH_LOCK:
        # Holding the list keeps its id from being reused while remembered.
        _HASHES[id(groups)] = (groups, digest)
        while len(_HASHES) > _HASHES_KEPT:
            _HASHES.popitem(last=False)
    return digest


def read_slice(groups: Sequence[Mapping[str, Any]]) -> SliceView:
    """Collect the attributes and metrics of resolved groups, deduplicated."""
    attributes: dict[str, Attribute] = {}
    metrics: dict[str, Metric] = {}
    group_ids: list[str] = []
    for index, group in enumerate(groups):
        group_id = _group_id(group, index)
        group_ids.append(group_id)
        for attribute in _group_attributes(group, group_id):
            attributes.setdefault(attribute.key, attribute)
        metric = _group_metric(group, group_id)
        if metric is not None:
            metrics.setdefault(metric.name, metric)
    return SliceView(
        attributes=tuple(attributes[key] for key in sorted(attributes)),
        metrics=tuple(metrics[name] for name in sorted(metrics)),
        group_ids=tuple(group_ids),
    )


def _group_id(group: Mapping[str, Any], index: int) -> str:
    if not isinstance(group, Mapping):
        raise RequestError(
            f"group #{index} is a {type(group).__name__}; expected a resolved "
            "group dict"
        )
    return str(group.get("id", f"#{index}"))


def _group_attributes(group: Mapping[str, Any], group_id: str) -> list[Attribute]:
    raw = group.get("attributes") or []
    if not isinstance(raw, list):
        raise RequestError(f"group {group_id}: 'attributes' must be a list")
    return [_read_attribute(item, group_id, pos) for pos, item in enumerate(raw)]


def _read_attribute(item: Any, group_id: str, pos: int) -> Attribute:
    if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
        raise RequestError(
            f"group {group_id}: attribute #{pos} is {item!r:.60}; expected an "
            "inline attribute dict with a 'name' (Weaver's resolved form)"
        )
    key = item["name"]
    kind = item.get("type", "string")
    brief = _one_line(item.get("brief"))
    generated = _generated(item)
    if isinstance(kind, Mapping):
        members = _read_members(kind.get("members"), group_id, key)
        return Attribute(key, "enum", brief, members, generated)
    return Attribute(key, str(kind), brief, generated=generated)


def _read_members(raw: Any, group_id: str, key: str) -> tuple[Member, ...]:
    if not isinstance(raw, list):
        raise RequestError(
            f"group {group_id}: enum attribute {key} has no 'members' list"
        )
    members = []
    for pos, item in enumerate(raw):
        if not isinstance(item, Mapping) or "value" not in item:
            raise RequestError(
                f"group {group_id}: member #{pos} of {key} needs 'id' and 'value'"
            )
        value = item["value"]
        if not isinstance(value, str | int | float):
            value = str(value)
        member_id = str(item.get("id", value))
        brief = _one_line(item.get("brief"))
        members.append(Member(member_id, value, brief, _generated(item)))
    return tuple(members)


def _group_metric(group: Mapping[str, Any], group_id: str) -> Metric | None:
    name = group.get("metric_name")
    if group.get("type") != "metric" or not name:
        return None
    instrument = group.get("instrument")
    if not isinstance(instrument, str):
        raise RequestError(f"group {group_id}: metric {name} has no 'instrument'")
    unit = group.get("unit")
    return Metric(
        name=str(name),
        instrument=instrument,
        unit=None if unit is None else str(unit),
        brief=_one_line(group.get("brief")),
        generated=_generated(group),
    )


def _generated(item: Mapping[str, Any]) -> bool:
    """False when the registry excludes ``item`` from code generation."""
    annotations = item.get("annotations")
    if not isinstance(annotations, Mapping):
        return True
    generation = annotations.get("code_generation")
    return not (isinstance(generation, Mapping) and generation.get("exclude"))


def _one_line(text: Any) -> str:
    return " ".join(str(text or "").split())
