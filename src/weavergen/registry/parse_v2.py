"""Read `file_format: definition/2` files into the same `GroupSpec`s as v1.

The mapping follows Weaver: file-level `attributes` become one synthetic
attribute group `registry.<file path>`; metrics, spans, events and entities
become groups `metric.<name>`, `span.<type>`, `event.<name>`,
`entity.<type>`; refinements become groups that extend what they refine;
`ref_group` entries become included groups.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from weavergen.registry.fields import FieldReader, describe
from weavergen.registry.parse_v1 import INSTRUMENTS, SPAN_KINDS, read_overrides
from weavergen.registry.problems import ProblemLog, Where
from weavergen.registry.spec import AttrSpec, GroupSpec

COMMON_KEYS = frozenset({"brief", "note", "stability", "deprecated", "annotations"})
REFINE_KEYS = COMMON_KEYS | {"id", "ref", "attributes", "entity_associations"}
SIGNAL_KEYS = COMMON_KEYS | {"attributes", "entity_associations", "requirement_level"}
ATTR_DEF_KEYS = COMMON_KEYS | {"key", "type", "examples"}
ATTR_REF_KEYS = COMMON_KEYS | {"ref", "examples", "requirement_level"}
SIGNAL_LEVELS = ("recommended", "opt_in")
SECTIONS = (
    "attributes",
    "entities",
    "events",
    "metrics",
    "spans",
    "attribute_groups",
    "entity_refinements",
    "event_refinements",
    "metric_refinements",
    "span_refinements",
)
FILE_KEYS = frozenset(SECTIONS) | {"imports", "file_format", "version"}

Reader = Callable[[dict[str, Any], FieldReader], GroupSpec | None]


def read_v2_groups(
    data: dict[str, Any], where: Where, log: ProblemLog, file_name: str
) -> list[GroupSpec]:
    """Read every section of a v2 file, in Weaver's order."""
    FieldReader(log, where, None).unknown(data, FILE_KEYS, "a definition/2 file")
    groups: list[GroupSpec] = []
    synthetic = _synthetic_group(data, where, log, file_name)
    if synthetic is not None:
        groups.append(synthetic)
    for section, reader in _SECTION_READERS.items():
        groups.extend(_read_section(data, section, where, log, reader))
    return groups


def _read_section(
    data: dict[str, Any], section: str, where: Where, log: ProblemLog, read: Reader
) -> list[GroupSpec]:
    entries = FieldReader(log, where, None).sequence(data.get(section), section)
    out: list[GroupSpec] = []
    for index, raw in enumerate(entries or []):
        entry_where = where.at(section, index)
        reader = FieldReader(log, entry_where, _entry_id(raw, section))
        entry = reader.mapping(raw, f"an entry of '{section}'")
        spec = read(entry, reader) if entry is not None else None
        if spec is not None:
            out.append(spec)
    return out


_ID_FIELDS = {
    "metrics": ("name", "metric."),
    "spans": ("type", "span."),
    "events": ("name", "event."),
    "entities": ("type", "entity."),
}


def _entry_id(raw: Any, section: str) -> str | None:
    if not isinstance(raw, dict):
        return None
    key, prefix = _ID_FIELDS.get(section, ("id", ""))
    value = raw.get(key)
    return f"{prefix}{value}" if isinstance(value, str) else None


def _synthetic_group(
    data: dict[str, Any], where: Where, log: ProblemLog, file_name: str
) -> GroupSpec | None:
    raw = data.get("attributes")
    if not raw:
        return None
    group_id = f"registry.{file_name}"
    reader = FieldReader(log, where, group_id)
    if not isinstance(raw, list):
        reader.problem(
            f"'attributes' must be a list, got {describe(raw)}", "attributes"
        )
        return None
    attrs = [_attr_def(a, where.at("attributes", i), reader) for i, a in enumerate(raw)]
    return GroupSpec(
        id=group_id,
        type="attribute_group",
        fields=_fields(brief="<synthetic v2>"),
        attributes=[a for a in attrs if a is not None],
        where=where.at("attributes"),
        is_v2=True,
    )


