"""The embedded span store: one SQLite file that every run appends spans to.

Reports, economics and the learning loop read cost and quality from here, so
it has to hold up when several ``weavergen`` processes write at once (WAL
journal, a busy timeout, one short ``BEGIN IMMEDIATE`` transaction per
batch) and it must never lose data: a file it cannot read is reported, not
replaced. This module needs only the standard library, so reading spans does
not pay for importing the OpenTelemetry SDK.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from weavergen.errors import StateError
from weavergen.telemetry import attrs

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
# Writers wait this long for another process's transaction before giving up;
# a batch insert takes milliseconds, so only a stuck process hits the limit,
# and the run then goes on without storing (telemetry never holds the work).
BUSY_TIMEOUT_S = 5.0
_OUR_TABLES = frozenset({"spans", "schema_version"})

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
    """CREATE TABLE IF NOT EXISTS spans (
        trace_id TEXT NOT NULL,
        span_id TEXT NOT NULL,
        parent_span_id TEXT,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        start_ns INTEGER NOT NULL,
        end_ns INTEGER NOT NULL,
        attributes TEXT NOT NULL,
        resource TEXT NOT NULL,
        PRIMARY KEY (trace_id, span_id)
    )""",
    "CREATE INDEX IF NOT EXISTS spans_by_name ON spans (name, start_ns)",
)
_COLUMNS = (
    "trace_id, span_id, parent_span_id, name, kind, status, start_ns, end_ns, "
    "attributes, resource"
)
_TENANT_SQL = f"COALESCE(json_extract(attributes, '$.\"{attrs.TENANT}\"'), ?)"


@dataclass(frozen=True, slots=True)
class StoredSpan:
    """One finished span as the store keeps it (ids in lower-case hex)."""

    trace_id: str
    span_id: str
    name: str
    start_ns: int
    end_ns: int
    parent_span_id: str | None = None
    kind: str = "INTERNAL"
    status: str = "UNSET"
    attributes: Mapping[str, Any] = field(default_factory=dict)
    resource: Mapping[str, Any] = field(default_factory=dict)

    def as_row(self) -> tuple[object, ...]:
        """Return the values in the order of the table's columns."""
        return (
            self.trace_id,
            self.span_id,
            self.parent_span_id,
            self.name,
            self.kind,
            self.status,
            self.start_ns,
            self.end_ns,
            json.dumps(dict(self.attributes), sort_keys=True, default=str),
            json.dumps(dict(self.resource), sort_keys=True, default=str),
        )


