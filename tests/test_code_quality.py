"""The style bar of STYLE.md, checked: ruff lint and format, mypy strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PATHS = ["src", "tests", "benchmarks"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
    )


@pytest.mark.parametrize(
    "command",
    [
        ("ruff", "check", *PATHS),
        ("ruff", "format", "--check", *PATHS),
        ("mypy",),
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_code_passes_the_style_checks(command: tuple[str, ...]) -> None:
    """ruff (lint and format) and mypy --strict report nothing."""
    result = _run(*command)
    assert result.returncode == 0, result.stdout + result.stderr
