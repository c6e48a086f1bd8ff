"""Say when two generation requests are the same, for the verified cache.

A cached artifact may be served again only for an equivalent request: same
target and pattern, same subject (order of group ids does not matter), the
same intent up to case and spacing, the same slice content, and the same
template/prompt version (a new prompt can make old answers stale).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from weavergen.engine.request import normalise_intent


@dataclass(frozen=True, slots=True)
class CacheScope:
    """Where a semantic match is allowed: same target, pattern and slice."""

    target: str
    pattern: str
    slice_hash: str


def subject_parts(subject: str | Sequence[str]) -> tuple[str, ...]:
    """Normalise a subject (``"*"``, a namespace, or group ids) to sorted parts."""
    if isinstance(subject, str):
        return (subject,)
    return tuple(sorted(set(subject)))


def request_key(
    target: str,
    pattern: str,
    subject: str | Sequence[str],
    *,
    intent: str | None,
    slice_hash: str,
    version: str = "1",
) -> str:
    """Hash a normalised request into the cache's exact key (sha256 hex)."""
    payload = {
        "target": target.strip().lower(),
        "pattern": pattern.strip().lower(),
        "subject": list(subject_parts(subject)),
        "intent": normalise_intent(intent),
        "slice": slice_hash,
        "version": version,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
