"""Check the v2 plan's stated figures against what its own numbers compute.

Claims are data (``scenarios/seed-claims.yaml``): a metric, its inputs and
the figure as stated. Each is recomputed from the cost structures and the
pricing tiers; a claim is supported when the computed value rounds to the
stated one at the stated precision. Where a stated margin matches only once
the price per generation is rounded first, the check says so.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from weavergen.economics.pricing import PricingConfig, PricingTier, margin
from weavergen.economics.scenario_files import read_scenario, require_mapping
from weavergen.economics.structure import load_structure
from weavergen.errors import ConfigError

logger = logging.getLogger(__name__)

SUPPORTED = "supported"
ROUNDED = "rounded first"
UNSUPPORTED = "not supported"
_STATED = re.compile(r"^\s*(?P<sign>-?)\$?(?P<num>[\d,]+(?:\.\d+)?)(?P<pct>%?)\s*$")


@dataclass(frozen=True, slots=True)
class Stated:
    """A figure as written: its value (fractions for percents) and precision."""

    text: str
    value: float
    half_unit: float
    percent: bool

    def matches(self, computed: float) -> bool:
        """True if ``computed`` rounds to this figure at its precision."""
        return abs(computed - self.value) <= self.half_unit * (1 + 1e-9)

    def render(self, computed: float) -> str:
        """Write ``computed`` the way this figure is written."""
        if self.percent:
            return f"{computed * 100:,.0f}%"
        return f"${computed:,.2f}"


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    """One claim, the figure its numbers give, and whether they agree."""

    claim_id: str
    says: str
    stated: str
    computed: str
    status: str
    explanation: str

    @property
    def supported(self) -> bool:
        """True when the numbers give the stated figure exactly."""
        return self.status == SUPPORTED


def parse_stated(text: str, where: str) -> Stated:
    """Read "$11.10", "-3,020%" or "60%"; ConfigError naming ``where`` if not."""
    found = _STATED.match(text)
    if not found:
        raise ConfigError(
            f"{where}: stated figure {text!r} is not like $1.16 or -3,020%"
        )
    digits = found["num"].replace(",", "")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    value = float(digits) * (-1 if found["sign"] else 1)
    half = 0.5 * 10**-decimals
    if found["pct"]:
        return Stated(text, value / 100, half / 100, True)
    return Stated(text, value, half, False)


def load_claims(path: Path | None = None) -> list[dict[str, Any]]:
    """The v2 plan's claims, or a user's claims file."""
    data, source = read_scenario(path, "seed-claims.yaml", "claims")
    claims = require_mapping(data, source, "the file").get("claims")
    if not isinstance(claims, list):
        raise ConfigError(f"{source}: 'claims' must be a list")
    return [require_mapping(c, source, f"claims[{i}]") for i, c in enumerate(claims)]


def check_claims(
    claims: list[dict[str, Any]], pricing: PricingConfig
) -> list[ClaimCheck]:
    """Recompute every claim."""
    return [check_claim(claim, pricing) for claim in claims]


def check_claim(claim: dict[str, Any], pricing: PricingConfig) -> ClaimCheck:
    """Recompute one claim from the structures and tiers it names."""
    where = f"claim {claim.get('id', '?')}"
    stated = parse_stated(str(claim.get("stated", "")), where)
    metric = claim.get("metric")
    if metric == "margin_at_cost":
        return _check_margin_at_cost(claim, stated, pricing)
    structure = load_structure(str(claim.get("structure", "")))
    cost = structure.cost_per_generation_usd
    if metric == "cost_per_generation":
        volume = f"{structure.volume_per_month:,} generations"
        how = f"{structure.name}: ${structure.total_usd:,.2f} / {volume}"
        return _verdict(claim, stated, cost, how)
    if metric == "fully_loaded_cost":
        loaded = pricing.fully_loaded(cost)
        return _verdict(
            claim,
            stated,
            loaded,
            f"${cost:.2f} + ${pricing.allocations_usd:.2f} allocations",
        )
    if metric in ("margin_included", "margin_overage"):
        tier = _tier(pricing, str(claim.get("tier")), where)
        return _check_margin(claim, stated, tier, pricing.fully_loaded(cost), metric)
    raise ConfigError(f"{where}: unknown metric {metric!r}")


def _verdict(
    claim: dict[str, Any], stated: Stated, computed: float, how: str
) -> ClaimCheck:
    status = SUPPORTED if stated.matches(computed) else UNSUPPORTED
    return ClaimCheck(
        claim_id=str(claim.get("id")),
        says=str(claim.get("says", "")),
        stated=stated.text,
        computed=stated.render(computed),
        status=status,
        explanation=how,
    )


def _tier(pricing: PricingConfig, name: str, where: str) -> PricingTier:
    for tier in pricing.listed():
        if tier.name == name:
            return tier
    raise ConfigError(f"{where}: no priced tier named {name!r}")


def _check_margin(
    claim: dict[str, Any],
    stated: Stated,
    tier: PricingTier,
    loaded_usd: float,
    metric: str,
) -> ClaimCheck:
    price = tier.price_per_included_usd if metric == "margin_included" else None
    price = price if price is not None else tier.overage_usd or 0.0
    how = f"({exact_usd(price)} - ${loaded_usd:.2f}) / {exact_usd(price)}"
    check = _verdict(claim, stated, margin(price, loaded_usd), how)
    if check.supported or metric != "margin_included":
        return check
    rounded = float(Decimal(str(price)).quantize(Decimal("0.001"), ROUND_HALF_UP))
    if not stated.matches(margin(rounded, loaded_usd)):
        return check
    note = (
        f"the stated figure needs the price per generation rounded to "
        f"${rounded:.3f} first; the exact {exact_usd(price)} gives {check.computed}"
    )
    return replace(check, status=ROUNDED, explanation=note)


def _check_margin_at_cost(
    claim: dict[str, Any], stated: Stated, pricing: PricingConfig
) -> ClaimCheck:
    cost = float(claim.get("cost_usd", 0.0))
    loaded = pricing.fully_loaded(cost)
    rows = [(t.name, t.price_per_included_usd or 0.0) for t in pricing.listed()]
    raw = {name: margin(price, cost) for name, price in rows}
    full = {name: margin(price, loaded) for name, price in rows}
    worst = min(raw, key=raw.__getitem__)
    fails = [n for n in raw if raw[n] < stated.value - stated.half_unit]
    fails_loaded = [n for n in full if full[n] < stated.value - stated.half_unit]
    status = UNSUPPORTED if fails or fails_loaded else SUPPORTED
    explanation = (
        f"at ${cost:.2f} the margin on included generations is "
        f"{_margins_text(raw)} before support and sales; with the "
        f"${pricing.allocations_usd:.2f} allocations it is {_margins_text(full)}. "
        f"The price that gives {stated.text} at ${cost:.2f} is "
        f"${cost / (1 - stated.value):.3f} per generation"
    )
    return ClaimCheck(
        claim_id=str(claim.get("id")),
        says=str(claim.get("says", "")),
        stated=stated.text,
        computed=f"{stated.render(raw[worst])} ({worst}); "
        f"{stated.render(full[worst])} fully loaded",
        status=status,
        explanation=explanation,
    )


def exact_usd(value: float) -> str:
    """Write a small price with up to five decimals, trailing zeros dropped."""
    return "$" + f"{value:.5f}".rstrip("0").rstrip(".")


def _margins_text(margins: dict[str, float]) -> str:
    return ", ".join(f"{name} {value * 100:,.0f}%" for name, value in margins.items())
