"""Read semantic-convention YAML fast, and find line numbers only when needed.

Parsing with libyaml's C loader is several times faster than building a node
tree with positions, so files are parsed once into plain data. When a problem
has to be reported, the one file concerned is composed again (also in C) and
the problem's path inside the document is walked to find its line.

The loader follows YAML 1.2's core schema, as Weaver's serde_yaml does: `on`,
`yes`, `2024-01-01` and `010` stay what they look like instead of becoming a
bool, a date or an octal number.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

MAX_DEPTH = 64
# Nodes that aliases may add beyond those written out: far more than
# any real registry shares, far fewer than an alias bomb.
MAX_ALIAS_EXPANSION = 100_000
PathPart = str | int
DocPath = tuple[PathPart, ...]

_CORE_RESOLVERS: list[tuple[str, str, str]] = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (
        "tag:yaml.org,2002:int",
        r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$",
        "-+0123456789",
    ),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN\x00"),
]


class CoreSchemaLoader(yaml.CSafeLoader):
    """libyaml parser with YAML 1.2 core-schema scalars."""


def _install_core_resolvers() -> None:
    resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, first in _CORE_RESOLVERS:
        regexp = re.compile(pattern)
        for char in first:
            key = "" if char == "\x00" else char
            resolvers.setdefault(key, []).append((tag, regexp))
    resolvers.setdefault("<", []).append(
        ("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"))
    )
    CoreSchemaLoader.yaml_implicit_resolvers = resolvers


def _construct_core_int(loader: yaml.BaseLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith("0o"):
        return int(text[2:], 8)
    return int(text, 0) if text.startswith("0x") else int(text)


_install_core_resolvers()
CoreSchemaLoader.add_constructor("tag:yaml.org,2002:int", _construct_core_int)


@dataclass
class SourceFile:
    """One YAML file of a registry: its text, its data, and where it lives."""

    path: Path
    display: str
    text: str
    data: Any = None
    _nodes: yaml.Node | None = field(default=None, repr=False)

    def line_of(self, doc_path: DocPath) -> int | None:
        """Give the 1-based line of the entry at `doc_path`, or of its parent.

        A mapping entry is placed on its key's line, where the user wrote it.
        """
        try:
            node = self._root_node()
        except yaml.YAMLError:
            return None
        line = node.start_mark.line + 1 if node is not None else None
        for part in doc_path:
            key, node = _child_node(node, part)
            if key is None:
                break
            line = key.start_mark.line + 1
        return line

    def _root_node(self) -> yaml.Node | None:
        if self._nodes is None:
            self._nodes = yaml.compose(self.text, Loader=CoreSchemaLoader)
        return self._nodes


def _child_node(
    node: yaml.Node | None, part: PathPart
) -> tuple[yaml.Node | None, yaml.Node | None]:
    """Find a child: (its key node, or itself in a list; its value node)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == part:
                return key, value
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        return node.value[part], node.value[part]
    return None, None


class YamlSyntaxError(Exception):
    """A file is not valid YAML; carries the 1-based line of the fault."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def parse_file(path: Path, display: str) -> SourceFile:
    """Read and parse one file; raise `YamlSyntaxError` or `OSError`."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlSyntaxError("file is not UTF-8 text", line) from exc
    return parse_text(text, path, display)


def parse_text(text: str, path: Path, display: str) -> SourceFile:
    """Parse YAML text already in memory (the embedded default registry)."""
    try:
        data = yaml.load(text, Loader=CoreSchemaLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # libyaml reports end-of-file faults on the line after the last one.
        last = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        line = min(mark.line + 1, last) if mark is not None else None
        raise YamlSyntaxError(_describe_yaml_error(exc), line) from exc
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise YamlSyntaxError(f"cannot parse YAML: {exc}", None) from exc
    if _may_be_tangled(text):
        _check_shape(data, text)
    return SourceFile(path=path, display=display, text=text, data=data)


_DEEP_INDENT = " " * 160
_DEEP_LINE = re.compile(r"^ {160,}\S", re.MULTILINE)


def _may_be_tangled(text: str) -> bool:
    """Cheap test for what could make data recursive or very deep."""
    return (
        "&" in text
        or text.count("[") + text.count("{") >= 200
        or _deeply_indented(text)
    )


def _deeply_indented(text: str) -> bool:
    """Whether a line starts with 160 or more spaces and then text."""
    # A plain substring search rules most files out far faster than the regex.
    if "\n" + _DEEP_INDENT not in text and not text.startswith(_DEEP_INDENT):
        return False
    return _DEEP_LINE.search(text) is not None


def _check_shape(data: Any, text: str) -> None:
    """Reject data that contains itself, nests absurdly deep, or expands hugely."""
    try:
        _ShapeWalk().visit(data, 0)
    except _TangledError as exc:
        anchor = re.search(r"&[^\s]+", text)
        line = text.count("\n", 0, anchor.start()) + 1 if anchor else None
        raise YamlSyntaxError(str(exc), line if exc.at_anchor else None) from None


class _TangledError(Exception):
    def __init__(self, message: str, *, at_anchor: bool) -> None:
        super().__init__(message)
        self.at_anchor = at_anchor


class _ShapeWalk:
    """Measure data once per distinct list or mapping, however often it is aliased.

    Aliases make the parsed data a graph whose paths can be exponentially many;
    walking every path would hang, so each shared node's height and expanded
    size are worked out once and remembered by identity.
    """

    def __init__(self) -> None:
        self.measured: dict[int, tuple[int, int]] = {}
        self.open: set[int] = set()
        self.distinct = 0

    def visit(self, node: Any, depth: int) -> tuple[int, int]:
        """Give (height, expanded size) of `node`; raise `_TangledError`."""
        if not isinstance(node, dict | list):
            return 0, 1
        if depth > MAX_DEPTH:
            raise _TangledError(
                f"data is nested more than {MAX_DEPTH} levels deep; expected a "
                "semantic-convention document",
                at_anchor=False,
            )
        key = id(node)
        known = self.measured.get(key)
        if known is not None:
            return known
        if key in self.open:
            raise _TangledError(
                "an alias refers to an anchor that contains it (recursive data); "
                "expected plain, finite data",
                at_anchor=True,
            )
        self.open.add(key)
        shape = self._measure_children(node, depth)
        self.open.discard(key)
        self.measured[key] = shape
        return shape

    def _measure_children(
        self, node: dict[Any, Any] | list[Any], depth: int
    ) -> tuple[int, int]:
        children = node.values() if isinstance(node, dict) else node
        self.distinct += 1 + len(node)
        height, size = 0, 1
        for child in children:
            child_height, child_size = self.visit(child, depth + 1)
            height = max(height, child_height + 1)
            size += child_size
        if size - self.distinct > MAX_ALIAS_EXPANSION:
            raise _TangledError(
                f"aliases expand to more than {MAX_ALIAS_EXPANSION} nodes; expected "
                "anchors and aliases only to share small pieces of data",
                at_anchor=True,
            )
        return height, size


def _describe_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (exc.context, exc.problem) if p]
    return "malformed YAML: " + ", ".join(parts) if parts else "malformed YAML"
