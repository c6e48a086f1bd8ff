"""Problems inside classic `groups:` files: each names file, line, group, and what."""

from __future__ import annotations

from weavergen.registry import check_registry, load_registry

from .conftest import WriteRegistry, one_problem


def _group(body: str) -> dict[str, str]:
    return {"g.yaml": "groups:\n" + body}


ATTRS = """\
  - id: registry.web
    type: attribute_group
    brief: Web attributes.
    attributes:
"""


def test_misspelled_attribute_type_lists_the_valid_types(
    write_registry: WriteRegistry,
) -> None:
    """`type: strng` is reported on its line with the types that exist."""
    root = write_registry(
        _group(
            ATTRS + "      - id: web.host\n        type: strng\n        brief: Host.\n"
        )
    )
    problem = one_problem(check_registry(root), "type")
    assert (problem.file or "").endswith("g.yaml")
    assert (problem.line, problem.group_id) == (7, "registry.web")
    assert problem.message.startswith(
        "field 'type' is 'strng'; expected one of 'string'"
    )


def test_list_where_a_string_is_expected_says_so(write_registry: WriteRegistry) -> None:
    """A list given as `brief` names the field and the kind of value found."""
    body = ATTRS + "      - id: web.host\n        type: string\n        brief: [a, b]\n"
    problem = one_problem(check_registry(write_registry(_group(body))), "type")
    assert (problem.line, problem.group_id) == (8, "registry.web")
    assert problem.message == "field 'brief' must be a string, got a list"


def test_group_without_type_is_reported_at_the_group(
    write_registry: WriteRegistry,
) -> None:
    """A group with no `type` is reported on its first line."""
    body = "  - id: lonely\n    brief: No type.\n    attributes:\n      - ref: x\n"
    problems = check_registry(write_registry(_group(body)))
    problem = one_problem(problems, "missing")
    assert (problem.line, problem.group_id) == (2, "lonely")
    assert problem.message == "missing required field 'type'"


def test_attribute_without_type_is_reported_at_the_attribute(
    write_registry: WriteRegistry,
) -> None:
    """An attribute definition needs `type`; the entry's line is given."""
    body = ATTRS + "      - id: web.port\n        brief: Port.\n"
    problem = one_problem(check_registry(write_registry(_group(body))), "missing")
    assert (problem.line, problem.group_id) == (6, "registry.web")
    assert problem.message == "missing required field 'type'"


def test_group_without_brief_is_reported(write_registry: WriteRegistry) -> None:
    """The schema requires a `brief` on every group."""
    body = "  - id: g\n    type: attribute_group\n    attributes:\n      - ref: x\n"
    problems = check_registry(write_registry(_group(body)))
    problem = one_problem(problems, "missing")
    assert (problem.line, problem.group_id) == (2, "g")
    assert "'brief'" in problem.message


def test_metric_without_instrument_names_the_missing_field(
    write_registry: WriteRegistry,
) -> None:
    """A metric group needs metric_name, instrument and unit."""
    body = (
        "  - id: metric.a\n    type: metric\n    metric_name: a\n    unit: s\n"
        "    stability: stable\n    brief: A.\n"
    )
    problem = one_problem(check_registry(write_registry(_group(body))), "missing")
    assert (problem.line, problem.group_id) == (2, "metric.a")
    assert problem.message == "a metric group needs 'instrument'"


def test_unknown_group_field_lists_the_allowed_fields(
    write_registry: WriteRegistry,
) -> None:
    """A typo in a group key (`breif`) is reported on the key's line."""
    body = "  - id: g\n    type: attribute_group\n    brief: B\n    breif: x\n"
    body += "    attributes:\n      - id: g.a\n        type: int\n        brief: A\n"
    problem = one_problem(check_registry(write_registry(_group(body))), "unknown_field")
    assert (problem.line, problem.group_id) == (5, "g")
    assert "unknown field 'breif' in a group; expected one of" in problem.message


def test_bad_requirement_level_says_what_is_allowed(
    write_registry: WriteRegistry,
) -> None:
    """requirement_level must be a level word or a one-key condition mapping."""
    body = ATTRS + (
        "      - id: web.host\n        type: string\n        brief: H\n"
        "        requirement_level: sometimes\n"
    )
    problem = one_problem(check_registry(write_registry(_group(body))), "type")
    assert (problem.line, problem.group_id) == (9, "registry.web")
    assert "'required', 'recommended', 'opt_in'" in problem.message


def test_enum_without_members_is_reported(write_registry: WriteRegistry) -> None:
    """An enum type needs a non-empty members list."""
    body = (
        ATTRS
        + "      - id: web.kind\n        type:\n          members: []\n"
        + "        brief: K\n"
    )
    problem = one_problem(check_registry(write_registry(_group(body))), "type")
    assert (problem.line, problem.group_id) == (7, "registry.web")
    assert "an enum needs 'members'" in problem.message


def test_enum_member_without_value_takes_its_id(write_registry: WriteRegistry) -> None:
    """A member with no `value` gets its `id` as value, as in Weaver."""
    body = ATTRS + (
        "      - id: web.kind\n        brief: K\n        type:\n          members:\n"
        "            - id: fast\n            - id: slow\n              value: 2\n"
    )
    registry = load_registry(write_registry(_group(body)))
    members = registry.attributes["web.kind"]["type"]["members"]
    assert members == [{"id": "fast", "value": "fast"}, {"id": "slow", "value": 2}]


