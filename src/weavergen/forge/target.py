"""Targets: a folder of Jinja templates described by a ``weaver.yaml``.

The configuration follows OpenTelemetry Weaver's layout so that a target
written for Weaver loads here unchanged, as long as its ``filter`` names one
of the slices in :mod:`weavergen.forge.semconv`::

    params:                      # overridable with -D key=value
      excluded_namespaces: [ios]
    acronyms: [CPython, GC]      # for the ``acronym`` filter
    comment_formats:             # named styles for the ``comment`` filter
      python: {enforce_trailing_dots: true, escape_backslashes: true}
    default_comment_format: python
    text_maps: {py_types: {int: int, string: str}}
    whitespace_control: {trim_blocks: true, lstrip_blocks: true}
    post_format: {ruff: {line_length: 120}}   # optional formatter pass
    templates:
      - template: attributes.j2
        filter: >
          semconv_grouped_attributes({"exclude_root_namespace":
          $excluded_namespaces, "exclude_deprecated": true})
        application_mode: each   # one file per item; `single`: one file
        file_name: "{{ ctx.root_namespace | snake_case }}_attributes.py"
        pattern: attributes      # the DESIGN.md pattern; default: file stem
        params: {stable: true}   # extra params for this template only

A filter's argument is JSON in which ``$name`` stands for a parameter.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic
import yaml

from weavergen.errors import TargetNotFound, TemplateError
from weavergen.forge.filters import comment_style
from weavergen.forge.semconv import SLICES

logger = logging.getLogger(__name__)

BUILTIN_TARGETS = Path(__file__).resolve().parent / "targets"
CONFIG_NAME = "weaver.yaml"
APPLICATION_MODES = ("single", "each")
_FILTER_CALL = re.compile(r"^\s*([A-Za-z_.][\w]*)\s*(?:\((.*)\))?\s*$", re.DOTALL)


@dataclass(frozen=True)
class TemplateSpec:
    """One ``templates:`` entry: which file, over which slice, written where."""

    template: str
    filter_name: str
    filter_args: str
    application_mode: str
    file_name: str
    pattern: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """A loaded target: its folder, parameters and template entries."""

    name: str
    root: Path
    params: dict[str, Any]
    templates: list[TemplateSpec]
    acronyms: list[str] = field(default_factory=list)
    text_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    whitespace: dict[str, bool] = field(default_factory=dict)
    post_format: dict[str, Any] = field(default_factory=dict)
    comment_formats: dict[str, dict[str, Any]] = field(default_factory=dict)
    default_comment_format: str | None = None

    @property
    def config_path(self) -> Path:
        """Where the target's ``weaver.yaml`` lives."""
        return self.root / CONFIG_NAME


def load_target(name_or_path: str | Path) -> Target:
    """Load a built-in target by name, or a target folder by path."""
    root = _find_target_root(name_or_path)
    config = _read_config(root / CONFIG_NAME)
    target = _build_target(root, config)
    logger.debug(
        "loaded target %s with %d templates", target.name, len(target.templates)
    )
    return target


def _candidate_roots(name_or_path: str | Path) -> list[Path]:
    text = str(name_or_path)
    candidates = [Path(text).expanduser()]
    if re.fullmatch(r"[\w.-]+", text) and text not in (".", ".."):
        candidates.append(BUILTIN_TARGETS / text)
    return candidates


def _find_target_root(name_or_path: str | Path) -> Path:
    tried = []
    for root in _candidate_roots(name_or_path):
        config = root / CONFIG_NAME
        if config.is_file():
            return root.resolve()
        tried.append(str(config))
    builtins = ", ".join(builtin_target_names()) or "none"
    raise TargetNotFound(
        f"no target {str(name_or_path)!r}: tried {', '.join(tried)} "
        f"(built-in targets: {builtins})"
    )


def builtin_target_names() -> list[str]:
    """Names of the targets shipped with WeaverGen."""
    return sorted(
        p.name for p in BUILTIN_TARGETS.iterdir() if (p / CONFIG_NAME).is_file()
    )


