"""Render a target over a resolved registry into in-memory files.

``render_target`` is pure: it neither writes files nor emits spans, so the
pipeline can wrap each file in its own generation and decide where to put
it. :mod:`weavergen.forge.output` does the writing.
"""

from __future__ import annotations

import dataclasses
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
    # The template entry that made the file, for messages; not part of equality.
    template: str = field(default="", compare=False)


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
    _warn_unknown_params(target, params or {})
    files: list[RenderedFile] = []
    for spec in target.templates:
        spec_params = {**target.params, **spec.params, **(params or {})}
        files.extend(_render_spec(env, spec, groups, Path(output_dir), spec_params))
    check_distinct_paths(files)
    formatted = _post_format(files, target)
    logger.debug("rendered %d files with target %s", len(formatted), target.name)
    return formatted


def _warn_unknown_params(target: Target, params: Mapping[str, Any]) -> None:
    """Warn about ``-D`` names the target declares nowhere (a likely typo)."""
    known = set(target.params).union(*(spec.params for spec in target.templates))
    unknown = sorted(set(params) - known)
    if unknown:
        logger.warning(
            "-D %s: not a parameter of target %s (its parameters: %s); "
            "passed to the templates anyway",
            ", ".join(unknown),
            target.name,
            ", ".join(sorted(known)) or "none",
        )


def _slice_options(spec: TemplateSpec, params: Mapping[str, Any], where: str) -> Any:
    if not spec.filter_args:
        return {}
    names = _PARAM_REF.findall(spec.filter_args)
    missing = [name for name in names if name not in params]
    if missing:
        raise TemplateError(
            f"{where}: filter uses undefined parameter(s) {', '.join(missing)}"
        )
    text = _PARAM_REF.sub(
        lambda m: _param_json(m.group(1), params[m.group(1)], where), spec.filter_args
    )
    options = _parse_filter_argument(text, where)
    check_slice_options(options, f"{where}: filter", names)
    return options


def _param_json(name: str, value: Any, where: str) -> str:
    try:
        return json.dumps(value)
    except (TypeError, ValueError, RecursionError) as exc:
        raise TemplateError(
            f"{where}: parameter {name} cannot be put into the filter: {exc}"
        ) from exc


def _parse_filter_argument(text: str, where: str) -> dict[str, Any]:
    try:
        options = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TemplateError(
            f"{where}: filter argument is not JSON ({exc.msg}): {_clip(text)}"
        ) from exc
    except RecursionError as exc:
        raise TemplateError(f"{where}: filter argument nests too deeply") from exc
    if not isinstance(options, dict):
        raise TemplateError(
            f"{where}: filter argument must be a JSON object, got {_clip(text)}"
        )
    return options


def _clip(text: str) -> str:
    return text if len(text) <= 200 else text[:197] + "..."


# The options every slice understands (see weavergen.forge.semconv), and the
# check for each one's value.
_OPTION_CHECKS: dict[str, tuple[str, Any]] = {
    "exclude_root_namespace": (
        "a list of strings",
        lambda v: (
            v is None or (isinstance(v, list) and all(isinstance(x, str) for x in v))
        ),
    ),
    "exclude_stability": (
        "a list of strings",
        lambda v: (
            v is None or (isinstance(v, list) and all(isinstance(x, str) for x in v))
        ),
    ),
    "exclude_deprecated": ("true or false", lambda v: v is None or isinstance(v, bool)),
    "keep_code_generation_excluded": (
        "true or false",
        lambda v: v is None or isinstance(v, bool),
    ),
}


def check_slice_options(
    options: Mapping[str, Any], where: str, param_names: list[str] | None = None
) -> None:
    """TemplateError unless every option is a known one with a value of its type."""
    for name, value in options.items():
        if name not in _OPTION_CHECKS:
            raise TemplateError(
                f"{where}: unknown option {name!r}; valid options: "
                f"{', '.join(sorted(_OPTION_CHECKS))}"
            )
        expected, is_valid = _OPTION_CHECKS[name]
        if not is_valid(value):
            source = f" (from ${', $'.join(param_names)})" if param_names else ""
            raise TemplateError(
                f"{where}: option {name} must be {expected}, got "
                f"{_clip(json.dumps(value))}{source}"
            )


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
        group_ids = _group_ids(item)
        try:
            rendered = _render_item(env, spec, item, params, output_dir)
        except TemplateError as exc:
            raise _with_groups(exc, group_ids) from exc
        if rendered is not None:
            path, text = rendered
            files.append(
                RenderedFile(path, text, spec.pattern, group_ids, spec.template)
            )
    return files


def _render_item(
    env: SandboxedEnvironment,
    spec: TemplateSpec,
    item: Any,
    params: dict[str, Any],
    output_dir: Path,
) -> tuple[Path, str] | None:
    """The output path and text of one item; None when it renders to nothing."""
    context = {"ctx": item, "params": params}
    where = f"{spec.template} file_name"
    name = render_string(env, spec.file_name, where, context)
    text = render_file(env, spec.template, context)
    if not text.strip():
        logger.debug("%s rendered nothing for %s; skipped", spec.template, name)
        return None
    if "\0" in name:
        raise OutputEscape(f"{where}: file name {name!r} contains a NUL byte")
    return output_dir / safe_relative_path(name.strip(), output_dir), text


def _with_groups(exc: TemplateError, group_ids: list[str]) -> TemplateError:
    """The same error, saying which registry groups were being rendered."""
    if not group_ids:
        return exc
    shown = ", ".join(group_ids[:5]) + (" ..." if len(group_ids) > 5 else "")
    label = "group" if len(group_ids) == 1 else "groups"
    return type(exc)(f"{exc} (while rendering {label} {shown})")


def check_distinct_paths(files: list[RenderedFile]) -> None:
    """TemplateError if two files share a path, or one's path is another's folder."""
    by_path: dict[Path, RenderedFile] = {}
    for rendered in files:
        earlier = by_path.setdefault(rendered.path, rendered)
        if earlier is not rendered:
            raise TemplateError(
                f"{earlier.template} and {rendered.template} both render "
                f"{rendered.path}; give them different file_name values"
            )
    for rendered in files:
        for folder in rendered.path.parents:
            if folder in by_path:
                raise TemplateError(
                    f"{by_path[folder].template} renders the file {folder}, but "
                    f"{rendered.template} needs it as a folder for {rendered.path}"
                )


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
    if ruff is None or ruff is False:
        return files
    options = ruff if isinstance(ruff, Mapping) else {}
    python = {str(i): f for i, f in enumerate(files) if f.path.suffix == ".py"}
    formatted = format_files(
        {key: f.text for key, f in python.items()},
        int(options.get("line_length", 88)),
        labels={
            key: f"{f.path}{{pos}} (from {f.template})" for key, f in python.items()
        },
    )
    return [
        dataclasses.replace(f, text=formatted.get(str(i), f.text))
        for i, f in enumerate(files)
    ]
