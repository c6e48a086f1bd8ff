"""The verified cache: earlier validated artifacts, served again only if still valid.

The second tier of the pipeline. An entry is found by the exact request key
(:func:`weavergen.cache.keys.request_key`) or, for free-text intents, by the
embedding of the intent within the same target, pattern and slice. A hit is
never trusted as stored: :meth:`VerifiedCache.get_verified` re-validates it,
evicts it if it fails, and counts it as a false hit. Every row also carries
an HMAC made with a key kept outside the state folder
(:mod:`weavergen.cache.integrity`); a row whose MAC does not verify was
changed or written with another key, and is evicted on read, never served.

One SQLite file in the state folder (``.weavergen/cache.db``), WAL journal
and a busy timeout so several processes can share it; a schema version in
``PRAGMA user_version``. A file that is not a readable cache is reported as
a :class:`StateError`, never replaced, so no data is silently dropped.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from weavergen.cache import integrity
from weavergen.cache.embed import Embedder, cosine, default_embedder, same_wish
from weavergen.cache.keys import CacheScope
from weavergen.errors import StateError
from weavergen.telemetry.state import resolve_state_dir

log = logging.getLogger(__name__)

# 2 added `simulated`: whether the models that wrote an entry were simulated
# (a v1 file is upgraded in place; its rows say NULL, unknown).
# 3 added `mac`: older rows have none, so they are evicted on first read.
SCHEMA_VERSION = 3
CACHE_FILE = "cache.db"
DEFAULT_THRESHOLD = 0.85
# Another process holds the write lock for milliseconds per put; only a stuck
# process makes a caller wait this long.
BUSY_TIMEOUT_MS = 10_000
COUNTERS = ("hits", "misses", "false_hits", "semantic_hits")

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS entries (
        key TEXT PRIMARY KEY,
        code TEXT NOT NULL,
        target TEXT NOT NULL,
        pattern TEXT NOT NULL,
        subject TEXT NOT NULL,
        slice_hash TEXT NOT NULL,
        intent TEXT,
        embedding BLOB,
        embedder TEXT,
        confidence REAL NOT NULL,
        cost_usd REAL NOT NULL,
        tier TEXT NOT NULL,
        models TEXT NOT NULL,
        created_at REAL NOT NULL,
        hits INTEGER NOT NULL DEFAULT 0,
        simulated INTEGER,
        mac TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS entries_scope ON entries (target, pattern, slice_hash)",
    "CREATE TABLE IF NOT EXISTS counters"
    " (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
)
_COLUMNS = (
    "key, code, target, pattern, subject, slice_hash, intent, embedding, embedder, "
    "confidence, cost_usd, tier, models, created_at, hits, simulated, mac"
)
_PLACEHOLDERS = ", ".join("?" * len(_COLUMNS.split(",")))
Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """One validated artifact and what it cost to make.

    ``embedding`` is filled in by :meth:`VerifiedCache.put` from ``intent``
    when left empty; ``created_at`` (epoch seconds) too. ``simulated`` says
    whether simulated models wrote the code (None: stored before it was kept).
    """

    key: str
    code: str
    target: str
    pattern: str
    subject: tuple[str, ...]
    slice_hash: str
    intent: str | None = None
    confidence: float = 1.0
    cost_usd: float = 0.0
    tier: str = "cloud"
    models: tuple[str, ...] = ()
    embedding: tuple[float, ...] | None = None
    embedder: str | None = None
    created_at: float = 0.0
    hits: int = 0
    simulated: bool | None = None

    @property
    def scope(self) -> CacheScope:
        """The scope a semantic lookup must match to find this entry."""
        return CacheScope(self.target, self.pattern, self.slice_hash)


@dataclass(frozen=True, slots=True)
class SemanticHit:
    """An entry found by intent similarity, and how similar it was."""

    entry: CacheEntry
    similarity: float


@dataclass(frozen=True, slots=True)
class CacheStats:
    """Counters since the cache file was created, and its entry count."""

    hits: int
    misses: int
    false_hits: int
    semantic_hits: int
    entries: int

    @property
    def hit_rate(self) -> float:
        """Share of lookups served (0 when there were none)."""
        lookups = self.hits + self.misses
        return self.hits / lookups if lookups else 0.0


class VerifiedCache:
    """Exact and semantic store of validated artifacts in one SQLite file."""

    def __init__(
        self, path: Path | str | None = None, *, embedder: Embedder | None = None
    ) -> None:
        self.path = _cache_path(path)
        self._embedder = embedder
        self._lock = threading.Lock()
        self._conn = self._open()
        self._secret: bytes | None = None

    @property
    def embedder(self) -> Embedder:
        """The intent embedder; chosen on first use (a local model may be slow)."""
        if self._embedder is None:
            self._embedder = default_embedder()
        return self._embedder

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> VerifiedCache:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def put(self, entry: CacheEntry) -> CacheEntry:
        """Store (or replace) an entry; returns it with embedding and time set."""
        entry = self._complete(entry)
        mac = integrity.sign(self._key(), _signed_fields(entry))
        with self._write() as conn:
            conn.execute(
                f"INSERT OR REPLACE INTO entries ({_COLUMNS}) VALUES ({_PLACEHOLDERS})",
                (*_to_row(entry), mac),
            )
        return entry

    def get(self, key: str) -> CacheEntry | None:
        """Return the entry stored under ``key`` (unverified), counting hit or miss."""
        entry = self.peek(key)
        self._count_lookup(entry)
        return entry

    def peek(self, key: str) -> CacheEntry | None:
        """Return the entry under ``key`` without touching any counter.

        An entry that fails its integrity check is the exception: it is
        evicted, counted as a false hit, and None is returned.
        """
        try:
            return self._stored(key)
        except _Tampered as exc:
            self._discard(key, exc)
            return None

    def evict(self, key: str) -> bool:
        """Remove the entry under ``key``; True if there was one."""
        with self._write() as conn:
            return (
                conn.execute("DELETE FROM entries WHERE key = ?", (key,)).rowcount > 0
            )

    def get_verified(
        self, key: str, validator_fn: Callable[[CacheEntry], bool]
    ) -> CacheEntry | None:
        """Return the entry under ``key`` only if it re-validates; evict it if not.

        A row that cannot even be decoded fails verification too: it is
        evicted and counted as a false hit, and the request goes on.
        """
        try:
            entry = self._stored(key)
        except _Undecodable as exc:
            self._discard(key, exc)
            return None
        if entry is None:
            self._bump("misses")
            return None
        return self._verified(entry, validator_fn)

    def lookup_intent(
        self, text: str, scope: CacheScope, threshold: float = DEFAULT_THRESHOLD
    ) -> SemanticHit | None:
        """Find the entry whose intent is most similar to ``text`` in ``scope``."""
        best = self._nearest(text, scope)
        if best is None or best.similarity < threshold:
            return None
        return best

    def lookup_intent_verified(
        self,
        text: str,
        scope: CacheScope,
        validator_fn: Callable[[CacheEntry], bool],
        threshold: float = DEFAULT_THRESHOLD,
    ) -> SemanticHit | None:
        """Like :meth:`lookup_intent`, then re-validate as :meth:`get_verified`.

        It is the second half of one request's lookup, made after an exact
        miss: it counts no miss of its own, and a hit takes back that exact
        miss, so each request counts once in :meth:`stats`. A near intent
        that asks for other things (different content words) is no hit.
        """
        hit = self.lookup_intent(text, scope, threshold)
        if hit is None or not same_wish(text, hit.entry.intent or ""):
            return None
        entry = self._verified(hit.entry, validator_fn, semantic=True)
        return None if entry is None else SemanticHit(entry, hit.similarity)

    def stats(self) -> CacheStats:
        """Hits, misses, false hits, semantic hits and the number of entries."""
        counters: dict[str, int] = dict(
            self._read("SELECT name, value FROM counters", ())
        )
        entries = self._read("SELECT COUNT(*) FROM entries", ())[0][0]
        values = {name: int(counters.get(name, 0)) for name in COUNTERS}
        return CacheStats(entries=int(entries), **values)

    def _verified(
        self,
        entry: CacheEntry,
        validator_fn: Callable[[CacheEntry], bool],
        *,
        semantic: bool = False,
    ) -> CacheEntry | None:
        if not validator_fn(entry):
            log.info("cache entry %s failed re-validation; evicted", entry.key[:12])
            self.evict(entry.key)
            self._bump("false_hits")
            return None
        with self._write() as conn:
            conn.execute(
                "UPDATE entries SET hits = hits + 1 WHERE key = ?", (entry.key,)
            )
            _add(conn, "hits")
            if semantic:
                _add(conn, "semantic_hits")
                _take_back_miss(conn)
        return replace(entry, hits=entry.hits + 1)

    def _stored(self, key: str) -> CacheEntry | None:
        rows = self._read(f"SELECT {_COLUMNS} FROM entries WHERE key = ?", (key,))
        return _from_row(rows[0], self._key()) if rows else None

    def _discard(self, key: str, exc: _Undecodable) -> None:
        log.warning("%s", exc.eviction_note())
        self.evict(key)
        self._bump("false_hits")

    def _key(self) -> bytes:
        # Loaded on first use; racing threads read the same key file.
        if self._secret is None:
            self._secret = integrity.load_key()
        return self._secret

    def _nearest(self, text: str, scope: CacheScope) -> SemanticHit | None:
        wanted = self.embedder.embed(text)
        rows = self._read(
            f"SELECT {_COLUMNS} FROM entries WHERE target = ? AND pattern = ? "
            "AND slice_hash = ? AND embedder = ? AND embedding IS NOT NULL",
            (scope.target, scope.pattern, scope.slice_hash, self.embedder.name),
        )
        best: SemanticHit | None = None
        for entry in self._trusted(rows):
            similarity = cosine(wanted, entry.embedding or ())
            if best is None or similarity > best.similarity:
                best = SemanticHit(entry, similarity)
        return best

    def _trusted(self, rows: list[Row]) -> Iterator[CacheEntry]:
        # One damaged row must not stop every semantic lookup in its scope;
        # a tampered one is evicted so that it is never a candidate again.
        for row in rows:
            try:
                yield _from_row(row, self._key())
            except _Tampered as exc:
                self._discard(str(row[0]), exc)
            except _Undecodable as exc:
                log.warning("%s; skipped", exc)

    def _complete(self, entry: CacheEntry) -> CacheEntry:
        if entry.intent and entry.embedding is None:
            vector = tuple(self.embedder.embed(entry.intent))
            entry = replace(entry, embedding=vector, embedder=self.embedder.name)
        if not entry.created_at:
            entry = replace(entry, created_at=time.time())
        return entry

    def _count_lookup(self, entry: CacheEntry | None) -> None:
        if entry is None:
            self._bump("misses")
            return
        with self._write() as conn:
            conn.execute(
                "UPDATE entries SET hits = hits + 1 WHERE key = ?", (entry.key,)
            )
            _add(conn, "hits")

    def _bump(self, counter: str) -> None:
        with self._write() as conn:
            _add(conn, counter)

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path,
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
            _prepare(conn, self.path)
        except (OSError, sqlite3.Error) as exc:
            raise _unreadable(self.path, exc) from exc
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise _unreadable(self.path, exc) from exc

    def _read(self, sql: str, params: tuple[object, ...]) -> list[Row]:
        with self._lock:
            try:
                return list(self._conn.execute(sql, params).fetchall())
            except sqlite3.Error as exc:
                raise _unreadable(self.path, exc) from exc


def _cache_path(path: Path | str | None) -> Path:
    if path is None:
        return resolve_state_dir() / CACHE_FILE
    path = Path(path)
    # A folder named like the file is a damaged state folder, not a place to
    # nest a second cache.db in; opening it fails with a clear StateError.
    if path.is_dir() and path.name != CACHE_FILE:
        return path / CACHE_FILE
    return path


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StateError(
            f"cache {path} has schema version {version}, newer than this "
            f"WeaverGen understands ({SCHEMA_VERSION}); upgrade WeaverGen or "
            "point --state-dir elsewhere"
        )
    conn.execute("PRAGMA journal_mode = WAL")
    if version == SCHEMA_VERSION:
        return
    _check_empty_or_ours(conn, path)
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have just
        # created or upgraded the file.
        _upgrade(conn, conn.execute("PRAGMA user_version").fetchone()[0])
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _upgrade(conn: sqlite3.Connection, version: int) -> None:
    if version == 1:
        conn.execute("ALTER TABLE entries ADD COLUMN simulated INTEGER")
    if version in (1, 2):
        conn.execute("ALTER TABLE entries ADD COLUMN mac TEXT")
    # Every statement says IF NOT EXISTS: this creates a new file and fills
    # in whatever an older one lacks.
    for statement in _SCHEMA:
        conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _check_empty_or_ours(conn: sqlite3.Connection, path: Path) -> None:
    tables = {
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if tables - {"entries", "counters"}:
        raise StateError(
            f"{path} is an SQLite file but not a WeaverGen cache (tables: "
            f"{', '.join(sorted(tables))}); move it aside or choose another "
            "state folder"
        )


def _add(conn: sqlite3.Connection, counter: str) -> None:
    conn.execute(
        "INSERT INTO counters (name, value) VALUES (?, 1) "
        "ON CONFLICT (name) DO UPDATE SET value = value + 1",
        (counter,),
    )


def _take_back_miss(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE counters SET value = MAX(value - 1, 0) WHERE name = 'misses'")


def _unreadable(path: Path, exc: Exception) -> StateError:
    if isinstance(exc, StateError):
        return exc
    return StateError(
        f"cache {path} cannot be read or written ({exc}); it may be corrupt or "
        "not a WeaverGen cache. Nothing was deleted: move the file aside to "
        "start an empty cache, or restore it from a backup"
    )


def _to_row(entry: CacheEntry) -> Row:
    return (
        entry.key,
        entry.code,
        entry.target,
        entry.pattern,
        json.dumps(list(entry.subject)),
        entry.slice_hash,
        entry.intent,
        _vector_bytes(entry.embedding),
        entry.embedder,
        entry.confidence,
        entry.cost_usd,
        entry.tier,
        json.dumps(list(entry.models)),
        entry.created_at,
        entry.hits,
        entry.simulated,
    )


def _vector_bytes(embedding: tuple[float, ...] | None) -> bytes | None:
    # float32, as stored: the MAC must see the same bytes on write and read.
    return None if embedding is None else array("f", embedding).tobytes()


def _signed_fields(entry: CacheEntry) -> list[object]:
    """Everything stored that can change what is served (not the hit count)."""
    vector = _vector_bytes(entry.embedding)
    return [
        entry.key,
        entry.code,
        entry.target,
        entry.pattern,
        list(entry.subject),
        entry.slice_hash,
        entry.intent,
        None if vector is None else vector.hex(),
        entry.embedder,
        float(entry.confidence),
        float(entry.cost_usd),
        entry.tier,
        list(entry.models),
        float(entry.created_at),
        None if entry.simulated is None else bool(entry.simulated),
    ]


class _Undecodable(StateError):
    """One row of the cache cannot be turned back into an entry."""

    def eviction_note(self) -> str:
        """The warning logged when the row is evicted for this reason."""
        return f"{self}; evicted as a false hit"


class _Tampered(_Undecodable):
    """A row's MAC does not verify under this cache's key."""

    def eviction_note(self) -> str:
        """The warning logged when the row is evicted for this reason."""
        return f"{self}; evicted"


def _from_row(row: Row, secret: bytes) -> CacheEntry:
    key = str(row[0])[:12]
    try:
        entry = _decode_row(row)
    except (ValueError, TypeError) as exc:
        raise _Undecodable(
            f"cache entry {key} is unreadable ({exc}); the cache file may be corrupt"
        ) from exc
    if not integrity.verify(secret, _signed_fields(entry), row[16]):
        raise _Tampered(
            f"cache entry {key} failed its integrity check (tampered or written "
            "with another key)"
        )
    return entry


def _decode_row(row: Row) -> CacheEntry:
    blob = row[7]
    return CacheEntry(
        key=str(row[0]),
        code=str(row[1]),
        target=str(row[2]),
        pattern=str(row[3]),
        subject=tuple(json.loads(row[4])),
        slice_hash=str(row[5]),
        intent=None if row[6] is None else str(row[6]),
        embedding=tuple(array("f", blob)) if isinstance(blob, bytes) else None,
        embedder=None if row[8] is None else str(row[8]),
        confidence=float(row[9]),
        cost_usd=float(row[10]),
        tier=str(row[11]),
        models=tuple(json.loads(row[12])),
        created_at=float(row[13]),
        hits=int(row[14]),
        simulated=None if row[15] is None else bool(row[15]),
    )
