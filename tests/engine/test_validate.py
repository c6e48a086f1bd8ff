"""Tests for the validation oracle: scores, missing and wrong facts, memo, batches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import weavergen.engine.validate as validate_module
from weavergen.engine.facts import Fact
from weavergen.engine.reference import reference_code
from weavergen.engine.toolchains import CheckOutcome, find_toolchain
from weavergen.engine.validate import (
    ValidationItem,
    clear_memo,
    memo_stats,
    validate,
    validate_many,
)

GROUPS: list[dict[str, Any]] = [
    {
        "id": "registry.rpc",
        "type": "attribute_group",
        "attributes": [
            {"name": "rpc.system", "type": "string"},
            {"name": "rpc.service", "type": "string"},
            {
                "name": "rpc.code",
                "type": {
                    "members": [{"id": "ok", "value": 0}, {"id": "bad", "value": 1}]
                },
            },
        ],
    }
]
GOOD_PYTHON = (
    'RPC_SYSTEM = "rpc.system"\nRPC_SERVICE = "rpc.service"\nRPC_CODE = "rpc.code"\n'
    "class RpcCodeValues:\n    OK = 0\n    BAD = 1\n"
)


@pytest.fixture(autouse=True)
def _empty_memo() -> Iterator[None]:
    """Each test starts and ends with an empty validation memo."""
    clear_memo()
    yield
    clear_memo()


def test_correct_code_scores_one_and_passes() -> None:
    """Every fact right and parsed by the real toolchain: 1.0, confidence 1.0."""
    result = validate(GOOD_PYTHON, "python", "attributes", GROUPS)
    assert (result.score, result.passed, result.parsed) == (1.0, True, True)
    assert result.confidence == 1.0
    assert result.toolchain.startswith("python 3.")
    assert len(result.facts) == 5


def test_a_missing_constant_lowers_the_score_by_its_share() -> None:
    """One of five facts undeclared: score 0.8, listed as missing, not passed."""
    code = GOOD_PYTHON.replace('RPC_SERVICE = "rpc.service"\n', "")
    result = validate(code, "python", "attributes", GROUPS)
    assert result.score == pytest.approx(0.8)
    assert not result.passed
    assert result.missing == (Fact("attribute", "RPC_SERVICE", "rpc.service"),)
    assert result.wrong == ()


def test_a_constant_with_another_value_is_wrong() -> None:
    """A declared name with a different value is wrong, not missing."""
    code = GOOD_PYTHON.replace('"rpc.system"', '"rpc.sys"')
    result = validate(code, "python", "attributes", GROUPS)
    assert result.wrong == (Fact("attribute", "RPC_SYSTEM", "rpc.system"),)
    assert result.missing == ()


def test_a_number_written_as_a_string_is_wrong() -> None:
    """Enum values keep their type: ``"0"`` is not ``0``."""
    code = GOOD_PYTHON.replace("OK = 0", 'OK = "0"')
    result = validate(code, "python", "attributes", GROUPS)
    assert result.wrong == (Fact("member", "RpcCodeValues.OK", 0),)


def test_code_that_does_not_parse_scores_zero_with_every_fact_missing() -> None:
    """A syntax error means score 0, whatever the code declares."""
    result = validate(GOOD_PYTHON + "def broken(:\n", "python", "attributes", GROUPS)
    assert (result.score, result.passed, result.parsed) == (0.0, False, False)
    assert result.missing == result.facts
    assert "SyntaxError" in result.detail


def test_key_patterns_need_every_key_as_a_literal() -> None:
    """For spans, any code mentioning every key as a string passes."""
    code = 'def record(span):\n    span.set_attribute("rpc.system", 1)\n'
    result = validate(code, "python", "spans", GROUPS)
    assert result.score == pytest.approx(1 / 3)
    assert {fact.value for fact in result.missing} == {"rpc.service", "rpc.code"}


@pytest.fixture
def toolchain_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The targets check_syntax was run for, in order (it still runs for real)."""
    runs: list[str] = []
    real = validate_module.check_syntax

    def counting(code: str, target: str, **kwargs: Any) -> CheckOutcome:
        runs.append(target)
        return real(code, target, **kwargs)

    monkeypatch.setattr(validate_module, "check_syntax", counting)
    return runs


