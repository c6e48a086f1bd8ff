"""End-to-end tests for ``weavergen report`` over real span stores."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from weavergen.cli import report_cmd, run_app
from weavergen.telemetry import SpanStore, StoredSpan, attrs

SECOND_NS = 1_000_000_000


def _generation(n: int, duration_s: int, **attributes: object) -> StoredSpan:
    return StoredSpan(
        trace_id=f"{n:032x}",
        span_id=f"{n:016x}",
        name=attrs.GENERATION_SPAN,
        start_ns=n * 100 * SECOND_NS,
        end_ns=(n * 100 + duration_s) * SECOND_NS,
        attributes=attributes,
    )


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """A state folder whose store holds four generations of known cost/time."""
    folder = tmp_path / "state-a"
    SpanStore(folder / "spans.db").add(
        [
            _generation(
                1,
                1,
                **{
                    attrs.TARGET: "python",
                    attrs.PATTERN: "attributes",
                    attrs.TIER: "template",
                    attrs.COST_USD: 0.001,
                    attrs.OUTPUT_PATH: "out/a.py",
                },
            ),
            _generation(
                2,
                2,
                **{
                    attrs.TARGET: "python",
                    attrs.PATTERN: "metrics",
                    attrs.TIER: "template",
                    attrs.COST_USD: 0.002,
                    attrs.OUTPUT_PATH: "out/b.py",
                },
            ),
            _generation(
                3,
                3,
                **{
                    attrs.TARGET: "go",
                    attrs.PATTERN: "metrics",
                    attrs.TIER: "cloud",
                    attrs.COST_USD: 0.5,
                    attrs.SIMULATED: True,
                    attrs.OUTPUT_PATH: "out/c.go",
                },
            ),
            _generation(
                4,
                4,
                **{
                    attrs.TARGET: "go",
                    attrs.PATTERN: "spans",
                    attrs.TIER: "cache",
                    attrs.COST_USD: 0.0,
                    attrs.OUTPUT_PATH: "out/d.go",
                    attrs.TENANT: "acme",
                },
            ),
        ]
    )
    return folder


def test_json_report_has_every_key(
    state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json prints one object: counts, costs, breakdowns, percentiles, items."""
    code = run_app(["report", "--json", "--state-dir", str(state)])

    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["generations"] == 4
    assert report["total_cost_usd"] == pytest.approx(0.503)
    assert report["cost_per_generation_usd"] == pytest.approx(0.503 / 4)
    assert report["by_target"]["go"] == {"generations": 2, "cost_usd": 0.5}
    assert report["by_pattern"]["metrics"]["generations"] == 2
    assert set(report["by_tier"]) == {"template", "cloud", "cache"}
    assert report["duration_p50_s"] == 2.5
    assert report["duration_p95_s"] == pytest.approx(3.85)
    assert report["simulated"] is True
    assert [i["path"] for i in report["items"]] == [
        "out/a.py",
        "out/b.py",
        "out/c.go",
        "out/d.go",
    ]
    assert report["items"][2]["tier"] == "cloud"


