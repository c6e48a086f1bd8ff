"""Tests for requests: checks, slices, keys and the result's shape."""

from __future__ import annotations

import pytest

from tests.engine.engine_fakes import FakeRegistry
from weavergen.engine.naming import TARGETS as VALIDATED_TARGETS
from weavergen.engine.request import (
    TARGETS,
    GenerationRequest,
    check_request,
    normalise_intent,
    select_slice,
)
from weavergen.errors import RequestError


def test_unknown_target_suggests_the_close_one() -> None:
    """A misspelt target names the likely target and the valid ones."""
    with pytest.raises(RequestError, match=r"'pyton' \(did you mean python\?\)"):
        check_request(GenerationRequest("pyton", "attributes"), TARGETS)


def test_misspelt_pattern_is_refused_with_the_close_match() -> None:
    """A typo of a known pattern names the pattern the user likely meant."""
    expected = r"^unknown pattern 'atributes' \(did you mean attributes\?\)"
    with pytest.raises(RequestError, match=expected):
        check_request(GenerationRequest("python", "atributes"), TARGETS)


def test_misspelt_pattern_is_refused_even_with_an_intent() -> None:
    """An intent does not turn a near miss of a known pattern into free-form."""
    request = GenerationRequest("python", "metrcs", intent="list the metrics")
    with pytest.raises(RequestError, match=r"did you mean metrics\?"):
        check_request(request, TARGETS)


def test_free_form_pattern_needs_an_intent() -> None:
    """A pattern unlike any known one is refused without --intent."""
    with pytest.raises(RequestError, match=r"free-form pattern with --intent"):
        check_request(GenerationRequest("go", "dashboard"), TARGETS)


def test_free_form_pattern_with_an_intent_is_accepted() -> None:
    """With an intent describing the work, a free-form pattern passes the check."""
    request = GenerationRequest("go", "dashboard", intent="a Grafana board of http")
    check_request(request, TARGETS)
    assert request.pattern == "dashboard"


def test_every_target_the_validator_judges_can_be_requested() -> None:
    """Markdown is a target like the code targets: validator and reference know it."""
    assert set(TARGETS) == set(VALIDATED_TARGETS)
    check_request(GenerationRequest("markdown", "docs"), TARGETS)


def test_quality_floor_outside_unit_interval_is_refused() -> None:
    """A floor of 1.5 is rejected with the expected range in the message."""
    request = GenerationRequest("python", "attributes", quality_floor=1.5)
    with pytest.raises(RequestError, match=r"outside \[0, 1\]"):
        check_request(request, TARGETS)


def test_negative_budget_is_refused() -> None:
    """A budget below zero is rejected."""
    request = GenerationRequest("python", "attributes", budget_usd=-0.01)
    with pytest.raises(RequestError, match="negative"):
        check_request(request, TARGETS)


@pytest.mark.parametrize("budget", [float("nan"), float("inf")])
def test_budget_that_is_not_finite_is_refused(budget: float) -> None:
    """A NaN cap would never stop a call (NaN compares false), so it is refused."""
    request = GenerationRequest("python", "attributes", budget_usd=budget)
    with pytest.raises(RequestError, match="not a finite number"):
        check_request(request, TARGETS)


def test_intent_with_bytes_that_are_not_utf8_is_refused() -> None:
    """A non-UTF-8 byte (surrogate escape from argv) is named, not a traceback."""
    request = GenerationRequest("go", "attributes", intent="\udcff bad")
    with pytest.raises(RequestError, match=r"intent has the byte 0xff, which"):
        check_request(request, TARGETS)


def test_tenant_with_a_control_character_is_refused() -> None:
    """An escape code in a tenant would restyle every report that shows it."""
    request = GenerationRequest("go", "attributes", tenant="acme\x1b[31m")
    with pytest.raises(RequestError, match=r"tenant has the control character U\+001B"):
        check_request(request, TARGETS)


def test_empty_tenant_is_refused() -> None:
    """A blank tenant would file spend under no one."""
    request = GenerationRequest("go", "attributes", tenant="  ")
    with pytest.raises(RequestError, match="tenant is empty"):
        check_request(request, TARGETS)


def test_intent_longer_than_the_limit_is_refused() -> None:
    """A megabyte intent is refused before any model is asked (and billed)."""
    request = GenerationRequest("go", "attributes", intent="x" * 1_000_000)
    with pytest.raises(RequestError, match="intent is 1,000,000 characters long"):
        check_request(request, TARGETS)


def test_multiline_intent_and_path_like_tenant_are_accepted() -> None:
    """Newlines and tabs belong in an intent; a tenant is a label, not a path."""
    request = GenerationRequest(
        "go", "attributes", intent="one\r\n\ttwo", tenant="../team-a"
    )
    check_request(request, TARGETS)
    assert request.tenant == "../team-a"


def test_unknown_group_suggests_close_matches() -> None:
    """An unknown group id is rejected with the nearest real id."""
    request = GenerationRequest("python", "attributes", ("registry.htp",))
    with pytest.raises(RequestError, match=r"did you mean registry\.http"):
        select_slice(request, FakeRegistry())


def test_group_ids_select_exactly_those_groups() -> None:
    """Group ids give those groups, sorted and without duplicates."""
    request = GenerationRequest(
        "python", "attributes", ("registry.http", "registry.db", "registry.db")
    )
    ids = [g["id"] for g in select_slice(request, FakeRegistry())]
    assert ids == ["registry.db", "registry.http"]


def test_namespace_selects_registry_and_signal_groups() -> None:
    """``http`` picks registry.http and the http metric, not registry.db."""
    request = GenerationRequest("python", "metrics", "http")
    ids = [g["id"] for g in select_slice(request, FakeRegistry())]
    assert ids == ["registry.http", "metric.http.server.request.duration"]


def test_unknown_namespace_suggests_known_ones() -> None:
    """A namespace nothing matches names the closest namespace."""
    request = GenerationRequest("python", "metrics", "htp")
    with pytest.raises(RequestError, match="did you mean http"):
        select_slice(request, FakeRegistry())


def test_star_selects_the_whole_registry() -> None:
    """``*`` gives every group."""
    groups = select_slice(GenerationRequest("go", "attributes"), FakeRegistry())
    assert len(groups) == 3


def test_normalise_intent_folds_case_and_blank_to_none() -> None:
    """Whitespace-only intents count as no intent."""
    assert normalise_intent("  A\tB ") == "a b"
    assert normalise_intent("   ") is None
