"""WeaverGen registry: load semantic-convention YAML and resolve it.

`load_registry` gives a `ResolvedRegistry` (groups in OpenTelemetry Weaver's
resolved form) or raises `RegistryInvalid` with every problem;
`check_registry` gives the problems without raising.
"""

from __future__ import annotations

from pathlib import Path

from weavergen.errors import Problem, RegistryInvalid
from weavergen.registry.build import build_registry
from weavergen.registry.model import ResolvedRegistry, content_hash
from weavergen.registry.source import locate_registry
from weavergen.registry.stats import registry_stats

__all__ = [
    "ResolvedRegistry",
    "check_registry",
    "content_hash",
    "load_registry",
    "registry_stats",
]


def load_registry(
    source: str | Path | None, *, cache_dir: Path | None = None
) -> ResolvedRegistry:
    """Load and resolve a registry; raise `RegistryInvalid` if it has errors.

    `source` is a folder, a git URL (``https://host/repo.git@v1.2[model]``),
    or None for WeaverGen's embedded default registry.
    """
    located = locate_registry(source, cache_dir=cache_dir)
    result = build_registry(located.root, label=located.label)
    if result.errors:
        raise RegistryInvalid(result.errors)
    return result.registry


def check_registry(
    source: str | Path | None, *, cache_dir: Path | None = None
) -> list[Problem]:
    """Give every problem of a registry (errors and warnings); never raise for them."""
    located = locate_registry(source, cache_dir=cache_dir)
    return build_registry(located.root, label=located.label).problems
