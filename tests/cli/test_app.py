"""Tests for the CLI app: exit codes, usage errors and log levels."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from weavergen.cli import run_app


def test_unknown_command_is_a_usage_error_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An unknown sub-command exits 2 with Click's usage message."""
    code = run_app(["registry", "no-such-command"])

    err = capsys.readouterr().err
    assert code == 2
    assert "No such command 'no-such-command'" in err
    assert "Traceback" not in err


def test_exit_code_of_a_command_reaches_the_caller(
    resolver_cases: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A command that raises typer.Exit(1) makes run_app return 1."""
    registry = resolver_cases / "registry-test-10-duplicate-attr-name" / "registry"

    assert run_app(["registry", "check", "-r", str(registry)]) == 1
    assert "error" in capsys.readouterr().out


@pytest.mark.parametrize("flags", [["-v"], ["-vv"], ["--quiet"]])
def test_log_levels_are_restored_after_the_run(
    tmp_path: Path, flags: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """-v/-q change logger levels only for the duration of run_app."""
    before = {
        name: logging.getLogger(name).level for name in ("weavergen", "opentelemetry")
    }

    code = run_app([*flags, "report", "--state-dir", str(tmp_path)])

    capsys.readouterr()
    after = {name: logging.getLogger(name).level for name in before}
    assert code == 0
    assert after == before


def test_verbose_shows_info_lines(
    resolver_cases: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """-v lets weavergen's INFO records through; without it they are dropped."""
    registry = resolver_cases / "registry-test-7-spans" / "registry"
    args = ["registry", "generate", "-q", "-r", str(registry), "python"]

    # Capture INFO without lowering the root logger's WARNING: only -v should.
    with caplog.at_level(logging.INFO, logger="tests.cli.test_app"):
        run_app([*args, str(tmp_path / "a")])
        quiet_infos = [r for r in caplog.records if r.levelno == logging.INFO]
        run_app(["-v", *args, str(tmp_path / "b")])
    capsys.readouterr()

    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert quiet_infos == []
    assert any(message.startswith("template tier:") for message in infos)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["generate", "--bogus"], "No such option: --bogus"),
        (["registry", "no-such-command"], "No such command 'no-such-command'"),
        (["report", "--since"], "Option '--since' requires an argument"),
    ],
)
def test_usage_error_is_one_lowercase_error_line(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A usage error prints exactly one `error: ...` line on stderr, exit 2."""
    code = run_app(argv)

    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert code == 2
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert expected in lines[0]
    assert "Error:" not in captured.err
    assert captured.out == ""
