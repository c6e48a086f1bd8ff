"""Tests for the embedded SQLite span store."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from weavergen.errors import StateError
from weavergen.telemetry import attrs
from weavergen.telemetry.store import SCHEMA_VERSION, SpanStore, StoredSpan

SECOND_NS = 1_000_000_000


def _generation(span_id: str, start_s: int, **attributes: object) -> StoredSpan:
    return StoredSpan(
        trace_id="a" * 32,
        span_id=span_id,
        parent_span_id="f" * 16,
        name=attrs.GENERATION_SPAN,
        start_ns=start_s * SECOND_NS,
        end_ns=start_s * SECOND_NS + SECOND_NS // 4,
        attributes=attributes,
    )


def test_generations_decode_attributes_ids_and_times(tmp_path: Path) -> None:
    """A stored generation comes back with its attributes, ids and duration."""
    store = SpanStore(tmp_path / "spans.db")
    store.add(
        [_generation("1" * 16, 100, **{attrs.TARGET: "python", attrs.COST_USD: 0.5})]
    )

    [row] = store.generations()

    assert row["attributes"] == {attrs.TARGET: "python", attrs.COST_USD: 0.5}
    assert row["trace_id"] == "a" * 32
    assert row["span_id"] == "1" * 16
    assert row["parent_span_id"] == "f" * 16
    assert row["duration_s"] == 0.25
    assert row["start"] == datetime.fromtimestamp(100, tz=UTC)


def test_generations_skip_other_spans(tmp_path: Path) -> None:
    """Only weavergen.generation spans are generations; spans() returns all."""
    store = SpanStore(tmp_path / "spans.db")
    run = StoredSpan(
        trace_id="a" * 32,
        span_id="f" * 16,
        name=attrs.RUN_SPAN,
        start_ns=0,
        end_ns=SECOND_NS,
    )
    store.add([run, _generation("1" * 16, 1)])

    assert [r["span_id"] for r in store.generations()] == ["1" * 16]
    assert [r["name"] for r in store.spans()] == [attrs.RUN_SPAN, attrs.GENERATION_SPAN]
    assert [r["name"] for r in store.spans(attrs.RUN_SPAN)] == [attrs.RUN_SPAN]


def test_generations_filter_by_since_and_tenant(tmp_path: Path) -> None:
    """since drops older spans; tenant matches, with 'default' when unset."""
    store = SpanStore(tmp_path / "spans.db")
    store.add(
        [
            _generation("1" * 16, 10),
            _generation("2" * 16, 20, **{attrs.TENANT: "acme"}),
            _generation("3" * 16, 30, **{attrs.TENANT: "default"}),
        ]
    )

    since = datetime.fromtimestamp(15, tz=UTC)
    assert [r["span_id"] for r in store.generations(since=since)] == [
        "2" * 16,
        "3" * 16,
    ]
    assert [r["span_id"] for r in store.generations(tenant="acme")] == ["2" * 16]
    assert [r["span_id"] for r in store.generations(tenant="default")] == [
        "1" * 16,
        "3" * 16,
    ]


def test_missing_store_reads_empty_and_creates_nothing(tmp_path: Path) -> None:
    """Reading a store that does not exist gives [] and leaves no file."""
    path = tmp_path / "nowhere" / "spans.db"

    assert SpanStore(path).generations() == []
    assert SpanStore(path).spans() == []
    assert not path.exists()
    assert not path.parent.exists()


def test_corrupt_store_raises_state_error_and_keeps_bytes(tmp_path: Path) -> None:
    """A file that is not SQLite gives StateError naming it; it is not touched."""
    path = tmp_path / "spans.db"
    garbage = b"this is not a database " * 200
    path.write_bytes(garbage)

    with pytest.raises(StateError, match=r"spans\.db is not a readable"):
        SpanStore(path).generations()

    with pytest.raises(StateError, match="cannot write spans"):
        SpanStore(path).add([_generation("1" * 16, 1)])
    assert path.read_bytes() == garbage


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    """An SQLite file with other tables is reported, not read as empty."""
    path = tmp_path / "spans.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()

    with pytest.raises(StateError, match="no spans/schema_version tables"):
        SpanStore(path).spans()


def test_store_uses_wal_and_records_schema_version(tmp_path: Path) -> None:
    """The store is in WAL mode and says which schema version wrote it."""
    path = tmp_path / "spans.db"
    SpanStore(path).add([_generation("1" * 16, 1)])

    conn = sqlite3.connect(path)
    try:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        versions = conn.execute("SELECT version FROM schema_version").fetchall()
    finally:
        conn.close()
    assert mode == "wal"
    assert versions == [(SCHEMA_VERSION,)]


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    """A store written by a newer schema is reported on read and on write."""
    path = tmp_path / "spans.db"
    SpanStore(path).add([_generation("1" * 16, 1)])
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    conn.close()

    with pytest.raises(StateError, match="newer than"):
        SpanStore(path).generations()
    with pytest.raises(StateError, match="newer than"):
        SpanStore(path).add([_generation("2" * 16, 2)])


_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from weavergen.telemetry.store import SpanStore, StoredSpan
    store = SpanStore(Path(sys.argv[1]))
    worker = int(sys.argv[2])
    for batch in range(25):
        store.add([
            StoredSpan(trace_id=f"{worker:032x}", span_id=f"{batch * 10 + i:016x}",
                       name="weavergen.generation", start_ns=batch, end_ns=batch + 1)
            for i in range(4)
        ])
    """
)


