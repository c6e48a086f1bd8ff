"""Write rendered files, refusing any path that leaves the output folder.

Templates choose their own file names, and a template is user input: a
name like ``../../.bashrc``, an absolute path, or a symlink or hard link
planted inside the output folder must never make WeaverGen write elsewhere.
Each file is written to a temporary file beside it and renamed into place,
so a link at the destination is replaced, never written through, and a
reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
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
    _check_disk_conflicts([destination for destination, _ in planned], root)
    ready: set[Path] = set()
    for destination, text in planned:
        _write_one(destination, text, root, ready)
    logger.info("wrote %d files under %s", len(planned), output_dir)
    return [destination for destination, _ in planned]


def _check_disk_conflicts(destinations: list[Path], root: Path) -> None:
    """OutputEscape if a destination is a folder on disk, or under a file.

    Found before the first write, so a run that cannot finish writes nothing.
    """
    for destination in destinations:
        if destination.is_dir():
            raise OutputEscape(
                f"cannot write {destination}: a folder of that name exists"
            )
        for folder in destination.parents:
            if folder == root:
                break
            if folder.exists() and not folder.is_dir():
                raise OutputEscape(
                    f"cannot write {destination}: {folder} is a file, not a folder"
                )


def _write_one(destination: Path, text: str, root: Path, ready: set[Path]) -> None:
    """Write one planned (already resolved) path; ``ready`` holds checked folders.

    A folder is created and checked again once, before its first file: it
    could have become a symlink between planning and writing. The file is
    renamed into place, which replaces whatever link stands there.
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
        _write_replacing(destination, text.encode("utf-8"))
    except OSError as exc:
        raise StateError(f"cannot write {destination}: {exc.strerror}") from exc


def _write_replacing(destination: Path, data: bytes) -> None:
    """Write a temporary file in the same folder, then rename it to ``destination``."""
    descriptor, scratch = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(scratch, _NEW_FILE_MODE)
        os.replace(scratch, destination)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(scratch)
        raise


def _umask() -> int:
    # The only portable way to read the umask is to set it and put it back.
    current = os.umask(0o022)
    os.umask(current)
    return current


# mkstemp makes 0600 files; generated files get the mode open() would give.
_NEW_FILE_MODE = 0o666 & ~_umask()
