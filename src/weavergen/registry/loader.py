"""Find a registry's YAML files and read them into `GroupSpec`s.

Every file is read even when earlier ones are broken, so one run reports
every problem. Files are visited in sorted path order, which makes the
resolved output independent of the file system's listing order.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weavergen.registry.fields import describe
from weavergen.registry.parse_v1 import read_v1_groups
from weavergen.registry.parse_v2 import read_v2_groups
from weavergen.registry.problems import ProblemLog, Where
from weavergen.registry.spec import GroupSpec
from weavergen.registry.yamlfile import SourceFile, YamlSyntaxError, parse_file

logger = logging.getLogger(__name__)

SKIPPED_NAMES = frozenset(
    {"manifest.yaml", "registry_manifest.yaml", "schema-next.yaml"}
)
V1_FILE_KEYS = frozenset({"groups", "imports", "file_format", "version"})


@dataclass
class LoadedFiles:
    """The groups read from a registry folder, and its files by display name."""

    groups: list[GroupSpec] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    imports: list[tuple[SourceFile, Any]] = field(default_factory=list)


def registry_files(root: Path) -> list[Path]:
    """List the definition files under `root`, sorted, manifests left out.

    Symlinked folders are not entered (as with `Path.rglob`); a symlinked
    file counts when it points at a file.
    """
    found: list[tuple[str, Path]] = []
    for folder, _folders, names in os.walk(root):
        relative = Path(folder).relative_to(root).as_posix()
        prefix = "" if relative == "." else relative + "/"
        for name in names:
            if _suffix(name) in (".yaml", ".yml") and name not in SKIPPED_NAMES:
                path = Path(folder, name)
                if path.is_file():
                    found.append((prefix + name, path))
    return [path for _relative, path in sorted(found)]


def _suffix(name: str) -> str:
    """`Path(name).suffix` without building a Path (a dot-file has none)."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def load_folder(
    root: Path, log: ProblemLog, *, label: str | None = None
) -> LoadedFiles:
    """Read every definition file under `root` into groups."""
    loaded = LoadedFiles()
    base = label if label is not None else root.name
    paths = registry_files(root)
    if not paths:
        log.add_at_line(
            "no definition files (*.yaml, *.yml) in this folder; expected a "
            "registry of semantic-convention files",
            base or str(root),
            None,
            "empty_registry",
            severity="warning",
        )
    for path in paths:
        relative = path.relative_to(root).as_posix()
        display = f"{base}/{relative}" if base else relative
        source = read_source(path, display, log)
        if source is not None:
            loaded.files.append(source)
            name = synthetic_name(relative)
            loaded.groups.extend(read_document(source, log, name))
            _collect_imports(source, loaded)
    logger.debug(
        "read %d files, %d groups from %s", len(loaded.files), len(loaded.groups), root
    )
    return loaded


def read_source(path: Path, display: str, log: ProblemLog) -> SourceFile | None:
    """Parse one file, recording (not raising) why it cannot be read."""
    try:
        return parse_file(path, display)
    except YamlSyntaxError as exc:
        log.add_at_line(str(exc), display, exc.line, "yaml_syntax")
    except OSError as exc:
        log.add_at_line(
            f"cannot read file: {exc.strerror}", display, None, "unreadable"
        )
    return None


def read_document(source: SourceFile, log: ProblemLog, name: str) -> list[GroupSpec]:
    """Read one parsed file, in whichever format it declares.

    `name` is the file's dotted name, used for a v2 file's synthetic group.
    """
    data = source.data
    where = Where(source)
    if data is None:
        return []
    if not isinstance(data, dict):
        log.add(
            "a definition file must be a mapping with 'groups' (or a "
            f"definition/2 file), got {describe(data)} at the top level",
            where,
            code="type",
        )
        return []
    if _is_v2(data):
        return read_v2_groups(data, where, log, name)
    _check_v1_keys(data, where, log)
    return read_v1_groups(data, where, log)


def _is_v2(data: dict[str, Any]) -> bool:
    return data.get("file_format") == "definition/2" or str(data.get("version")) == "2"


def _check_v1_keys(data: dict[str, Any], where: Where, log: ProblemLog) -> None:
    fmt = data.get("file_format")
    if fmt is not None and fmt != "definition/1":
        log.add(
            f"'file_format' is {describe(fmt)}; "
            "expected 'definition/1' or 'definition/2'",
            where.at("file_format"),
            code="type",
        )
    for key in data:
        if key not in V1_FILE_KEYS:
            log.add(
                f"unknown top-level field '{key}'; expected 'groups' (or "
                "'file_format: definition/2' with attributes, metrics, spans...)",
                where.at(key) if isinstance(key, str) else where,
                code="unknown_field",
            )


def _collect_imports(source: SourceFile, loaded: LoadedFiles) -> None:
    data = source.data
    if isinstance(data, dict) and data.get("imports") is not None:
        loaded.imports.append((source, data["imports"]))


def synthetic_name(display: str) -> str:
    """Weaver's name for a v2 file's attribute group: path parts, no suffixes."""
    parts = [_stem(part) or part for part in display.split("/") if part]
    return ".".join(parts)


def _stem(name: str) -> str:
    """`Path(name).stem` for one path segment."""
    if name in (".", ".."):
        return "" if name == "." else name
    suffix = _suffix(name)
    return name[: -len(suffix)] if suffix else name