def test_deprecated_forms_become_weavers_objects(write_registry: WriteRegistry) -> None:
    """Plain text, renamed (with inferred note) and obsoleted deprecations resolve."""
    body = ATTRS + (
        "      - id: web.old\n        type: string\n        brief: O\n"
        "        deprecated: Use web.new.\n"
        "      - id: web.older\n        type: string\n        brief: O\n"
        "        deprecated:\n          reason: renamed\n"
        "          renamed_to: web.new\n"
        "      - id: web.gone\n        type: string\n        brief: G\n"
        "        deprecated:\n          reason: obsoleted\n"
    )
    attrs = load_registry(write_registry(_group(body))).attributes
    assert attrs["web.old"]["deprecated"] == {
        "reason": "unspecified",
        "note": "Use web.new.",
    }
    assert attrs["web.older"]["deprecated"] == {
        "reason": "renamed",
        "renamed_to": "web.new",
        "note": "Replaced by `web.new`.",
    }
    assert attrs["web.gone"]["deprecated"] == {
        "reason": "obsoleted",
        "note": "Obsoleted.",
    }


def test_renamed_deprecation_without_target_is_reported(
    write_registry: WriteRegistry,
) -> None:
    """`reason: renamed` needs `renamed_to`."""
    body = ATTRS + (
        "      - id: web.old\n        type: string\n        brief: O\n"
        "        deprecated:\n          reason: renamed\n"
    )
    problem = one_problem(check_registry(write_registry(_group(body))), "missing")
    assert (problem.line, problem.group_id) == (9, "registry.web")
    assert problem.message == "missing required field 'renamed_to'"


def test_experimental_stability_is_spelled_development(
    write_registry: WriteRegistry,
) -> None:
    """The old `experimental` level resolves as `development`, like Weaver."""
    body = ATTRS + (
        "      - id: web.host\n        type: string\n        brief: H\n"
        "        stability: experimental\n"
    )
    attrs = load_registry(write_registry(_group(body))).attributes
    assert attrs["web.host"]["stability"] == "development"


def test_group_entry_that_is_a_string_is_reported(
    write_registry: WriteRegistry,
) -> None:
    """A `groups` entry must be a mapping."""
    problem = one_problem(
        check_registry(write_registry(_group("  - just a string\n"))), "type"
    )
    assert problem.line == 2
    assert problem.message == "a group must be a mapping, got 'just a string'"


def test_examples_of_the_wrong_type_are_reported(write_registry: WriteRegistry) -> None:
    """Numbers as examples of a string attribute are reported on `examples`."""
    body = ATTRS + (
        "      - id: web.host\n        type: string\n        brief: H\n"
        "        examples: [80, 443]\n"
    )
    problem = one_problem(check_registry(write_registry(_group(body))), "type")
    assert (problem.line, problem.group_id) == (9, "registry.web")
    assert problem.message == (
        "examples of a 'string' attribute must be text, got [80, 443]"
    )


def test_array_examples_may_be_lists_or_single_elements(
    write_registry: WriteRegistry,
) -> None:
    """`string[]` accepts [[a, b]] and the older [a, b]; ints count as doubles."""
    body = ATTRS + (
        "      - id: web.tags\n        type: string[]\n        brief: T\n"
        "        examples: [[a, b], [c]]\n"
        "      - id: web.old_tags\n        type: string[]\n        brief: T\n"
        "        examples: [a, b]\n"
        "      - id: web.ratio\n        type: double\n        brief: R\n"
        "        examples: [1, 0.5]\n"
    )
    problems = check_registry(write_registry(_group(body)))
    assert [p.severity for p in problems] == ["warning"] * 3
    assert {p.code for p in problems} == {"missing_stability"}


def test_attribute_without_brief_or_deprecation_is_reported(
    write_registry: WriteRegistry,
) -> None:
    """Only a deprecated attribute may leave out its brief."""
    body = ATTRS + (
        "      - id: web.a\n        type: int\n        stability: stable\n"
        "      - id: web.b\n        type: int\n        stability: stable\n"
        "        deprecated:\n          reason: obsoleted\n"
    )
    problem = one_problem(check_registry(write_registry(_group(body))), "missing")
    assert (problem.line, problem.group_id) == (6, "registry.web")
    assert problem.message == "an attribute that is not deprecated needs 'brief'"


def test_bare_text_deprecation_is_a_warning_not_an_error(
    write_registry: WriteRegistry,
) -> None:
    """Old-style `deprecated: text` still loads, with a warning naming the form."""
    body = ATTRS + (
        "      - id: web.old\n        type: string\n        brief: O\n"
        "        stability: development\n        deprecated: Use web.new.\n"
    )
    root = write_registry(_group(body))
    problem = one_problem(check_registry(root), "unstructured_deprecated")
    assert (problem.severity, problem.line) == ("warning", 10)
    assert "reason: renamed|obsoleted|uncategorized" in problem.message
    assert load_registry(root).warnings == [problem]
