"""Check and normalise single fields of semantic-convention YAML.

Each reader method takes a mapping and a key, records a problem that says
what was expected when the value is wrong, and returns the normalised value
(or None, so that reading goes on and every problem is reported).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from weavergen.registry.examples import examples_problem
from weavergen.registry.problems import ProblemLog, Where

STABILITY_ALIASES = {"experimental": "development"}
STABILITY_LEVELS = (
    "stable",
    "development",
    "alpha",
    "beta",
    "release_candidate",
    "deprecated",
)
PRIMITIVE_TYPES = (
    "string",
    "int",
    "double",
    "boolean",
    "any",
    "string[]",
    "int[]",
    "double[]",
    "boolean[]",
)
ATTRIBUTE_TYPES = PRIMITIVE_TYPES + tuple(f"template[{t}]" for t in PRIMITIVE_TYPES)
BASIC_REQUIREMENT_LEVELS = ("required", "recommended", "opt_in")
CONDITIONAL_REQUIREMENT_KEYS = ("conditionally_required", "recommended", "opt_in")
DEPRECATION_NOTES = {"obsoleted": "Obsoleted.", "uncategorized": "Uncategorized."}
ENUM_MEMBER_KEYS = frozenset(
    {"id", "value", "brief", "note", "stability", "deprecated", "annotations"}
)


def _quote(values: Iterable[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def describe(value: Any) -> str:
    """Name a YAML value's kind for a message ('a list', 'the string "x"')."""
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"'{shown}'"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if value is None:
        return "nothing (null)"
    kinds = {dict: "a mapping", list: "a list", int: "a number", float: "a number"}
    return kinds.get(type(value), type(value).__name__)


