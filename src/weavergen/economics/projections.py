"""Yearly projections and the v2 plan's cost roadmap, from editable assumptions.

A projection multiplies an assumed customer base by an assumed revenue per
user and volume per customer, and prices that volume at a cost per
generation (from a structure or from the ledger, fully loaded). The figures
come from ``scenarios/projections.yaml``; every report says they are
assumptions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class ProjectionScenario:
    """Assumed customers, revenue per user and volume, for one year."""

    name: str
    customers: int
    revenue_per_user_usd: float
    generations_per_customer: int


@dataclass(frozen=True, slots=True)
class RoadmapPhase:
    """A phase of the roadmap and the cost per generation it aims for."""

    phase: str
    target_usd: float


@dataclass(frozen=True, slots=True)
class Assumptions:
    """Projection scenarios and roadmap targets, with the file they came from."""

    projections: tuple[ProjectionScenario, ...]
    roadmap: tuple[RoadmapPhase, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Projection:
    """One year of one scenario at one cost per generation."""

    scenario: str
    generations: int
    revenue_usd: float
    cost_usd: float

    @property
    def gross_profit_usd(self) -> float:
        """Revenue minus cost."""
        return self.revenue_usd - self.cost_usd

    @property
    def margin(self) -> float | None:
        """Gross profit as a fraction of revenue (None without revenue)."""
        return self.gross_profit_usd / self.revenue_usd if self.revenue_usd else None


@dataclass(frozen=True, slots=True)
class RoadmapCheck:
    """A phase's target against a cost per generation."""

    phase: str
    target_usd: float
    actual_usd: float
    fully_loaded_usd: float | None = None

    @property
    def met(self) -> bool:
        """True when the cost before support and sales is at or below the target."""
        return self.actual_usd <= self.target_usd

    @property
    def met_fully_loaded(self) -> bool | None:
        """The same comparison with the support and sales allocation added."""
        if self.fully_loaded_usd is None:
            return None
        return self.fully_loaded_usd <= self.target_usd

    @property
    def factor(self) -> float:
        """How many times the target the actual cost is."""
        return self.actual_usd / self.target_usd


def project(scenario: ProjectionScenario, loaded_cost_usd: float) -> Projection:
    """Revenue, cost and profit of one scenario for one year."""
    generations = scenario.customers * scenario.generations_per_customer
    return Projection(
        scenario=scenario.name,
        generations=generations,
        revenue_usd=scenario.customers * scenario.revenue_per_user_usd,
        cost_usd=generations * loaded_cost_usd,
    )


def check_roadmap(
    assumptions: Assumptions, actual_usd: float, fully_loaded_usd: float | None = None
) -> list[RoadmapCheck]:
    """Every phase's target against ``actual_usd`` (and the fully loaded cost)."""
    return [
        RoadmapCheck(p.phase, p.target_usd, actual_usd, fully_loaded_usd)
        for p in assumptions.roadmap
    ]


def load_assumptions(path: Path | None = None) -> Assumptions:
    """The shipped assumptions, or a user's file in the same format."""
    data, source = read_scenario(path, "projections.yaml", "projections")
    mapping = require_mapping(data, source, "the file")
    return Assumptions(
        projections=tuple(_entries(mapping, "projections", source, _scenario)),
        roadmap=tuple(_entries(mapping, "roadmap", source, _phase)),
        source=source,
    )


def _entries(mapping: dict[str, Any], key: str, source: str, build: Any) -> list[Any]:
    raw = mapping.get(key, [])
    if not isinstance(raw, list):
        raise ConfigError(f"{source}: '{key}' must be a list")
    return [build(entry, source, f"{key}[{i}]") for i, entry in enumerate(raw)]


def _scenario(entry: Any, source: str, where: str) -> ProjectionScenario:
    mapping = require_mapping(entry, source, where)
    return ProjectionScenario(
        name=str(mapping.get("name", where)),
        customers=require_count(mapping, "customers", source, where, least=0),
        revenue_per_user_usd=require_amount(
            mapping, "revenue_per_user_usd_per_year", source, where
        ),
        generations_per_customer=require_count(
            mapping, "generations_per_customer_per_year", source, where, least=0
        ),
    )


def _phase(entry: Any, source: str, where: str) -> RoadmapPhase:
    mapping = require_mapping(entry, source, where)
    target = require_number(mapping, "target_cost_per_generation_usd", source, where)
    if target <= 0:
        raise ConfigError(
            f"{source}: {where}.target_cost_per_generation_usd must be > 0"
        )
    return RoadmapPhase(str(mapping.get("phase", where)), target)
