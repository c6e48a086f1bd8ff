"""Pricing tiers and the unit economics of each: margins, break-even, targets.

Margins are fractions: ``(price - cost) / price``, where the cost is the *fully
loaded* cost per generation (cost per generation plus the support and sales
allocations). The price of an included generation is the monthly fee divided
by the included volume, unrounded; the v2 plan rounded it first, which is why
its figures differ slightly (see :mod:`weavergen.economics.claims`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weavergen.economics.scenario_files import (
    read_scenario,
    require_amount,
    require_count,
    require_mapping,
    require_number,
    require_price,
)
from weavergen.errors import ConfigError

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PricingTier:
    """One tier: a monthly fee covering a volume, then a price per extra one."""

    name: str
    monthly_usd: float | None
    included_generations: int | None
    overage_usd: float | None

    @property
    def custom(self) -> bool:
        """True when the tier is priced per contract and has no list price."""
        return self.monthly_usd is None

    @property
    def price_per_included_usd(self) -> float | None:
        """Monthly fee over included volume, unrounded."""
        if self.monthly_usd is None or not self.included_generations:
            return None
        return self.monthly_usd / self.included_generations


@dataclass(frozen=True, slots=True)
class PricingConfig:
    """The tiers, the per-generation allocations and the target margin."""

    tiers: tuple[PricingTier, ...]
    support_usd: float
    sales_usd: float
    target_margin: float
    source: str = "<built-in>"
    tenant_tiers: Mapping[str, str] = field(default_factory=dict)

    @property
    def allocations_usd(self) -> float:
        """Support plus sales cost added to every generation."""
        return self.support_usd + self.sales_usd

    def listed(self) -> list[PricingTier]:
        """The tiers that have a list price (not custom)."""
        return [tier for tier in self.tiers if not tier.custom]

    def tier_of(self, tenant: str) -> PricingTier:
        """The tier a tenant pays for: its mapping, else the first listed tier."""
        name = self.tenant_tiers.get(tenant)
        for tier in self.listed():
            if tier.name == name:
                return tier
        return self.listed()[0]

    def fully_loaded(self, cost_per_generation_usd: float) -> float:
        """Cost per generation plus the allocations."""
        return cost_per_generation_usd + self.allocations_usd


@dataclass(frozen=True, slots=True)
class TierEconomics:
    """What one tier earns per generation at a given cost per generation."""

    tier: str
    price_per_included_usd: float | None
    overage_usd: float | None
    fully_loaded_cost_usd: float
    margin_included: float | None
    margin_overage: float | None
    break_even_cost_usd: float | None
    target_cost_usd: float | None
    custom: bool = False


def margin(price_usd: float, cost_usd: float) -> float:
    """Gross margin as a fraction of price: ``(price - cost) / price``."""
    return (price_usd - cost_usd) / price_usd


def tier_economics(
    tier: PricingTier, cost_per_generation_usd: float, pricing: PricingConfig
) -> TierEconomics:
    """Margins, break-even and target cost for one tier at one cost."""
    loaded = pricing.fully_loaded(cost_per_generation_usd)
    price = tier.price_per_included_usd
    return TierEconomics(
        tier=tier.name,
        price_per_included_usd=price,
        overage_usd=tier.overage_usd,
        fully_loaded_cost_usd=loaded,
        margin_included=None if price is None else margin(price, loaded),
        margin_overage=None
        if tier.overage_usd is None
        else margin(tier.overage_usd, loaded),
        break_even_cost_usd=None if price is None else price - pricing.allocations_usd,
        target_cost_usd=None
        if price is None
        else price * (1 - pricing.target_margin) - pricing.allocations_usd,
        custom=tier.custom,
    )


def unit_economics(
    cost_per_generation_usd: float, pricing: PricingConfig
) -> list[TierEconomics]:
    """Every tier's economics at one cost per generation."""
    return [tier_economics(t, cost_per_generation_usd, pricing) for t in pricing.tiers]


def load_pricing(path: str | Path | None = None) -> PricingConfig:
    """Load tiers from ``path``, or the v2 plan's defaults when it is None."""
    file = None if path is None else Path(path)
    return parse_pricing(*read_scenario(file, "tiers.yaml", "tiers"))


def parse_pricing(data: Any, source: str) -> PricingConfig:
    """Build a pricing config from parsed YAML, naming any wrong key."""
    mapping = require_mapping(data, source, "the file")
    alloc = require_mapping(mapping.get("allocations", {}), source, "allocations")
    tiers = mapping.get("tiers")
    if not isinstance(tiers, list) or not tiers:
        raise ConfigError(f"{source}: 'tiers' must be a non-empty list of tiers")
    parsed = tuple(_parse_tier(entry, source, i) for i, entry in enumerate(tiers))
    if all(tier.custom for tier in parsed):
        raise ConfigError(f"{source}: 'tiers' needs at least one tier with a price")
    target = require_number(mapping, "target_margin", source)
    if not 0 <= target < 1:
        raise ConfigError(f"{source}: 'target_margin' must be in [0, 1), got {target}")
    return PricingConfig(
        tiers=parsed,
        support_usd=require_amount(
            alloc, "support_usd_per_generation", source, "allocations"
        ),
        sales_usd=require_amount(
            alloc, "sales_usd_per_generation", source, "allocations"
        ),
        target_margin=target,
        source=source,
        tenant_tiers=_parse_tenants(mapping.get("tenants", {}), source),
    )


def _parse_tenants(raw: Any, source: str) -> dict[str, str]:
    mapping = require_mapping(raw, source, "tenants")
    return {str(tenant): str(tier) for tenant, tier in mapping.items()}


def _parse_tier(entry: Any, source: str, index: int) -> PricingTier:
    where = f"tiers[{index}]"
    mapping = require_mapping(entry, source, where)
    if "name" not in mapping:
        raise ConfigError(f"{source}: {where} has no 'name'")
    if mapping.get("custom") is True:
        return PricingTier(str(mapping["name"]), None, None, None)
    return PricingTier(
        name=str(mapping["name"]),
        monthly_usd=require_price(mapping, "monthly_usd", source, where),
        included_generations=require_count(
            mapping, "included_generations", source, where
        ),
        overage_usd=require_price(mapping, "overage_usd", source, where),
    )
