"""Tests for the verified cache: exact and semantic hits, re-validation, safety."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from weavergen.cache import CacheEntry, CacheScope, VerifiedCache
from weavergen.errors import StateError

SCOPE = CacheScope("python", "spans", "slice-1")


def _entry(key: str = "k1", intent: str | None = None, **changes: object) -> CacheEntry:
    fields: dict[str, object] = {
        "key": key,
        "code": 'X = "x"\n',
        "target": SCOPE.target,
        "pattern": SCOPE.pattern,
        "subject": ("registry.http",),
        "slice_hash": SCOPE.slice_hash,
        "intent": intent,
        "confidence": 0.9,
        "cost_usd": 0.0021,
        "tier": "cloud",
        "models": ("gpt-small",),
    }
    fields.update(changes)
    return CacheEntry(**fields)  # type: ignore[arg-type]


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[VerifiedCache]:
    """An empty cache in a fresh file, closed after the test."""
    with VerifiedCache(tmp_path / "cache.db") as opened:
        yield opened


def test_an_entry_reads_back_with_all_its_fields(cache: VerifiedCache) -> None:
    """Put then get returns the same entry, with created_at set and a hit counted."""
    stored = cache.put(_entry())
    found = cache.get("k1")
    assert found is not None
    assert found == stored
    assert stored.created_at > 0
    assert (found.subject, found.models, found.cost_usd) == (
        ("registry.http",),
        ("gpt-small",),
        0.0021,
    )
    assert cache.peek("k1").hits == 1  # type: ignore[union-attr]


def test_entries_survive_reopening_the_file(tmp_path: Path) -> None:
    """A second cache object on the same file sees the first one's entries."""
    with VerifiedCache(tmp_path) as first:
        first.put(_entry())
    with VerifiedCache(tmp_path / "cache.db") as second:
        assert second.peek("k1") is not None


def test_default_path_is_in_the_state_folder(tmp_path: Path) -> None:
    """Without a path, the cache lives in $WEAVERGEN_STATE_DIR/cache.db."""
    with VerifiedCache() as cache:
        assert cache.path == tmp_path / "state" / "cache.db"
        assert cache.path.exists()


def test_verified_hit_is_served_and_failing_hit_is_evicted(
    cache: VerifiedCache,
) -> None:
    """Re-validation serves what passes; what fails is evicted as a false hit."""
    cache.put(_entry("good"))
    cache.put(_entry("stale"))
    assert cache.get_verified("good", lambda entry: True) is not None
    assert cache.get_verified("stale", lambda entry: False) is None
    assert cache.peek("stale") is None
    assert cache.get_verified("absent", lambda entry: True) is None
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.false_hits, stats.entries) == (1, 1, 1, 1)


def test_evict_says_whether_there_was_an_entry(cache: VerifiedCache) -> None:
    """Evicting twice removes once."""
    cache.put(_entry())
    assert cache.evict("k1") is True
    assert cache.evict("k1") is False


def test_similar_intent_in_the_same_scope_is_found(cache: VerifiedCache) -> None:
    """A reworded intent matches above the threshold and reports its similarity."""
    cache.put(_entry("a", intent="span builder for http server requests"))
    cache.put(_entry("b", intent="kafka consumer lag metric"))
    hit = cache.lookup_intent("HTTP server requests: span builder", SCOPE)
    assert hit is not None
    assert hit.entry.key == "a"
    assert hit.similarity > 0.85


def test_semantic_lookup_never_crosses_scope_or_threshold(cache: VerifiedCache) -> None:
    """Another slice or target never matches; an unrelated intent stays a miss."""
    cache.put(_entry("a", intent="span builder for http server requests"))
    other_slice = CacheScope("python", "spans", "slice-2")
    other_target = CacheScope("go", "spans", "slice-1")
    text = "span builder for http server requests"
    assert cache.lookup_intent(text, other_slice) is None
    assert cache.lookup_intent(text, other_target) is None
    assert cache.lookup_intent("database connection pool gauge", SCOPE) is None


