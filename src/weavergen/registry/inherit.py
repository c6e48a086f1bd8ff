"""Resolve `extends` and `ref_group`: a group takes its parents' attributes.

Groups are resolved in dependency order: a group is merged only once every
group it extends or includes is itself merged, so chains of any depth work
and a cycle is found when a full pass makes no progress. A child's `ref` to
an inherited attribute overrides only the fields it sets, so each field comes
from the nearest level that sets it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from weavergen.registry.exclusion import is_excluded, is_group_excluded
from weavergen.registry.problems import ProblemLog
from weavergen.registry.spec import AttrSpec, GroupSpec

logger = logging.getLogger(__name__)

# v2 refinements copy these from the signal they refine.
_REFINED_FIELDS = ("instrument", "unit", "span_kind", "metric_name")
_DEFAULTED_FIELDS = ("stability", "deprecated", "brief", "note")

ExternalLookup = Callable[[str], GroupSpec | None]


def merge_attr(child: AttrSpec, parent: AttrSpec) -> AttrSpec:
    """Lay a child's attribute entry over its parent's, field by field."""
    if not child.is_ref:
        return child
    return replace(
        parent,
        fields={**parent.fields, **child.fields},
        where=child.where,
        prefix=child.prefix or parent.prefix,
    )


def resolve_inheritance(
    groups: list[GroupSpec], log: ProblemLog, external: ExternalLookup | None = None
) -> None:
    """Merge every group's parents into it, in place, reporting what cannot be."""
    index = {g.id: g for g in groups if not (g.extends or g.include_groups)}
    pending = [g for g in groups if g.extends or g.include_groups]
    while pending:
        waiting = [g for g in pending if not _try_merge(g, index, log, external)]
        if len(waiting) == len(pending):
            _report_stuck(waiting, {g.id for g in groups}, log)
            return
        pending = waiting


def _try_merge(
    group: GroupSpec,
    index: dict[str, GroupSpec],
    log: ProblemLog,
    external: ExternalLookup | None,
) -> bool:
    parents = _parents(group, index, external)
    if parents is None:
        return False
    for parent in parents:
        _check_parent_exclusion(group, parent, parent.id not in index, log)
    extends = group.extends
    if extends is not None and group.is_v2:
        _inherit_refined_fields(group, parents[0], log)
    group.attributes = _merged_attributes(group, parents, log)
    group.extends = None
    group.include_groups = []
    index[group.id] = group
    return True


def _parents(
    group: GroupSpec, index: dict[str, GroupSpec], external: ExternalLookup | None
) -> list[GroupSpec] | None:
    wanted = ([group.extends] if group.extends else []) + group.include_groups
    found: list[GroupSpec] = []
    for parent_id in wanted:
        parent = index.get(parent_id)
        if parent is None and external is not None:
            parent = external(parent_id)
        if parent is None:
            return None
        found.append(parent)
    return found


def _check_parent_exclusion(
    group: GroupSpec, parent: GroupSpec, from_dependency: bool, log: ProblemLog
) -> None:
    if not is_excluded(parent.fields.get("annotations")):
        return
    if not from_dependency and is_group_excluded(group):
        return
    log.add(
        f"group '{parent.id}' is excluded from dependency resolution "
        "(annotations: dependency_resolution: exclude: true); expected only "
        "excluded groups to extend or include it",
        group.where,
        group.id,
        code="excluded_from_dependency_resolution",
    )


def _merged_attributes(
    group: GroupSpec, parents: list[GroupSpec], log: ProblemLog
) -> list[AttrSpec]:
    merged: dict[str, AttrSpec] = {}
    included: set[str] = set()
    for parent in parents:
        is_include = parent.id in group.include_groups
        for attr in parent.attributes:
            if is_include and attr.key in included:
                _report_include_overlap(group, attr.key, log)
            if is_include:
                included.add(attr.key)
            known = merged.get(attr.key)
            merged[attr.key] = attr if known is None else merge_attr(attr, known)
    for attr in group.attributes:
        known = merged.get(attr.key)
        merged[attr.key] = attr if known is None else merge_attr(attr, known)
    return [merged[key] for key in sorted(merged)]


