"""The resolved registry object: lookup, slicing, hashing, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from weavergen.errors import RequestError
from weavergen.registry import ResolvedRegistry, content_hash, load_registry


@pytest.fixture(scope="module")
def semconv(semconv_model: Path) -> ResolvedRegistry:
    """Semantic conventions v1.44.0, resolved once for this module."""
    return load_registry(semconv_model)


def test_to_json_is_weavers_document_and_round_trips(semconv: ResolvedRegistry) -> None:
    """`to_json` holds `registry_url` and the groups sorted by id."""
    document = json.loads(semconv.to_json())
    assert document["registry_url"] == "https://opentelemetry.io/schemas/1.44.0"
    ids = [g["id"] for g in document["groups"]]
    assert ids == sorted(ids)
    assert document["groups"] == semconv.groups


def test_group_gives_the_group_or_a_request_error(semconv: ResolvedRegistry) -> None:
    """An unknown id raises `RequestError` naming it, with close suggestions."""
    assert semconv.group("registry.http")["type"] == "attribute_group"
    with pytest.raises(RequestError, match=r"no group 'registry\.htp'"):
        semconv.group("registry.htp")


def test_slice_by_namespace_picks_the_namespaces_groups(
    semconv: ResolvedRegistry,
) -> None:
    """`slice("http")` gives the http attribute group, metrics, spans and events."""
    ids = {g["id"] for g in semconv.slice("http")}
    assert {"registry.http", "metric.http.server.request.duration"} <= ids
    assert all("http" in i for i in ids)
    assert "registry.url" not in ids
    assert len(semconv.slice("*")) == len(semconv.groups)


def test_slice_by_ids_keeps_the_given_order(semconv: ResolvedRegistry) -> None:
    """A list of ids gives those groups in that order, failing on unknown ids."""
    picked = semconv.slice(["registry.url", "registry.http"])
    assert [g["id"] for g in picked] == ["registry.url", "registry.http"]
    with pytest.raises(RequestError):
        semconv.slice(["registry.url", "nope"])


def test_content_hash_depends_on_content_not_key_order(
    semconv: ResolvedRegistry,
) -> None:
    """Reordered keys hash the same; a changed brief does not."""
    group = semconv.group("registry.url")
    reordered = dict(reversed(list(group.items())))
    assert content_hash([reordered]) == semconv.content_hash([group])
    changed = dict(group, brief="other")
    assert content_hash([changed]) != content_hash([group])
    assert len(semconv.content_hash()) == 64
