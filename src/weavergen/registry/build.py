"""Load, check and resolve a registry folder: the steps behind the public API."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from weavergen.errors import Problem
from weavergen.registry.loader import load_folder
from weavergen.registry.model import ResolvedRegistry
from weavergen.registry.problems import ProblemLog
from weavergen.registry.resolve import resolve_groups
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
    loaded = load_folder(root, log, label=label)
    resolution = resolve_groups(loaded.groups, log)
    check_uniqueness(loaded.groups, log)
    problems = log.problems()
    registry = ResolvedRegistry(
        groups=resolution.groups,
        attributes=resolution.attributes,
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
