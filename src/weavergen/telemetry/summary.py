"""Sum up generation spans: counts, cost and duration by target, pattern, tier.

``weavergen report`` prints this and ``--json`` emits it as is, so the keys
are an interface: scripts and the service read them. Rows are the dicts of
:meth:`SpanStore.generations`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from weavergen.telemetry import attrs

UNKNOWN = "unknown"


def summarise_generations(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Return the report's one JSON object for these generation rows."""
    items = [_item(row) for row in rows]
    total = sum((item["cost_usd"] for item in items), 0.0)
    durations = sorted(float(row["duration_s"]) for row in rows)
    return {
        "generations": len(items),
        "total_cost_usd": total,
        "cost_per_generation_usd": total / len(items) if items else 0.0,
        "by_target": _group_by(items, "target"),
        "by_pattern": _group_by(items, "pattern"),
        "by_tier": _group_by(items, "tier"),
        "duration_p50_s": percentile(durations, 50),
        "duration_p95_s": percentile(durations, 95),
        "simulated": any(item["simulated"] for item in items),
        "items": [_public(item) for item in items],
    }


def percentile(sorted_values: Sequence[float], pct: float) -> float | None:
    """Linear-interpolated percentile of already sorted values; None if empty."""
    if not sorted_values:
        return None
    rank = (len(sorted_values) - 1) * pct / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    fraction = rank - low
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * fraction


def _item(row: Mapping[str, Any]) -> dict[str, Any]:
    span_attrs: Mapping[str, Any] = row.get("attributes", {})
    return {
        "path": span_attrs.get(attrs.OUTPUT_PATH),
        "target": str(span_attrs.get(attrs.TARGET, UNKNOWN)),
        "pattern": str(span_attrs.get(attrs.PATTERN, UNKNOWN)),
        "tier": str(span_attrs.get(attrs.TIER, UNKNOWN)),
        "cost_usd": _number(span_attrs.get(attrs.COST_USD)),
        "simulated": span_attrs.get(attrs.SIMULATED) is True,
        "trace_id": row.get("trace_id"),
        "duration_s": float(row.get("duration_s", 0.0)),
    }


def _public(item: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("path", "target", "pattern", "tier", "cost_usd", "simulated", "trace_id")
    return {key: item[key] for key in keys}


def _group_by(items: Sequence[Mapping[str, Any]], key: str) -> dict[str, Any]:
    groups: dict[str, dict[str, Any]] = {}
    for item in items:
        entry = groups.setdefault(item[key], {"generations": 0, "cost_usd": 0.0})
        entry["generations"] += 1
        entry["cost_usd"] += item["cost_usd"]
    return dict(sorted(groups.items()))


def _number(value: object) -> float:
    # A span written by a broken or foreign writer must not break the report.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    return float(value)
