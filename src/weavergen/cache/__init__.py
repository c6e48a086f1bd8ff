"""The verified cache tier: validated artifacts served again, re-validated.

Exact lookups by request key, semantic lookups by intent similarity within
one target, pattern and slice, and single flight for concurrent identical
requests.
"""

from weavergen.cache.embed import (
    Embedder,
    HashedEmbedder,
    SentenceEmbedder,
    cosine,
    default_embedder,
)
from weavergen.cache.keys import CacheScope, request_key, subject_parts
from weavergen.cache.singleflight import SingleFlight
from weavergen.cache.verified import (
    DEFAULT_THRESHOLD,
    CacheEntry,
    CacheStats,
    SemanticHit,
    VerifiedCache,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "CacheEntry",
    "CacheScope",
    "CacheStats",
    "Embedder",
    "HashedEmbedder",
    "SemanticHit",
    "SentenceEmbedder",
    "SingleFlight",
    "VerifiedCache",
    "cosine",
    "default_embedder",
    "request_key",
    "subject_parts",
]
