"""Several models answer; the majority that passes validation wins.

Used for the hardest requests, where one passing answer is not trusted on its
own. Answers are compared on the facts the validator extracts (names, values,
units, instruments), not on their text, so two correct answers that differ in
layout agree. Without a strict majority, more voters are added while any are
left; then the vote fails and says why.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from weavergen.models.chat import Prompt
from weavergen.routing.cascade import (
    STOP_BUDGET,
    STOP_EXHAUSTED,
    STOP_FLOOR,
    Attempt,
    CascadeLimits,
    Check,
    ModelCaller,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Vote:
    """The outcome of a vote: every ballot, the winner, the agreement."""

    attempts: tuple[Attempt, ...]
    winner: Attempt | None
    agreement: float
    stopped_by: str


def run_consensus(
    voters: Sequence[str],
    reserves: Sequence[str],
    caller: ModelCaller,
    prompts: Callable[[str], Prompt],
    *,
    check: Check,
    limits: CascadeLimits,
) -> Vote:
    """Ask every voter, then reserves one by one until a majority passes."""
    ballots: list[Attempt] = []
    spent = limits.spent_usd
    for index, name in enumerate([*voters, *reserves]):
        ballot = caller.call_within(name, prompts(name), check, limits, spent)
        if ballot is None:
            return _closing_vote(ballots, limits.floor, STOP_BUDGET)
        ballots.append(ballot)
        spent += ballots[-1].cost.cost_usd
        if index + 1 < len(voters):
            continue
        vote = tally(ballots, limits.floor)
        if vote.winner is not None:
            return vote
    return _closing_vote(ballots, limits.floor, STOP_EXHAUSTED)


def tally(ballots: Sequence[Attempt], floor: float) -> Vote:
    """Find a strict majority of agreeing ballots whose answer passes."""
    groups: dict[str, list[Attempt]] = defaultdict(list)
    for ballot in ballots:
        if ballot.verdict is not None:
            groups[fact_key(ballot)].append(ballot)
    for members in sorted(groups.values(), key=len, reverse=True):
        if 2 * len(members) <= len(ballots):
            break
        passing = [ballot for ballot in members if ballot.clears(floor)]
        if passing:
            agreement = len(members) / len(ballots)
            return Vote(tuple(ballots), passing[0], agreement, STOP_FLOOR)
    return Vote(tuple(ballots), None, _best_agreement(groups, ballots), STOP_EXHAUSTED)


def fact_key(ballot: Attempt) -> str:
    """A comparable form of what an answer states, from the validator's facts."""
    facts = ballot.verdict.facts if ballot.verdict is not None else None
    if facts is None:
        return "text:" + " ".join(ballot.code.split())
    return json.dumps(_plain(facts), sort_keys=True, default=str)


def _plain(facts: object) -> object:
    # Sets have no order; sort them so equal fact sets give equal keys.
    if isinstance(facts, set | frozenset):
        return sorted((_plain(item) for item in facts), key=repr)
    if isinstance(facts, dict):
        return {str(key): _plain(value) for key, value in facts.items()}
    if isinstance(facts, list | tuple):
        return [_plain(item) for item in facts]
    return facts


def _closing_vote(ballots: list[Attempt], floor: float, reason: str) -> Vote:
    vote = tally(ballots, floor) if ballots else None
    if vote is not None and vote.winner is not None:
        return vote
    agreement = vote.agreement if vote is not None else 0.0
    log.info("consensus ended without a passing majority (%s)", reason)
    return Vote(tuple(ballots), None, agreement, reason)


def _best_agreement(
    groups: dict[str, list[Attempt]], ballots: Sequence[Attempt]
) -> float:
    if not ballots or not groups:
        return 0.0
    return max(len(members) for members in groups.values()) / len(ballots)
