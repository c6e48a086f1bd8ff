"""The words a model is given: the slice as compact JSON and the target's rules.

Real providers get only this text. The simulated fleet also gets the known
answer (``Prompt.reference``), because it fakes right and wrong answers from
ground truth; that field is filled only for simulated models, never sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from weavergen.models.chat import Prompt

# Part of every cache key: bump it whenever a target's naming or the prompt
# changes, so answers written under the old rules are never looked up again
# (2: Go names take initialisms in capitals).
PROMPT_VERSION = "2"

NAMING: Mapping[str, str] = {
    "python": (
        "the opentelemetry-semantic-conventions package's: UPPER_SNAKE_CASE "
        "constants (template attributes end in _TEMPLATE), enums as PascalCase "
        "...Values(Enum) classes, each metric a name constant plus a "
        "create_<metric>(meter) factory calling meter.create_<instrument> "
        "with its unit"
    ),
    "go": (
        "one package, one gofmt-aligned const block of untyped string "
        "constants: attribute <Key>Key, enum member <Key><Member>, metric "
        "<Metric>Name, <Metric>Unit, <Metric>Instrument, in CamelCase with "
        "Go initialisms in capitals (HTTPRequestMethodKey, "
        "HTTPRequestMethodGet, URLFullKey, DBSystemNameKey, "
        "K8SPodNameKey, HTTPServerRequestDurationName)"
    ),
    "java": "UPPER_SNAKE_CASE static final constants in a final class",
    "typescript": "exported const UPPER_SNAKE_CASE values with literal types",
    "javascript": "exported const UPPER_SNAKE_CASE values, ES module syntax",
    "rust": "pub const UPPER_SNAKE_CASE items, snake_case modules",
    "markdown": (
        "tables: Attribute | Type | Description, a Value table under a heading "
        "naming each enum attribute, Metric | Instrument | Unit | Description"
    ),
}
ATTRIBUTE_KEYS = ("name", "type", "brief", "stability", "deprecated", "examples")
GROUP_KEYS = ("id", "type", "metric_name", "instrument", "unit", "span_kind", "name")
# Output budget per attribute, measured loosely on reference answers; the floor
# covers module headers and imports.
TOKENS_PER_ATTRIBUTE = 60
BASE_OUTPUT_TOKENS = 400
MAX_OUTPUT_TOKENS = 16_000


def build_prompt(
    groups: list[dict[str, Any]],
    target: str,
    pattern: str,
    intent: str | None,
    *,
    complexity: float,
    seed_key: str,
    reference: str | None = None,
) -> Prompt:
    """Compose the system and user text for one request."""
    return Prompt(
        system=_system_text(target, pattern),
        user=_user_text(groups, pattern, intent),
        max_output_tokens=expected_output_tokens(groups) * 2,
        reference=reference,
        complexity=complexity,
        seed_key=seed_key,
    )


def expected_output_tokens(groups: list[dict[str, Any]]) -> int:
    """A rough size of the answer, for budgets before any call is made."""
    count = sum(len(group.get("attributes") or []) for group in groups)
    return min(MAX_OUTPUT_TOKENS, BASE_OUTPUT_TOKENS + TOKENS_PER_ATTRIBUTE * count)


def compact_slice(groups: list[dict[str, Any]]) -> str:
    """The slice as one line of JSON with only what generation needs."""
    slim = [_slim_group(group) for group in groups]
    return json.dumps(slim, separators=(",", ":"), sort_keys=True, default=str)


def _system_text(target: str, pattern: str) -> str:
    naming = NAMING.get(target, "the language's usual naming conventions")
    return (
        f"You write {target} source code from OpenTelemetry semantic conventions. "
        f"Artifact kind: {pattern}. Naming: {naming}. Keep every attribute name, "
        "enum value, metric name, unit and instrument exactly as given. "
        "Reply with the code only: no prose, no Markdown fences."
    )


def _user_text(groups: list[dict[str, Any]], pattern: str, intent: str | None) -> str:
    ask = f"Generate the {pattern} artifact for this registry slice."
    if intent:
        ask = f"{ask} Also: {intent.strip()}"
    return f"{ask}\nSlice (JSON):\n{compact_slice(groups)}"


def _slim_group(group: Mapping[str, Any]) -> dict[str, Any]:
    slim = {key: group[key] for key in GROUP_KEYS if group.get(key) is not None}
    attributes = group.get("attributes") or []
    slim["attributes"] = [_slim_attribute(attr) for attr in attributes]
    return slim


def _slim_attribute(attr: Mapping[str, Any]) -> dict[str, Any]:
    slim = {key: attr[key] for key in ATTRIBUTE_KEYS if attr.get(key) is not None}
    kind = attr.get("type")
    if isinstance(kind, Mapping):
        members = kind.get("members") or []
        slim["type"] = {"members": [_slim_member(member) for member in members]}
    return slim


def _slim_member(member: Mapping[str, Any]) -> dict[str, Any]:
    return {key: member[key] for key in ("id", "value") if key in member}
