"""Write rendered files, refusing any path that leaves the output folder.

Templates choose their own file names, and a template is user input: a
name like ``../../.bashrc``, an absolute path, or a symlink planted inside
the output folder must never make WeaverGen write elsewhere.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

from weavergen.errors import OutputEscape, StateError
from weavergen.forge.render import RenderedFile

logger = logging.getLogger(__name__)


def contained_path(path: Path, output_dir: Path) -> Path:
    """``path`` with symlinks resolved; OutputEscape unless inside ``output_dir``."""
    return _contained(path, output_dir, output_dir.resolve())


def _contained(path: Path, output_dir: Path, root: Path) -> Path:
    """contained_path with the output folder already resolved to ``root``."""
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
    root = output_dir.resolve()
    planned = [(_contained(f.path, output_dir, root), f.text) for f in files]
    ready: set[Path] = set()
    for destination, text in planned:
        _write_one(destination, text, root, ready)
    logger.info("wrote %d files under %s", len(planned), output_dir)
    return [destination for destination, _ in planned]


def _write_one(destination: Path, text: str, root: Path, ready: set[Path]) -> None:
    """Write one planned (already resolved) path; ``ready`` holds checked folders.

    A folder is created and checked again once, before its first file: it
    could have become a symlink between planning and writing. The file is
    opened without following a symlink, so one planted in its place since
    planning is refused rather than written through.
    """
    try:
        folder = destination.parent
        if folder not in ready:
            folder.mkdir(parents=True, exist_ok=True)
            resolved = folder.resolve()
            if not resolved.is_relative_to(root):
                raise OutputEscape(
                    f"refusing to write {destination}: its folder now resolves "
                    f"to {resolved}, outside {root}"
                )
            ready.add(folder)
        _write_no_follow(destination, text.encode("utf-8"))
    except OSError as exc:
        raise StateError(f"cannot write {destination}: {exc.strerror}") from exc


def _write_no_follow(destination: Path, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(destination, flags, 0o666)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
