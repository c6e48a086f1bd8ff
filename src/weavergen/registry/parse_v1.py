"""Read the classic `groups:` file format into `GroupSpec`s.

Also holds the attribute-entry reader shared with the `definition/2` format,
since both end as the same `AttrSpec`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from weavergen.registry.body import read_body
from weavergen.registry.fields import FieldReader, describe
from weavergen.registry.problems import ProblemLog, Where
from weavergen.registry.spec import ATTRIBUTE_FIELDS, GROUP_FIELDS, AttrSpec, GroupSpec

GROUP_TYPES = (
    "attribute_group",
    "span",
    "event",
    "metric",
    "metric_group",
    "entity",
    "resource",
    "scope",
)
GROUP_KEYS = frozenset(GROUP_FIELDS) | {"extends"}
REF_KEYS = (frozenset(ATTRIBUTE_FIELDS) - {"name", "type", "tags", "value"}) | {"ref"}
ID_KEYS = (REF_KEYS - {"ref", "prefix"}) | {"id", "type"}
SPAN_KINDS = ("client", "server", "producer", "consumer", "internal")
INSTRUMENTS = ("counter", "updowncounter", "gauge", "histogram")
ROLES = ("identifying", "descriptive")


def read_v1_groups(
    data: dict[str, Any], where: Where, log: ProblemLog
) -> list[GroupSpec]:
    """Read every entry of a file's `groups` list."""
    groups = FieldReader(log, where, None).sequence(data.get("groups"), "groups")
    entries = enumerate(groups or [])
    read = [_read_group(g, where.at("groups", i), log) for i, g in entries]
    return [g for g in read if g is not None]


def _read_group(raw: Any, where: Where, log: ProblemLog) -> GroupSpec | None:
    group_id = raw.get("id") if isinstance(raw, dict) else None
    reader = FieldReader(log, where, group_id if isinstance(group_id, str) else None)
    data = reader.mapping(raw, "a group")
    if data is None:
        return None
    reader.unknown(data, GROUP_KEYS, "a group")
    gid = reader.string(data, "id", required=True)
    gtype = reader.choice(data, "type", GROUP_TYPES, required=True)
    fields = _group_fields(reader, data)
    attrs = read_attribute_list(data.get("attributes"), where.at("attributes"), reader)
    if gid is None:
        return None
    spec = GroupSpec(
        id=gid,
        type="entity" if gtype == "resource" else gtype or "undefined",
        fields=fields,
        attributes=attrs,
        where=where,
        extends=reader.string(data, "extends"),
    )
    _check_group_rules(spec, reader, data)
    return spec


def _group_fields(reader: FieldReader, data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "brief": reader.string(data, "brief", required=True) or "",
        "note": reader.string(data, "note") or "",
        "prefix": reader.string(data, "prefix") or "",
        "stability": reader.stability(data),
        "deprecated": reader.deprecated(data),
        "span_kind": reader.choice(data, "span_kind", SPAN_KINDS),
        "events": reader.string_list(data, "events"),
        "metric_name": reader.string(data, "metric_name"),
        "instrument": reader.choice(data, "instrument", INSTRUMENTS),
        "unit": reader.string(data, "unit"),
        "name": reader.string(data, "name"),
        "display_name": reader.string(data, "display_name"),
        "body": read_body(reader, data),
        "annotations": reader.annotations(data),
        "entity_associations": _entity_associations(reader, data),
    }
    return fields


def _entity_associations(reader: FieldReader, data: dict[str, Any]) -> list[Any]:
    value = data.get("entity_associations")
    if value is None:
        return []
    if isinstance(value, list):
        return value
    reader.problem(
        f"field 'entity_associations' must be a list, got {describe(value)}",
        "entity_associations",
        code="type",
    )
    return []


