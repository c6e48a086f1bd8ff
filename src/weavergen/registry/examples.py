"""Check that an attribute's examples are values of the attribute's type.

Weaver rejects examples of the wrong type (a number for a string attribute,
text for a boolean). Arrays may give each example as a list or, in the older
style, as single elements; templates take the examples of their value type;
`any` and enums take anything.
"""

from __future__ import annotations

from typing import Any

_SCALAR_WORDS = {
    "string": "text",
    "int": "whole numbers",
    "double": "numbers",
    "boolean": "true or false",
}


def _is_scalar_of(kind: str, value: Any) -> bool:
    if isinstance(value, bool):
        return kind == "boolean"
    if kind == "string":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int)
    if kind == "double":
        return isinstance(value, int | float)
    return False


def _all_of(kind: str, values: Any) -> bool:
    items = values if isinstance(values, list) else [values]
    return all(_is_scalar_of(kind, v) for v in items)


def examples_problem(attr_type: Any, examples: Any) -> str | None:
    """Say what is wrong with `examples` for `attr_type`, or None if they fit."""
    if examples is None or not isinstance(attr_type, str):
        return None
    kind = attr_type.removeprefix("template[").removesuffix("]")
    if kind == "any" or kind.removesuffix("[]") not in _SCALAR_WORDS:
        return None
    scalar = kind.removesuffix("[]")
    if kind.endswith("[]"):
        items = examples if isinstance(examples, list) else [examples]
        fits = all(_all_of(scalar, item) for item in items)
    else:
        fits = _all_of(scalar, examples)
    if fits:
        return None
    return (
        f"examples of a '{attr_type}' attribute must be {_SCALAR_WORDS[scalar]}, "
        f"got {_shown(examples)}"
    )


def _shown(examples: Any) -> str:
    text = repr(examples)
    return text if len(text) <= 60 else text[:57] + "..."
