"""Render a target over a resolved registry into in-memory files.

``render_target`` is pure: it neither writes files nor emits spans, so the
pipeline can wrap each file in its own generation and decide where to put
it. :mod:`weavergen.forge.output` does the writing.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from weavergen.errors import OutputEscape, TemplateError
from weavergen.forge.environment import environment_for, render_file, render_string
from weavergen.forge.formatting import format_files
from weavergen.forge.semconv import SLICES, Group
from weavergen.forge.target import Target, TemplateSpec

logger = logging.getLogger(__name__)

_PARAM_REF = re.compile(r"\$([A-Za-z_]\w*)")


@dataclass(frozen=True)
class RenderedFile:
    """One output file: where it goes, its text, and what it was made from."""

    path: Path
    text: str
    pattern: str
    group_ids: list[str] = field(default_factory=list)


def registry_groups(registry: object) -> list[Group]:
    """The groups of a ResolvedRegistry, a ``{"groups": [...]}`` dict or a list."""
    groups = getattr(registry, "groups", None)
    if groups is None and isinstance(registry, Mapping):
        groups = registry.get("groups")
    if groups is None and isinstance(registry, list):
        groups = registry
    if not isinstance(groups, list):
        raise TemplateError(
            "render_target needs a resolved registry with a 'groups' list"
        )
    return groups


def render_target(
    registry: object,
    target: Target,
    output_dir: Path,
    params: Mapping[str, Any] | None = None,
) -> list[RenderedFile]:
    """Render every template entry of ``target``; ``params`` override the target's."""
    groups = registry_groups(registry)
    env = environment_for(target)
    files: list[RenderedFile] = []
    for spec in target.templates:
        spec_params = {**target.params, **spec.params, **(params or {})}
        files.extend(_render_spec(env, spec, groups, Path(output_dir), spec_params))
    formatted = _post_format(files, target)
    logger.debug("rendered %d files with target %s", len(formatted), target.name)
    return formatted


def _slice_options(spec: TemplateSpec, params: Mapping[str, Any], where: str) -> Any:
    if not spec.filter_args:
        return {}
    missing = [
        name for name in _PARAM_REF.findall(spec.filter_args) if name not in params
    ]
    if missing:
        raise TemplateError(
            f"{where}: filter uses undefined parameter(s) {', '.join(missing)}"
        )
    text = _PARAM_REF.sub(lambda m: json.dumps(params[m.group(1)]), spec.filter_args)
    try:
        options = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TemplateError(
            f"{where}: filter argument is not JSON ({exc.msg}): {text}"
        ) from exc
    if not isinstance(options, dict):
        raise TemplateError(
            f"{where}: filter argument must be a JSON object, got {text}"
        )
    return options


def _items(spec: TemplateSpec, data: Any) -> list[Any]:
    if spec.application_mode == "single":
        return [data]
    if not isinstance(data, list):
        raise TemplateError(
            f"{spec.template}: application_mode 'each' needs a list, "
            f"but filter {spec.filter_name} gives {type(data).__name__}"
        )
    return data


def _render_spec(
    env: SandboxedEnvironment,
    spec: TemplateSpec,
    groups: list[Group],
    output_dir: Path,
    params: dict[str, Any],
) -> list[RenderedFile]:
    options = _slice_options(spec, params, spec.template)
    data = SLICES[spec.filter_name](groups, options)
    files = []
    for item in _items(spec, data):
        context = {"ctx": item, "params": params}
        name = render_string(env, spec.file_name, f"{spec.template} file_name", context)
        text = render_file(env, spec.template, context)
        if not text.strip():
            logger.debug("%s rendered nothing for %s; skipped", spec.template, name)
            continue
        path = output_dir / safe_relative_path(name.strip(), output_dir)
        files.append(RenderedFile(path, text, spec.pattern, _group_ids(item)))
    return files


def _group_ids(item: Any) -> list[str]:
    """The registry groups a rendered item was made from, for span attributes."""
    if isinstance(item, list):
        return sorted({gid for element in item for gid in _group_ids(element)})
    if not isinstance(item, Mapping):
        return []
    if "group_ids" in item:
        return [str(gid) for gid in item["group_ids"]]
    if "groups" in item:
        return _group_ids(item["groups"])
    return [str(item["id"])] if "id" in item else []


def safe_relative_path(name: str, output_dir: Path) -> PurePosixPath:
    """``name`` as a path inside ``output_dir``; OutputEscape if it leaves it."""
    normalised = os.path.normpath(name.replace("\\", "/")) if name else ""
    relative = PurePosixPath(normalised)
    if not name or relative.is_absolute() or relative.parts[:1] == ("..",):
        raise OutputEscape(
            f"file name {name!r} is outside the output folder {output_dir}"
        )
    if normalised in (".", ""):
        raise OutputEscape(f"file name {name!r} names the output folder itself")
    return relative


def _post_format(files: list[RenderedFile], target: Target) -> list[RenderedFile]:
    ruff = target.post_format.get("ruff")
    if ruff is None:
        return files
    options = ruff if isinstance(ruff, Mapping) else {}
    texts = {str(i): f.text for i, f in enumerate(files) if f.path.suffix == ".py"}
    formatted = format_files(texts, int(options.get("line_length", 88)))
    return [
        RenderedFile(f.path, formatted.get(str(i), f.text), f.pattern, f.group_ids)
        for i, f in enumerate(files)
    ]
