"""Tests for the facts a correct artifact must assert, per target and pattern."""

from __future__ import annotations

from typing import Any

from weavergen.engine.facts import Fact, expected_facts

GROUPS: list[dict[str, Any]] = [
    {
        "id": "registry.rpc",
        "type": "attribute_group",
        "attributes": [
            {"name": "rpc.system", "type": "string"},
            {"name": "rpc.code", "type": {"members": [{"id": "ok", "value": 0}]}},
        ],
    },
    {
        "id": "metric.rpc.calls",
        "type": "metric",
        "metric_name": "rpc.calls",
        "instrument": "counter",
        "unit": "{call}",
        "attributes": [],
    },
]


def test_python_attribute_facts_are_constants_and_enum_members() -> None:
    """Keys become constants, enum members ``XValues.MEMBER`` with typed values."""
    assert expected_facts(GROUPS, "python", "attributes") == {
        Fact("attribute", "RPC_CODE", "rpc.code"),
        Fact("member", "RpcCodeValues.OK", 0),
        Fact("attribute", "RPC_SYSTEM", "rpc.system"),
    }


def test_go_metric_facts_are_name_unit_and_instrument() -> None:
    """A metric asserts its name, unit and instrument under Go names."""
    assert expected_facts(GROUPS, "go", "metrics") == {
        Fact("metric", "RPCCallsName", "rpc.calls"),
        Fact("unit", "RPCCallsUnit", "{call}"),
        Fact("instrument", "RPCCallsInstrument", "counter"),
    }


def test_docs_pattern_asserts_attributes_and_metrics() -> None:
    """``docs`` is the union of the attribute and metric facts."""
    docs = expected_facts(GROUPS, "rust", "docs")
    both = expected_facts(GROUPS, "rust", "attributes") | expected_facts(
        GROUPS, "rust", "metrics"
    )
    assert docs == both
    assert len(docs) == 6


def test_markdown_facts_are_table_cells() -> None:
    """Markdown asserts each key's type, each enum value, each metric's cells."""
    assert expected_facts(GROUPS, "markdown", "docs") == {
        Fact("attribute", "rpc.code type", "enum"),
        Fact("member", "rpc.code value 0", "0"),
        Fact("attribute", "rpc.system type", "string"),
        Fact("instrument", "rpc.calls instrument", "counter"),
        Fact("unit", "rpc.calls unit", "{call}"),
    }


def test_other_patterns_and_unknown_targets_assert_that_keys_appear() -> None:
    """Spans, intents and user targets only need every key as a literal."""
    keys = {
        Fact("key", "rpc.code", "rpc.code"),
        Fact("key", "rpc.system", "rpc.system"),
    }
    assert expected_facts(GROUPS, "java", "spans") == keys
    assert expected_facts(GROUPS, "cobol", "attributes") == keys