def test_identical_validations_are_memoised(toolchain_runs: list[str]) -> None:
    """The second identical call costs no toolchain run and returns the same verdict."""
    first = validate(GOOD_PYTHON, "python", "attributes", GROUPS)
    second = validate(GOOD_PYTHON, "py", "attributes", GROUPS)
    assert second is first
    assert toolchain_runs == ["python"]
    assert memo_stats() == (1, 1)


def test_fresh_validation_runs_the_toolchain_despite_the_memo(
    toolchain_runs: list[str],
) -> None:
    """`fresh=True` is a real second look: the memoised verdict is not reused."""
    first = validate(GOOD_PYTHON, "python", "attributes", GROUPS)
    again = validate(GOOD_PYTHON, "python", "attributes", GROUPS, fresh=True)
    assert again is not first
    assert (again.score, again.passed) == (first.score, first.passed) == (1.0, True)
    assert toolchain_runs == ["python", "python"]


def test_transient_toolchain_trouble_is_not_memoised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A timed-out check is retried next time instead of being remembered."""
    runs = []

    def timing_out(code: str, target: str, **_kwargs: Any) -> CheckOutcome:
        runs.append(target)
        return CheckOutcome(True, "python", 0.6, "timed out", 0.0, transient=True)

    monkeypatch.setattr(validate_module, "check_syntax", timing_out)
    first = validate(GOOD_PYTHON, "python", "attributes", GROUPS)
    validate(GOOD_PYTHON, "python", "attributes", GROUPS)
    assert runs == ["python", "python"]
    assert (first.score, first.confidence) == (1.0, 0.6)


def test_targets_without_toolchain_pass_with_lower_confidence() -> None:
    """Go (no compiler here, or any) is judged structurally; confidence below 1."""
    if find_toolchain("go") is not None:
        pytest.skip("a Go toolchain is installed here")
    result = validate(
        reference_code(GROUPS, "go", "attributes"), "go", "attributes", GROUPS
    )
    assert (result.score, result.toolchain, result.confidence) == (1.0, "none", 0.8)


def test_validate_many_agrees_with_validate_one_by_one() -> None:
    """Batching (javac shared) gives the same verdicts as single calls."""
    broken_java = reference_code(GROUPS, "java", "attributes").replace(";", "", 1)
    items = [
        ValidationItem(
            reference_code(GROUPS, "java", "attributes"), "java", "attributes", GROUPS
        ),
        ValidationItem(broken_java, "java", "attributes", GROUPS),
        ValidationItem(GOOD_PYTHON, "python", "attributes", GROUPS),
        ValidationItem("RPC_SYSTEM = 1\n", "python", "attributes", GROUPS),
    ]
    many = [(v.score, v.passed, v.parsed) for v in validate_many(items)]
    clear_memo()
    one = [
        (v.score, v.passed, v.parsed)
        for v in (validate(i.code, i.target, i.pattern, i.groups) for i in items)
    ]
    assert many == one
    assert [score for score, _, _ in many] == [1.0, 0.0, 1.0, 0.0]


def test_a_user_target_is_judged_by_its_keys_without_raising() -> None:
    """A target with no convention or toolchain checks keys structurally."""
    code = 'class Keys { string A = "rpc.system"; string B = "rpc.service"; }'
    result = validate(code, "csharp", "attributes", GROUPS)
    assert (result.toolchain, result.parsed, result.confidence) == ("none", True, 0.8)
    assert result.missing == (Fact("key", "rpc.code", "rpc.code"),)


def test_the_memo_forgets_the_least_recently_used_verdict() -> None:
    """The memo is bounded: past its size, the oldest entry goes first."""
    memo = validate_module._Memo(2)
    first = validate(GOOD_PYTHON, "python", "attributes", GROUPS)
    memo.put("a", first)
    memo.put("b", first)
    assert memo.get("a") is first
    memo.put("c", first)
    assert (memo.get("b"), memo.get("a"), memo.get("c")) == (None, first, first)
