"""What any correct artifact for a slice must assert, as checkable facts.

Validation of registry-derived code is an oracle: each attribute key, enum
member, metric name, unit and instrument of the slice has exactly one right
value, declared under the name the target's convention gives it
(:mod:`weavergen.engine.naming`). A :class:`Fact` is one such name/value
pair. Which facts apply depends on the pattern:

- ``attributes``: each attribute key under its constant, each enum member
  under its member name;
- ``metrics``: each metric's name, unit and instrument constants;
- ``docs``: both of the above;
- any other pattern (``spans``, ``events``, ``validators``,
  ``instrumentation``, a free-form intent): each attribute key of the slice
  must appear as a string literal (kind ``key``), whatever it is named.

Markdown has no constants, so its facts are table cells: the row of an
attribute (first cell its key) has its type in the ``Type`` column; the
values table under a heading naming an enum attribute lists each member
value; the row of a metric has its ``Instrument`` and ``Unit``. A target
with no convention here (a user's own) gets ``key`` facts only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from weavergen.engine.literals import flatten
from weavergen.engine.naming import CODE_TARGETS, canonical_target, plan_names
from weavergen.engine.slices import Scalar, SliceView, read_slice

ATTRIBUTE_PATTERNS = frozenset({"attributes", "docs"})
METRIC_PATTERNS = frozenset({"metrics", "docs"})


@dataclass(frozen=True, slots=True, order=True)
class Fact:
    """One name a correct artifact declares, and the value it must have.

    ``kind`` is ``attribute``, ``member``, ``metric``, ``unit``,
    ``instrument`` or ``key`` (a key that must merely appear as a literal).
    """

    kind: str
    name: str
    value: Scalar

    def __str__(self) -> str:
        return f"{self.name} = {self.value!r}"


def expected_facts(
    groups: Sequence[Mapping[str, Any]], target: str, pattern: str
) -> set[Fact]:
    """Every fact a correct artifact for this slice, target and pattern asserts."""
    return facts_for_view(read_slice(groups), target, pattern)


def facts_for_view(view: SliceView, target: str, pattern: str) -> set[Fact]:
    """Like :func:`expected_facts`, for a slice already read."""
    target = canonical_target(target)
    family = pattern_family(pattern)
    if target == "markdown" and family != "keys":
        return set(_markdown_facts(view, family))
    if target in CODE_TARGETS and family != "keys":
        return set(_code_facts(view, target, family))
    return {Fact("key", a.key, a.key) for a in view.attributes}


def pattern_family(pattern: str) -> str:
    """Say which facts a pattern checks: ``attributes``, ``metrics``, ``docs``..."""
    name = pattern.strip().lower()
    if name in ATTRIBUTE_PATTERNS | METRIC_PATTERNS:
        return name
    return "keys"


def _code_facts(view: SliceView, target: str, family: str) -> Iterator[Fact]:
    plan = plan_names(view, target)
    if family in ATTRIBUTE_PATTERNS:
        for named in plan.attributes:
            yield Fact("attribute", named.name, named.attribute.key)
            for member in named.members:
                yield Fact("member", member.name, member.member.value)
    if family in METRIC_PATTERNS:
        for metric in plan.metrics:
            yield Fact("metric", metric.name, metric.metric.name)
            yield Fact("instrument", metric.instrument_name, metric.metric.instrument)
            if metric.metric.unit is not None:
                yield Fact("unit", metric.unit_name, metric.metric.unit)


def _markdown_facts(view: SliceView, family: str) -> Iterator[Fact]:
    if family in ATTRIBUTE_PATTERNS:
        for attribute in view.attributes:
            yield Fact("attribute", f"{attribute.key} type", attribute.type_label)
            for member in attribute.members:
                value = flatten(str(member.value))
                yield Fact("member", markdown_member_name(attribute.key, value), value)
    if family in METRIC_PATTERNS:
        for metric in view.metrics:
            yield Fact("instrument", f"{metric.name} instrument", metric.instrument)
            if metric.unit is not None:
                yield Fact("unit", f"{metric.name} unit", metric.unit)


def markdown_member_name(key: str, value: str) -> str:
    """The fact name of one enum value listed in a markdown values table."""
    return f"{key} value {value}"