def test_concurrent_writer_processes_lose_no_spans(tmp_path: Path) -> None:
    """Four processes appending at once store every one of their spans."""
    path = tmp_path / "spans.db"
    workers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), str(n)])
        for n in range(4)
    ]

    codes = [worker.wait(timeout=120) for worker in workers]

    assert codes == [0, 0, 0, 0]
    rows = SpanStore(path).generations()
    assert len(rows) == 4 * 25 * 4
    assert len({(r["trace_id"], r["span_id"]) for r in rows}) == 400


def test_writers_creating_the_same_new_store_at_once_all_succeed(
    tmp_path: Path,
) -> None:
    """Eight processes racing to create one store all write (WAL switch race)."""
    for round_no in range(5):
        path = tmp_path / f"round{round_no}" / "spans.db"
        workers = [
            subprocess.Popen([sys.executable, "-c", _ONE_BATCH, str(path), str(n)])
            for n in range(8)
        ]
        assert [worker.wait(timeout=120) for worker in workers] == [0] * 8
        assert len(SpanStore(path).generations()) == 8 * 3


_ONE_BATCH = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from weavergen.telemetry.store import SpanStore, StoredSpan
    worker = int(sys.argv[2])
    SpanStore(Path(sys.argv[1])).add([
        StoredSpan(trace_id=f"{worker:032x}", span_id=f"{i:016x}",
                   name="weavergen.generation", start_ns=i, end_ns=i + 1)
        for i in range(3)
    ])
    """
)


def _foreign_file(path: Path) -> bytes:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (id, name)")
        conn.execute("INSERT INTO users VALUES (1, 'alice')")
    conn.close()
    return path.read_bytes()


def test_foreign_sqlite_file_is_never_written_into(tmp_path: Path) -> None:
    """Adding spans to a file with foreign tables fails and leaves it byte-equal."""
    path = tmp_path / "state" / "spans.db"
    path.parent.mkdir()
    before = _foreign_file(path)
    store = SpanStore(path)

    with pytest.raises(StateError, match=r"not a WeaverGen span store .*users"):
        store.add([_generation("1" * 16, 100)])
    with pytest.raises(StateError, match="users"):
        store.prepare()

    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["spans.db"]


def _damage(path: Path, span_id: str, attributes: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE spans SET attributes = ? WHERE span_id = ?", (attributes, span_id)
        )
    conn.close()


def test_damaged_rows_are_skipped_with_one_counting_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Rows whose attributes are not a JSON object are left out and counted once."""
    store = SpanStore(tmp_path / "spans.db")
    store.add([_generation(f"{n}" * 16, 100 + n, n=n) for n in (1, 2, 3)])
    _damage(store.path, "1" * 16, "{not json")
    _damage(store.path, "2" * 16, "[1, 2]")

    with caplog.at_level("WARNING", logger="weavergen"):
        rows = store.generations()

    assert [row["attributes"] for row in rows] == [{"n": 3}]
    assert [r.getMessage() for r in caplog.records] == [
        f"skipped 2 damaged span row(s) in {store.path} (attributes or resource "
        "not a JSON object)"
    ]


def test_wal_store_is_read_where_no_shm_file_can_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If SQLite cannot open the store read-only (no -shm), it is read immutable."""
    store = SpanStore(tmp_path / "spans.db")
    store.add([_generation("1" * 16, 100, n=1)])
    real_connect = sqlite3.connect

    def read_only_media(database: str, *args: object, **kwargs: object) -> object:
        if "mode=ro" in str(database):
            # What a WAL store on a read-only folder without its -shm gives.
            raise sqlite3.OperationalError("unable to open database file")
        return real_connect(database, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite3, "connect", read_only_media)

    assert [row["attributes"] for row in store.generations()] == [{"n": 1}]