class FieldReader:
    """Reads fields of one YAML mapping, reporting problems against a group."""

    def __init__(self, log: ProblemLog, where: Where, group_id: str | None) -> None:
        self.log = log
        self.where = where
        self.group_id = group_id

    def problem(self, message: str, key: str | int | None = None, **kw: str) -> None:
        """Record a problem at this mapping, or at one of its keys."""
        where = self.where if key is None else self.where.at(key)
        self.log.add(message, where, self.group_id, **kw)

    def mapping(self, data: Any, what: str) -> dict[str, Any] | None:
        """Return `data` if it is a mapping, else report what was expected."""
        if isinstance(data, dict):
            return data
        self.problem(f"{what} must be a mapping, got {describe(data)}", code="type")
        return None

    def sequence(self, raw: Any, key: str) -> list[Any] | None:
        """Give `raw` (the value of `key`) if it is a list; None if absent or not."""
        if raw is None:
            return None
        if isinstance(raw, list):
            return raw
        self.problem(f"'{key}' must be a list, got {describe(raw)}", key, code="type")
        return None

    def unknown(self, data: dict[str, Any], allowed: frozenset[str], what: str) -> None:
        """Report keys that the schema does not define (usually typos)."""
        for key in data:
            if key not in allowed:
                expected = _quote(sorted(allowed))
                self.problem(
                    f"unknown field '{key}' in {what}; expected one of {expected}",
                    key if isinstance(key, str) else None,
                    code="unknown_field",
                )

    def string(
        self, data: dict[str, Any], key: str, *, required: bool = False
    ) -> str | None:
        """Read a text field (a number written unquoted is accepted as text)."""
        value = data.get(key)
        if type(value) is str:  # the usual case, answered first
            return value
        if value is None:
            if required:
                self.problem(f"missing required field '{key}'", code="missing")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(
                f"field '{key}' must be a string, got {describe(value)}",
                key,
                code="type",
            )
            return None
        return str(value)

    def choice(
        self,
        data: dict[str, Any],
        key: str,
        allowed: Iterable[str],
        *,
        required: bool = False,
    ) -> str | None:
        """Read a field whose value is one of a fixed set of words."""
        value = self.string(data, key, required=required)
        options = tuple(allowed)
        if value is None or value in options:
            return value
        self.problem(
            f"field '{key}' is '{value}'; expected one of {_quote(options)}",
            key,
            code="type",
        )
        return None

    def boolean(self, data: dict[str, Any], key: str) -> bool | None:
        """Read a true/false field."""
        value = data.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.problem(
            f"field '{key}' must be true or false, got {describe(value)}",
            key,
            code="type",
        )
        return None

    def string_list(self, data: dict[str, Any], key: str) -> list[str]:
        """Read a list of strings."""
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        self.problem(
            f"field '{key}' must be a list of strings, got {describe(value)}",
            key,
            code="type",
        )
        return []

    def stability(self, data: dict[str, Any], key: str = "stability") -> str | None:
        """Read a stability level, spelling `experimental` as `development`."""
        value = data.get(key)
        if isinstance(value, str) and value in STABILITY_ALIASES:
            return STABILITY_ALIASES[value]
        return self.choice(data, key, STABILITY_LEVELS)

    def annotations(self, data: dict[str, Any]) -> dict[str, Any] | None:
        """Read free-form annotations (a mapping of names to YAML values)."""
        value = data.get("annotations")
        if value is None or isinstance(value, dict):
            return value
        self.problem(
            f"field 'annotations' must be a mapping, got {describe(value)}",
            "annotations",
            code="type",
        )
        return None

    def examples(self, data: dict[str, Any]) -> Any:
        """Read examples: one value or a list of values (lists of lists for arrays)."""
        value = data.get("examples")
        if value is None or not isinstance(value, dict):
            return value
        self.problem(
            "field 'examples' must be a value or a list of values, got a mapping",
            "examples",
            code="type",
        )
        return None

    def check_examples(self, fields: dict[str, Any]) -> None:
        """Report examples that are not values of the attribute's type."""
        message = examples_problem(fields.get("type"), fields.get("examples"))
        if message is not None:
            self.problem(message, "examples", code="type")

    def requirement_level(self, data: dict[str, Any]) -> Any:
        """Read a requirement level: a word, or a one-key mapping with a condition."""
        value = data.get("requirement_level")
        if value is None or value in BASIC_REQUIREMENT_LEVELS:
            return value
        if isinstance(value, dict) and len(value) == 1:
            ((level, text),) = value.items()
            if level in CONDITIONAL_REQUIREMENT_KEYS and isinstance(text, str):
                return {level: text}
        self.problem(
            "field 'requirement_level' must be one of "
            f"{_quote(BASIC_REQUIREMENT_LEVELS)} or a mapping "
            f"{{conditionally_required|recommended|opt_in: <text>}}, "
            f"got {describe(value)}",
            "requirement_level",
            code="type",
        )
        return None

    def deprecated(self, data: dict[str, Any]) -> dict[str, str] | None:
        """Read `deprecated` in Weaver's resolved form ({reason, renamed_to?, note})."""
        value = data.get("deprecated")
        if value is None:
            return None
        if isinstance(value, str):
            # Weaver keeps a bare deprecation text as an "unspecified" reason.
            self.problem(
                "a bare-text 'deprecated' is kept as reason 'unspecified'; expected "
                "{reason: renamed|obsoleted|uncategorized, note: ...}",
                "deprecated",
                code="unstructured_deprecated",
                severity="warning",
            )
            return {"reason": "unspecified", "note": value}
        if isinstance(value, dict):
            return self._structured_deprecation(value)
        self.problem(
            "field 'deprecated' must be a text or a mapping with 'reason', "
            f"got {describe(value)}",
            "deprecated",
            code="type",
        )
        return None

    def _structured_deprecation(self, value: dict[str, Any]) -> dict[str, str] | None:
        sub = FieldReader(self.log, self.where.at("deprecated"), self.group_id)
        sub.unknown(value, frozenset({"reason", "renamed_to", "note"}), "'deprecated'")
        reason = sub.choice(
            value, "reason", ("renamed", "obsoleted", "uncategorized"), required=True
        )
        note = sub.string(value, "note")
        if reason == "renamed":
            renamed_to = sub.string(value, "renamed_to", required=True)
            if renamed_to is None:
                return None
            text = note if note is not None else f"Replaced by `{renamed_to}`."
            return {"reason": reason, "renamed_to": renamed_to, "note": text}
        if reason is None:
            return None
        return {"reason": reason, "note": note or DEPRECATION_NOTES[reason]}

    def attribute_type(self, data: dict[str, Any]) -> Any:
        """Read an attribute type: a type name, or an enum with members."""
        value = data.get("type")
        if value is None:
            self.problem("missing required field 'type'", code="missing")
            return None
        if isinstance(value, str):
            return self.choice(data, "type", ATTRIBUTE_TYPES)
        if isinstance(value, dict):
            return self._enum_type(value)
        self.problem(
            f"field 'type' must be a type name or an enum mapping with 'members', "
            f"got {describe(value)}",
            "type",
            code="type",
        )
        return None

    def _enum_type(self, value: dict[str, Any]) -> dict[str, Any] | None:
        sub = FieldReader(self.log, self.where.at("type"), self.group_id)
        sub.unknown(
            value, frozenset({"members", "allow_custom_values"}), "an enum type"
        )
        members = sub.enum_members(value.get("members"))
        return None if members is None else {"members": members}

    def enum_members(self, members: Any) -> list[dict[str, Any]] | None:
        """Read the `members` list of an enum found in this mapping."""
        if not isinstance(members, list) or not members:
            self.problem(
                "an enum needs 'members': a non-empty list of "
                f"{{id, value, brief}} mappings, got {describe(members)}",
                code="type",
            )
            return None
        read = [self._enum_member(m, i) for i, m in enumerate(members)]
        return [m for m in read if m is not None]

    def _enum_member(self, member: Any, index: int) -> dict[str, Any] | None:
        sub = FieldReader(self.log, self.where.at("members", index), self.group_id)
        data = sub.mapping(member, "an enum member")
        if data is None:
            return None
        sub.unknown(data, ENUM_MEMBER_KEYS, "an enum member")
        member_id = sub.string(data, "id", required=True)
        if member_id is None:
            return None
        value = data.get("value", member_id)
        if isinstance(value, list | dict) or value is None:
            sub.problem(
                f"enum member '{member_id}' value must be a string, number or "
                f"boolean, got {describe(value)}",
                "value",
                code="type",
            )
        out: dict[str, Any] = {"id": member_id, "value": value}
        _put(out, "brief", sub.string(data, "brief"))
        _put(out, "note", sub.string(data, "note"))
        _put(out, "stability", sub.stability(data))
        _put(out, "deprecated", sub.deprecated(data))
        _put(out, "annotations", sub.annotations(data))
        return out


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        out[key] = value
