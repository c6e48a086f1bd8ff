"""The resolved registry every other module reads.

Groups are plain dicts in OpenTelemetry Weaver's resolved JSON form (sorted
by id, attributes inline as full dicts), so templates written for Weaver's
data model read them unchanged and the JSON can be compared with Weaver's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from weavergen.errors import Problem, RequestError

# Group types whose id starts with a kind word that is not part of the namespace.
_KIND_PREFIXES = ("registry.", "metric.", "span.", "event.", "entity.", "attributes.")


def content_hash(groups: Iterable[dict[str, Any]]) -> str:
    """Hash groups by content: same groups, same hash, whatever the key order."""
    canonical = json.dumps(
        list(groups), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ResolvedRegistry:
    """A resolved registry: groups in Weaver's form and the attributes by name.

    `groups` omit empty fields the way Weaver does (a metric without
    attributes has no `attributes` key), so read optional fields with `.get`.
    `warnings` holds the non-fatal problems found while loading.
    """

    groups: list[dict[str, Any]]
    attributes: dict[str, dict[str, Any]]
    registry_url: str = ""
    warnings: list[Problem] = field(default_factory=list)

    @cached_property
    def _by_id(self) -> dict[str, dict[str, Any]]:
        return {g["id"]: g for g in self.groups}

    def to_json(self, *, indent: int | None = 2) -> str:
        """Serialise as Weaver's resolved registry JSON, byte-identical per input."""
        document = {"registry_url": self.registry_url, "groups": self.groups}
        return json.dumps(document, indent=indent, ensure_ascii=False) + "\n"

    def group(self, group_id: str) -> dict[str, Any]:
        """Give the group with this id; raise `RequestError` naming close ids."""
        found = self._by_id.get(group_id)
        if found is None:
            raise RequestError(
                f"no group '{group_id}' in the registry{self._hint(group_id)}"
            )
        return found

    def slice(self, subject: str | Iterable[str]) -> list[dict[str, Any]]:
        """Pick groups: `"*"` for all, a namespace (`"http"`), or a list of ids."""
        if isinstance(subject, str):
            return self._namespace(subject)
        return [self.group(group_id) for group_id in subject]

    def content_hash(self, groups: Iterable[dict[str, Any]] | None = None) -> str:
        """Hash `groups` (default: all groups) by content."""
        return content_hash(self.groups if groups is None else groups)

    def _namespace(self, namespace: str) -> list[dict[str, Any]]:
        if namespace in ("*", ""):
            return list(self.groups)
        if namespace in self._by_id:
            return [self._by_id[namespace]]
        return [g for g in self.groups if _in_namespace(g, namespace)]

    def _hint(self, group_id: str) -> str:
        tail = group_id.rsplit(".", 1)[-1]
        close = [g for g in self._by_id if g.endswith(tail)][:3]
        return f"; did you mean {', '.join(close)}?" if close else ""


def _in_namespace(group: dict[str, Any], namespace: str) -> bool:
    names = [group["id"], _without_kind(group["id"])]
    names += [
        group[k] for k in ("metric_name", "name") if isinstance(group.get(k), str)
    ]
    return any(n == namespace or n.startswith(namespace + ".") for n in names)


def _without_kind(group_id: str) -> str:
    for prefix in _KIND_PREFIXES:
        if group_id.startswith(prefix):
            return group_id[len(prefix) :]
    return group_id
