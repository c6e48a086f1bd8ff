"""An optional ruff format pass over rendered Python files.

The published OpenTelemetry packages are formatted by ruff after Weaver
renders them; running the same formatter is what makes our output
byte-identical. ruff is a test dependency, not a runtime one, so when it is
missing the files are returned as rendered and a warning says why.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from weavergen.errors import TemplateError

logger = logging.getLogger(__name__)

_TIMEOUT_S = 60


def ruff_command() -> list[str] | None:
    """How to run ruff from this interpreter's environment, or None."""
    beside = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if beside:
        return [beside]
    if importlib.util.find_spec("ruff") is not None:
        return [sys.executable, "-m", "ruff"]
    return None


def format_files(texts: dict[str, str], line_length: int) -> dict[str, str]:
    """Format each Python source in ``texts`` (key -> source) with one ruff run."""
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
        _run_ruff(command, folder, line_length)
        return {
            key: (folder / f"f{key}.py").read_text(encoding="utf-8") for key in texts
        }


def _run_ruff(command: list[str], folder: Path, line_length: int) -> None:
    args = [*command, "format", "--isolated", "--quiet", f"--line-length={line_length}"]
    try:
        result = subprocess.run(
            [*args, str(folder)],
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
            f"{result.stderr.strip()}"
        )