# libyaml's loader when PyYAML was built with it: same data, parsed in C.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_config(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise TemplateError(f"{path}{line}: not valid YAML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise TemplateError(
            f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at "
            f"offset {exc.start}); save it as UTF-8"
        ) from exc
    except OSError as exc:
        raise TemplateError(f"{path}: cannot be read ({exc.strerror})") from exc
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: expected a mapping with a 'templates' list")
    _check_field_types(data, path)
    return data


class _RuffOptions(pydantic.BaseModel):
    """``post_format.ruff``: the formatter pass and its one option."""

    model_config = pydantic.ConfigDict(extra="forbid", strict=True)
    line_length: pydantic.PositiveInt = 88


class _PostFormat(pydantic.BaseModel):
    """``post_format``: which formatters run over the rendered files."""

    model_config = pydantic.ConfigDict(extra="allow")
    ruff: _RuffOptions | bool | None = None


# The shape each top-level weaver.yaml key must have; ``templates`` entries
# are checked one by one in _template_spec, with their index in the message.
_FIELD_TYPES: dict[str, pydantic.TypeAdapter[Any]] = {
    "params": pydantic.TypeAdapter(dict[str, Any] | None),
    "acronyms": pydantic.TypeAdapter(list[pydantic.StrictStr] | None),
    "text_maps": pydantic.TypeAdapter(
        dict[str, dict[str, pydantic.StrictStr] | None] | None
    ),
    "whitespace_control": pydantic.TypeAdapter(dict[str, bool] | None),
    "post_format": pydantic.TypeAdapter(_PostFormat | None),
    "comment_formats": pydantic.TypeAdapter(dict[str, dict[str, Any]] | None),
    "default_comment_format": pydantic.TypeAdapter(pydantic.StrictStr | None),
}


def _check_field_types(config: dict[str, Any], path: Path) -> None:
    """TemplateError naming the key and the expected shape of a wrong field."""
    for key, adapter in _FIELD_TYPES.items():
        try:
            adapter.validate_python(config.get(key))
        except pydantic.ValidationError as exc:
            where = _data_path(key, config.get(key), exc.errors()[0]["loc"])
            first = exc.errors()[0]
            raise TemplateError(
                f"{path}: {where}: {first['msg'].lower()}, got {_short(first['input'])}"
            ) from exc


def _data_path(key: str, value: object, loc: tuple[int | str, ...]) -> str:
    """``key.sub.0`` for the steps of ``loc`` that are keys or indexes in the data.

    pydantic also puts the names of union branches into ``loc``; walking the
    data tells those apart from real keys.
    """
    steps = [key]
    for step in loc:
        in_dict = isinstance(value, dict) and step in value
        in_list = (
            isinstance(value, list) and isinstance(step, int) and step < len(value)
        )
        if in_dict or in_list:
            value = value[step]  # type: ignore[index]
            steps.append(str(step))
    return ".".join(steps)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _mapping(config: dict[str, Any], key: str, where: Path | str) -> dict[str, Any]:
    value = config.get(key) or {}
    if not isinstance(value, dict):
        raise TemplateError(
            f"{where}: '{key}' must be a mapping, got {type(value).__name__}"
        )
    return value


def _build_target(root: Path, config: dict[str, Any]) -> Target:
    path = root / CONFIG_NAME
    entries = config.get("templates")
    if not isinstance(entries, list) or not entries:
        raise TemplateError(f"{path}: 'templates' must be a non-empty list")
    return Target(
        name=root.name,
        root=root,
        params=_mapping(config, "params", path),
        templates=[
            _template_spec(entry, index, root) for index, entry in enumerate(entries)
        ],
        acronyms=[str(a) for a in config.get("acronyms") or []],
        text_maps=_mapping(config, "text_maps", path),
        whitespace={
            k: bool(v) for k, v in _mapping(config, "whitespace_control", path).items()
        },
        post_format=_mapping(config, "post_format", path),
        comment_formats=_comment_formats(config, path),
        default_comment_format=_default_comment_format(config, path),
    )


