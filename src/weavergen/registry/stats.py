"""Counts that describe a resolved registry, for `weavergen registry stats`."""

from __future__ import annotations

from collections import Counter
from typing import Any

from weavergen.registry.model import ResolvedRegistry


def registry_stats(registry: ResolvedRegistry) -> dict[str, Any]:
    """Count groups by type, attributes, enums, metrics by instrument, and more.

    Attribute figures are over the registry's own definitions
    (`registry.attributes`), so an attribute used by ten groups counts once.
    """
    attrs = list(registry.attributes.values())
    metrics = [g for g in registry.groups if g.get("type") == "metric"]
    return {
        "groups": len(registry.groups),
        "groups_by_type": _sorted_counts(g.get("type", "") for g in registry.groups),
        "attributes": len(attrs),
        "enums": sum(1 for a in attrs if isinstance(a.get("type"), dict)),
        "enum_members": sum(len(a["type"]["members"]) for a in attrs if _is_enum(a)),
        "metrics": len(metrics),
        "metrics_by_instrument": _sorted_counts(
            m.get("instrument", "") for m in metrics
        ),
        "deprecated": {
            "attributes": sum(1 for a in attrs if "deprecated" in a),
            "groups": sum(1 for g in registry.groups if "deprecated" in g),
        },
        "stability": {
            "attributes": _sorted_counts(a.get("stability", "unset") for a in attrs),
            "groups": _sorted_counts(
                g.get("stability", "unset") for g in registry.groups
            ),
        },
    }


def _is_enum(attr: dict[str, Any]) -> bool:
    kind = attr.get("type")
    return isinstance(kind, dict) and isinstance(kind.get("members"), list)


def _sorted_counts(values: Any) -> dict[str, int]:
    counts = Counter(str(v) for v in values)
    return dict(sorted(counts.items()))