def test_semantic_verified_hit_counts_once_per_request(cache: VerifiedCache) -> None:
    """Exact miss then semantic hit: one hit, one semantic hit, no miss."""
    cache.put(_entry("a", intent="span builder for http server"))
    assert cache.get_verified("other-key", lambda entry: True) is None
    hit = cache.lookup_intent_verified(
        "Span builder for HTTP server", SCOPE, lambda e: True
    )
    assert hit is not None
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.semantic_hits) == (1, 0, 1)
    assert stats.hit_rate == 1.0


def test_similar_intent_that_asks_for_something_else_is_no_hit(
    cache: VerifiedCache,
) -> None:
    """'... first' scores 0.86 against '... last' but must not share its answer."""
    cache.put(_entry("a", intent="list the deprecated attributes last"))
    for other in (
        "list the deprecated attributes first",
        "do not list the deprecated attributes last",
    ):
        assert cache.lookup_intent(other, SCOPE) is not None
        assert cache.lookup_intent_verified(other, SCOPE, lambda e: True) is None
    hit = cache.lookup_intent_verified(
        "List all the deprecated attribute last", SCOPE, lambda e: True
    )
    assert hit is not None
    assert hit.entry.key == "a"
    assert cache.stats().entries == 1


def test_undecodable_row_is_evicted_as_a_false_hit_not_an_error(
    tmp_path: Path,
) -> None:
    """A row with a broken models list used to stop every later request for it."""
    path = tmp_path / "cache.db"
    with VerifiedCache(path) as cache:
        cache.put(_entry("a", intent="span builder for http server"))
        cache.put(_entry("b", intent="span builder for http servers"))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE entries SET models = 'not json{' WHERE key = 'a'")
    conn.close()
    with VerifiedCache(path) as cache:
        hit = cache.lookup_intent_verified(
            "span builder for http server", SCOPE, lambda e: True
        )
        assert hit is not None
        assert hit.entry.key == "b"
        assert cache.get_verified("a", lambda entry: True) is None
        stats = cache.stats()
    assert (stats.false_hits, stats.entries) == (1, 1)


def test_corrupt_file_is_a_state_error_and_is_kept(tmp_path: Path) -> None:
    """Garbage in cache.db raises StateError naming the file; the file stays."""
    path = tmp_path / "cache.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StateError, match=r"cache\.db.*Nothing was deleted"):
        VerifiedCache(path)
    assert path.read_bytes().startswith(b"this is not sqlite")


def test_a_folder_named_cache_db_is_a_state_error_not_a_nested_cache(
    tmp_path: Path,
) -> None:
    """`cache.db/` as a folder used to get a second cache.db silently inside."""
    folder = tmp_path / "cache.db"
    folder.mkdir()
    with pytest.raises(StateError, match=r"cache\.db cannot be read or written"):
        VerifiedCache(folder)
    assert list(folder.iterdir()) == []


def test_a_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    """An SQLite file with other tables is not taken over."""
    path = tmp_path / "cache.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()
    with pytest.raises(StateError, match="not a WeaverGen cache"):
        VerifiedCache(path)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    """A cache written by a newer WeaverGen is not downgraded."""
    path = tmp_path / "cache.db"
    VerifiedCache(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StateError, match="schema version 99"):
        VerifiedCache(path)


V1_ENTRIES = """CREATE TABLE entries (key TEXT PRIMARY KEY, code TEXT NOT NULL,
    target TEXT NOT NULL, pattern TEXT NOT NULL, subject TEXT NOT NULL,
    slice_hash TEXT NOT NULL, intent TEXT, embedding BLOB, embedder TEXT,
    confidence REAL NOT NULL, cost_usd REAL NOT NULL, tier TEXT NOT NULL,
    models TEXT NOT NULL, created_at REAL NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0)"""


