"""`file_format: definition/2` files map to the same groups Weaver makes."""

from __future__ import annotations

from weavergen.registry import check_registry, load_registry

from .conftest import WriteRegistry, one_problem

V2 = """\
file_format: definition/2
attributes:
  - key: job.id
    type: string
    brief: Job id.
    stability: stable
  - key: job.queue
    type: string
    brief: Queue.
    stability: development
spans:
  - type: job.run
    kind: consumer
    name:
      note: "{job.queue} run"
    brief: Running a job.
    stability: development
    requirement_level: recommended
    attributes:
      - ref: job.id
        requirement_level: required
metrics:
  - name: job.duration
    instrument: histogram
    unit: s
    brief: Job duration.
    stability: stable
    requirement_level: recommended
    attributes:
      - ref: job.queue
entities:
  - type: job
    brief: A job.
    stability: development
    identity:
      - ref: job.id
    description:
      - ref: job.queue
metric_refinements:
  - id: job.duration.fast
    ref: job.duration
    brief: Fast jobs.
    attributes:
      - ref: job.id
"""


def test_v2_signals_become_groups_with_weavers_ids(
    write_registry: WriteRegistry,
) -> None:
    """Spans, metrics, entities and refinements get Weaver's ids and fields."""
    registry = load_registry(write_registry({"job.yaml": V2}))
    assert [g["id"] for g in registry.groups] == [
        "entity.job",
        "job.duration.fast",
        "metric.job.duration",
        "registry.job",
        "span.job.run",
    ]
    span = registry.group("span.job.run")
    assert (span["span_kind"], span["name"], span["stability"]) == (
        "consumer",
        "job.run",
        "development",
    )
    entity = registry.group("entity.job")
    assert [(a["name"], a["role"]) for a in entity["attributes"]] == [
        ("job.id", "identifying"),
        ("job.queue", "descriptive"),
    ]


def test_metric_refinement_inherits_the_metric_it_refines(
    write_registry: WriteRegistry,
) -> None:
    """A refinement keeps its brief, takes metric_name/instrument/unit, adds attrs."""
    refined = load_registry(write_registry({"job.yaml": V2})).group("job.duration.fast")
    assert refined["brief"] == "Fast jobs."
    assert (refined["metric_name"], refined["instrument"], refined["unit"]) == (
        "job.duration",
        "histogram",
        "s",
    )
    assert [a["name"] for a in refined["attributes"]] == ["job.id", "job.queue"]


def test_v2_metric_without_instrument_is_reported(
    write_registry: WriteRegistry,
) -> None:
    """A v2 metric names its missing field, at the metric's line, by its group id."""
    text = V2.replace("    instrument: histogram\n", "")
    problem = one_problem(check_registry(write_registry({"job.yaml": text})), "missing")
    assert (problem.line, problem.group_id) == (23, "metric.job.duration")
    assert problem.message == "missing required field 'instrument'"


def test_entity_attribute_in_identity_and_description_is_reported(
    write_registry: WriteRegistry,
) -> None:
    """An attribute may identify an entity or describe it, not both."""
    text = V2.replace(
        "      - ref: job.queue\nmetric_refinements",
        "      - ref: job.id\nmetric_refinements",
    )
    problem = one_problem(
        check_registry(write_registry({"job.yaml": text})),
        "attribute_in_identity_and_description",
    )
    assert (problem.line, problem.group_id) == (38, "entity.job")
