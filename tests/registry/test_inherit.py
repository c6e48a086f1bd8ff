"""`extends` and `ref_group`: nearest level wins, any depth, cycles reported."""

from __future__ import annotations

from weavergen.registry import check_registry, load_registry

from .conftest import WriteRegistry, one_problem

BASE = """\
groups:
  - id: registry.db
    type: attribute_group
    brief: Database attributes.
    attributes:
      - id: db.system
        type: string
        brief: The system.
        note: Definition note.
        examples: [postgresql]
        stability: stable
      - id: db.name
        type: string
        brief: The name.
        stability: development
"""

CHAIN = (
    BASE
    + """\
  - id: db.common
    type: attribute_group
    brief: Common.
    attributes:
      - ref: db.system
        requirement_level: required
        brief: Common brief.
  - id: db.client
    type: attribute_group
    brief: Client.
    extends: db.common
    attributes:
      - ref: db.system
        note: Client note.
      - ref: db.name
  - id: span.db.query
    type: span
    span_kind: client
    stability: stable
    brief: A query.
    extends: db.client
    attributes:
      - ref: db.system
        examples: [mysql]
"""
)


def test_each_field_comes_from_the_nearest_level_through_extends(
    write_registry: WriteRegistry,
) -> None:
    """Three levels of extends: local ref, then parents' refs, then the definition."""
    registry = load_registry(write_registry({"db.yaml": CHAIN}))
    attrs = {a["name"]: a for a in registry.group("span.db.query")["attributes"]}
    assert attrs["db.system"] == {
        "name": "db.system",
        "type": "string",
        "brief": "Common brief.",
        "examples": ["mysql"],
        "requirement_level": "required",
        "note": "Client note.",
        "stability": "stable",
    }
    assert attrs["db.name"]["requirement_level"] == "recommended"
    assert list(attrs) == ["db.name", "db.system"]


def test_extends_order_in_files_does_not_matter(write_registry: WriteRegistry) -> None:
    """A child written before its parent (even in another file) still resolves."""
    child, parent = CHAIN.split("  - id: db.client")
    files = {"a.yaml": "groups:\n  - id: db.client" + parent, "b.yaml": child}
    registry = load_registry(write_registry(files))
    names = [a["name"] for a in registry.group("span.db.query")["attributes"]]
    assert names == ["db.name", "db.system"]


def test_cyclic_extends_is_reported_on_each_groups_extends_line(
    write_registry: WriteRegistry,
) -> None:
    """Two groups extending each other are each reported where `extends` is."""
    text = BASE + (
        "  - id: a\n    type: attribute_group\n    brief: A\n    extends: b\n"
        "  - id: b\n    type: attribute_group\n    brief: B\n    extends: a\n"
    )
    problems = check_registry(write_registry({"c.yaml": text}))
    assert [(p.code, p.line, p.group_id) for p in problems] == [
        ("cyclic_extends", 19, "a"),
        ("cyclic_extends", 23, "b"),
    ]
    assert "expected no cycle of 'extends'" in problems[0].message


def test_extends_of_an_unknown_group_is_reported(write_registry: WriteRegistry) -> None:
    """`extends: nowhere` names the missing group and what was expected."""
    text = (
        BASE
        + "  - id: a\n    type: attribute_group\n    brief: A\n    extends: nowhere\n"
    )
    problem = one_problem(
        check_registry(write_registry({"u.yaml": text})), "unresolved_extends_ref"
    )
    assert (problem.line, problem.group_id) == (19, "a")
    assert "'nowhere', which is not defined" in problem.message


def test_ref_group_includes_another_groups_attributes(
    write_registry: WriteRegistry,
) -> None:
    """A v2 `ref_group` brings in an internal group, which itself is not output."""
    text = """\
        file_format: definition/2
        attributes:
          - key: net.port
            type: int
            brief: Port.
            stability: stable
        attribute_groups:
          - id: net.common
            visibility: internal
            attributes:
              - ref: net.port
                requirement_level: required
        metrics:
          - name: net.bytes
            brief: Bytes.
            instrument: counter
            unit: By
            stability: stable
            attributes:
              - ref_group: net.common
    """
    registry = load_registry(write_registry({"net.yaml": text}))
    metric = registry.group("metric.net.bytes")
    assert [(a["name"], a["requirement_level"]) for a in metric["attributes"]] == [
        ("net.port", "required")
    ]
    assert [g["id"] for g in registry.groups] == [
        "metric.net.bytes",
        "registry.net",
    ]
