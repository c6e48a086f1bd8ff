"""Tests that ground-truth artifacts are correct for every target and slice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from weavergen.engine.declarations import read_declarations
from weavergen.engine.facts import expected_facts
from weavergen.engine.naming import TARGETS
from weavergen.engine.reference import reference_code
from weavergen.engine.validate import compare, validate
from weavergen.errors import RequestError
from weavergen.registry import load_registry

# Values that break naive literals: quotes, backslashes, newlines, pipes,
# backticks, control characters, numbers, and ids that spell the same name.
TRICKY: list[dict[str, Any]] = [
    {
        "id": "registry.tricky",
        "type": "attribute_group",
        "attributes": [
            {
                "name": "t.quote",
                "brief": 'Says "hi" */ and | pipes',
                "type": {
                    "members": [
                        {"id": "dq", "value": 'a"b'},
                        {"id": "bs", "value": "c\\d"},
                        {"id": "nl", "value": "line\nbreak"},
                        {"id": "pipe", "value": "x|y"},
                        {"id": "tick", "value": "`t`"},
                        {"id": "ctl", "value": "bell\x07"},
                        {"id": "az.ai", "value": "az.ai"},
                        {"id": "az_ai", "value": "az_ai"},
                        {"id": "1st", "value": "first"},
                    ]
                },
            },
            {"name": "t.code", "type": {"members": [{"id": "ok", "value": 0}]}},
            {"name": "t.a_b", "type": "string"},
            {"name": "t.a.b", "type": "string[]"},
            {"name": "type", "type": "template[string]"},
        ],
    },
    {
        "id": "metric.t.calls",
        "type": "metric",
        "metric_name": "t.calls",
        "instrument": "counter",
        "unit": "{call}",
        "brief": "Counts | calls",
    },
]


@pytest.fixture(scope="module")
def registry_groups(semconv_model: Path) -> list[dict[str, Any]]:
    """Every resolved group of semantic conventions v1.44.0."""
    return load_registry(semconv_model).groups


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("pattern", ["attributes", "metrics", "docs", "spans"])
def test_reference_of_a_tricky_slice_validates_perfectly(
    target: str, pattern: str
) -> None:
    """Escapes, collisions and numbers survive every target's real toolchain."""
    result = validate(reference_code(TRICKY, target, pattern), target, pattern, TRICKY)
    assert (result.score, result.passed, result.missing, result.wrong) == (
        1.0,
        True,
        (),
        (),
    )
    assert len(result.facts) > 0


@pytest.mark.parametrize("target", TARGETS)
def test_reference_states_every_fact_of_every_registry_group(
    target: str, registry_groups: list[dict[str, Any]]
) -> None:
    """Group by group over the real registry, ground truth reads back exactly."""
    failures = []
    for group in registry_groups:
        code = reference_code([group], target, "docs")
        facts = sorted(expected_facts([group], target, "docs"))
        missing, wrong = compare(facts, read_declarations(code, target))
        if missing or wrong:
            failures.append((group["id"], missing[:2], wrong[:2]))
    assert failures == []


@pytest.mark.parametrize("target", TARGETS)
def test_whole_registry_reference_passes_the_real_toolchain(
    target: str, registry_groups: list[dict[str, Any]]
) -> None:
    """All attributes and metrics in one artifact compile and score 1.0."""
    code = reference_code(registry_groups, target, "docs")
    result = validate(code, target, "docs", registry_groups)
    assert (result.score, result.passed) == (1.0, True), result.detail[:500]
    assert len(result.facts) > 2500


def test_real_http_groups_give_the_expected_python_constants(
    registry_groups: list[dict[str, Any]],
) -> None:
    """registry.http and the server duration metric render the package's names."""
    wanted = {"registry.http", "metric.http.server.request.duration"}
    groups = [g for g in registry_groups if g["id"] in wanted]
    code = reference_code(groups, "python", "docs")
    assert 'HTTP_REQUEST_METHOD: Final = "http.request.method"' in code
    assert '    CONNECT = "CONNECT"' in code
    assert 'HTTP_REQUEST_HEADER_TEMPLATE: Final = "http.request.header"' in code
    duration = 'HTTP_SERVER_REQUEST_DURATION: Final = "http.server.request.duration"'
    assert duration in code
    factory = code[code.index("def create_http_server_request_duration(") :]
    assert factory.startswith(
        "def create_http_server_request_duration(meter: Meter) -> Histogram:"
    )
    assert "    return meter.create_histogram(" in factory
    assert '        unit="s",' in factory


def test_no_reference_for_targets_without_a_convention() -> None:
    """Ground truth for an unknown target is refused with the known targets."""
    with pytest.raises(RequestError, match="no reference artifact for target 'cobol'"):
        reference_code(TRICKY, "cobol", "attributes")


GO_SLICE: list[dict[str, Any]] = [
    {
        "id": "registry.shop",
        "type": "attribute_group",
        "attributes": [
            {
                "name": "shop.order.id",
                "type": {"members": [{"id": "a", "value": "a"}]},
                "brief": "The order.",
            },
            {"name": "shop.url", "type": "string"},
        ],
    },
    {
        "id": "metric.shop.orders",
        "type": "metric",
        "metric_name": "shop.orders",
        "instrument": "counter",
        "unit": "{order}",
        "brief": "Orders.",
    },
]


def test_go_reference_is_laid_out_as_gofmt_would() -> None:
    """``=`` aligns per section, as gofmt; no blank line before the ``)``."""
    assert reference_code(GO_SLICE, "go", "docs").splitlines()[3:] == [
        "const (",
        "\t// The order.",
        '\tShopOrderIDKey = "shop.order.id"',
        '\tShopOrderIDA   = "a"',
        "",
        '\tShopURLKey = "shop.url"',
        "",
        "\t// Orders.",
        '\tShopOrdersName       = "shop.orders"',
        '\tShopOrdersUnit       = "{order}"',
        '\tShopOrdersInstrument = "counter"',
        ")",
    ]


def test_go_reference_with_nothing_to_declare_is_an_empty_const_block() -> None:
    """A metrics artifact of an attribute-only slice is ``const ()``, as gofmt."""
    code = reference_code(GO_SLICE[:1], "go", "metrics")
    assert code.splitlines()[3:] == ["const ()"]
    assert validate(code, "go", "metrics", GO_SLICE[:1]).passed