def _check_group_rules(
    spec: GroupSpec, reader: FieldReader, data: dict[str, Any]
) -> None:
    """Apply the schema's cross-field rules (what each group type needs)."""
    fields = spec.fields
    if spec.type == "span" and data.get("span_kind") is None:
        reader.problem(
            "a span group needs 'span_kind' (one of client, server, producer, "
            "consumer, internal)",
            code="missing",
        )
    if spec.type == "metric":
        for key in ("metric_name", "instrument", "unit"):
            if data.get(key) is None:
                reader.problem(f"a metric group needs '{key}'", code="missing")
    if spec.type == "event" and not (fields["name"] or fields["prefix"]):
        reader.problem("an event group needs 'name' (the event name)", code="missing")
    if spec.type != "span" and fields["span_kind"] is not None:
        reader.problem("'span_kind' is only allowed on span groups", "span_kind")
    if (
        spec.type not in ("attribute_group", "undefined")
        and data.get("stability") is None
    ):
        reader.problem(
            f"a {spec.type} group needs 'stability' (e.g. stable, development)",
            code="missing",
        )
    if (
        spec.type not in ("metric", "event")
        and not spec.extends
        and not spec.attributes
    ):
        reader.problem(
            "this group has neither 'attributes' nor 'extends'", code="missing"
        )


def read_attribute_list(raw: Any, where: Where, group: FieldReader) -> list[AttrSpec]:
    """Read a group's `attributes` list (v1 entries: `id` or `ref`)."""
    raw = group.sequence(raw, "attributes")
    if raw is None:
        return []
    read = [_read_attribute(a, where.at(i), group) for i, a in enumerate(raw)]
    specs = [a for a in read if a is not None]
    _report_repeats(specs, group)
    return specs


def _read_attribute(raw: Any, where: Where, group: FieldReader) -> AttrSpec | None:
    reader = FieldReader(group.log, where, group.group_id)
    data = reader.mapping(raw, "an attribute entry")
    if data is None:
        return None
    if "ref" in data:
        reader.unknown(data, REF_KEYS, "an attribute reference")
        key = reader.string(data, "ref", required=True)
        fields = read_overrides(reader, data)
        prefix = bool(reader.boolean(data, "prefix"))
        return None if key is None else AttrSpec(key, True, fields, where, prefix)
    reader.unknown(data, ID_KEYS, "an attribute definition")
    key = reader.string(data, "id", required=True)
    fields = read_definition(reader, data)
    return None if key is None else AttrSpec(key, False, fields, where)


_OVERRIDE_READERS: dict[str, Callable[[FieldReader, dict[str, Any]], Any]] = {
    "brief": lambda r, d: r.string(d, "brief"),
    "examples": FieldReader.examples,
    "tag": lambda r, d: r.string(d, "tag"),
    "requirement_level": FieldReader.requirement_level,
    "sampling_relevant": lambda r, d: r.boolean(d, "sampling_relevant"),
    "note": lambda r, d: r.string(d, "note"),
    "stability": FieldReader.stability,
    "deprecated": FieldReader.deprecated,
    "annotations": FieldReader.annotations,
    "role": lambda r, d: r.choice(d, "role", ROLES),
}


def read_overrides(reader: FieldReader, data: dict[str, Any]) -> dict[str, Any]:
    """Read the fields an attribute entry sets, leaving out the ones it does not."""
    values = {}
    # Only the keys present are read: most entries set two or three fields.
    for key in data:
        read = _OVERRIDE_READERS.get(key)
        value = read(reader, data) if read is not None else None
        if value is not None:
            values[key] = value
    return values


def read_definition(reader: FieldReader, data: dict[str, Any]) -> dict[str, Any]:
    """Read an attribute definition, filling Weaver's defaults."""
    fields = read_overrides(reader, data)
    fields["type"] = reader.attribute_type(data)
    if data.get("brief") is None and data.get("deprecated") is None:
        reader.problem(
            "an attribute that is not deprecated needs 'brief'", code="missing"
        )
    if data.get("stability") is None:
        reader.problem(
            "missing field 'stability' (e.g. stable, development)",
            code="missing_stability",
            severity="warning",
        )
    fields.setdefault("brief", "")
    fields.setdefault("requirement_level", "recommended")
    fields.setdefault("note", "")
    reader.check_examples(fields)
    return fields


def _report_repeats(specs: list[AttrSpec], group: FieldReader) -> None:
    seen: set[str] = set()
    for spec in specs:
        if spec.key in seen:
            group.log.add(
                f"attribute '{spec.key}' is listed more than once in this group",
                spec.where,
                group.group_id,
                code="duplicate_attribute_ref",
            )
        seen.add(spec.key)
