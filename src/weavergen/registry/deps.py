"""Registries that depend on other registries, through a manifest.

A registry folder may hold `manifest.yaml` (or the older
`registry_manifest.yaml`) listing `dependencies`, each with a
`registry_path`. A dependency is either another definition registry (read
and resolved the same way, its own dependencies included) or a published one
(its manifest names a `resolved_registry_uri`). Dependents can `ref` its
attributes, refine its signals, and copy its groups with `imports`.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weavergen.errors import RegistrySourceError
from weavergen.registry.fields import FieldReader, describe
from weavergen.registry.loader import read_source
from weavergen.registry.problems import ProblemLog, Where
from weavergen.registry.published import DependencyView, Importable, read_published
from weavergen.registry.source import is_git_source, locate_registry
from weavergen.registry.spec import AttrSpec, GroupSpec
from weavergen.registry.yamlfile import SourceFile

logger = logging.getLogger(__name__)

MANIFEST_NAMES = ("manifest.yaml", "registry_manifest.yaml")
IMPORT_KINDS = {
    "metrics": "metric",
    "events": "event",
    "entities": "entity",
    "spans": "span",
    "attribute_groups": "attribute_group",
}
MAX_DEPTH = 10
# The kind word Weaver puts in front of v2 signal ids.
_ID_PREFIXES = {
    "metric": ("metric.",),
    "event": ("event.",),
    "entity": ("entity.",),
    "span": ("span.",),
    "attribute_group": ("registry.", "attribute_group."),
}

FolderResolver = Callable[[Path, "DependencyGraph"], DependencyView]


@dataclass
class Manifest:
    """The parts of a registry manifest that resolution uses."""

    source: SourceFile
    schema_url: str = ""
    dependencies: list[tuple[str, Where]] = field(default_factory=list)
    resolved_registry_uri: str | None = None


def read_manifest(root: Path, log: ProblemLog) -> Manifest | None:
    """Read the manifest of a registry folder, if it has one."""
    path = next((root / n for n in MANIFEST_NAMES if (root / n).is_file()), None)
    if path is None:
        return None
    source = read_source(path, str(path), log)
    return _manifest_fields(source, log) if source is not None else None


def _manifest_fields(source: SourceFile, log: ProblemLog) -> Manifest | None:
    reader = FieldReader(log, Where(source), None)
    data = reader.mapping(source.data, "a registry manifest")
    if data is None:
        return None
    manifest = Manifest(source, schema_url=reader.string(data, "schema_url") or "")
    manifest.resolved_registry_uri = reader.string(data, "resolved_registry_uri")
    raw = data.get("dependencies") or []
    if not isinstance(raw, list):
        reader.problem(
            f"'dependencies' must be a list, got {describe(raw)}", "dependencies"
        )
        return manifest
    for index, entry in enumerate(raw):
        sub = FieldReader(log, Where(source, ("dependencies", index)), None)
        mapping = sub.mapping(entry, "a dependency")
        path = sub.string(mapping, "registry_path", required=True) if mapping else None
        if path is not None:
            manifest.dependencies.append((path, sub.where))
    return manifest


class Dependencies:
    """The dependencies of one registry, answering the resolver's lookups."""

    def __init__(self, views: list[DependencyView]) -> None:
        self.views = views

    def attribute(self, name: str) -> dict[str, Any] | None:
        """Find an attribute a `ref` names, in the first dependency defining it."""
        for view in self.views:
            found = view.attributes.get(name)
            if found is not None:
                return found
        return None

    def group(self, group_id: str) -> GroupSpec | None:
        """Find a group or signal to refine, by id or by its v2 name."""
        for view in self.views:
            found = view.signals.get(group_id) or view.signals.get(
                _strip_kind(group_id)
            )
            if found is not None:
                return found
        return None

    def import_groups(
        self, imports: list[tuple[SourceFile, Any]], log: ProblemLog
    ) -> list[dict[str, Any]]:
        """Copy the groups that the files' `imports` ask for."""
        wanted = _read_imports(imports, log)
        out: list[dict[str, Any]] = []
        for view in self.views:
            for item in view.importable:
                if _matches(item, wanted):
                    out.extend(_import_one(item, wanted, log))
        return out


