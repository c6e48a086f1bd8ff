"""Cost structures: the monthly line items a WeaverGen service pays for.

A structure is an *estimate* (a plan, a quote, the v2 plan's own table), as
opposed to the measured ledger read from spans; every figure derived from a
structure is labelled ``estimated``. Three built-in structures reproduce the
v2 plan's v1 baseline, v2 naive and v2 optimised; users write their own in the
same YAML format and pass the file's path wherever a name is accepted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weavergen.economics.scenario_files import (
    read_scenario,
    require_amount,
    require_count,
    require_mapping,
    require_number,
)
from weavergen.errors import ConfigError

logger = logging.getLogger(__name__)

BUILTIN_STRUCTURES = ("v1-baseline", "v2-naive", "v2-optimised")
INFRASTRUCTURE_CATEGORIES = frozenset({"infrastructure", "storage", "monitoring"})


@dataclass(frozen=True, slots=True)
class LineItem:
    """One monthly cost, such as inference on one model or the vector database."""

    name: str
    category: str
    monthly_usd: float


@dataclass(frozen=True, slots=True)
class CostStructure:
    """Monthly line items plus the monthly volume of generations they serve."""

    name: str
    description: str
    volume_per_month: int
    items: tuple[LineItem, ...]
    stated: dict[str, float] = field(default_factory=dict)
    source: str = "<built-in>"

    @property
    def total_usd(self) -> float:
        """The monthly total of every line item."""
        return sum(item.monthly_usd for item in self.items)

    @property
    def cost_per_generation_usd(self) -> float:
        """Monthly total divided by monthly volume."""
        return self.total_usd / self.volume_per_month

    def by_category(self) -> dict[str, float]:
        """Monthly cost per category, in the order categories first appear."""
        totals: dict[str, float] = {}
        for item in self.items:
            totals[item.category] = totals.get(item.category, 0.0) + item.monthly_usd
        return totals

    def infrastructure_per_generation_usd(self) -> float:
        """Cost per generation of the items that are not model inference."""
        infra = sum(
            item.monthly_usd
            for item in self.items
            if item.category in INFRASTRUCTURE_CATEGORIES
        )
        return infra / self.volume_per_month


def load_structure(name_or_path: str | Path) -> CostStructure:
    """Load a built-in structure by name, or a user's structure file by path."""
    path = Path(name_or_path)
    if str(name_or_path) in BUILTIN_STRUCTURES and not path.is_file():
        return _load_builtin(str(name_or_path))
    if not path.is_file():
        known = ", ".join(BUILTIN_STRUCTURES)
        raise ConfigError(
            f"{name_or_path}: no such cost structure file and not a built-in "
            f"scenario (built-ins: {known})"
        )
    return parse_structure(*read_scenario(path, "", "cost structure"))


def builtin_structures() -> list[CostStructure]:
    """Every built-in structure, in the v2 plan's order."""
    return [_load_builtin(name) for name in BUILTIN_STRUCTURES]


def _load_builtin(name: str) -> CostStructure:
    data, source = read_scenario(None, f"{name}.yaml", "cost structure")
    return parse_structure(data, source)


def parse_structure(data: Any, source: str) -> CostStructure:
    """Build a structure from parsed YAML, saying which key is wrong if any."""
    mapping = require_mapping(data, source, "the file")
    volume = require_count(mapping, "volume_per_month", source)
    items = _parse_items(mapping.get("items"), source)
    stated = _parse_stated(mapping.get("stated", {}), source)
    structure = CostStructure(
        name=str(mapping.get("name", Path(source).stem)),
        description=str(mapping.get("description", "")),
        volume_per_month=volume,
        items=items,
        stated=stated,
        source=source,
    )
    logger.debug("loaded cost structure %s from %s", structure.name, source)
    return structure


def _parse_items(raw: Any, source: str) -> tuple[LineItem, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{source}: 'items' must be a non-empty list of line items")
    items = []
    for index, entry in enumerate(raw):
        where = f"items[{index}]"
        mapping = require_mapping(entry, source, where)
        if "name" not in mapping:
            raise ConfigError(f"{source}: {where} has no 'name'")
        amount = require_amount(mapping, "monthly_usd", source, where)
        category = str(mapping.get("category", "other"))
        items.append(LineItem(str(mapping["name"]), category, amount))
    return tuple(items)


def _parse_stated(raw: Any, source: str) -> dict[str, float]:
    mapping = require_mapping(raw, source, "stated")
    return {str(key): require_number(mapping, key, source, "stated") for key in mapping}
