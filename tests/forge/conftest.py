"""Small hand-built resolved registries for forge tests.

The dicts follow Weaver's resolved JSON form (attributes inline), as the
registry package produces; they are small enough to read in a test.
"""

from __future__ import annotations

from typing import Any

import pytest


def attribute(name: str, **fields: Any) -> dict[str, Any]:
    """A resolved attribute with defaults for the fields a template reads."""
    return {
        "name": name,
        "type": "string",
        "brief": f"The {name}.",
        "stability": "development",
        "requirement_level": "recommended",
        **fields,
    }


def enum_type(*members: tuple[str, object], **member_fields: Any) -> dict[str, Any]:
    """An enum type whose members are (id, value) pairs."""
    return {
        "members": [
            {"id": mid, "value": value, "brief": f"{mid} value.", **member_fields}
            for mid, value in members
        ]
    }


@pytest.fixture
def small_registry() -> dict[str, Any]:
    """Two namespaces of registry attributes, a span group and two metrics."""
    http_method = attribute(
        "http.request.method",
        stability="stable",
        type=enum_type(("get", "GET"), ("post", "POST"), stability="stable"),
        note="Known methods only.",
    )
    http_method["type"]["members"].append(
        {
            "id": "query",
            "value": "QUERY",
            "brief": "QUERY method.",
            "stability": "development",
        }
    )
    return {
        "groups": [
            {
                "id": "metric.k8s.job.duration",
                "type": "metric",
                "metric_name": "k8s.job.duration",
                "instrument": "histogram",
                "unit": "s",
                "brief": "Duration of jobs.",
                "stability": "development",
                "attributes": [],
            },
            {
                "id": "metric.k8s.pod.count",
                "type": "metric",
                "metric_name": "k8s.pod.count",
                "instrument": "gauge",
                "unit": "{pod}",
                "brief": "Number of pods.",
                "stability": "stable",
                "attributes": [],
            },
            {
                "id": "registry.http",
                "type": "attribute_group",
                "brief": "HTTP attributes.",
                "attributes": [
                    http_method,
                    attribute(
                        "http.old",
                        deprecated={"reason": "renamed", "renamed_to": "http.new"},
                    ),
                    attribute(
                        "http.request.header",
                        type="template[string[]]",
                        stability="stable",
                    ),
                ],
            },
            {
                "id": "registry.k8s",
                "type": "attribute_group",
                "brief": "K8s attributes.",
                "attributes": [attribute("k8s.job.name")],
            },
            {
                "id": "span.http.client",
                "type": "span",
                "brief": "HTTP client span.",
                "attributes": [attribute("http.request.method", stability="stable")],
            },
        ]
    }