class SpanStore:
    """Append and query spans in one SQLite file (created on first write)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def add(self, spans: Sequence[StoredSpan]) -> None:
        """Append ``spans`` in one transaction; StateError if that fails."""
        if not spans:
            return
        try:
            self._insert(spans)
        except (sqlite3.Error, OSError) as exc:
            raise StateError(
                f"cannot write spans to {self.path}: {exc}; the spans of this "
                "batch were dropped, the store itself is unchanged"
            ) from exc

    def prepare(self) -> None:
        """Create the file, its WAL journal and its tables now, without spans.

        ``add`` does the same when needed; calling this first (in the
        background) moves the slow, fsync-bound creation of a new store off
        the path of the run that will write to it. StateError if it fails.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with _connect_for_write(self.path) as conn:
                conn.execute("BEGIN IMMEDIATE")
                _ensure_schema(conn, self.path)
                conn.execute("COMMIT")
        except (sqlite3.Error, OSError) as exc:
            raise StateError(
                f"cannot write spans to {self.path}: {exc}; spans of this run are "
                "not stored, the store itself is unchanged"
            ) from exc

    def spans(self, name: str | None = None) -> list[dict[str, Any]]:
        """Return every stored span (or those named ``name``), oldest first."""
        if name is None:
            return self._select("", [])
        return self._select("WHERE name = ?", [name])

    def generations(
        self, since: datetime | None = None, tenant: str | None = None
    ) -> list[dict[str, Any]]:
        """Return one dict per ``weavergen.generation`` span, oldest first."""
        clauses: list[str] = ["name = ?"]
        args: list[object] = [attrs.GENERATION_SPAN]
        if since is not None:
            clauses.append("start_ns >= ?")
            args.append(_to_ns(since))
        if tenant is not None:
            clauses.append(f"{_TENANT_SQL} = ?")
            args.extend([attrs.DEFAULT_TENANT, tenant])
        return self._select("WHERE " + " AND ".join(clauses), args)

    def _insert(self, spans: Sequence[StoredSpan]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _connect_for_write(self.path) as conn:
            conn.execute("BEGIN IMMEDIATE")
            _ensure_schema(conn, self.path)
            conn.executemany(
                f"INSERT OR REPLACE INTO spans ({_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [span.as_row() for span in spans],
            )
            conn.execute("COMMIT")

    def _select(self, where: str, args: Sequence[object]) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        sql = f"SELECT {_COLUMNS} FROM spans {where} ORDER BY start_ns, span_id"
        try:
            with _connect_read_only(self.path) as conn:
                if not _has_spans_table(conn, self.path):
                    return []
                rows = conn.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise _unreadable(self.path, str(exc)) from exc
        return _readable_rows(rows, self.path)


def _ensure_wal(conn: sqlite3.Connection) -> None:
    """Switch a new store to WAL; an existing WAL store needs no lock for this.

    The switch takes an exclusive lock and SQLite may refuse it at once,
    without its busy handler, while another process is creating the same
    file; seen as 'database is locked' with four writers starting together.
    The mode persists in the file, so only its first writers ever retry.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def _connect_for_write(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        # Checked before the journal switch: a foreign file stays byte-identical.
        _refuse_foreign_tables(conn, path)
        _ensure_wal(conn)
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()


@contextmanager
def _connect_read_only(path: Path) -> Iterator[sqlite3.Connection]:
    conn = _open_read_only(path)
    try:
        yield conn
    finally:
        conn.close()


def _open_read_only(path: Path) -> sqlite3.Connection:
    """Open read-only; on read-only media a WAL store without -shm needs immutable.

    SQLite must create the -shm file to read a WAL database in ``mode=ro``;
    where it cannot (a read-only folder), ``immutable=1`` reads the main file
    as it is, which is all a report needs.
    """
    base = path.resolve().as_uri()
    try:
        return _checked_connect(f"{base}?mode=ro")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise  # a writer holds it: immutable would read a half-written state
        logger.debug("reading %s immutable: %s", path, exc)
    return sqlite3.connect(f"{base}?immutable=1", uri=True)


def _checked_connect(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def _refuse_foreign_tables(conn: sqlite3.Connection, path: Path) -> None:
    foreign = _table_names(conn) - _OUR_TABLES
    if foreign:
        raise StateError(
            f"{path} is not a WeaverGen span store (it has the tables "
            f"{', '.join(sorted(foreign))}); spans are not stored and the file "
            "was left untouched: point --state-dir elsewhere"
        )


def _table_names(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
    return {name for (name,) in rows}


def _ensure_schema(conn: sqlite3.Connection, path: Path) -> None:
    for statement in _SCHEMA:
        conn.execute(statement)
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    if row[0] is None:
        conn.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
    elif row[0] > SCHEMA_VERSION:
        raise _newer_schema(path, row[0])


def _has_spans_table(conn: sqlite3.Connection, path: Path) -> bool:
    tables = _table_names(conn)
    if not tables:
        return False  # an empty file: nothing was ever written
    if not {"spans", "schema_version"} <= tables:
        raise _unreadable(path, "it has no spans/schema_version tables")
    version = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
    if version is not None and version > SCHEMA_VERSION:
        raise _newer_schema(path, version)
    return True


def _unreadable(path: Path, reason: str) -> StateError:
    return StateError(
        f"{path} is not a readable WeaverGen span store ({reason}); it was left "
        "untouched: move it aside, or point --state-dir elsewhere"
    )


def _newer_schema(path: Path, version: int) -> StateError:
    return StateError(
        f"{path} has span store schema version {version}, newer than the "
        f"{SCHEMA_VERSION} this WeaverGen understands; upgrade WeaverGen"
    )


def _readable_rows(rows: Sequence[tuple[Any, ...]], path: Path) -> list[dict[str, Any]]:
    """Convert rows, leaving out (with one warning) those a crash or edit damaged."""
    spans: list[dict[str, Any]] = []
    for row in rows:
        try:
            spans.append(_row_to_dict(row))
        except (ValueError, TypeError) as exc:
            logger.debug("damaged span row %s/%s: %s", row[0], row[1], exc)
    if len(spans) < len(rows):
        logger.warning(
            "skipped %d damaged span row(s) in %s (attributes or resource not "
            "a JSON object)",
            len(rows) - len(spans),
            path,
        )
    return spans


def _json_object(text: object) -> dict[str, Any]:
    value = json.loads(text) if isinstance(text, str | bytes) else None
    if not isinstance(value, dict):
        raise ValueError(f"not a JSON object: {str(text)[:40]!r}")
    return value


def _row_to_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    trace_id, span_id, parent, name, kind, status, start_ns, end_ns = row[:8]
    return {
        "trace_id": trace_id,
        "span_id": span_id,
        "parent_span_id": parent,
        "name": name,
        "kind": kind,
        "status": status,
        "start_ns": start_ns,
        "end_ns": end_ns,
        "start": _from_ns(start_ns),
        "end": _from_ns(end_ns),
        "duration_s": max(end_ns - start_ns, 0) / 1e9,
        "attributes": _json_object(row[8]),
        "resource": _json_object(row[9]),
    }


def _to_ns(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1e9)


def _from_ns(ns: int) -> datetime:
    return datetime.fromtimestamp(ns / 1e9, tz=UTC)
