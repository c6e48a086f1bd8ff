"""An optional ruff format pass over rendered Python files.

The published OpenTelemetry packages are formatted by ruff after Weaver
renders them; running the same formatter is what makes our output
byte-identical. ruff is a test dependency, not a runtime one, so when it is
missing the files are returned as rendered and a warning says why.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from weavergen.errors import TemplateError

logger = logging.getLogger(__name__)

_TIMEOUT_S = 60
# A scratch file as ruff names it: ``f3.py``, maybe after ``./``.
_SCRATCH_NAME = re.compile(r"(?:\./)?\b(f\w+\.py)((?::\d+)*)")


def _label(match: re.Match[str], names: Mapping[str, str]) -> str:
    label = names.get(match.group(1), match.group(1))
    if "{pos}" in label:
        return label.replace("{pos}", match.group(2))
    return label + match.group(2)


def ruff_command() -> list[str] | None:
    """How to run ruff from this interpreter's environment, or None."""
    beside = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if beside:
        return [beside]
    if importlib.util.find_spec("ruff") is not None:
        return [sys.executable, "-m", "ruff"]
    return None


def format_files(
    texts: dict[str, str], line_length: int, labels: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Format each Python source in ``texts`` (key -> source) with one ruff run.

    ``labels`` (key -> output path) name the files in ruff's complaints; a
    label may hold ``{pos}``, where ruff's ``:line:column`` then goes.
    """
    command = ruff_command()
    if not texts:
        return {}
    if command is None:
        logger.warning(
            "ruff is not installed next to %s; Python output is left unformatted "
            "(pip install ruff to match the published packages byte for byte)",
            sys.executable,
        )
        return dict(texts)
    with tempfile.TemporaryDirectory(prefix="weavergen-format-") as tmp:
        folder = Path(tmp)
        for key, text in texts.items():
            (folder / f"f{key}.py").write_text(text, encoding="utf-8")
        names = {f"f{key}.py": (labels or {}).get(key, key) for key in texts}
        _run_ruff(command, folder, line_length, names)
        return {
            key: (folder / f"f{key}.py").read_text(encoding="utf-8") for key in texts
        }


def _run_ruff(
    command: list[str], folder: Path, line_length: int, names: Mapping[str, str]
) -> None:
    # Not --quiet: ruff then says nothing about where the source fails to parse.
    args = [*command, "format", "--isolated", f"--line-length={line_length}"]
    try:
        # Run inside the folder: ruff then names each file by its bare name.
        result = subprocess.run(
            [*args, "."],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise TemplateError(f"ruff format could not run: {exc}") from exc
    if result.returncode != 0:
        raise TemplateError(
            "ruff format rejected the rendered Python (a template bug): "
            f"{_named(result.stderr, names)}"
        )


def _named(complaint: str, names: Mapping[str, str]) -> str:
    """ruff's complaint with its scratch file names replaced by the output files."""
    complaint = _SCRATCH_NAME.sub(lambda m: _label(m, names), complaint)
    lines = [line.removeprefix("error: ") for line in complaint.strip().splitlines()]
    return "; ".join(lines) or "no reason given"