def _attr_def(raw: Any, where: Where, group: FieldReader) -> AttrSpec | None:
    reader = FieldReader(group.log, where, group.group_id)
    data = reader.mapping(raw, "an attribute")
    if data is None:
        return None
    reader.unknown(data, ATTR_DEF_KEYS, "an attribute")
    key = reader.string(data, "key", required=True)
    fields: dict[str, Any] = {
        "type": reader.attribute_type(data),
        "brief": reader.string(data, "brief", required=True) or "",
        "requirement_level": "recommended",
        "note": reader.string(data, "note") or "",
        "stability": reader.stability(data),
    }
    _require_stability(reader, data)
    extras = {
        "examples": reader.examples(data),
        "deprecated": reader.deprecated(data),
        "annotations": reader.annotations(data) or None,
    }
    fields.update({k: v for k, v in extras.items() if v is not None})
    reader.check_examples(fields)
    return None if key is None else AttrSpec(key, False, fields, where)


def _require_stability(reader: FieldReader, data: dict[str, Any]) -> None:
    if data.get("stability") is None:
        reader.problem("missing required field 'stability'", code="missing")


def _attr_refs(
    raw: Any, where: Where, group: FieldReader, *, extra: frozenset[str] = frozenset()
) -> tuple[list[AttrSpec], list[str]]:
    """Read a v2 `attributes` list of `ref` and `ref_group` entries."""
    raw = group.sequence(raw, "attributes")
    if raw is None:
        return [], []
    attrs: list[AttrSpec] = []
    includes: list[str] = []
    for index, entry in enumerate(raw):
        reader = FieldReader(group.log, where.at(index), group.group_id)
        data = reader.mapping(entry, "an attribute reference")
        if data is not None and "ref_group" in data:
            reader.unknown(data, frozenset({"ref_group"}), "a group reference")
            included = reader.string(data, "ref_group", required=True)
            includes.extend([included] if included else [])
        elif data is not None:
            attrs.extend(_one_ref(data, reader, extra))
    return attrs, includes


def _one_ref(
    data: dict[str, Any], reader: FieldReader, extra: frozenset[str], role: str = ""
) -> list[AttrSpec]:
    reader.unknown(data, ATTR_REF_KEYS | extra, "an attribute reference")
    key = reader.string(data, "ref", required=True)
    fields = read_overrides(reader, data)
    if role:
        fields["role"] = role
    return [] if key is None else [AttrSpec(key, True, fields, reader.where)]


def _common(
    reader: FieldReader, data: dict[str, Any], *, required: bool
) -> dict[str, Any]:
    if required:
        reader.string(data, "brief", required=True)
        _require_stability(reader, data)
    return _fields(
        brief=reader.string(data, "brief") or "",
        note=reader.string(data, "note") or "",
        stability=reader.stability(data),
        deprecated=reader.deprecated(data),
        annotations=reader.annotations(data) or None,
    )


def _fields(**values: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "brief": "",
        "note": "",
        "prefix": "",
        "stability": None,
        "deprecated": None,
        "span_kind": None,
        "events": [],
        "metric_name": None,
        "instrument": None,
        "unit": None,
        "name": None,
        "display_name": None,
        "body": None,
        "annotations": None,
        "entity_associations": [],
    }
    fields.update(values)
    return fields


