"""Turn free-text intents into vectors, so similar intents can share answers.

Two users rarely phrase an intent the same way ("span builder for http
server" vs "HTTP server span builder"). The default embedder needs nothing
downloaded: hashed word and character-trigram counts, log-scaled and
normalised, which catches reordering, case and small spelling changes. When
``sentence-transformers`` is installed *and* a model is already on disk, it
can be used instead; nothing is ever downloaded at run time. Vectors of
different embedders never meet: each entry records the embedder's name.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import math
import re
import zlib
from collections.abc import Sequence
from typing import Any, Protocol

log = logging.getLogger(__name__)

DEFAULT_DIMENSIONS = 512
DEFAULT_SENTENCE_MODEL = "all-MiniLM-L6-v2"
_WORD = re.compile(r"[a-z0-9]+")


class Embedder(Protocol):
    """Maps text to a unit-length vector; ``name`` identifies the vector space."""

    @property
    def name(self) -> str: ...

    def embed(self, text: str) -> list[float]: ...


class HashedEmbedder:
    """Hashed word and character-trigram features, pure Python, no model."""

    def __init__(self, dimensions: int = DEFAULT_DIMENSIONS) -> None:
        self.dimensions = dimensions

    @property
    def name(self) -> str:
        return f"hashed-ngrams-{self.dimensions}"

    def embed(self, text: str) -> list[float]:
        """Embed ``text``; equal after case folding means equal vectors."""
        vector = [0.0] * self.dimensions
        for feature, weight in _features(text):
            code = zlib.crc32(feature.encode())
            sign = 1.0 if code & 1 else -1.0
            vector[(code >> 1) % self.dimensions] += sign * weight
        return normalise([_damp(value) for value in vector])


def _features(text: str) -> list[tuple[str, float]]:
    words = _WORD.findall(text.casefold())
    features = [(f"w:{word}", 1.0) for word in words]
    for word in words:
        padded = f"^{word}$"
        features += [(f"c:{padded[i : i + 3]}", 0.5) for i in range(len(padded) - 2)]
    return features


def _damp(value: float) -> float:
    # Log scaling keeps one repeated word from dominating the vector.
    return math.copysign(math.log1p(abs(value)), value)


def normalise(vector: Sequence[float]) -> list[float]:
    """Scale to unit length (the zero vector stays zero)."""
    length = math.sqrt(sum(value * value for value in vector))
    return [value / length for value in vector] if length else list(vector)


def cosine(left: Sequence[float], right: Sequence[float]) -> float:
    """Cosine similarity of two unit vectors of the same length (0 if not)."""
    if len(left) != len(right):
        return 0.0
    return sum(a * b for a, b in zip(left, right, strict=True))


# Words whose presence or absence does not change what an intent asks for.
# Negations ("not", "no", "without") and every content word are left out on
# purpose: "list X first" and "list X last" must not share an answer.
_FILLER_TEXT = (
    "a an the each every all any of to for with and in on by as is are be it "
    "its that this these those please them their one"
)
_FILLER_WORDS = frozenset(_FILLER_TEXT.split())


def same_wish(left: str, right: str) -> bool:
    """True when two intents differ only in filler words, order, case, plurals.

    A lexical embedding scores "list the deprecated attributes first" and
    "... last" above 0.85, and the validator cannot tell them apart (it
    checks the facts, not the wish), so similarity alone would hand one
    user's answer to the other. Content words must match as a set.
    """
    return _content_words(left) == _content_words(right)


def _content_words(text: str) -> frozenset[str]:
    words = (word for word in _WORD.findall(text.lower()) if word not in _FILLER_WORDS)
    return frozenset(word.removesuffix("s") or word for word in words)


class SentenceEmbedder:
    """A sentence-transformers model that is already on this machine."""

    def __init__(self, model: Any, model_name: str) -> None:
        self._model = model
        self._model_name = model_name

    @property
    def name(self) -> str:
        return f"sentence-transformers/{self._model_name}"

    def embed(self, text: str) -> list[float]:
        """Embed ``text`` with the local model, normalised to unit length."""
        raw = self._model.encode([text])[0]
        return normalise([float(value) for value in raw])


def default_embedder(model_name: str = DEFAULT_SENTENCE_MODEL) -> Embedder:
    """Use a local sentence-transformers model if one is there, else hashing."""
    if importlib.util.find_spec("sentence_transformers") is None:
        log.debug("sentence-transformers not installed; using hashed n-grams")
        return HashedEmbedder()
    try:
        module = importlib.import_module("sentence_transformers")
        model = module.SentenceTransformer(model_name, local_files_only=True)
    except Exception as exc:  # any failure to load means: fall back
        log.info(
            "sentence-transformers model %s is not available locally (%s); "
            "using hashed n-grams",
            model_name,
            exc,
        )
        return HashedEmbedder()
    return SentenceEmbedder(model, model_name)
