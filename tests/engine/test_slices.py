"""Tests for reading attributes, members and metrics out of resolved groups."""

from __future__ import annotations

from typing import Any

import pytest

from weavergen.engine.slices import read_slice, slice_hash
from weavergen.errors import RequestError

METHOD = {
    "name": "http.request.method",
    "type": {
        "members": [{"id": "get", "value": "GET"}, {"id": "other", "value": "_OTHER"}]
    },
    "brief": "HTTP\nrequest method.",
}
GROUPS: list[dict[str, Any]] = [
    {"id": "registry.http", "type": "attribute_group", "attributes": [METHOD]},
    {
        "id": "metric.http.server.request.duration",
        "type": "metric",
        "metric_name": "http.server.request.duration",
        "instrument": "histogram",
        "unit": "s",
        "attributes": [{"name": "server.port", "type": "int"}, METHOD],
    },
]


def test_attributes_are_deduplicated_by_key_and_sorted() -> None:
    """A key shared by two groups is read once; keys come sorted."""
    view = read_slice(GROUPS)
    assert [a.key for a in view.attributes] == ["http.request.method", "server.port"]
    assert view.attributes[1].type_label == "int"


def test_enum_members_keep_registry_order_and_briefs_are_one_line() -> None:
    """Members keep their order; briefs are flattened to one line."""
    method = read_slice(GROUPS).attributes[0]
    assert method.type_label == "enum"
    assert [(m.id, m.value) for m in method.members] == [
        ("get", "GET"),
        ("other", "_OTHER"),
    ]
    assert method.brief == "HTTP request method."


def test_metric_groups_give_name_unit_and_instrument() -> None:
    """Only metric groups yield metrics, with their unit and instrument."""
    (metric,) = read_slice(GROUPS).metrics
    assert (metric.name, metric.unit, metric.instrument) == (
        "http.server.request.duration",
        "s",
        "histogram",
    )


def test_catalog_indexes_instead_of_inline_attributes_are_rejected_with_group() -> None:
    """Unresolved (index) attributes name the group and what was expected."""
    with pytest.raises(RequestError, match=r"group registry\.x: attribute #0 .*inline"):
        read_slice([{"id": "registry.x", "attributes": [3]}])


def test_metric_without_instrument_is_rejected_with_group() -> None:
    """A metric group without an instrument says which group and metric."""
    bad = {"id": "metric.x", "type": "metric", "metric_name": "x"}
    with pytest.raises(RequestError, match=r"group metric\.x: metric x has no"):
        read_slice([bad])


def test_slice_hash_follows_content_not_identity() -> None:
    """Equal content hashes equal; any change of a value changes the hash."""
    copy = [dict(group) for group in GROUPS]
    assert slice_hash(copy) == slice_hash(GROUPS)
    changed = [dict(GROUPS[0]), {**GROUPS[1], "unit": "ms"}]
    assert slice_hash(changed) != slice_hash(GROUPS)
