"""Tests for intent embeddings: the hashed default and the optional local model."""

from __future__ import annotations

import logging
import sys
import types
from typing import Any

import pytest

from weavergen.cache.embed import (
    HashedEmbedder,
    SentenceEmbedder,
    cosine,
    default_embedder,
)


def test_hashed_vectors_are_unit_length_and_case_blind() -> None:
    """Vectors have length 1; case and spacing do not change them."""
    embedder = HashedEmbedder()
    vector = embedder.embed("Span builder for HTTP server")
    assert sum(v * v for v in vector) == pytest.approx(1.0)
    assert embedder.embed("span  BUILDER for http server") == vector


def test_reworded_intents_are_closer_than_unrelated_ones() -> None:
    """Reordering keeps similarity above 0.85; another topic falls well below."""
    embedder = HashedEmbedder()
    base = embedder.embed("span builder for http server requests")
    reordered = embedder.embed("http server requests span builder")
    other = embedder.embed("kafka consumer lag metric")
    assert cosine(base, reordered) > 0.85
    assert cosine(base, other) < 0.3


def test_vectors_of_different_lengths_are_not_similar() -> None:
    """Vectors from different spaces compare as 0, never raise."""
    assert cosine([1.0, 0.0], [1.0]) == 0.0


def test_without_sentence_transformers_the_hashed_embedder_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No optional package installed: the default needs no download."""
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    assert isinstance(default_embedder(), HashedEmbedder)


def _fake_sentence_transformers(available: bool) -> types.ModuleType:
    module = types.ModuleType("sentence_transformers")
    spec = types.SimpleNamespace(name="sentence_transformers")
    module.__spec__ = spec  # type: ignore[assignment]

    class SentenceTransformer:
        def __init__(self, name: str, local_files_only: bool) -> None:
            if not (available and local_files_only):
                raise OSError(f"{name} is not in the local cache")

        def encode(self, texts: list[str]) -> list[list[float]]:
            return [[3.0, 4.0] for _ in texts]

    module.SentenceTransformer = SentenceTransformer  # type: ignore[attr-defined]
    return module


def test_a_local_sentence_model_is_used_when_present(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the package and a local model, its normalised vectors are used."""
    monkeypatch.setitem(
        sys.modules, "sentence_transformers", _fake_sentence_transformers(True)
    )
    embedder = default_embedder("tiny")
    assert isinstance(embedder, SentenceEmbedder)
    assert embedder.name == "sentence-transformers/tiny"
    assert embedder.embed("x") == pytest.approx([0.6, 0.8])


def test_a_model_not_on_disk_falls_back_with_a_log_line(
    monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    """Loading never downloads: a missing model logs and falls back to hashing."""
    monkeypatch.setitem(
        sys.modules, "sentence_transformers", _fake_sentence_transformers(False)
    )
    with caplog.at_level(logging.INFO, logger="weavergen.cache.embed"):
        embedder = default_embedder("tiny")
    assert isinstance(embedder, HashedEmbedder)
    assert "not available locally" in caplog.text
