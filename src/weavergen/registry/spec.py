"""The checked, not yet resolved, form of groups and attributes.

Both file formats (the classic `groups:` list and `definition/2`) are read
into these two classes, so resolution has a single input shape. Field values
are already normalised (stability spelled the current way, `deprecated` as an
object, enum members with a value).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from weavergen.registry.problems import Where

# Fields of a resolved attribute, in Weaver's output order.
ATTRIBUTE_FIELDS = (
    "name",
    "type",
    "brief",
    "examples",
    "tag",
    "requirement_level",
    "sampling_relevant",
    "note",
    "stability",
    "deprecated",
    "prefix",
    "tags",
    "annotations",
    "value",
    "role",
)

# Fields of a resolved group, in Weaver's output order (attributes go inline).
GROUP_FIELDS = (
    "id",
    "type",
    "brief",
    "note",
    "prefix",
    "stability",
    "deprecated",
    "attributes",
    "span_kind",
    "events",
    "metric_name",
    "instrument",
    "unit",
    "name",
    "display_name",
    "body",
    "annotations",
    "entity_associations",
)


@dataclass
class AttrSpec:
    """One entry of a group's `attributes`: a definition (`id`) or a `ref`.

    `fields` holds only what the entry sets; for a definition it includes
    `type`. `prefix` is the old-style "embed under the group prefix" flag.
    """

    key: str
    is_ref: bool
    fields: dict[str, Any]
    where: Where
    prefix: bool = False
    origin_group: str = ""


@dataclass
class GroupSpec:
    """One group before resolution, with where it was written."""

    id: str
    type: str
    fields: dict[str, Any]
    attributes: list[AttrSpec]
    where: Where
    extends: str | None = None
    include_groups: list[str] = field(default_factory=list)
    visibility: str | None = None
    is_v2: bool = False
    is_refinement: bool = False
    signal_requirement_level: str | None = None

    @property
    def prefix(self) -> str:
        """The old-style attribute prefix of the group, or ``""``."""
        value = self.fields.get("prefix", "")
        return value if isinstance(value, str) else ""
