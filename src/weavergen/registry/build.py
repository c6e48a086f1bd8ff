"""Load, check and resolve a registry folder: the steps behind the public API."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from weavergen.errors import Problem
from weavergen.registry.deps import (
    DependencyGraph,
    load_dependencies,
    read_manifest,
    view_of_resolved,
)
from weavergen.registry.loader import load_folder
from weavergen.registry.model import ResolvedRegistry
from weavergen.registry.problems import ProblemLog
from weavergen.registry.published import DependencyView
from weavergen.registry.resolve import Resolution, resolve_groups
from weavergen.registry.uniqueness import check_uniqueness

logger = logging.getLogger(__name__)


@dataclass
class BuildResult:
    """A resolved registry (possibly partial) with every problem found."""

    registry: ResolvedRegistry
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the registry unusable."""
        return [p for p in self.problems if p.severity == "error"]


def build_registry(root: Path, *, label: str | None = None) -> BuildResult:
    """Read every file under `root`, resolve, and collect all problems."""
    started = time.perf_counter()
    log = ProblemLog()
    graph = DependencyGraph(root, _dependency_resolver(log))
    with _cycle_collector_paused():
        resolution, schema_url = _resolve_folder(root, log, label, graph)
    problems = log.problems()
    registry = ResolvedRegistry(
        groups=resolution.groups,
        attributes=resolution.attributes,
        registry_url=schema_url,
        warnings=[p for p in problems if p.severity != "error"],
    )
    logger.info(
        "resolved %s: %d groups, %d attributes, %d problems in %.2fs",
        root,
        len(registry.groups),
        len(registry.attributes),
        len(problems),
        time.perf_counter() - started,
    )
    return BuildResult(registry, problems)


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Hold Python's cycle collector off while a registry is built.

    Loading allocates some hundred thousand dicts and lists that all stay
    alive, and the collector would walk the growing heap over and over to
    find no garbage (the data are trees): a tenth of the load time. It is
    switched back on afterwards, unless it was already off, so anything
    cyclic made meanwhile is still collected, just later.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _resolve_folder(
    root: Path, log: ProblemLog, label: str | None, graph: DependencyGraph
) -> tuple[Resolution, str]:
    manifest = read_manifest(root, log)
    deps = load_dependencies(manifest, root, log, graph)
    loaded = load_folder(root, log, label=label)
    resolution = resolve_groups(
        loaded.groups,
        log,
        external_groups=deps.group,
        external_attributes=deps.attribute,
    )
    check_uniqueness(loaded.groups, log)
    imported = deps.import_groups(loaded.imports, log)
    if imported:
        resolution.groups = sorted(resolution.groups + imported, key=lambda g: g["id"])
    return resolution, manifest.schema_url if manifest is not None else ""


def _dependency_resolver(
    log: ProblemLog,
) -> Callable[[Path, DependencyGraph], DependencyView]:
    def resolve_dependency(folder: Path, graph: DependencyGraph) -> DependencyView:
        resolution, schema_url = _resolve_folder(folder, log, str(folder), graph)
        return view_of_resolved(
            resolution.groups, resolution.roots, resolution.specs, schema_url
        )

    return resolve_dependency
