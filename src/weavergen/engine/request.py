"""What a user asks the engine for, and what the engine hands back.

A :class:`GenerationRequest` names one artifact (target + pattern) over one
slice of a registry; a :class:`GenerationResult` says what answered it, what
it cost call by call, and whether it passed validation. Requests are checked
here, once, so every tier below can trust them: a bad target, an unknown group
or an out-of-range knob becomes a :class:`RequestError` that says what was
expected and suggests close matches.
"""

from __future__ import annotations

import difflib
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from weavergen.errors import RequestError

WHOLE_REGISTRY = "*"
TARGETS = ("python", "go", "java", "typescript", "rust", "javascript", "markdown")
PATTERNS = (
    "attributes",
    "metrics",
    "spans",
    "events",
    "validators",
    "docs",
    "instrumentation",
)
TIERS = ("template", "cache", "local", "cloud", "consensus")
STOP_REASONS = ("quality_floor", "budget", "exhausted")
# An intent is a wish, not a document: a megabyte of it would be sent to
# every model the cascade tries (and billed each time).
MAX_INTENT_CHARS = 16_000
MAX_TENANT_CHARS = 128
MAX_PATTERN_CHARS = 128

Subject = str | tuple[str, ...]


class SliceSource(Protocol):
    """The part of ``ResolvedRegistry`` a request needs to find its slice."""

    @property
    def groups(self) -> list[dict[str, Any]]:
        """Every group, in Weaver's resolved form."""
        ...


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    """One artifact to generate: target and pattern over a registry slice.

    ``subject`` is a tuple of group ids, a namespace such as ``"http"``, or
    ``"*"`` for the whole registry. ``explicit_models`` opts in to models the
    router never picks on its own (``gpt4`` by default).
    """

    target: str
    pattern: str
    subject: Subject = WHOLE_REGISTRY
    intent: str | None = None
    tenant: str = "default"
    quality_floor: float = 0.95
    budget_usd: float | None = None
    explicit_models: tuple[str, ...] = ()

    def describe(self) -> str:
        """Render the request on one line, for logs and messages."""
        subject = ",".join(_subject_parts(self.subject))
        intent = f" intent={self.intent!r}" if self.intent else ""
        return f"{self.target}/{self.pattern} [{subject}]{intent}"


@dataclass(frozen=True, slots=True)
class CallCost:
    """One model call: who answered, the tokens, the dollars, the verdict.

    ``error`` is set when the provider gave no answer (down, rate-limited,
    no API key): a short reason, never a key. ``estimated`` is True when the
    provider reported no usage and the tokens were guessed from the text.
    """

    model: str
    provider: str
    input_tokens: int
    output_tokens: int
    cost_usd: float
    simulated: bool
    passed: bool
    score: float
    latency_s: float = 0.0
    error: str | None = None
    estimated: bool = False


@dataclass(slots=True)
class GenerationResult:
    """What one generation produced and what it cost.

    ``served`` is False when nothing passed validation: ``code`` is then
    empty, because wrong code is never handed out, and ``stopped_by`` says
    why the search ended.
    """

    code: str
    tier: str | None
    models: list[str]
    calls: list[CallCost]
    cost_usd: float
    validation_score: float
    confidence: float
    trace_id: str
    simulated: bool
    stopped_by: str | None
    served: bool = True
    cache_hit: bool = False
    complexity: float = 0.0
    group_ids: list[str] = field(default_factory=list)
    compute_usd: float = 0.0
    storage_usd: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Give the result as plain JSON-ready data."""
        return asdict(self)


def normalise_intent(intent: str | None) -> str | None:
    """Fold case and whitespace so trivially different intents match."""
    if intent is None:
        return None
    folded = " ".join(intent.lower().split())
    return folded or None


def check_request(request: GenerationRequest, targets: Iterable[str]) -> None:
    """Raise :class:`RequestError` unless the request's knobs make sense."""
    _check_choice("target", request.target, tuple(targets))
    _check_texts(request)
    _check_pattern(request.pattern, request.intent)
    if not 0.0 <= request.quality_floor <= 1.0:
        raise RequestError(
            f"quality floor {request.quality_floor} is outside [0, 1]; "
            "expected a share such as 0.95"
        )
    _check_budget(request.budget_usd)


def _check_budget(budget_usd: float | None) -> None:
    # NaN compares false with everything, so a NaN cap would never stop a
    # call; an infinite one is no cap either, and says so only by accident.
    if budget_usd is None:
        return
    if not math.isfinite(budget_usd):
        raise RequestError(
            f"budget {budget_usd} USD is not a finite number; expected an "
            "amount such as 0.05, or no --budget-usd for no cap"
        )
    if budget_usd < 0:
        raise RequestError(f"budget {budget_usd} USD is negative; expected 0 or more")


