"""The one naming convention per target that facts and ground truth share.

A correct artifact must declare each attribute key, enum member and metric
under a predictable name, or validation could not tell a missing constant from
a renamed one. One convention per target (``X`` is the metric's words):

- python: the published package's names (:mod:`weavergen.engine.python_names`):
  attribute ``HTTP_REQUEST_METHOD``; member ``HttpRequestMethodValues.GET``
  (an ``Enum`` class); metric ``X`` holding its name, and unit and instrument
  read from its factory, named ``create_x.unit`` and ``create_x.instrument``.
- java: attribute ``HTTP_REQUEST_METHOD`` inside one top-level class whose
  name is free; members in a nested ``static final class
  HttpRequestMethodValues``; metric ``METRIC_X``, ``METRIC_X_UNIT``,
  ``METRIC_X_INSTRUMENT``.
- rust: attribute ``HTTP_REQUEST_METHOD``; member
  ``http_request_method::GET`` (a module); metrics as java.
- typescript, javascript: attribute ``ATTR_HTTP_REQUEST_METHOD``; member
  ``HTTP_REQUEST_METHOD_VALUE_GET``; metrics as java.
- go: attribute ``HTTPRequestMethodKey``; member ``HTTPRequestMethodGet``;
  metric ``XName``, ``XUnit``, ``XInstrument``. Words that are initialisms
  are spelt in capitals as Go style asks (``URLFullKey``,
  ``DBSystemNameKey``, ``K8SPodNameKey``): golint's common initialisms plus
  ``AI``, ``DB``, ``GPU``, ``K8S`` and ``OS``, words of the registry that
  opentelemetry-go's generated package also capitalises (:data:`GO_INITIALISMS`).

Names are built from the key's words (split on anything not a letter or
digit); a name already taken in the same scope gets ``_2``, ``_3``... so two
keys that spell the same words never collide (python excepted: it follows
the package, whose names depend on the key alone, and which leaves out what
the registry excludes from code generation). Markdown names are the keys
themselves (see :mod:`weavergen.engine.facts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from weavergen.engine import python_names
from weavergen.engine.slices import Attribute, Member, Metric, SliceView
from weavergen.errors import RequestError

CODE_TARGETS = ("python", "go", "java", "typescript", "javascript", "rust")
TARGETS = (*CODE_TARGETS, "markdown")
ALIASES = {
    "py": "python",
    "golang": "go",
    "ts": "typescript",
    "js": "javascript",
    "rs": "rust",
    "md": "markdown",
    "docs": "markdown",
}
NESTED_MEMBERS = frozenset({"java", "rust"})
# golint's list of common initialisms, and registry words Go code capitalises.
GO_INITIALISMS = frozenset(
    [
        "ACL",
        "API",
        "ASCII",
        "CPU",
        "CSS",
        "DNS",
        "EOF",
        "GUID",
        "HTML",
        "HTTP",
        "HTTPS",
        "ID",
        "IP",
        "JSON",
        "LHS",
        "QPS",
        "RAM",
        "RHS",
        "RPC",
        "SLA",
        "SMTP",
        "SQL",
        "SSH",
        "TCP",
        "TLS",
        "TTL",
        "UDP",
        "UI",
        "UID",
        "UUID",
        "URI",
        "URL",
        "UTF8",
        "VM",
        "XML",
        "XMPP",
        "XSRF",
        "XSS",
        "AI",
        "DB",
        "GPU",
        "K8S",
        "OS",
    ]
)
RUST_KEYWORDS = frozenset(
    (
        "as",
        "async",
        "await",
        "break",
        "const",
        "continue",
        "crate",
        "dyn",
        "else",
        "enum",
        "extern",
        "false",
        "fn",
        "for",
        "if",
        "impl",
        "in",
        "let",
        "loop",
        "match",
        "mod",
        "move",
        "mut",
        "pub",
        "ref",
        "return",
        "self",
        "static",
        "struct",
        "super",
        "trait",
        "true",
        "type",
        "unsafe",
        "use",
        "where",
        "while",
        "abstract",
        "become",
        "box",
        "do",
        "final",
        "macro",
        "override",
        "priv",
        "try",
        "typeof",
        "unsized",
        "virtual",
        "yield",
        "gen",
    )
)


@dataclass(frozen=True, slots=True)
class NamedMember:
    """An enum member with the name it is declared under (qualified by dots)."""

    member: Member
    name: str


@dataclass(frozen=True, slots=True)
class NamedAttribute:
    """An attribute with its constant's name and its members' names."""

    attribute: Attribute
    name: str
    container: str | None
    members: tuple[NamedMember, ...]


@dataclass(frozen=True, slots=True)
class NamedMetric:
    """A metric with the names of its name, unit and instrument constants."""

    metric: Metric
    name: str
    unit_name: str
    instrument_name: str


@dataclass(frozen=True, slots=True)
class NamePlan:
    """Every declaration a correct artifact makes for one target and slice."""

    target: str
    attributes: tuple[NamedAttribute, ...]
    metrics: tuple[NamedMetric, ...]
    group_ids: tuple[str, ...] = ()


def canonical_target(target: str) -> str:
    """Map aliases (``py``, ``ts``...) to the target names used here."""
    name = target.strip().lower()
    return ALIASES.get(name, name)


def words(text: str) -> list[str]:
    """Split a key or member id into the words names are made of."""
    return [part for part in re.split(r"[^A-Za-z0-9]+", text) if part]


def upper_snake(text: str) -> str:
    """``http.request.method`` -> ``HTTP_REQUEST_METHOD``."""
    return _lead(("_".join(words(text))).upper() or "EMPTY", "V_")


def snake(text: str) -> str:
    """``http.request.method`` -> ``http_request_method``."""
    name = _lead(("_".join(words(text))).lower() or "empty", "v_")
    return f"{name}_" if name in RUST_KEYWORDS else name


def pascal(text: str) -> str:
    """``http.request.method`` -> ``HttpRequestMethod``."""
    joined = "".join(word[:1].upper() + word[1:].lower() for word in words(text))
    return _lead(joined or "Empty", "V")


def go_pascal(text: str) -> str:
    """``http.request.method`` -> ``HTTPRequestMethod``: Go's initialisms."""
    joined = "".join(_go_word(word) for word in words(text))
    return _lead(joined or "Empty", "V")


