"""The compiled-pattern tier as the pipeline sees it: forge targets in memory.

The forge renders a target's templates into files; the pipeline wants one
text for one slice and one pattern. This adapter renders only the templates
of that pattern, over only the slice's groups, into a scratch folder that is
never written (the forge returns texts), and joins the files in path order.
Rendering is deterministic, so a slice rendered once is kept in memory for the
rest of the run.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from weavergen.engine.slices import slice_hash
from weavergen.errors import TargetNotFound
from weavergen.forge.render import render_target
from weavergen.forge.target import Target, builtin_target_names, load_target

log = logging.getLogger(__name__)

# A slice is asked for one pattern in full, so nothing is filtered out by
# namespace or stability the way a published package layout would be.
SLICE_PARAMS: Mapping[str, Any] = {"excluded_namespaces": []}


class ForgeTemplates:
    """Answers (target, pattern) pairs that a built-in target has templates for."""

    def __init__(self, params: Mapping[str, Any] = SLICE_PARAMS) -> None:
        self.params = dict(params)
        self._targets: dict[str, Target | None] = {}
        self._rendered: dict[tuple[str, str, str], str] = {}

    def has_template(self, target: str, pattern: str) -> bool:
        """True when the built-in ``target`` has a template for ``pattern``."""
        loaded = self._target(target)
        return loaded is not None and any(
            spec.pattern == pattern for spec in loaded.templates
        )

    def render(self, groups: list[dict[str, Any]], target: str, pattern: str) -> str:
        """Render the slice with the pattern's templates, files joined."""
        key = (target, pattern, slice_hash(groups))
        if key not in self._rendered:
            self._rendered[key] = self._render(groups, target, pattern)
        return self._rendered[key]

    def _render(self, groups: list[dict[str, Any]], target: str, pattern: str) -> str:
        loaded = self._target(target)
        if loaded is None:
            return ""
        only = replace(
            loaded, templates=[s for s in loaded.templates if s.pattern == pattern]
        )
        with tempfile.TemporaryDirectory(prefix="weavergen-tier-") as scratch:
            files = render_target({"groups": groups}, only, Path(scratch), self.params)
        files.sort(key=lambda rendered: str(rendered.path))
        log.debug("rendered %d %s/%s files", len(files), target, pattern)
        return "\n".join(rendered.text for rendered in files)

    def _target(self, name: str) -> Target | None:
        if name not in self._targets:
            self._targets[name] = _load_builtin(name)
        return self._targets[name]


def _load_builtin(name: str) -> Target | None:
    if name not in builtin_target_names():
        return None
    try:
        return load_target(name)
    except TargetNotFound:
        return None