def _check_texts(request: GenerationRequest) -> None:
    _check_text("tenant", request.tenant, MAX_TENANT_CHARS, multiline=False)
    if not request.tenant.strip():
        raise RequestError("tenant is empty; expected a name such as 'default'")
    _check_text("pattern", request.pattern, MAX_PATTERN_CHARS, multiline=False)
    if request.intent is not None:
        _check_text("intent", request.intent, MAX_INTENT_CHARS, multiline=True)


def _check_text(what: str, value: str, max_chars: int, *, multiline: bool) -> None:
    """Refuse text that cannot be stored or shown: bad bytes, controls, bulk."""
    if len(value) > max_chars:
        raise RequestError(
            f"{what} is {len(value):,} characters long; expected at most {max_chars:,}"
        )
    for offset, char in enumerate(value):
        if _unacceptable(char, multiline):
            raise RequestError(
                f"{what} has {_describe_char(char)} at character {offset}; "
                "expected printable UTF-8 text"
            )


def _unacceptable(char: str, multiline: bool) -> bool:
    if multiline and char in "\r\n\t":
        return False
    # Cs: a byte that was not UTF-8 (surrogate escape); Cc: control codes
    # such as ESC, which would restyle a terminal showing the value.
    return unicodedata.category(char) in ("Cc", "Cs")


def _describe_char(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"the byte 0x{code - 0xDC00:02x}, which is not UTF-8"
    return f"the control character U+{code:04X}"


def check_models(request: GenerationRequest, known: Iterable[str]) -> None:
    """Raise :class:`RequestError` when ``--model`` names no configured model."""
    names = tuple(known)
    for name in request.explicit_models:
        _check_choice("model", name, names)


def select_slice(
    request: GenerationRequest, registry: SliceSource
) -> list[dict[str, Any]]:
    """Find the groups the request is about, or say what would have matched."""
    subject = request.subject
    if isinstance(subject, tuple):
        return _groups_by_id(subject, registry.groups)
    if subject == WHOLE_REGISTRY:
        return list(registry.groups)
    return _groups_in_namespace(subject, registry.groups)


def namespace_of(name: str) -> str:
    """The namespace of an attribute or group name: its first dotted part."""
    return name.split(".", 1)[0]


def _subject_parts(subject: Subject) -> tuple[str, ...]:
    if isinstance(subject, tuple):
        return tuple(sorted(subject))
    return (subject,)


def _check_pattern(pattern: str, intent: str | None) -> None:
    # A pattern outside PATTERNS is free-form work, which only an intent can
    # describe; even then a near miss of a known pattern is taken as a typo,
    # so that "atributes" is neither billed nor recorded as a new pattern.
    if pattern in PATTERNS:
        return
    if not pattern.strip():
        raise RequestError("pattern is empty; expected one of " + ", ".join(PATTERNS))
    hint = _suggest(pattern, PATTERNS)
    if hint or not (intent and intent.strip()):
        raise RequestError(
            f"unknown pattern {pattern!r}{hint}; expected one of "
            f"{', '.join(PATTERNS)}, or a free-form pattern with --intent"
        )


def _check_choice(what: str, value: str, choices: Sequence[str]) -> None:
    if value in choices:
        return
    raise RequestError(
        f"unknown {what} {value!r}{_suggest(value, choices)}; "
        f"expected one of {', '.join(sorted(choices))}"
    )


def _suggest(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def _groups_by_id(
    ids: tuple[str, ...], groups: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    if not ids:
        raise RequestError("no group given; expected at least one group id")
    by_id = {group["id"]: group for group in groups}
    for group_id in ids:
        if group_id not in by_id:
            raise RequestError(
                f"unknown group {group_id!r}{_suggest(group_id, by_id)}; "
                "expected a group id of the registry"
            )
    return [by_id[group_id] for group_id in sorted(set(ids))]


def _groups_in_namespace(
    namespace: str, groups: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    wanted = namespace.strip().rstrip(".")
    chosen = [group for group in groups if _in_namespace(group, wanted)]
    if chosen:
        return chosen
    known = _namespaces(groups)
    raise RequestError(
        f"namespace {namespace!r} matches no group{_suggest(wanted, known)}; "
        "expected a namespace such as 'http' (the first part of attribute names)"
    )


def _in_namespace(group: Mapping[str, Any], namespace: str) -> bool:
    # Group ids read `<kind>.<namespace>...` (registry.http, metric.http.server.
    # request.duration), so the namespace is the first or second dotted part.
    group_id = str(group.get("id", ""))
    if namespace in group_id.split(".")[:2]:
        return True
    attributes = group.get("attributes") or []
    names = [str(attr.get("name", "")) for attr in attributes]
    return bool(names) and all(namespace_of(name) == namespace for name in names)


def _namespaces(groups: list[dict[str, Any]]) -> list[str]:
    found = {
        namespace_of(str(attr.get("name", "")))
        for group in groups
        for attr in group.get("attributes") or []
    }
    return sorted(name for name in found if name)
