"""Tests for the vote: majorities on facts, reserves, and failing votes."""

from __future__ import annotations

from opentelemetry.trace import NoOpTracer

from tests.engine.engine_fakes import GROUPS, ScriptedModel, reference, validate
from weavergen.engine.consensus import Vote, run_consensus, tally
from weavergen.models.chat import Prompt
from weavergen.routing.cascade import Attempt, CallCost, CascadeLimits, ModelCaller

REF = reference(GROUPS[:1], "go", "attributes")
LIMITS = CascadeLimits(0.95, None)


def check(code: str):  # type: ignore[no-untyped-def]
    return validate(code, "go", "attributes", GROUPS[:1])


def vote(answers: dict[str, list[str]], reserves: tuple[str, ...] = ()) -> Vote:
    models = {name: ScriptedModel(name, said) for name, said in answers.items()}
    caller = ModelCaller(models, NoOpTracer())
    voters = [name for name in answers if name not in reserves]
    return run_consensus(
        voters,
        list(reserves),
        caller,
        lambda _name: Prompt("s", "u", reference=REF),
        check=check,
        limits=LIMITS,
    )


def ballot(code: str) -> Attempt:
    cost = CallCost("m", "p", 1, 1, 0.0, True, True, 1.0)
    return Attempt("m", code, cost, check(code))


def test_three_of_four_agreeing_and_passing_win() -> None:
    """A 3-1 split for the correct answer serves it with agreement 0.75."""
    result = vote({"a": ["REF"], "b": ["REF"], "c": ["junk"], "d": ["REF"]})
    assert result.winner is not None
    assert result.winner.code == REF
    assert result.agreement == 0.75


def test_even_split_calls_a_reserve_to_break_the_tie() -> None:
    """A 2-2 split asks the reserve model, whose vote makes a majority."""
    result = vote(
        {"a": ["REF"], "b": ["x"], "c": ["REF"], "d": ["x"], "e": ["REF"]},
        reserves=("e",),
    )
    assert [b.model for b in result.attempts] == ["a", "b", "c", "d", "e"]
    assert result.winner is not None
    assert result.agreement == 0.6


def test_majority_for_a_wrong_answer_serves_nothing() -> None:
    """Agreement on a failing answer does not win; the vote is exhausted."""
    result = vote({"a": ["junk"], "b": ["junk"], "c": ["REF"]})
    assert (result.winner, result.stopped_by) == (None, "exhausted")


def test_facts_not_layout_decide_agreement() -> None:
    """Two answers with the same lines in another order agree."""
    lines = REF.splitlines(keepends=True)
    shuffled = "".join(reversed(lines)) if len(lines) > 1 else REF
    outcome = tally([ballot(REF), ballot(shuffled), ballot("junk")], 0.0)
    assert outcome.agreement == 2 / 3
