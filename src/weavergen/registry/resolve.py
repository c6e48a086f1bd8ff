"""Turn checked groups into Weaver's resolved groups, attributes inline.

Steps, in Weaver's order: old-style `prefix` names the group's definitions;
`extends`/`ref_group` bring in parents' attributes (see `inherit`); every
`ref` is looked up among the definitions and overridden by what the
reference sets; groups and attributes are sorted so the output is the same
for the same input.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from weavergen.registry.inherit import ExternalLookup, resolve_inheritance
from weavergen.registry.problems import ProblemLog
from weavergen.registry.spec import (
    ATTRIBUTE_FIELDS,
    GROUP_FIELDS,
    AttrSpec,
    GroupSpec,
)

logger = logging.getLogger(__name__)

AttributeLookup = Callable[[str], dict[str, Any] | None]
_EMPTY_SKIPPED = ("brief", "note")


@dataclass
class Resolution:
    """What resolution produced: groups in output form, and the definitions."""

    groups: list[dict[str, Any]]
    attributes: dict[str, dict[str, Any]]
    specs: list[GroupSpec] = field(default_factory=list)


def resolve_groups(
    groups: list[GroupSpec],
    log: ProblemLog,
    *,
    external_groups: ExternalLookup | None = None,
    external_attributes: AttributeLookup | None = None,
) -> Resolution:
    """Resolve `groups` (in load order), recording every problem in `log`."""
    _apply_prefixes(groups)
    resolve_inheritance(groups, log, external_groups)
    roots: dict[str, dict[str, Any]] = {}
    resolved = _resolve_references(groups, roots, log, external_attributes)
    visible = [
        (g, attrs)
        for g, attrs in zip(groups, resolved, strict=True)
        if g.visibility != "internal"
    ]
    visible.sort(key=lambda pair: pair[0].id)
    output = [_group_output(g, attrs) for g, attrs in visible]
    registry_attrs = _registry_attributes(visible)
    return Resolution(output, registry_attrs, groups)


def _apply_prefixes(groups: list[GroupSpec]) -> None:
    for group in groups:
        prefix = group.prefix
        for attr in group.attributes:
            if not attr.is_ref and prefix:
                attr.key = f"{prefix}.{attr.key}"
            if not attr.is_ref:
                attr.origin_group = group.id


def _resolve_references(
    groups: list[GroupSpec],
    roots: dict[str, dict[str, Any]],
    log: ProblemLog,
    external: AttributeLookup | None,
) -> list[list[dict[str, Any]]]:
    """Resolve every attribute entry; refs may need several passes (prefix refs)."""
    done: list[list[dict[str, Any]]] = [[] for _ in groups]
    waiting = [list(g.attributes) for g in groups]
    while True:
        progress = 0
        for index, group in enumerate(groups):
            still = []
            for attr in waiting[index]:
                out = _resolve_one(group, attr, roots, external)
                if out is None:
                    still.append(attr)
                else:
                    done[index].append(out)
                    progress += 1
            waiting[index] = still
        if not any(waiting) or progress == 0:
            break
    _report_unknown_refs(groups, waiting, log)
    return done


def _resolve_one(
    group: GroupSpec,
    attr: AttrSpec,
    roots: dict[str, dict[str, Any]],
    external: AttributeLookup | None,
) -> dict[str, Any] | None:
    if not attr.is_ref:
        resolved = attribute_output(attr.key, attr.fields)
        roots[attr.key] = resolved
        return resolved
    root = roots.get(attr.key)
    if root is None and external is not None:
        root = external(attr.key)
    if root is None:
        return None
    name = f"{group.prefix}.{attr.key}" if attr.prefix else attr.key
    resolved = attribute_output(name, {**root, **attr.fields, "prefix": attr.prefix})
    if attr.prefix:
        roots[name] = resolved
    return resolved


def attribute_output(name: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Build a resolved attribute in Weaver's field order, leaving out unset fields."""
    out: dict[str, Any] = {"name": name}
    for key in ATTRIBUTE_FIELDS[1:]:
        value = fields.get(key)
        if value is None or (value is False and key == "prefix"):
            continue
        if key in _EMPTY_SKIPPED and value == "":
            continue
        out[key] = value
    out.setdefault("requirement_level", "recommended")
    return out


def _report_unknown_refs(
    groups: list[GroupSpec], waiting: list[list[AttrSpec]], log: ProblemLog
) -> None:
    for group, attrs in zip(groups, waiting, strict=True):
        for attr in attrs:
            log.add(
                f"'ref: {attr.key}' names an attribute that is not defined; "
                "expected the name of an attribute defined with 'id' (or 'key') "
                "in this registry or a dependency",
                attr.where.at("ref"),
                group.id,
                code="unresolved_attribute_ref",
            )


def _group_output(group: GroupSpec, attrs: list[dict[str, Any]]) -> dict[str, Any]:
    values = dict(group.fields)
    values["id"] = group.id
    values["type"] = group.type
    values["attributes"] = _sorted_attributes(attrs)
    out: dict[str, Any] = {}
    for key in GROUP_FIELDS:
        value = values.get(key)
        if key in ("id", "type", "brief"):
            out[key] = value if value is not None else ""
        elif value is not None and value not in ("", []):
            out[key] = value
    return out


def _sorted_attributes(attrs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    unique = {json.dumps(a, sort_keys=True): a for a in attrs}
    return [unique[k] for k in sorted(unique, key=lambda k: (unique[k]["name"], k))]


def _registry_attributes(
    visible: list[tuple[GroupSpec, list[dict[str, Any]]]],
) -> dict[str, dict[str, Any]]:
    """The attributes defined (not referenced) by the groups, by name."""
    found: dict[str, dict[str, Any]] = {}
    for group, _attrs in visible:
        for attr in group.attributes:
            if not attr.is_ref and attr.origin_group == group.id:
                found.setdefault(attr.key, attribute_output(attr.key, attr.fields))
    return dict(sorted(found.items()))
