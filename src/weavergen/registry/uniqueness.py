"""Registry-wide uniqueness rules: group ids, metric names, attribute ids.

These can only be checked once every file is read, and each duplicate is
reported at every place after the first, naming where the first one is.
"""

from __future__ import annotations

from collections.abc import Callable

from weavergen.registry.problems import ProblemLog, Where
from weavergen.registry.spec import GroupSpec

KeyOf = Callable[[GroupSpec], str | None]


def check_uniqueness(groups: list[GroupSpec], log: ProblemLog) -> None:
    """Report duplicate group ids, metric names, signal names and attribute ids."""
    visible = [g for g in groups if g.visibility != "internal"]
    signals = [g for g in visible if not g.is_refinement]
    _report_repeats(visible, lambda g: g.id, "group id", "duplicate_group_id", log)
    _report_repeats(
        signals,
        lambda g: g.fields.get("metric_name"),
        "metric name",
        "duplicate_metric_name",
        log,
    )
    _report_repeats(
        signals,
        lambda g: g.fields.get("name"),
        "signal name",
        "duplicate_group_name",
        log,
    )
    _report_attribute_repeats(visible, log)


def _report_repeats(
    groups: list[GroupSpec], key_of: KeyOf, what: str, code: str, log: ProblemLog
) -> None:
    first: dict[str, GroupSpec] = {}
    for group in groups:
        key = key_of(group)
        if key is None:
            continue
        if key in first:
            log.add(
                f"{what} '{key}' is already used by {_place(first[key].where)}; "
                f"expected each {what} once",
                group.where,
                group.id,
                code=code,
            )
        else:
            first[key] = group


def _report_attribute_repeats(groups: list[GroupSpec], log: ProblemLog) -> None:
    first: dict[str, tuple[GroupSpec, Where]] = {}
    for group in groups:
        if group.type != "attribute_group":
            continue
        for attr in group.attributes:
            if attr.is_ref or attr.origin_group != group.id:
                continue
            if attr.key not in first:
                first[attr.key] = (group, attr.where)
                continue
            other, where = first[attr.key]
            log.add(
                f"attribute '{attr.key}' is already defined in group '{other.id}' "
                f"({_place(where)}); expected one definition, and 'ref' elsewhere",
                attr.where,
                group.id,
                code="duplicate_attribute_id",
            )


def _place(where: Where) -> str:
    if where.file is None:
        return "another file"
    line = where.file.line_of(where.path)
    return f"{where.file.display}:{line}" if line else where.file.display
