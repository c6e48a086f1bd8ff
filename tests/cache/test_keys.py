"""Tests for the exact cache key of a normalised request."""

from __future__ import annotations

from weavergen.cache.keys import request_key, subject_parts


def _key(**changes: object) -> str:
    request: dict[str, object] = {
        "target": "python",
        "pattern": "spans",
        "subject": ("registry.http", "registry.url"),
        "intent": "Span builder for HTTP server",
        "slice_hash": "abc",
        "version": "1",
    }
    request.update(changes)
    return request_key(
        str(request["target"]),
        str(request["pattern"]),
        request["subject"],  # type: ignore[arg-type]
        intent=request["intent"],  # type: ignore[arg-type]
        slice_hash=str(request["slice_hash"]),
        version=str(request["version"]),
    )


def test_equivalent_requests_share_a_key() -> None:
    """Subject order, intent case and spacing, target case do not matter."""
    assert _key() == _key(
        subject=("registry.url", "registry.http"),
        intent="  span BUILDER for\nHTTP server ",
        target="Python",
    )


def test_every_part_of_the_request_changes_the_key() -> None:
    """Target, pattern, subject, intent, slice content and version all count."""
    changed = [
        _key(target="go"),
        _key(pattern="metrics"),
        _key(subject="http"),
        _key(intent="metrics helper"),
        _key(intent=None),
        _key(slice_hash="abd"),
        _key(version="2"),
    ]
    assert len({_key(), *changed}) == len(changed) + 1


def test_key_is_a_sha256_hex_digest() -> None:
    """Keys are 64 lower-case hex characters."""
    key = _key()
    assert len(key) == 64
    assert set(key) <= set("0123456789abcdef")


def test_subject_parts_sort_and_deduplicate_group_ids() -> None:
    """A namespace stays one part; group ids are sorted and unique."""
    assert subject_parts("http") == ("http",)
    assert subject_parts(["b", "a", "b"]) == ("a", "b")
