"""Check and normalise an event `body` (Weaver's AnyValue description).

A body is a typed value, possibly a map of further typed fields or an enum;
the resolved form lists the keys in Weaver's order, with stability spelled
the current way and enum members given their values.
"""

from __future__ import annotations

from typing import Any

from weavergen.registry.fields import FieldReader, describe

BODY_TYPES = (
    "boolean",
    "int",
    "double",
    "string",
    "string[]",
    "int[]",
    "double[]",
    "boolean[]",
    "map",
    "map[]",
    "bytes",
    "undefined",
    "enum",
)
_COMMON_KEYS = frozenset(
    {"type", "id", "brief", "note", "stability", "examples", "requirement_level"}
)


def read_body(reader: FieldReader, data: dict[str, Any]) -> dict[str, Any] | None:
    """Read the `body` field of an event group, if any."""
    raw = data.get("body")
    if raw is None:
        return None
    return _read_value(
        FieldReader(reader.log, reader.where.at("body"), reader.group_id), raw
    )


def _read_value(reader: FieldReader, raw: Any) -> dict[str, Any] | None:
    data = reader.mapping(raw, "a body value")
    if data is None:
        return None
    kind = reader.choice(data, "type", BODY_TYPES, required=True)
    extra = (
        {"fields"}
        if kind in ("map", "map[]")
        else {"members"}
        if kind == "enum"
        else set()
    )
    reader.unknown(data, _COMMON_KEYS | extra, f"a {kind or ''} body value")
    out: dict[str, Any] = {"type": kind, "id": reader.string(data, "id", required=True)}
    for key, value in (
        ("brief", reader.string(data, "brief")),
        ("note", reader.string(data, "note")),
        ("stability", reader.stability(data)),
        ("examples", reader.examples(data)),
    ):
        if value not in (None, ""):
            out[key] = value
    out["requirement_level"] = reader.requirement_level(data)
    if out["requirement_level"] is None:
        reader.problem("missing required field 'requirement_level'", code="missing")
    if kind in ("map", "map[]"):
        out["fields"] = _read_fields(reader, data.get("fields"))
    if kind == "enum":
        out["members"] = reader.enum_members(data.get("members")) or []
    return out


def _read_fields(reader: FieldReader, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        reader.problem(
            f"a map body needs 'fields': a list of values, got {describe(raw)}",
            "fields",
        )
        return []
    out = []
    for index, item in enumerate(raw):
        sub = FieldReader(reader.log, reader.where.at("fields", index), reader.group_id)
        value = _read_value(sub, item)
        if value is not None:
            out.append(value)
    return out
