"""End-to-end tests for ``weavergen registry check|resolve|stats|generate``."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rich.console import Console
from rich.progress import Progress

from weavergen.cli import run_app
from weavergen.cli.registry_cmd import _BarProgress, _progress
from weavergen.engine.template_tier import generate_from_template
from weavergen.registry import load_registry
from weavergen.telemetry import SpanStore, attrs


@pytest.fixture
def spans_registry(resolver_cases: Path) -> Path:
    """A small valid registry with span groups (Weaver resolver case 7)."""
    return resolver_cases / "registry-test-7-spans" / "registry"


@pytest.fixture
def fake_target(tmp_path: Path) -> Path:
    """A target folder (inside a templates folder) making one file per span."""
    root = tmp_path / "templates" / "listing"
    root.mkdir(parents=True)
    (root / "weaver.yaml").write_text(
        textwrap.dedent(
            """
            params: {prefix: "span"}
            templates:
              - template: span.j2
                filter: semconv_spans
                application_mode: each
                file_name: "{{ ctx.id }}.txt"
                pattern: spans
            """
        )
    )
    (root / "span.j2").write_text("{{ params.prefix }} {{ ctx.id }}\n")
    return root


def _errors(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return out, err


def test_check_valid_registry_exits_zero(
    spans_registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A clean registry: exit 0 and a 'no problems' line on stderr."""
    code = run_app(["registry", "check", "-r", str(spans_registry)])

    out, err = _errors(capsys)
    assert code == 0
    assert out == ""
    assert "no problems found" in err


