"""Judge a generated artifact: does it parse, and does it say what the registry says?

This is the oracle that makes cheap tiers safe to mix with expensive ones. An
artifact passes only when its language's toolchain accepts it and every
expected fact (:mod:`weavergen.engine.facts`) is declared with the right
value. Its score is the share of facts right, or 0 when it does not parse;
``passed`` means perfect, and the caller's quality floor decides what else
it will accept. The simulator validates the same code many times, so results
are memoised in-process by the hash of code, target, pattern and slice.
Toolchain trouble (missing, timed out, crashed) is reported in the result and
lowers its confidence; it never raises.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from weavergen.engine.declarations import (
    Declarations,
    UnreadableSource,
    read_declarations,
)
from weavergen.engine.facts import Fact, facts_for_view
from weavergen.engine.naming import canonical_target
from weavergen.engine.slices import Scalar, read_slice, slice_hash
from weavergen.engine.toolchains import CheckOutcome, check_java_batch, check_syntax

log = logging.getLogger(__name__)

MEMO_SIZE = 4096
Groups = Sequence[Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class Validation:
    """The verdict on one artifact.

    ``missing`` are facts not declared at all, ``wrong`` facts declared with
    another value; ``facts`` are all the facts expected. ``toolchain`` names
    what checked the syntax (``javac 17.0.15``, ``builtin``, or ``none`` when
    this machine has no compiler for the target); ``detail`` says what it
    reported.
    """

    score: float
    passed: bool
    parsed: bool
    toolchain: str
    missing: tuple[Fact, ...]
    wrong: tuple[Fact, ...]
    confidence: float
    facts: tuple[Fact, ...]
    detail: str = ""
    elapsed_s: float = 0.0


@dataclass(frozen=True, slots=True)
class ValidationItem:
    """One artifact to judge in :func:`validate_many`."""

    code: str
    target: str
    pattern: str
    groups: Groups


class _Memo:
    """A thread-safe LRU of validations by content key."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, Validation] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Validation | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: str, value: Validation) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0


_MEMO = _Memo(MEMO_SIZE)


def validate(
    code: str,
    target: str,
    pattern: str,
    groups: Groups,
    *,
    content_hash: str | None = None,
    timeout_s: float | None = None,
    fresh: bool = False,
) -> Validation:
    """Judge ``code`` as the ``pattern`` artifact for ``target`` over ``groups``.

    ``content_hash`` may pass the slice's hash when the caller has it, to
    spare hashing a large slice on every call. ``fresh`` ignores the memo
    (the toolchain runs again), for checks that must not reuse a verdict.
    """
    target = canonical_target(target)
    key = memo_key(code, target, pattern, content_hash or slice_hash(groups))
    known = None if fresh else _MEMO.get(key)
    if known is not None:
        return known
    outcome = check_syntax(code, target, timeout_s=timeout_s)
    return _conclude(key, ValidationItem(code, target, pattern, groups), outcome)


def validate_many(
    items: Sequence[ValidationItem], *, timeout_s: float | None = None
) -> list[Validation]:
    """Judge many artifacts; Java ones share javac runs (one JVM start each)."""
    keyed = [(item, canonical_target(item.target)) for item in items]
    keys = [memo_key(i.code, t, i.pattern, slice_hash(i.groups)) for i, t in keyed]
    known = [_MEMO.get(key) for key in keys]
    java = [n for n, (_, t) in enumerate(keyed) if t == "java" and known[n] is None]
    batch = check_java_batch([items[n].code for n in java], timeout_s=timeout_s)
    outcomes = dict(zip(java, batch, strict=True))
    results = []
    for n, (item, target) in enumerate(keyed):
        found = known[n]
        if found is None:
            outcome = outcomes.get(n) or check_syntax(
                item.code, target, timeout_s=timeout_s
            )
            found = _conclude(keys[n], replace(item, target=target), outcome)
        results.append(found)
    return results


def memo_key(code: str, target: str, pattern: str, content_hash: str) -> str:
    """Key a validation by everything its verdict depends on."""
    digest = hashlib.sha256()
    for part in (code, target, pattern.strip().lower(), content_hash):
        digest.update(part.encode("utf-8", errors="surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def memo_stats() -> tuple[int, int]:
    """Return (hits, misses) of the in-process validation memo."""
    return _MEMO.hits, _MEMO.misses


def clear_memo() -> None:
    """Forget every memoised validation (tests, or after a toolchain change)."""
    _MEMO.clear()


def _conclude(key: str, item: ValidationItem, outcome: CheckOutcome) -> Validation:
    start = time.perf_counter()
    view = read_slice(item.groups)
    facts = tuple(sorted(facts_for_view(view, item.target, item.pattern)))
    result = _score(item.code, item.target, facts, outcome)
    elapsed_s = outcome.elapsed_s + time.perf_counter() - start
    result = replace(result, elapsed_s=elapsed_s)
    log.debug(
        "validated %s/%s: score %.3f, parsed %s by %s in %.3f s",
        item.target,
        item.pattern,
        result.score,
        result.parsed,
        result.toolchain,
        elapsed_s,
    )
    if not outcome.transient:
        _MEMO.put(key, result)
    return result


def _score(
    code: str, target: str, facts: tuple[Fact, ...], outcome: CheckOutcome
) -> Validation:
    if not outcome.parsed:
        return _verdict(outcome, facts, facts, (), outcome.detail)
    try:
        declared = read_declarations(code, target)
    except UnreadableSource as exc:
        detail = f"{outcome.detail}\nfacts unreadable: {exc}".strip()
        return _verdict(outcome, facts, facts, (), detail)
    missing, wrong = compare(facts, declared)
    return _verdict(outcome, facts, missing, wrong, outcome.detail)


def _verdict(
    outcome: CheckOutcome,
    facts: tuple[Fact, ...],
    missing: tuple[Fact, ...],
    wrong: tuple[Fact, ...],
    detail: str,
) -> Validation:
    parsed = outcome.parsed
    right = len(facts) - len(missing) - len(wrong)
    score = (right / len(facts) if facts else 1.0) if parsed else 0.0
    return Validation(
        score=score,
        passed=parsed and not missing and not wrong,
        parsed=parsed,
        toolchain=outcome.toolchain,
        missing=missing if parsed else facts,
        wrong=wrong,
        confidence=outcome.confidence,
        facts=facts,
        detail=detail,
    )


def compare(
    facts: Sequence[Fact], declared: Declarations
) -> tuple[tuple[Fact, ...], tuple[Fact, ...]]:
    """Split facts into (missing, wrong) against what an artifact declares."""
    missing: list[Fact] = []
    wrong: list[Fact] = []
    for fact in facts:
        if fact.kind == "key":
            if fact.value not in declared.literals:
                missing.append(fact)
            continue
        values = declared.values.get(fact.name)
        if not values:
            missing.append(fact)
        elif not any(_same(value, fact.value) for value in values):
            wrong.append(fact)
    return tuple(missing), tuple(wrong)


def _same(found: Scalar, expected: Scalar) -> bool:
    # A string where a number belongs is wrong even when it reads the same.
    if isinstance(found, str) != isinstance(expected, str):
        return False
    return found == expected
