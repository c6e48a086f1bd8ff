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

from weavergen.registry.exclusion import is_excluded, is_group_excluded
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
# Weaver writes a metric's `unit: ""` (dimensionless, unnamed) as given.
_KEPT_WHEN_EMPTY = frozenset({"unit"})
_OUTPUT_FIELDS = ATTRIBUTE_FIELDS[1:]


@dataclass
class Resolution:
    """What resolution produced: groups in output form, and the definitions."""

    groups: list[dict[str, Any]]
    attributes: dict[str, dict[str, Any]]
    specs: list[GroupSpec] = field(default_factory=list)
    roots: dict[str, dict[str, Any]] = field(default_factory=dict)


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
    return Resolution(output, registry_attrs, groups, roots)


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
    """Resolve every attribute entry; refs may need several passes (prefix refs).

    Local definitions are tried first, across all passes; dependencies are
    consulted only for what no local definition provides.
    """
    refs = _References(roots, log, external)
    done: list[list[dict[str, Any]]] = [[] for _ in groups]
    waiting = [list(g.attributes) for g in groups]
    while any(waiting):
        if refs.run_pass(groups, waiting, done) == 0:
            if refs.use_external or external is None:
                break
            refs.use_external = True
    _report_unknown_refs(groups, waiting, log)
    return done


class _References:
    """Resolves attribute entries against definitions, local then external."""

    def __init__(
        self,
        roots: dict[str, dict[str, Any]],
        log: ProblemLog,
        external: AttributeLookup | None,
    ) -> None:
        self.roots = roots
        self.log = log
        self.external = external
        self.use_external = False

    def run_pass(
        self,
        groups: list[GroupSpec],
        waiting: list[list[AttrSpec]],
        done: list[list[dict[str, Any]]],
    ) -> int:
        """Try every waiting entry once; give how many got resolved."""
        progress = 0
        for index, group in enumerate(groups):
            still = []
            for attr in waiting[index]:
                out = self.resolve(group, attr)
                if out is None:
                    still.append(attr)
                else:
                    done[index].append(out)
                    progress += 1
            waiting[index] = still
        return progress

    def resolve(self, group: GroupSpec, attr: AttrSpec) -> dict[str, Any] | None:
        """Resolve one entry, or None if its `ref` is not known (yet)."""
        if not attr.is_ref:
            resolved = attribute_output(attr.key, attr.fields)
            self.roots[attr.key] = resolved
            self._check_exclusion(group, attr, resolved, from_dependency=False)
            return resolved
        root = self.roots.get(attr.key)
        from_dependency = False
        if root is None and self.use_external and self.external is not None:
            root = self.external(attr.key)
            from_dependency = root is not None
            if root is not None:
                # Dependents of this registry can `ref` it too, as in Weaver.
                self.roots[attr.key] = root
        if root is None:
            return None
        self._check_exclusion(group, attr, root, from_dependency=from_dependency)
        name = f"{group.prefix}.{attr.key}" if attr.prefix else attr.key
        fields = {**root, **attr.fields, "prefix": attr.prefix}
        resolved = attribute_output(name, fields)
        if attr.prefix:
            self.roots[name] = resolved
        return resolved

    def _check_exclusion(
        self,
        group: GroupSpec,
        attr: AttrSpec,
        target: dict[str, Any],
        *,
        from_dependency: bool,
    ) -> None:
        if not is_excluded(target.get("annotations")):
            return
        if not from_dependency and is_group_excluded(group):
            return
        where = "a dependency" if from_dependency else "this registry"
        self.log.add(
            f"attribute '{attr.key}' is excluded from dependency resolution in "
            f"{where} (annotations: dependency_resolution: exclude: true); "
            "expected only excluded groups to use it",
            attr.where,
            group.id,
            code="excluded_from_dependency_resolution",
        )


def attribute_output(name: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Build a resolved attribute in Weaver's field order, leaving out unset fields."""
    get = fields.get
    # One comprehension, then the few special cases: this runs for every
    # attribute entry of the registry.
    out: dict[str, Any] = {"name": name}
    out.update(
        {key: value for key in _OUTPUT_FIELDS if (value := get(key)) is not None}
    )
    if out.get("prefix") is False:
        del out["prefix"]
    for key in _EMPTY_SKIPPED:
        if out.get(key) == "":
            del out[key]
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
        elif value is not None and (key in _KEPT_WHEN_EMPTY or value not in ("", [])):
            out[key] = value
    return out


def _sorted_attributes(attrs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sort by name, dropping exact repeats (Weaver's catalog holds each once)."""
    by_name: dict[str, list[dict[str, Any]]] = {}
    for attr in attrs:
        same = by_name.setdefault(attr["name"], [])
        if attr not in same:
            same.append(attr)
    out: list[dict[str, Any]] = []
    for name in sorted(by_name):
        same = by_name[name]
        # Several variants of one name only come with an error already reported;
        # order them by content so even that output does not depend on file order.
        out.extend(same if len(same) == 1 else sorted(same, key=_canonical))
    return out


def _canonical(attr: dict[str, Any]) -> str:
    return json.dumps(attr, sort_keys=True, default=str)


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