def _strip_kind(group_id: str) -> str:
    for prefixes in _ID_PREFIXES.values():
        for prefix in prefixes:
            if group_id.startswith(prefix):
                return group_id[len(prefix) :]
    return group_id


Wanted = dict[str, list[tuple[str, Where]]]


def _read_imports(imports: list[tuple[SourceFile, Any]], log: ProblemLog) -> Wanted:
    wanted: Wanted = {kind: [] for kind in IMPORT_KINDS.values()}
    for source, raw in imports:
        reader = FieldReader(log, Where(source, ("imports",)), None)
        data = reader.mapping(raw, "'imports'")
        if data is None:
            continue
        reader.unknown(data, frozenset(IMPORT_KINDS), "'imports'")
        for section, kind in IMPORT_KINDS.items():
            for pattern in reader.string_list(data, section):
                wanted[kind].append((pattern, reader.where.at(section)))
    return wanted


def _matches(item: Importable, wanted: Wanted) -> bool:
    return any(_match_pattern(item, p) for p, _ in wanted.get(item.kind, []))


def _match_pattern(item: Importable, pattern: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for name in item.names)


def _import_one(
    item: Importable, wanted: Wanted, log: ProblemLog
) -> list[dict[str, Any]]:
    if not item.excluded:
        return [item.group]
    explicit = [
        w for p, w in wanted[item.kind] if "*" not in p and _match_pattern(item, p)
    ]
    for where in explicit[:1]:
        log.add(
            f"'imports' names '{item.names[0]}', which its registry excludes from "
            "dependency resolution; expected only items it makes available",
            where,
            None,
            code="excluded_from_dependency_resolution",
        )
    return []


class DependencyGraph:
    """The registries one build resolves, each at most once, cycles refused.

    A manifest may list the same registry several times, and registries may
    share dependencies; resolving each folder again for every mention grows
    exponentially with the depth, so views are remembered by real path.
    """

    def __init__(self, root: Path, resolve_folder: FolderResolver) -> None:
        self._resolve_folder = resolve_folder
        self.chain: list[Path] = [_real(root)]
        self.done: dict[Path, DependencyView] = {}

    def view(
        self, folder: Path, where: Where, log: ProblemLog
    ) -> DependencyView | None:
        """Resolve `folder` (or reuse its view); None after reporting a cycle."""
        real = _real(folder)
        if real in self.chain:
            self._report_cycle(real, where, log)
            return None
        known = self.done.get(real)
        if known is not None:
            return known
        if len(self.chain) > MAX_DEPTH:
            log.add(
                f"dependencies are nested more than {MAX_DEPTH} deep; expected a "
                "shorter chain of registry manifests",
                where.at("registry_path"),
                code="dependency_cycle",
            )
            return None
        self.chain.append(real)
        try:
            view = self._resolve_folder(folder, self)
        finally:
            self.chain.pop()
        self.done[real] = view
        return view

    def _report_cycle(self, real: Path, where: Where, log: ProblemLog) -> None:
        loop = [*self.chain[self.chain.index(real) :], real]
        log.add(
            "dependency cycle: "
            + " -> ".join(str(p) for p in loop)
            + "; expected no cycle between registry manifests",
            where.at("registry_path"),
            code="dependency_cycle",
        )


def _real(folder: Path) -> Path:
    try:
        return folder.resolve()
    except (OSError, RuntimeError):
        return folder.absolute()


def load_dependencies(
    manifest: Manifest | None,
    root: Path,
    log: ProblemLog,
    graph: DependencyGraph,
) -> Dependencies:
    """Load every dependency a manifest lists (reporting the ones that fail)."""
    if manifest is None or not manifest.dependencies:
        return Dependencies([])
    views = []
    listed: dict[Path, str] = {}
    for path, where in manifest.dependencies:
        folder = _reachable_folder(path, where, root, log)
        if folder is None or _listed_twice(folder, path, where, listed, log):
            continue
        view = _load_one(folder, graph, where, log)
        if view is not None:
            views.append(view)
    return Dependencies(views)