def _go_word(word: str) -> str:
    upper = word.upper()
    return upper if upper in GO_INITIALISMS else word[:1].upper() + word[1:].lower()


def _lead(name: str, prefix: str) -> str:
    return prefix + name if name[0].isdigit() else name


class _Scope:
    """Hands out names, suffixing any already taken in this scope."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, wanted: str) -> str:
        name, count = wanted, 1
        while name in self._taken:
            count += 1
            name = f"{wanted}_{count}"
        self._taken.add(name)
        return name


def plan_names(view: SliceView, target: str) -> NamePlan:
    """Name every attribute, member and metric of a slice for a code target."""
    target = canonical_target(target)
    if target not in CODE_TARGETS:
        raise RequestError(
            f"no naming convention for target {target!r}; expected one of "
            + ", ".join(CODE_TARGETS)
        )
    if target == "python":
        return _python_plan(view)
    scope = _Scope()
    attributes = tuple(_name_attribute(a, target, scope) for a in view.attributes)
    metrics = tuple(_name_metric(m, target, scope) for m in view.metrics)
    return NamePlan(target, attributes, metrics, view.group_ids)


def _name_attribute(attribute: Attribute, target: str, scope: _Scope) -> NamedAttribute:
    key = attribute.key
    if target == "go":
        name = scope.claim(go_pascal(key) + "Key")
    elif target in ("typescript", "javascript"):
        name = scope.claim("ATTR_" + upper_snake(key))
    else:
        name = scope.claim(upper_snake(key))
    container = None
    if attribute.members and target in NESTED_MEMBERS:
        wanted = snake(key) if target == "rust" else pascal(key) + "Values"
        container = scope.claim(wanted)
    members = _name_members(attribute, target, container, scope)
    return NamedAttribute(attribute, name, container, members)


def _name_members(
    attribute: Attribute, target: str, container: str | None, scope: _Scope
) -> tuple[NamedMember, ...]:
    if container is not None:
        inner = _Scope()
        return tuple(
            NamedMember(m, f"{container}.{inner.claim(upper_snake(m.id))}")
            for m in attribute.members
        )
    if target == "go":
        return tuple(
            NamedMember(m, scope.claim(go_pascal(attribute.key) + go_pascal(m.id)))
            for m in attribute.members
        )
    stem = upper_snake(attribute.key) + "_VALUE_"
    return tuple(
        NamedMember(m, scope.claim(stem + upper_snake(m.id))) for m in attribute.members
    )


def _name_metric(metric: Metric, target: str, scope: _Scope) -> NamedMetric:
    if target == "go":
        stem = go_pascal(metric.name)
        names = (stem + "Name", stem + "Unit", stem + "Instrument")
    else:
        stem = "METRIC_" + upper_snake(metric.name)
        names = (stem, stem + "_UNIT", stem + "_INSTRUMENT")
    name, unit_name, instrument_name = (scope.claim(n) for n in names)
    return NamedMetric(metric, name, unit_name, instrument_name)


def _python_plan(view: SliceView) -> NamePlan:
    # The package leaves out what the registry excludes from code generation.
    attributes = tuple(_python_attribute(a) for a in view.attributes if a.generated)
    metrics = tuple(_python_metric(m) for m in view.metrics if m.generated)
    return NamePlan("python", attributes, metrics, view.group_ids)


def _python_attribute(attribute: Attribute) -> NamedAttribute:
    name = python_names.attribute_constant(attribute.key, attribute.type_label)
    if not attribute.members:
        return NamedAttribute(attribute, name, None, ())
    container = python_names.enum_class(attribute.key)
    members = tuple(
        NamedMember(m, f"{container}.{python_names.member_constant(m.id)}")
        for m in attribute.members
        if m.generated
    )
    return NamedAttribute(attribute, name, container, members)


def _python_metric(metric: Metric) -> NamedMetric:
    factory = python_names.metric_factory(metric.name)
    return NamedMetric(
        metric,
        python_names.metric_constant(metric.name),
        f"{factory}.unit",
        f"{factory}.instrument",
    )