def _comment_formats(config: dict[str, Any], path: Path) -> dict[str, dict[str, Any]]:
    formats = _mapping(config, "comment_formats", path)
    for name, options in formats.items():
        if not isinstance(options, dict):
            raise TemplateError(f"{path}: comment_formats.{name} must be a mapping")
        try:
            comment_style(options)
        except (ValueError, TypeError) as exc:
            raise TemplateError(f"{path}: comment_formats.{name}: {exc}") from exc
    return formats


def _default_comment_format(config: dict[str, Any], path: Path) -> str | None:
    name = config.get("default_comment_format")
    formats = config.get("comment_formats") or {}
    if name is not None and name not in formats:
        raise TemplateError(
            f"{path}: default_comment_format {name!r} is not in comment_formats"
        )
    return None if name is None else str(name)


def _template_spec(entry: object, index: int, root: Path) -> TemplateSpec:
    where = f"{root / CONFIG_NAME}: templates[{index}]"
    if not isinstance(entry, dict):
        raise TemplateError(f"{where}: expected a mapping with 'template' and 'filter'")
    template = str(entry.get("template") or "")
    if not template or not (root / template).is_file():
        raise TemplateError(
            f"{where}: template file {template!r} not found under {root}"
        )
    mode = str(entry.get("application_mode", "single"))
    if mode not in APPLICATION_MODES:
        raise TemplateError(
            f"{where}: application_mode must be single or each, got {mode!r}"
        )
    filter_name, filter_args = parse_filter(str(entry.get("filter", ".")), where)
    return TemplateSpec(
        template=template,
        filter_name=filter_name,
        filter_args=filter_args,
        application_mode=mode,
        file_name=str(entry.get("file_name") or Path(template).stem),
        pattern=str(entry.get("pattern") or Path(template).name.split(".")[0]),
        params=_mapping(entry, "params", where),
    )


def parse_filter(text: str, where: str) -> tuple[str, str]:
    """Split ``name(json args)`` into the slice name and its raw argument text."""
    match = _FILTER_CALL.match(text)
    if match is None or match.group(1) not in SLICES:
        known = ", ".join(sorted(SLICES))
        raise TemplateError(
            f"{where}: unsupported filter {text.strip()!r}; expected one of {known}"
        )
    return match.group(1), (match.group(2) or "").strip()


class _DefineLoader(yaml.SafeLoader):
    """YAML for ``-D`` values: dates stay text, so every value is JSON-shaped."""


_DefineLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp) for tag, regexp in resolvers if not tag.endswith(":timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Deeper than any real parameter; it also keeps a pasted bomb from recursing.
MAX_DEFINE_DEPTH = 20


def parse_define(text: str) -> tuple[str, Any]:
    """Parse one ``-D key=value``; the value is read as a YAML scalar or list."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise TemplateError(f"-D {text!r}: expected key=value")
    try:
        value = yaml.load(raw, Loader=_DefineLoader) if raw.strip() else ""
    except yaml.YAMLError as exc:
        raise TemplateError(
            f"-D {text}: not a YAML value ({_yaml_reason(exc)})"
        ) from exc
    except RecursionError as exc:
        raise TemplateError(f"-D {text[:40]}...: the value nests too deeply") from exc
    _check_plain(value, f"-D {key.strip()}", 0, set())
    return key.strip(), value


def _yaml_reason(exc: yaml.YAMLError) -> str:
    """One line: where the YAML parser stopped and why."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return str(problem)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"


def _check_plain(value: object, where: str, depth: int, seen: set[int]) -> None:
    """TemplateError if ``value`` nests too deeply or contains itself (YAML aliases)."""
    if not isinstance(value, list | dict):
        return
    if depth >= MAX_DEFINE_DEPTH:
        raise TemplateError(f"{where}: the value nests deeper than {MAX_DEFINE_DEPTH}")
    if id(value) in seen:
        raise TemplateError(f"{where}: the value contains itself (a YAML alias loop)")
    inner = value.values() if isinstance(value, dict) else value
    for item in inner:
        _check_plain(item, where, depth + 1, seen | {id(value)})