def _signal(
    data: dict[str, Any],
    reader: FieldReader,
    *,
    group_type: str,
    group_id: str | None,
    extra: dict[str, Any],
    extends: str | None = None,
    ref_extra: frozenset[str] = frozenset(),
) -> GroupSpec | None:
    refinement = extends is not None
    fields = _common(reader, data, required=not refinement)
    fields.update(extra)
    fields["entity_associations"] = _associations(reader, data)
    attrs, includes = _attr_refs(
        data.get("attributes"), reader.where.at("attributes"), reader, extra=ref_extra
    )
    level = (
        None if refinement else reader.choice(data, "requirement_level", SIGNAL_LEVELS)
    )
    if group_id is None:
        return None
    return GroupSpec(
        id=group_id,
        type=group_type,
        fields=fields,
        attributes=attrs,
        where=reader.where,
        extends=extends,
        include_groups=includes,
        is_v2=True,
        is_refinement=refinement,
        signal_requirement_level=level,
    )


def _associations(reader: FieldReader, data: dict[str, Any]) -> list[Any]:
    value = data.get("entity_associations")
    if value is None or isinstance(value, list):
        return value or []
    reader.problem(
        f"field 'entity_associations' must be a list, got {describe(value)}",
        "entity_associations",
        code="type",
    )
    return []


def _read_metric(data: dict[str, Any], reader: FieldReader) -> GroupSpec | None:
    reader.unknown(data, SIGNAL_KEYS | {"name", "instrument", "unit"}, "a metric")
    name = reader.string(data, "name", required=True)
    extra = {
        "metric_name": name,
        "instrument": reader.choice(data, "instrument", INSTRUMENTS, required=True),
        "unit": reader.string(data, "unit", required=True),
    }
    gid = f"metric.{name}" if name else None
    return _signal(data, reader, group_type="metric", group_id=gid, extra=extra)


def _read_span(data: dict[str, Any], reader: FieldReader) -> GroupSpec | None:
    reader.unknown(data, SIGNAL_KEYS | {"type", "kind", "name"}, "a span")
    span_type = reader.string(data, "type", required=True)
    kind = reader.choice(data, "kind", SPAN_KINDS, required=True)
    _span_name(reader, data, required=True)
    gid = f"span.{span_type}" if span_type else None
    extra = {"span_kind": kind, "name": span_type}
    return _signal(
        data,
        reader,
        group_type="span",
        group_id=gid,
        extra=extra,
        ref_extra=frozenset({"sampling_relevant"}),
    )


def _span_name(reader: FieldReader, data: dict[str, Any], *, required: bool) -> None:
    name = data.get("name")
    if name is None and not required:
        return
    if not isinstance(name, dict) or not isinstance(name.get("note"), str):
        reader.problem(
            f"field 'name' of a span must be a mapping {{note: <text>}}, "
            f"got {describe(name)}",
            "name",
            code="type",
        )


def _read_event(data: dict[str, Any], reader: FieldReader) -> GroupSpec | None:
    reader.unknown(data, SIGNAL_KEYS | {"name"}, "an event")
    name = reader.string(data, "name", required=True)
    gid = f"event.{name}" if name else None
    return _signal(data, reader, group_type="event", group_id=gid, extra={"name": name})


def _read_entity(data: dict[str, Any], reader: FieldReader) -> GroupSpec | None:
    keys = COMMON_KEYS | {"type", "identity", "description", "requirement_level"}
    reader.unknown(data, keys, "an entity")
    entity_type = reader.string(data, "type", required=True)
    level = reader.choice(data, "requirement_level", SIGNAL_LEVELS)
    fields = _common(reader, data, required=True)
    fields["name"] = entity_type
    attrs = _entity_attrs(data, reader)
    if not data.get("identity"):
        reader.problem("an entity needs a non-empty 'identity' list", code="missing")
    if entity_type is None:
        return None
    return GroupSpec(
        id=f"entity.{entity_type}",
        type="entity",
        fields=fields,
        attributes=attrs,
        where=reader.where,
        is_v2=True,
        signal_requirement_level=level,
    )