def test_check_reports_file_line_group_and_exits_one(
    resolver_cases: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A duplicate attribute prints file:line (group id): error: message; exit 1."""
    registry = resolver_cases / "registry-test-10-duplicate-attr-name" / "registry"

    code = run_app(["registry", "check", "-r", str(registry)])

    out, err = _errors(capsys)
    assert code == 1
    [line] = out.splitlines()
    assert line.startswith(
        f"{registry / 'registry-messaging.yaml'}:19 (group registry.messaging): error: "
    )
    assert "messaging.batch.message_count" in line
    assert "1 error(s), 0 warning(s)" in err


def test_check_json_lists_problem_objects(
    resolver_cases: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--format json prints a list of objects with file, line, group and message."""
    registry = resolver_cases / "registry-test-10-duplicate-attr-name" / "registry"

    code = run_app(["registry", "check", "-r", str(registry), "--format", "json"])

    out, _ = _errors(capsys)
    [problem] = json.loads(out)
    assert code == 1
    assert problem["line"] == 19
    assert problem["group_id"] == "registry.messaging"
    assert problem["severity"] == "error"
    assert problem["file"].endswith("registry-messaging.yaml")


def test_check_missing_folder_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A registry folder that does not exist: one error line, exit 1."""
    code = run_app(["registry", "check", "-r", str(tmp_path / "missing")])

    _, err = _errors(capsys)
    assert code == 1
    assert err.startswith("error: ")
    assert "missing" in err


def test_check_without_registry_uses_embedded_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No -r: the embedded default registry is checked and is clean."""
    code = run_app(["registry", "check"])

    _, err = _errors(capsys)
    assert code == 0
    assert "no problems found" in err


def test_resolve_writes_the_resolved_json(
    spans_registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o writes exactly the registry's resolved JSON; without -o it is printed."""
    target = tmp_path / "resolved.json"

    assert (
        run_app(["registry", "resolve", "-r", str(spans_registry), "-o", str(target)])
        == 0
    )
    assert run_app(["registry", "resolve", "-r", str(spans_registry)]) == 0

    out, _ = _errors(capsys)
    expected = load_registry(spans_registry).to_json()
    assert target.read_text() == expected + "\n"
    assert out == expected + "\n"


def test_resolve_to_unwritable_path_is_a_message(
    spans_registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An -o path under a file gives 'cannot write', exit 1."""
    blocker = tmp_path / "file"
    blocker.write_text("x")

    code = run_app(
        [
            "registry",
            "resolve",
            "-r",
            str(spans_registry),
            "-o",
            str(blocker / "r.json"),
        ]
    )

    _, err = _errors(capsys)
    assert code == 1
    assert err.startswith(f"error: cannot write {blocker / 'r.json'}")


def test_stats_json_counts_groups(
    spans_registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json prints the registry's statistics; the group count matches."""
    code = run_app(["registry", "stats", "-r", str(spans_registry), "--json"])

    out, _ = _errors(capsys)
    assert code == 0
    assert json.loads(out)["groups"] == len(load_registry(spans_registry).groups)


def test_stats_table_names_each_figure(
    spans_registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --json the figures print as a table with their names."""
    code = run_app(["registry", "stats", "-r", str(spans_registry)])

    out, _ = _errors(capsys)
    assert code == 0
    groups = len(load_registry(spans_registry).groups)
    assert any(
        "groups" in line and line.rstrip(" │|").endswith(str(groups))
        for line in out.splitlines()
    )


def test_generate_writes_files_and_one_span_each(
    spans_registry: Path,
    fake_target: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """generate -t TEMPLATES -D writes a file per span group and records spans."""
    out_dir = tmp_path / "out"
    state = tmp_path / "custom-state"

    code = run_app(
        [
            "--state-dir",
            str(state),
            "registry",
            "generate",
            "-r",
            str(spans_registry),
            "-t",
            str(fake_target.parent),
            "-D",
            "prefix=SPAN",
            "listing",
            str(out_dir),
        ]
    )

    _, err = _errors(capsys)
    span_ids = sorted(
        g["id"] for g in load_registry(spans_registry).groups if g["type"] == "span"
    )
    assert code == 0
    assert sorted(p.stem for p in out_dir.iterdir()) == span_ids
    assert (out_dir / f"{span_ids[0]}.txt").read_text() == f"SPAN {span_ids[0]}\n"
    rows = SpanStore(state / "spans.db").generations()
    assert (
        sorted(Path(r["attributes"][attrs.OUTPUT_PATH]).stem for r in rows) == span_ids
    )
    assert {r["attributes"][attrs.TARGET] for r in rows} == {"listing"}
    assert f"wrote {len(span_ids)} file(s)" in err


def test_generate_takes_state_dir_after_the_command_too(
    spans_registry: Path, fake_target: Path, tmp_path: Path
) -> None:
    """`registry generate --state-dir DIR` stores spans there, as report reads."""
    state = tmp_path / "after-command"
    args = ["-t", str(fake_target.parent), "listing", str(tmp_path / "out")]

    code = run_app(
        [
            "registry",
            "generate",
            "-r",
            str(spans_registry),
            "--state-dir",
            str(state),
            *args,
        ]
    )

    assert code == 0
    assert len(SpanStore(state / "spans.db").generations()) == len(
        list((tmp_path / "out").iterdir())
    )


def test_generate_quiet_prints_nothing(
    spans_registry: Path,
    fake_target: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--quiet suppresses the summary line."""
    code = run_app(
        [
            "registry",
            "generate",
            "--quiet",
            "-r",
            str(spans_registry),
            str(fake_target),
            str(tmp_path / "out"),
        ]
    )

    out, err = _errors(capsys)
    assert code == 0
    assert (out, err) == ("", "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-D", "foo"], "error: -D 'foo': expected key=value"),
        (["-D", "=x"], "error: -D '=x': expected key=value"),
    ],
)
def test_generate_bad_define_is_a_message(
    spans_registry: Path,
    fake_target: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    """A -D without key=value says so, exit 1, nothing written."""
    out_dir = fake_target.parent.parent / "out"

    err = _failed_generate(
        capsys, "-r", str(spans_registry), *args, str(fake_target), str(out_dir)
    )

    assert err.strip() == message
    assert not out_dir.exists()


def _failed_generate(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run ``registry generate ARGS``, expect exit 1, return stderr."""
    code = run_app(["registry", "generate", *args])

    _, err = _errors(capsys)
    assert code == 1
    return err


def test_generate_unknown_target_is_a_message(
    spans_registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown target lists what was tried, exit 1."""
    err = _failed_generate(capsys, "-r", str(spans_registry), "no-such", str(tmp_path))

    assert err.startswith("error: no target 'no-such'")


def test_generate_missing_registry_is_a_message(
    fake_target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing registry folder names it, exit 1."""
    missing = tmp_path / "no-registry"

    err = _failed_generate(capsys, "-r", str(missing), str(fake_target), str(tmp_path))

    assert err.startswith("error: ")
    assert str(missing) in err


def test_generate_unwritable_output_is_a_message(
    spans_registry: Path,
    fake_target: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An OUTPUT that is a file: 'cannot write into OUTPUT', exit 1."""
    blocker = tmp_path / "out"
    blocker.write_text("x")

    err = _failed_generate(
        capsys, "-r", str(spans_registry), str(fake_target), str(blocker)
    )

    assert err.startswith(f"error: cannot write into {blocker}")


def _weavergen() -> list[str]:
    """The installed console script beside the test interpreter."""
    return [str(Path(sys.executable).with_name("weavergen"))]


def test_real_process_with_dead_otlp_endpoint_still_generates(
    spans_registry: Path, fake_target: Path, tmp_path: Path
) -> None:
    """A subprocess with a refused OTLP endpoint writes files, warns once, exit 0."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{port}",
        "OTEL_EXPORTER_OTLP_TIMEOUT": "0.5",
        "WEAVERGEN_STATE_DIR": str(tmp_path / "state"),
    }
    out_dir = tmp_path / "out"

    done = subprocess.run(
        [
            *_weavergen(),
            "registry",
            "generate",
            "-r",
            str(spans_registry),
            str(fake_target),
            str(out_dir),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    warnings = [line for line in done.stderr.splitlines() if "telemetry:" in line]
    assert len(warnings) == 1
    assert f"127.0.0.1:{port}" in warnings[0]
    assert len(list(out_dir.iterdir())) == len(
        SpanStore(tmp_path / "state" / "spans.db").generations()
    )


def test_progress_bar_counts_files(spans_registry: Path, fake_target: Path) -> None:
    """The rich bar learns the file count and advances once per file."""
    console = Console(file=io.StringIO(), force_terminal=True)
    with Progress(console=console) as bar:
        sink = _BarProgress(bar)
        records = generate_from_template(
            load_registry(spans_registry),
            fake_target,
            fake_target / "out",
            {},
            None,
            progress=sink,
        )
        [task] = bar.tasks

    assert task.total == len(records) > 0
    assert task.completed == len(records)


def test_no_progress_bar_when_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Off a terminal (stderr captured here) or with --quiet there is no bar."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)

    with _progress(quiet=False) as sink:
        assert sink is None
    with _progress(quiet=True) as sink:
        assert sink is None
    assert capsys.readouterr().err == ""


def test_generate_prices_files_with_configured_rates(
    spans_registry: Path,
    fake_target: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """[costs] in ./weavergen.toml and env overrides set each span's cost."""
    Path("weavergen.toml").write_text(
        "[costs]\nstorage_usd_per_gb_month = 1.0\nretention_months = 1\n"
    )
    monkeypatch.setenv("WEAVERGEN_COST_COMPUTE_USD_PER_CPU_S", "0")

    code = run_app(
        [
            "registry",
            "generate",
            "-q",
            "-r",
            str(spans_registry),
            str(fake_target),
            str(tmp_path / "out"),
        ]
    )

    rows = SpanStore(tmp_path / "state" / "spans.db").generations()
    assert code == 0
    assert rows
    for row in rows:
        span = row["attributes"]
        assert span[attrs.COST_COMPUTE_USD] == 0.0
        assert span[attrs.COST_USD] == span[attrs.OUTPUT_BYTES] / 2**30


def test_generate_with_bad_cost_config_is_a_message(
    spans_registry: Path,
    fake_target: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A wrong [costs] value names weavergen.toml and the key; nothing written."""
    Path("weavergen.toml").write_text('[costs]\nretention_months = "forever"\n')
    out_dir = tmp_path / "out"

    err = _failed_generate(
        capsys, "-r", str(spans_registry), str(fake_target), str(out_dir)
    )

    assert "weavergen.toml: costs.retention_months: expected a number" in err
    assert not out_dir.exists()