def test_a_version_1_cache_is_upgraded_and_its_unsigned_rows_are_evicted(
    tmp_path: Path,
) -> None:
    """v1 rows carry no MAC: evicted on first read; new rows record `simulated`."""
    path = tmp_path / "cache.db"
    with sqlite3.connect(path) as conn:
        conn.execute(V1_ENTRIES)
        conn.execute(
            "INSERT INTO entries VALUES ('old', 'x', 'go', 'attributes', '[\"a\"]',"
            " 's', NULL, NULL, NULL, 1.0, 0.0, 'local', '[\"m\"]', 1.0, 0)"
        )
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    with VerifiedCache(path) as cache:
        cache.put(_entry("new", simulated=True))
        old, new = cache.peek("old"), cache.peek("new")
        stats = cache.stats()
    assert old is None
    assert new is not None
    assert new.simulated is True
    assert (stats.entries, stats.false_hits) == (1, 1)
    assert _user_version(path) == 3


def test_threads_sharing_one_cache_lose_no_writes(cache: VerifiedCache) -> None:
    """Concurrent puts and lookups from many threads all land."""

    def work(n: int) -> None:
        cache.put(_entry(f"k{n}"))
        cache.get(f"k{n}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(work, range(40)))
    stats = cache.stats()
    assert (stats.entries, stats.hits) == (40, 40)


def test_processes_writing_one_file_lose_no_writes(tmp_path: Path) -> None:
    """Two processes putting at once both succeed (WAL, busy timeout)."""
    path = tmp_path / "cache.db"
    VerifiedCache(path).close()
    script = textwrap.dedent(
        """
        import sys
        from weavergen.cache import CacheEntry, VerifiedCache
        cache = VerifiedCache(sys.argv[1])
        for n in range(50):
            key = f"{sys.argv[2]}-{n}"
            cache.put(CacheEntry(key, "x", "python", "spans", ("a",), "s"))
        """
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", script, str(path), name])
        for name in ("p1", "p2")
    ]
    assert [worker.wait(60) for worker in workers] == [0, 0]
    with VerifiedCache(path) as cache:
        assert cache.stats().entries == 100


class _ConstantEmbedder:
    """An embedder of another vector space: every text maps to one vector."""

    name = "constant-2"

    def embed(self, text: str) -> list[float]:
        return [1.0, 0.0]


def test_vectors_of_another_embedder_are_never_compared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries embedded in another space are invisible to this embedder."""
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    path = tmp_path / "cache.db"
    with VerifiedCache(path, embedder=_ConstantEmbedder()) as other:
        other.put(_entry("a", intent="span builder"))
        assert other.lookup_intent("anything at all", SCOPE) is not None
    with VerifiedCache(path) as default:
        assert default.embedder.name.startswith("hashed-ngrams")
        assert default.lookup_intent("span builder", SCOPE) is None


def _user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    conn.close()
    return version


def _tamper(path: Path, assignment: str, key: str = "k1") -> None:
    """Change a stored row behind the cache's back, as anyone with the file can."""
    with sqlite3.connect(path) as conn:
        changed = conn.execute(
            f"UPDATE entries SET {assignment} WHERE key = ?", (key,)
        ).rowcount
    conn.close()
    assert changed == 1


INTEGRITY_WARNING = (
    "cache entry k1 failed its integrity check (tampered or written with "
    "another key); evicted"
)


def test_appended_code_is_not_served_and_is_evicted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Code appended with sqlite3 passes re-validation but not the MAC check."""
    path = tmp_path / "cache.db"
    with VerifiedCache(path) as cache:
        cache.put(_entry(code="package x\n", target="go", simulated=False))
    _tamper(path, "code = code || 'func init(){println(\"INJECTED\")}'")
    with VerifiedCache(path) as cache:
        assert cache.get_verified("k1", lambda entry: True) is None
        stats = cache.stats()
    assert (stats.entries, stats.false_hits, stats.misses, stats.hits) == (0, 1, 0, 0)
    assert [r.getMessage() for r in caplog.records] == [INTEGRITY_WARNING]
    assert [r.levelname for r in caplog.records] == ["WARNING"]


@pytest.mark.parametrize(
    "assignment",
    [
        "target = 'go'",
        "pattern = 'metrics'",
        "models = '[\"gpt-large\"]'",
        "simulated = 0",
        "tier = 'template'",
        "confidence = 1.0",
        "subject = '[\"registry.db\"]'",
    ],
)
def test_any_tampered_served_field_fails_the_integrity_check(
    tmp_path: Path, assignment: str
) -> None:
    """Target, pattern, models, simulated, tier, confidence and subject are signed."""
    path = tmp_path / "cache.db"
    with VerifiedCache(path) as cache:
        cache.put(_entry(simulated=True))
    _tamper(path, assignment)
    with VerifiedCache(path) as cache:
        assert cache.peek("k1") is None
        stats = cache.stats()
    assert (stats.entries, stats.false_hits) == (0, 1)


def test_changing_only_the_hit_count_keeps_the_entry(tmp_path: Path) -> None:
    """The hit count changes on every hit, so it is not signed."""
    path = tmp_path / "cache.db"
    with VerifiedCache(path) as cache:
        cache.put(_entry())
    _tamper(path, "hits = 41")
    with VerifiedCache(path) as cache:
        found = cache.get_verified("k1", lambda entry: True)
    assert found is not None
    assert found.hits == 42


def test_a_tampered_entry_is_no_semantic_candidate(tmp_path: Path) -> None:
    """A semantic lookup skips and evicts a tampered row, serving a genuine one."""
    path = tmp_path / "cache.db"
    with VerifiedCache(path) as cache:
        cache.put(_entry("a", intent="span builder for http server"))
        cache.put(_entry("b", intent="span builder for http servers"))
    _tamper(path, "code = 'evil()'", key="a")
    with VerifiedCache(path) as cache:
        hit = cache.lookup_intent_verified(
            "span builder for http server", SCOPE, lambda entry: True
        )
        assert cache.peek("a") is None
        stats = cache.stats()
    assert hit is not None
    assert (hit.entry.key, hit.entry.code) == ("b", 'X = "x"\n')
    assert (stats.entries, stats.false_hits) == (1, 1)


def test_another_key_cannot_read_the_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries signed under one WEAVERGEN_CACHE_KEY are evicted under another."""
    path = tmp_path / "cache.db"
    monkeypatch.setenv("WEAVERGEN_CACHE_KEY", "first secret")
    with VerifiedCache(path) as cache:
        cache.put(_entry("k1"))
        cache.put(_entry("k2"))
    with VerifiedCache(path) as cache:
        assert cache.peek("k2") is not None
    monkeypatch.setenv("WEAVERGEN_CACHE_KEY", "second secret")
    with VerifiedCache(path) as cache:
        assert cache.get_verified("k1", lambda entry: True) is None
        assert cache.stats().entries == 1
    assert not (tmp_path / "config" / "weavergen" / "cache.key").exists()


def test_the_key_is_not_stored_in_the_state_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neither the cache file nor its journal holds the secret."""
    secret = "do-not-store-this-secret"
    monkeypatch.setenv("WEAVERGEN_CACHE_KEY", secret)
    with VerifiedCache() as cache:
        cache.put(_entry())
        state = cache.path.parent
        files = [p.read_bytes() for p in state.iterdir() if p.is_file()]
    assert files
    assert not any(secret.encode() in blob for blob in files)


V2_ENTRIES = V1_ENTRIES.removesuffix(")") + ", simulated INTEGER)"


def test_a_version_2_cache_is_upgraded_and_stays_usable(tmp_path: Path) -> None:
    """A v2 file gains the MAC column; its unsigned rows go, new rows are served."""
    path = tmp_path / "cache.db"
    with VerifiedCache(path) as cache:
        pass
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE entries")
        conn.execute(V2_ENTRIES)
        conn.execute(
            "INSERT INTO entries VALUES ('old', 'x', 'python', 'spans', '[\"a\"]',"
            " 'slice-1', NULL, NULL, NULL, 1.0, 0.0, 'local', '[\"m\"]', 1.0, 0, 0)"
        )
        conn.execute("PRAGMA user_version = 2")
    conn.close()
    with VerifiedCache(path) as cache:
        assert cache.get_verified("old", lambda entry: True) is None
        cache.put(_entry("new"))
    assert _user_version(path) == 3
    with VerifiedCache(path) as cache:
        served = cache.get_verified("new", lambda entry: True)
        stats = cache.stats()
    assert served is not None
    assert (stats.entries, stats.false_hits, stats.hits) == (1, 1, 1)
