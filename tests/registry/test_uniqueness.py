"""Registry-wide duplicates, each reported where the second one is written."""

from __future__ import annotations

from weavergen.registry import check_registry

from .conftest import WriteRegistry, one_problem

METRIC = """\
  - id: {id}
    type: metric
    metric_name: {name}
    instrument: counter
    unit: "1"
    stability: stable
    brief: A counter.
"""
ATTR_GROUP = """\
  - id: {id}
    type: attribute_group
    brief: Attributes.
    attributes:
      - id: app.name
        type: string
        brief: Name.
"""


def test_duplicate_group_id_names_the_first_definition(
    write_registry: WriteRegistry,
) -> None:
    """The second group with an id points back at the first one's file and line."""
    files = {
        "a.yaml": "groups:\n" + METRIC.format(id="metric.x", name="x"),
        "b.yaml": "groups:\n" + METRIC.format(id="metric.x", name="y"),
    }
    problem = one_problem(check_registry(write_registry(files)), "duplicate_group_id")
    assert (problem.file or "").endswith("b.yaml")
    assert (problem.line, problem.group_id) == (2, "metric.x")
    assert "already used by" in problem.message
    assert "a.yaml:2" in problem.message


def test_duplicate_metric_name_is_reported(write_registry: WriteRegistry) -> None:
    """Two metric groups with one metric_name are an error."""
    text = (
        "groups:\n"
        + METRIC.format(id="m1", name="x")
        + METRIC.format(id="m2", name="x")
    )
    problem = one_problem(
        check_registry(write_registry({"m.yaml": text})), "duplicate_metric_name"
    )
    assert (problem.line, problem.group_id) == (9, "m2")
    assert "metric name 'x' is already used by" in problem.message


def test_duplicate_attribute_id_is_reported_at_the_second_definition(
    write_registry: WriteRegistry,
) -> None:
    """Defining an attribute id in two groups names the other group."""
    text = "groups:\n" + ATTR_GROUP.format(id="one") + ATTR_GROUP.format(id="two")
    problem = one_problem(
        check_registry(write_registry({"d.yaml": text})), "duplicate_attribute_id"
    )
    assert (problem.line, problem.group_id) == (13, "two")
    assert "already defined in group 'one'" in problem.message
    assert "'ref' elsewhere" in problem.message


def test_attribute_listed_twice_in_a_group_is_reported(
    write_registry: WriteRegistry,
) -> None:
    """The same attribute twice in one group's list is reported on the second."""
    text = "groups:\n" + ATTR_GROUP.format(id="one") + "      - ref: app.name\n"
    problem = one_problem(
        check_registry(write_registry({"t.yaml": text})), "duplicate_attribute_ref"
    )
    assert (problem.line, problem.group_id) == (9, "one")