def _entity_attrs(data: dict[str, Any], reader: FieldReader) -> list[AttrSpec]:
    attrs: list[AttrSpec] = []
    for section, role in (("identity", "identifying"), ("description", "descriptive")):
        raw = data.get(section) or []
        if not isinstance(raw, list):
            reader.problem(f"'{section}' must be a list, got {describe(raw)}", section)
            continue
        for index, entry in enumerate(raw):
            sub = FieldReader(
                reader.log, reader.where.at(section, index), reader.group_id
            )
            mapping = sub.mapping(entry, "an attribute reference")
            attrs.extend(_one_ref(mapping, sub, frozenset(), role) if mapping else [])
    _report_identity_overlap(attrs, reader)
    return attrs


def _report_identity_overlap(attrs: list[AttrSpec], reader: FieldReader) -> None:
    identity = {a.key for a in attrs if a.fields.get("role") == "identifying"}
    for attr in attrs:
        if attr.fields.get("role") == "descriptive" and attr.key in identity:
            reader.log.add(
                f"attribute '{attr.key}' is listed in both 'identity' and "
                "'description'; expected it in only one",
                attr.where,
                reader.group_id,
                code="attribute_in_identity_and_description",
            )


def _read_attribute_group(
    data: dict[str, Any], reader: FieldReader
) -> GroupSpec | None:
    visibility = reader.choice(
        data, "visibility", ("internal", "public"), required=True
    )
    public = visibility == "public"
    allowed = {"id", "visibility", "attributes"} | (COMMON_KEYS if public else set())
    reader.unknown(data, frozenset(allowed), f"a {visibility or ''} attribute group")
    group_id = reader.string(data, "id", required=True)
    fields = _common(reader, data, required=True) if public else _fields(brief=group_id)
    attrs, includes = _attr_refs(
        data.get("attributes"), reader.where.at("attributes"), reader
    )
    if group_id is None:
        return None
    return GroupSpec(
        id=group_id,
        type="attribute_group",
        fields=fields,
        attributes=attrs,
        where=reader.where,
        include_groups=includes,
        visibility=visibility,
        is_v2=True,
    )


def _refinement(kind: str, extra_keys: frozenset[str] = frozenset()) -> Reader:
    def read(data: dict[str, Any], reader: FieldReader) -> GroupSpec | None:
        reader.unknown(data, REFINE_KEYS | extra_keys, f"a {kind} refinement")
        refined = reader.string(data, "ref", required=True)
        group_id = reader.string(data, "id", required=True)
        extra: dict[str, Any] = {"name": group_id} if kind != "metric" else {}
        if kind == "span":
            _span_name(reader, data, required=False)
        return _signal(
            data,
            reader,
            group_type=kind,
            group_id=group_id if refined else None,
            extra=extra,
            extends=f"{kind}.{refined}",
            ref_extra=frozenset({"sampling_relevant"})
            if kind == "span"
            else frozenset(),
        )

    return read


def _read_entity_refinement(
    data: dict[str, Any], reader: FieldReader
) -> GroupSpec | None:
    keys = COMMON_KEYS | {"id", "ref", "identity", "description"}
    reader.unknown(data, keys, "an entity refinement")
    refined = reader.string(data, "ref", required=True)
    group_id = reader.string(data, "id", required=True)
    fields = _common(reader, data, required=False)
    fields["name"] = group_id
    attrs = _entity_attrs(data, reader)
    if group_id is None or refined is None:
        return None
    return GroupSpec(
        id=group_id,
        type="entity",
        fields=fields,
        attributes=attrs,
        where=reader.where,
        extends=f"entity.{refined}",
        is_v2=True,
        is_refinement=True,
    )


_SECTION_READERS: dict[str, Reader] = {
    "entities": _read_entity,
    "events": _read_event,
    "metrics": _read_metric,
    "spans": _read_span,
    "attribute_groups": _read_attribute_group,
    "entity_refinements": _read_entity_refinement,
    "event_refinements": _refinement("event"),
    "metric_refinements": _refinement("metric"),
    "span_refinements": _refinement("span", frozenset({"name"})),
}
