"""Write rendered files, refusing any path that leaves the output folder.

Templates choose their own file names, and a template is user input: a
name like ``../../.bashrc``, an absolute path, or a symlink planted inside
the output folder must never make WeaverGen write elsewhere.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from weavergen.errors import OutputEscape, StateError
from weavergen.forge.render import RenderedFile

logger = logging.getLogger(__name__)


def contained_path(path: Path, output_dir: Path) -> Path:
    """``path`` with symlinks resolved; OutputEscape unless inside ``output_dir``."""
    root = output_dir.resolve()
    resolved = _anchored(path, output_dir).resolve()
    if resolved == root or not resolved.is_relative_to(root):
        raise OutputEscape(
            f"refusing to write {path}: it resolves to {resolved}, outside {root}"
        )
    return resolved


def _anchored(path: Path, output_dir: Path) -> Path:
    """Paths from render_target start with ``output_dir``; bare names go inside."""
    if path.is_absolute() or path.is_relative_to(output_dir):
        return path
    return output_dir / path


def write_rendered(files: Iterable[RenderedFile], output_dir: Path) -> list[Path]:
    """Write every file under ``output_dir`` and return the paths written.

    Every path is checked before anything is written, so a bad name leaves
    the folder untouched.
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    planned = [(contained_path(f.path, output_dir), f.text) for f in files]
    for destination, text in planned:
        _write_one(destination, text, output_dir)
    logger.info("wrote %d files under %s", len(planned), output_dir)
    return [destination for destination, _ in planned]


def _write_one(destination: Path, text: str, output_dir: Path) -> None:
    # Re-check after creating parents: a parent could be a symlink made
    # between planning and writing.
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        contained_path(destination, output_dir)
        destination.write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise StateError(f"cannot write {destination}: {exc.strerror}") from exc
