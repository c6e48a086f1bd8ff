"""The `dependency_resolution: exclude` annotation: items hidden from dependents.

A registry can mark attributes and groups as excluded (typically deprecated
items that moved elsewhere). Dependents may not use them at all; within the
registry only groups that are themselves excluded may.
"""

from __future__ import annotations

from typing import Any

from weavergen.registry.spec import GroupSpec


def is_excluded(annotations: Any) -> bool:
    """Say whether annotations mark an item `dependency_resolution.exclude`."""
    if not isinstance(annotations, dict):
        return False
    setting = annotations.get("dependency_resolution")
    return isinstance(setting, dict) and setting.get("exclude") is True


def is_group_excluded(group: GroupSpec) -> bool:
    """Say whether a group may use excluded items: it is excluded, or not public."""
    if is_excluded(group.fields.get("annotations")):
        return True
    return group.type == "attribute_group" and group.visibility != "public"
