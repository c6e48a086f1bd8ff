"""Read the name -> value declarations out of generated source, without running it.

Validation compares what an artifact declares with what the registry says.
Generated code is never imported or executed in our process, so it is read
here: Python through :mod:`ast` (parse only), the brace languages through a
small literal-aware tokenizer that tracks named blocks (``class``, ``enum``,
``mod``, ``object = {``) to qualify nested names with dots, and markdown
through its tables. Reading is lenient on purpose: it finds declarations in
the common shapes (``NAME = "v"``, ``const NAME: T = "v"``, ``NAME: "v"`` in
object literals, ``NAME("v")`` enum constants, ``NAME = pkg.Key("v")``;
in Python also the instrument and ``unit=`` of a ``meter.create_*(...)`` call
inside a ``create_x`` factory, as ``create_x.instrument`` and ``create_x.unit``);
syntax is judged by the real toolchain, not here.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from dataclasses import dataclass, field

from weavergen.engine.facts import markdown_member_name
from weavergen.engine.literals import read_markdown_cell, unescape
from weavergen.engine.python_names import instrument_of_factory
from weavergen.engine.slices import Scalar

_TOKEN_HEAD = r"""
    (?P<newline>\n)
    | (?P<space>[ \t\r\f\v]+)
    | (?P<linecomment>//[^\n]*)
    | (?P<blockcomment>/\*.*?(?:\*/|\Z))
    | (?P<rawstr>r(?P<hashes>\#*)"(?P<rawbody>.*?)"(?P=hashes))
    | (?P<textblock>\"\"\"(?P<textbody>.*?)(?:\"\"\"|\Z))
    | (?P<dstr>"(?P<dbody>(?:[^"\\\n]|\\.|\\\n)*)(?P<dend>"?))
    | (?P<backtick>`(?P<bbody>[^`]*)(?P<bend>`?))
"""
_TOKEN_TAIL = r"""
    | (?P<number>\d[\w.]*(?:[eE][+-]\d+\w*)?)
    | (?P<ident>[A-Za-z_$][\w$]*)
    | (?P<punct>::|:=|=>|===|==|!=|<=|>=|.)
"""
# JavaScript and TypeScript quote strings with ' too; elsewhere ' opens a
# char literal or, in Rust, a lifetime such as 'static.
_SQUOTE_STRING = r"| (?P<squote>'(?P<sbody>(?:[^'\\\n]|\\.)*)(?P<send>'?))"
_SQUOTE_CHAR = r"| (?P<char>'(?:\\[^'\n]{1,10}|[^'\\\n])')"
_FLAGS = re.VERBOSE | re.DOTALL
_TOKENS_SQUOTE = re.compile(_TOKEN_HEAD + _SQUOTE_STRING + _TOKEN_TAIL, _FLAGS)
_TOKENS_CHAR = re.compile(_TOKEN_HEAD + _SQUOTE_CHAR + _TOKEN_TAIL, _FLAGS)
_NUMBER_SUFFIX = re.compile(
    r"(?<=[\d.])(?:[iu](?:8|16|32|64|128|size)|f32|f64|[lLnNfFdD])$"
)
_BLOCK_KEYWORDS = frozenset(
    {
        "class",
        "interface",
        "enum",
        "struct",
        "mod",
        "namespace",
        "object",
        "impl",
        "trait",
        "record",
        "module",
    }
)
_DECLARATION_KEYWORDS = frozenset(
    {
        "const",
        "let",
        "var",
        "val",
        "static",
        "final",
        "pub",
        "export",
        "public",
        "private",
        "protected",
        "readonly",
        "declare",
        "default",
        "internal",
    }
)
_SQUOTE_STRINGS = frozenset({"typescript", "javascript", "python"})


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token: ``kind`` is ident, str, num, punct or newline."""

    kind: str
    text: str
    value: Scalar | None = None


@dataclass(slots=True)
class Declarations:
    """What an artifact declares: names to values, and every string literal."""

    values: dict[str, list[Scalar]] = field(default_factory=lambda: defaultdict(list))
    literals: set[str] = field(default_factory=set)

    def add(self, name: str, value: Scalar) -> None:
        """Record that ``name`` is declared with ``value``."""
        self.values[name].append(value)


class UnreadableSource(ValueError):
    """The source could not be read at all (unterminated string, bad nesting)."""


def read_declarations(code: str, target: str) -> Declarations:
    """Collect the declarations of ``code`` as written in ``target``."""
    if target == "python":
        return _python_declarations(code)
    if target == "markdown":
        return _markdown_declarations(code)
    return _brace_declarations(tokenize(code, target), target)


def tokenize(code: str, target: str) -> list[Token]:
    """Split C-family source into tokens; comments and spaces are dropped."""
    pattern = _TOKENS_SQUOTE if target in _SQUOTE_STRINGS else _TOKENS_CHAR
    tokens: list[Token] = []
    for match in pattern.finditer(code):
        token = _token(match)
        if token is not None:
            tokens.append(token)
    return tokens


def _token(match: re.Match[str]) -> Token | None:
    kind = match.lastgroup or "punct"
    text = match.group(0)
    if kind in ("space", "linecomment", "blockcomment"):
        return None
    if kind in ("dstr", "backtick", "squote"):
        return _string_token(match, kind, text)
    return _plain_token(match, kind, text)


def _plain_token(match: re.Match[str], kind: str, text: str) -> Token:
    if kind == "number":
        return Token("num", text, _number(text))
    if kind == "char":
        return Token("char", text, unescape(text[1:-1]))
    if kind in ("rawstr", "textblock"):
        return Token("str", text, _block_string(match, kind))
    return Token(kind, text)


def _block_string(match: re.Match[str], kind: str) -> str:
    if kind == "rawstr":
        return match.group("rawbody")
    return unescape(match.group("textbody"))


def _string_token(match: re.Match[str], kind: str, text: str) -> Token:
    prefix = {"dstr": "d", "backtick": "b", "squote": "s"}[kind]
    if not match.group(prefix + "end"):
        raise UnreadableSource(f"unterminated string literal {text[:40]!r}")
    body = match.group(prefix + "body")
    # Backtick strings are raw in Go and nearly so in JavaScript templates.
    return Token("str", text, body if kind == "backtick" else unescape(body))


def _number(text: str) -> Scalar | None:
    digits = text.replace("_", "")
    for candidate in (digits, _NUMBER_SUFFIX.sub("", digits)):
        try:
            return int(candidate, 0)
        except ValueError:
            pass
        try:
            return float(candidate)
        except ValueError:
            pass
    return None


def _brace_declarations(tokens: list[Token], target: str) -> Declarations:
    found = Declarations()
    scope: list[str | None] = []
    for index, token in enumerate(tokens):
        if token.kind == "str" and isinstance(token.value, str):
            found.literals.add(token.value)
        if token.kind == "punct" and token.text == "{":
            scope.append(_block_name(tokens, index, target))
        elif token.kind == "punct" and token.text == "}":
            if not scope:
                raise UnreadableSource("a '}' closes a block that was never opened")
            scope.pop()
        elif token.kind in ("str", "num") and token.value is not None:
            _record(found, tokens, index, scope, target)
    if scope:
        raise UnreadableSource(f"{len(scope)} block(s) opened with '{{' never close")
    return found


def _record(
    found: Declarations,
    tokens: list[Token],
    index: int,
    scope: list[str | None],
    target: str,
) -> None:
    value = tokens[index].value
    before = _back(tokens, index - 1)
    if isinstance(value, int | float) and before >= 0 and tokens[before].text == "-":
        value, index = -value, before
    name = _declared_name(tokens, index, target)
    if name is not None and value is not None:
        found.add(_qualify(scope, name, target), value)


def _qualify(scope: list[str | None], name: str, target: str) -> str:
    # Everything in Java lives in a top-level class whose name is free.
    outer = scope[1:] if target == "java" else scope
    return ".".join([part for part in outer if part] + [name])


def _back(tokens: list[Token], index: int) -> int:
    """Step back over newlines from ``index``; -1 when the start is reached."""
    while index >= 0 and tokens[index].kind == "newline":
        index -= 1
    return index


def _declared_name(tokens: list[Token], index: int, target: str) -> str | None:
    """Name the declaration whose value is the literal at ``index``, if any."""
    prev = _back(tokens, index - 1)
    if prev < 0:
        return None
    text = tokens[prev].text
    if text == "(":
        return _call_declared_name(tokens, prev, target)
    if text in ("=", ":"):
        return _lhs_name(tokens, prev, target)
    return None


def _call_declared_name(tokens: list[Token], paren: int, target: str) -> str | None:
    """``NAME = pkg.Key("v")`` names NAME; ``NAME("v")`` is an enum constant."""
    start = paren - 1
    while start >= 0 and tokens[start].kind == "ident":
        if start == 0 or tokens[start - 1].text not in (".", "::"):
            break
        start -= 2
    if start < 0 or tokens[start].kind != "ident":
        return None
    before = start - 1
    if before >= 0 and tokens[before].text in ("=", ":"):
        return _lhs_name(tokens, before, target)
    if start == paren - 1 and (before < 0 or tokens[before].text in _STOPS):
        return tokens[start].text
    return None


_STOPS = frozenset({"\n", ";", "{", "}", ",", "("})


def _lhs_name(tokens: list[Token], op: int, target: str) -> str | None:
    """Name what the ``=`` or ``:`` at ``op`` assigns or keys."""
    if tokens[op].text == ":":
        key = tokens[op - 1] if op > 0 else None
        if key is not None and key.kind == "ident":
            return key.text
        return key.value if key is not None and isinstance(key.value, str) else None
    lhs = _lhs_tokens(tokens, op)
    if ":" in [t.text for t in lhs]:
        colon = [t.text for t in lhs].index(":")
        return lhs[colon - 1].text if colon and lhs[colon - 1].kind == "ident" else None
    if not lhs or lhs[-1].kind != "ident":
        return None
    return lhs[0].text if target == "go" else lhs[-1].text


def _lhs_tokens(tokens: list[Token], op: int) -> list[Token]:
    start = op
    while start > 0 and tokens[start - 1].text not in _STOPS:
        start -= 1
    return [t for t in tokens[start:op] if t.text not in _DECLARATION_KEYWORDS]


def _block_name(tokens: list[Token], brace: int, target: str) -> str | None:
    """Name the block a ``{`` opens: a class, enum, module or object literal."""
    prev = _back(tokens, brace - 1)
    if prev >= 0 and tokens[prev].text in ("=", ":"):
        return _lhs_name(tokens, prev, target)
    if prev >= 0 and tokens[prev].text == "(":
        return _call_declared_name(tokens, prev, target)
    start = brace
    while start > 0 and tokens[start - 1].text not in (";", "{", "}"):
        start -= 1
    statement = tokens[start:brace]
    for pos, token in enumerate(statement[:-1]):
        if token.text in _BLOCK_KEYWORDS and statement[pos + 1].kind == "ident":
            return statement[pos + 1].text
    return None


def _python_declarations(code: str) -> Declarations:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise UnreadableSource(f"Python source does not parse: {exc}") from exc
    found = Declarations()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.literals.add(node.value)
    _python_scope(tree.body, "", found)
    return found


def _python_scope(body: list[ast.stmt], prefix: str, found: Declarations) -> None:
    for node in body:
        if isinstance(node, ast.ClassDef):
            _python_scope(node.body, f"{prefix}{node.name}.", found)
            continue
        if isinstance(node, ast.FunctionDef):
            _python_factory(node, f"{prefix}{node.name}.", found)
            continue
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        value = _python_constant(getattr(node, "value", None))
        for target in targets:
            if isinstance(target, ast.Name) and value is not None:
                found.add(prefix + target.id, value)


def _python_factory(node: ast.FunctionDef, prefix: str, found: Declarations) -> None:
    """Record what instrument, with what unit, a metric factory creates."""
    for call in ast.walk(node):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
            continue
        instrument = instrument_of_factory(call.func.attr)
        if instrument is None:
            continue
        found.add(prefix + "instrument", instrument)
        for keyword in call.keywords:
            value = _python_constant(keyword.value)
            if keyword.arg == "unit" and value is not None:
                found.add(prefix + "unit", value)


def _python_constant(node: ast.expr | None) -> Scalar | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _python_constant(node.operand)
        return -inner if isinstance(inner, int | float) else None
    return None


_HEADING_CODE = re.compile(r"(`+)\s?(.+?)\s?\1")
_SEPARATOR = re.compile(r"^:?-{2,}:?$")
_ROW_SPLIT = re.compile(r"(?<!\\)\|")


def _markdown_declarations(text: str) -> Declarations:
    found = Declarations()
    subject: str | None = None
    header: list[str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        found.literals.update(m.group(2) for m in _HEADING_CODE.finditer(line))
        if stripped.startswith("#"):
            heading = _HEADING_CODE.search(stripped)
            subject, header = (heading.group(2) if heading else None), None
        elif not stripped.startswith("|"):
            header = None
        elif header is None:
            header = [read_markdown_cell(c).lower() for c in _row_cells(stripped)]
        else:
            _markdown_row(found, _row_cells(stripped), header, subject, number)
    return found


def _row_cells(row: str) -> list[str]:
    body = row[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return _ROW_SPLIT.split(body)


def _markdown_row(
    found: Declarations,
    cells: list[str],
    header: list[str],
    subject: str | None,
    number: int,
) -> None:
    values = [read_markdown_cell(cell) for cell in cells]
    if all(_SEPARATOR.match(value) for value in values):
        return
    if len(values) != len(header):
        raise UnreadableSource(
            f"line {number}: table row has {len(values)} cells, its header "
            f"{len(header)} (an unescaped '|' in a cell?)"
        )
    key = values[0]
    found.literals.add(key)
    if header[0] == "value" and subject:
        found.add(markdown_member_name(subject, key), key)
        return
    for column, value in zip(header[1:], values[1:], strict=True):
        found.add(f"{key} {column}", value)