def _listed_twice(
    folder: Path, path: str, where: Where, listed: dict[Path, str], log: ProblemLog
) -> bool:
    """Report a dependency that names a folder an earlier entry already named."""
    real = _real(folder)
    earlier = listed.get(real)
    if earlier is None:
        listed[real] = path
        return False
    log.add(
        f"dependency '{path}' is the same registry as '{earlier}', listed "
        "earlier in this manifest; expected each dependency once",
        where.at("registry_path"),
        code="duplicate_dependency",
        severity="warning",
    )
    return True


def _dependency_folder(path: str, root: Path) -> Path:
    """Find a dependency: by URL, or relative to the manifest, then to the cwd."""
    if is_git_source(path):
        return locate_registry(path).root
    candidate = Path(path).expanduser()
    if candidate.is_absolute():
        return candidate
    beside = root / candidate
    # Weaver reads relative paths against the working directory; accept both.
    return beside if beside.exists() else Path.cwd() / candidate


def _reachable_folder(
    path: str, where: Where, root: Path, log: ProblemLog
) -> Path | None:
    try:
        folder = _dependency_folder(path, root)
    except RegistrySourceError as exc:
        log.add(str(exc), where, code="dependency_unreachable")
        return None
    if not folder.is_dir():
        log.add(
            f"dependency folder '{path}' does not exist; expected a registry "
            "folder relative to the manifest or the working directory",
            where.at("registry_path"),
            code="dependency_unreachable",
        )
        return None
    return folder


def _load_one(
    folder: Path, graph: DependencyGraph, where: Where, log: ProblemLog
) -> DependencyView | None:
    manifest = read_manifest(folder, log)
    if manifest is not None and manifest.resolved_registry_uri:
        return _load_published(folder, manifest, log)
    logger.debug("resolving dependency registry %s", folder)
    return graph.view(folder, where, log)


def _load_published(
    folder: Path, manifest: Manifest, log: ProblemLog
) -> DependencyView | None:
    uri = manifest.resolved_registry_uri or ""
    path = folder / uri
    if not path.is_file():
        log.add(
            f"the published registry file '{uri}' does not exist; expected the "
            "resolved registry beside its manifest",
            Where(manifest.source, ("resolved_registry_uri",)),
            code="dependency_unreachable",
        )
        return None
    source = read_source(path, str(path), log)
    return read_published(source.data, Where(source), log) if source else None


def view_of_resolved(
    groups: list[dict[str, Any]],
    roots: dict[str, dict[str, Any]],
    specs: list[GroupSpec],
    schema_url: str,
) -> DependencyView:
    """Offer a resolved definition registry to its dependents."""
    view = DependencyView(schema_url=schema_url, attributes=dict(roots))
    is_v2 = {spec.id: spec.is_v2 for spec in specs}
    for group in groups:
        names = _import_names(group, is_v2.get(group["id"], False))
        excluded = _annotations_exclude(group)
        view.importable.append(Importable(group["type"], names, group, excluded))
        view.signals[group["id"]] = _summary(group)
    return view


def _annotations_exclude(group: dict[str, Any]) -> bool:
    setting = (group.get("annotations") or {}).get("dependency_resolution")
    return isinstance(setting, dict) and setting.get("exclude") is True


def _import_names(group: dict[str, Any], is_v2: bool) -> tuple[str, ...]:
    kind = group["type"]
    by_kind = {"metric": "metric_name", "event": "name", "entity": "name"}
    if not is_v2:
        key = by_kind.get(kind)
        value = group.get(key) if key else group["id"]
        return (value,) if isinstance(value, str) else ()
    names = [group["id"], *(group[k] for k in ("name", "metric_name") if k in group)]
    names += [
        group["id"][len(p) :]
        for p in _ID_PREFIXES.get(kind, ())
        if group["id"].startswith(p)
    ]
    return tuple(names)


def _summary(group: dict[str, Any]) -> GroupSpec:
    where = Where(None)
    attrs = [
        AttrSpec(a["name"], False, {k: v for k, v in a.items() if k != "name"}, where)
        for a in group.get("attributes", [])
    ]
    fields = {k: v for k, v in group.items() if k not in ("id", "type", "attributes")}
    return GroupSpec(group["id"], group["type"], fields, attrs, where, is_v2=True)