def test_global_state_dir_option_is_honoured(
    state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """weavergen --state-dir DIR report reads that folder's store."""
    code = run_app(["--state-dir", str(state), "report", "--json"])

    assert code == 0
    assert json.loads(capsys.readouterr().out)["generations"] == 4


def test_state_dir_from_environment(
    state: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --state-dir, WEAVERGEN_STATE_DIR decides which store is read."""
    monkeypatch.setenv("WEAVERGEN_STATE_DIR", str(state))

    assert run_app(["report", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["generations"] == 4


def test_state_dir_that_is_a_file_is_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--state-dir naming a regular file: says it is a file, exit 1."""
    statefile = tmp_path / "statefile"
    statefile.write_text("I am a file\n")

    code = run_app(["report", "--state-dir", str(statefile)])

    err = capsys.readouterr().err
    assert code == 1
    assert err == (
        f"error: state folder {statefile} is a file, not a folder; point "
        "--state-dir at the folder that holds spans.db\n"
    )


def test_damaged_span_row_is_skipped_with_a_warning(
    state: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """A generation row whose attributes are not JSON: report skips it, no traceback."""
    with sqlite3.connect(state / "spans.db") as conn:
        conn.execute(
            "UPDATE spans SET attributes = '{not json' WHERE rowid = "
            "(SELECT MIN(rowid) FROM spans WHERE name = ?)",
            (attrs.GENERATION_SPAN,),
        )
    conn.close()

    code = run_app(["report", "--state-dir", str(state), "--json"])

    out, err = capsys.readouterr()
    assert code == 0
    assert json.loads(out)["generations"] == 3
    assert "Traceback" not in err
    assert [r.getMessage().split(" in ")[0] for r in caplog.records] == [
        "skipped 1 damaged span row(s)"
    ]


@pytest.mark.parametrize(
    ("options", "paths"),
    [
        (["--since", "1970-01-01T00:05:00"], ["out/c.go", "out/d.go"]),
        (["--since", "1970-01-01T01:05:00+01:00"], ["out/c.go", "out/d.go"]),
        (["--tenant", "acme"], ["out/d.go"]),
        (["--tenant", "default"], ["out/a.py", "out/b.py", "out/c.go"]),
        (["--tenant", "acme", "--since", "1970-01-01"], ["out/d.go"]),
    ],
)
def test_since_and_tenant_filter_generations(
    state: Path,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    paths: list[str],
) -> None:
    """--since keeps generations started at or after it; --tenant one tenant's."""
    code = run_app(["report", "--json", "--state-dir", str(state), *options])

    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [item["path"] for item in report["items"]] == paths
    assert report["generations"] == len(paths)


def test_bad_since_is_a_message(
    state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--since that is not an ISO date says what was expected, exit 1."""
    code = run_app(["report", "--state-dir", str(state), "--since", "last tuesday"])

    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err.startswith("error: --since 'last tuesday': expected an ISO date")


def test_tables_show_totals_and_breakdowns(
    state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The text report has the overview and one table per breakdown."""
    code = run_app(["report", "--state-dir", str(state)])

    out = capsys.readouterr().out
    assert code == 0
    for text in ("By target", "By pattern", "By tier", "$0.50", "2.50 s", "simulated"):
        assert text in out
    assert re.search(r"generations\s*│\s*4\s*│", out)


def test_missing_store_names_the_path_and_the_likely_mistake(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder without spans.db: says so and asks about --state-dir; no file made."""
    folder = tmp_path / "never-used"

    code = run_app(["report", "--state-dir", str(folder)])

    assert code == 0
    assert capsys.readouterr().out == (
        f"no span store at {folder / 'spans.db'} (nothing generated there yet, "
        "or a wrong --state-dir?)\n"
    )
    assert not folder.exists()


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--since", "2099-01-01"], "--since 2099-01-01"),
        (["--tenant", "nobody"], "--tenant nobody"),
        (["--since", "2099-01-01", "--tenant", "acme"], "--since 2099-01-01 --tenant"),
    ],
)
def test_filters_matching_nothing_are_named_not_none_recorded(
    state: Path, flags: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty result of --since/--tenant says the filters matched nothing."""
    code = run_app(["report", "--state-dir", str(state), *flags])

    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith(f"no generations match {named}")
    assert "recorded" not in out


def test_empty_result_note_goes_to_stderr_with_json(
    state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --json stdout stays one JSON object; the note is on stderr."""
    code = run_app(["report", "--json", "--state-dir", str(state), "--tenant", "x"])

    out, err = capsys.readouterr()
    assert code == 0
    assert json.loads(out)["generations"] == 0
    assert err.startswith("no generations match --tenant x")


def test_store_path_is_on_its_own_unwrapped_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long store path is printed whole on one line, not folded mid-word."""
    folder = tmp_path / ("a-rather-long-state-folder-name-" * 3)
    SpanStore(folder / "spans.db").add(
        [_generation(1, 1, **{attrs.TARGET: "go", attrs.COST_USD: 7.71e-07})]
    )
    monkeypatch.setenv("COLUMNS", "60")

    assert run_app(["report", "--state-dir", str(folder)]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Span store: {folder / 'spans.db'}"


def test_tiny_costs_and_durations_read_in_plain_decimals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Micro-dollars and sub-millisecond runs print without e-notation or µs."""
    span = _generation(1, 0, **{attrs.TARGET: "go", attrs.COST_USD: 7.71e-07})
    span = replace(span, end_ns=span.start_ns + 677_000)
    SpanStore(tmp_path / "spans.db").add([span])

    assert run_app(["report", "--state-dir", str(tmp_path)]) == 0

    out = capsys.readouterr().out
    assert "$0.000000771" in out
    assert "0.000677 s" in out
    assert "e-0" not in out
    assert "µs" not in out


def test_corrupt_store_is_a_message_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A damaged spans.db: 'not a readable span store', exit 1, bytes unchanged."""
    store = tmp_path / "spans.db"
    store.write_bytes(b"\x00garbage" * 300)

    code = run_app(["report", "--state-dir", str(tmp_path)])

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"error: {store} is not a readable WeaverGen span store")
    assert "Traceback" not in err
    assert store.read_bytes() == b"\x00garbage" * 300


def test_html_without_module_is_a_message(
    state: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--html when the HTML module is absent: clear error before any output."""
    monkeypatch.setattr(report_cmd, "HTML_REPORT_MODULE", "weavergen_absent_html")

    code = run_app(
        ["report", "--state-dir", str(state), "--html", str(tmp_path / "r.html")]
    )

    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err.startswith("error: --html needs weavergen_absent_html")


@pytest.fixture
def html_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A stand-in HTML report module that writes the generation count."""
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "fake_html_report.py").write_text(
        "def write_html_report(store, path):\n"
        "    path.write_text(f'{len(store.generations())} generations')\n"
    )
    monkeypatch.syspath_prepend(str(plugin))
    monkeypatch.delitem(sys.modules, "fake_html_report", raising=False)
    monkeypatch.setattr(report_cmd, "HTML_REPORT_MODULE", "fake_html_report")
    return "fake_html_report"


@pytest.mark.usefixtures("html_plugin")
def test_html_calls_the_writer_with_the_store(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--html passes the span store and the path to write_html_report."""
    page = tmp_path / "report.html"

    code = run_app(["report", "--json", "--state-dir", str(state), "--html", str(page)])

    assert code == 0
    assert page.read_text() == "4 generations"
    assert f"HTML report written to {page}" in capsys.readouterr().err


@pytest.mark.usefixtures("html_plugin")
def test_html_to_unwritable_path_is_a_message(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An OSError from the HTML writer becomes 'cannot write HTML report'."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    page = blocker / "r.html"

    code = run_app(["report", "--json", "--state-dir", str(state), "--html", str(page)])

    assert code == 1
    assert "error: cannot write HTML report" in capsys.readouterr().err


def test_generate_then_report_in_real_processes(
    resolver_cases: Path, tmp_path: Path
) -> None:
    """Two real processes: generate with the python target, then report --json."""
    registry = resolver_cases / "registry-test-7-spans" / "registry"
    script = str(Path(sys.executable).with_name("weavergen"))
    state = tmp_path / "st"

    generated = subprocess.run(
        [
            script,
            "--state-dir",
            str(state),
            "registry",
            "generate",
            "-r",
            str(registry),
            "python",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    reported = subprocess.run(
        [script, "report", "--json", "--state-dir", str(state)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert generated.returncode == 0, generated.stderr
    assert reported.returncode == 0, reported.stderr
    report = json.loads(reported.stdout)
    written = sorted(str(p) for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert sorted(i["path"] for i in report["items"]) == written
    assert set(report["by_target"]) == {"python"}
    assert report["by_tier"]["template"]["generations"] == len(written)
    assert report["total_cost_usd"] > 0
    assert report["simulated"] is False
