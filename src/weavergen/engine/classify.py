"""How hard a request is, as one number the router can act on.

The router needs a cheap, deterministic guess of how likely a small model is
to get a request right before any model is called. The score is a weighted
sum of what makes generation harder, clamped to [0, 1]::

    complexity = pattern_base[pattern]            0.05 .. 0.45, 0.55 unknown
               + 0.10 if no compiled template exists for (target, pattern)
               + 0.15 * size      size      = min(1, log2(1 + attrs) / log2(201))
               + 0.10 * enums     enums     = min(1, enum members / 40)
               + 0.05 * deprec    deprec    = min(1, deprecated attrs / 10)
               + 0.10 * wording   wording   = min(1, intent words / 40)
               + 0.15 * novelty   novelty   = 1 - similarity to a known intent

The parts can add up past 1 and are clamped; a pattern with a template and a
small slice stays near 0, and only a free-form or instrumentation request over
a large, enum-heavy slice with a novel intent reaches 0.9. ``novelty``
is 0 without an intent; the caller passes it in because it comes from the
semantic cache.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PATTERN_BASE: Mapping[str, float] = {
    "attributes": 0.05,
    "metrics": 0.15,
    "docs": 0.20,
    "spans": 0.25,
    "events": 0.25,
    "validators": 0.35,
    "instrumentation": 0.45,
}
UNKNOWN_PATTERN_BASE = 0.55
NO_TEMPLATE_WEIGHT = 0.10
SIZE_WEIGHT = 0.15
ENUM_WEIGHT = 0.10
DEPRECATION_WEIGHT = 0.05
WORDING_WEIGHT = 0.10
NOVELTY_WEIGHT = 0.15
SIZE_SATURATION = 200
ENUM_SATURATION = 40
DEPRECATION_SATURATION = 10
WORDING_SATURATION = 40


@dataclass(frozen=True, slots=True)
class SliceShape:
    """The counts of a slice that make it harder to generate from."""

    attributes: int
    enum_members: int
    deprecated: int


def slice_shape(groups: Iterable[Mapping[str, Any]]) -> SliceShape:
    """Count the distinct attributes, enum members and deprecations."""
    seen: dict[str, Mapping[str, Any]] = {}
    for group in groups:
        for attr in group.get("attributes") or []:
            seen.setdefault(str(attr.get("name", "")), attr)
    members = sum(_enum_member_count(attr) for attr in seen.values())
    deprecated = sum(1 for attr in seen.values() if attr.get("deprecated"))
    return SliceShape(len(seen), members, deprecated)


def complexity(
    pattern: str,
    shape: SliceShape,
    *,
    has_template: bool,
    intent: str | None = None,
    novelty: float = 0.0,
) -> float:
    """Score a request in [0, 1] with the formula in the module docstring."""
    score = PATTERN_BASE.get(pattern, UNKNOWN_PATTERN_BASE)
    score += 0.0 if has_template else NO_TEMPLATE_WEIGHT
    score += SIZE_WEIGHT * _size_share(shape.attributes)
    score += ENUM_WEIGHT * _saturate(shape.enum_members, ENUM_SATURATION)
    score += DEPRECATION_WEIGHT * _saturate(shape.deprecated, DEPRECATION_SATURATION)
    score += _intent_part(intent, novelty)
    return round(min(1.0, max(0.0, score)), 6)


def _intent_part(intent: str | None, novelty: float) -> float:
    if not intent or not intent.strip():
        return 0.0
    words = len(intent.split())
    novelty = min(1.0, max(0.0, novelty))
    wording = _saturate(words, WORDING_SATURATION)
    return WORDING_WEIGHT * wording + NOVELTY_WEIGHT * novelty


def _size_share(attributes: int) -> float:
    if attributes <= 0:
        return 0.0
    return min(1.0, math.log2(1 + attributes) / math.log2(1 + SIZE_SATURATION))


def _saturate(count: int, limit: int) -> float:
    return min(1.0, max(0, count) / limit)


def _enum_member_count(attr: Mapping[str, Any]) -> int:
    kind = attr.get("type")
    if isinstance(kind, Mapping):
        return len(kind.get("members") or [])
    return 0