def _report_include_overlap(group: GroupSpec, key: str, log: ProblemLog) -> None:
    log.add(
        f"attribute '{key}' comes from more than one included group "
        f"({', '.join(group.include_groups)}); expected each at most once",
        group.where,
        group.id,
        code="duplicate_attribute_id",
    )


def _inherit_refined_fields(
    group: GroupSpec, parent: GroupSpec, log: ProblemLog
) -> None:
    if group.type != parent.type:
        log.add(
            f"refinement '{group.id}' is a {group.type} but refines "
            f"'{parent.id}', a {parent.type}; expected the same kind",
            group.where,
            group.id,
            code="invalid_refinement",
        )
    for key in _REFINED_FIELDS:
        group.fields[key] = parent.fields.get(key)
    group.signal_requirement_level = parent.signal_requirement_level
    for key in _DEFAULTED_FIELDS:
        if not group.fields.get(key):
            group.fields[key] = parent.fields.get(key)
    group.fields["annotations"] = merge_annotations(
        parent.fields.get("annotations"), group.fields.get("annotations")
    )
    if group.type == "entity" and parent.type == "entity":
        _check_identity_kept(group, parent, log)


def merge_annotations(base: Any, override: Any) -> Any:
    """Merge annotation mappings deeply; the override wins on conflicts."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = merge_annotations(out.get(key), value) if key in out else value
        return out or None
    return override if override is not None else base


def _check_identity_kept(group: GroupSpec, parent: GroupSpec, log: ProblemLog) -> None:
    """An entity refinement may not change which attributes identify it."""
    parent_roles = {a.key: a.fields.get("role") for a in parent.attributes}
    for attr in group.attributes:
        role = attr.fields.get("role")
        if role is None or not attr.is_ref:
            continue
        base_role = parent_roles.get(attr.key, "absent")
        changed = base_role not in (None, "absent", role) or (
            base_role == "absent" and role == "identifying"
        )
        if changed:
            log.add(
                f"refinement '{group.id}' of '{parent.id}' makes attribute "
                f"'{attr.key}' {role}; expected the refined entity's identity "
                "to stay unchanged",
                attr.where,
                group.id,
                code="entity_refinement_changed_identity",
            )


def _report_stuck(waiting: list[GroupSpec], known: set[str], log: ProblemLog) -> None:
    stuck = {g.id: g for g in waiting}
    for group in waiting:
        wanted = ([group.extends] if group.extends else []) + group.include_groups
        for parent_id in wanted:
            _report_missing_parent(group, parent_id, known, stuck, log)


def _reaches(start: str, target: str, stuck: dict[str, GroupSpec]) -> bool:
    seen: set[str] = set()
    todo = [start]
    while todo:
        current = todo.pop()
        if current == target:
            return True
        group = stuck.get(current)
        if group is None or current in seen:
            continue
        seen.add(current)
        todo.extend(([group.extends] if group.extends else []) + group.include_groups)
    return False


def _report_missing_parent(
    group: GroupSpec,
    parent_id: str,
    known: set[str],
    stuck: dict[str, GroupSpec],
    log: ProblemLog,
) -> None:
    key = "extends" if parent_id == group.extends else "attributes"
    where = group.where.at(key) if key == "extends" else group.where
    if parent_id not in known:
        log.add(
            f"'{key}' names group '{parent_id}', which is not defined; "
            "expected the id of a group in this registry or a dependency",
            where,
            group.id,
            code="unresolved_extends_ref",
        )
    elif _reaches(parent_id, group.id, stuck):
        log.add(
            f"'{key}' names group '{parent_id}', which (directly or through "
            "others) extends this group back; expected no cycle of 'extends'",
            where,
            group.id,
            code="cyclic_extends",
        )
