"""Tests for pricing tiers: the seed's margins computed exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from weavergen.economics.pricing import load_pricing, margin, unit_economics
from weavergen.errors import ConfigError


def test_default_tiers_are_the_seeds() -> None:
    """Defaults: three listed tiers of the seed and a custom enterprise-plus."""
    pricing = load_pricing()
    listed = [
        (t.name, t.monthly_usd, t.included_generations, t.overage_usd)
        for t in pricing.listed()
    ]
    assert listed == [
        ("developer", 29.0, 500, 0.10),
        ("team", 149.0, 3000, 0.08),
        ("enterprise", 699.0, 20000, 0.05),
    ]
    assert [t.name for t in pricing.tiers if t.custom] == ["enterprise-plus"]
    assert pricing.allocations_usd == pytest.approx(0.40)


def test_fully_loaded_cost_adds_support_and_sales() -> None:
    """$1.16 plus $0.15 support and $0.25 sales is $1.56."""
    assert load_pricing().fully_loaded(1.16) == pytest.approx(1.56)


def test_included_margins_use_the_unrounded_price() -> None:
    """Margins on included generations: -2,590%, -3,041%, -4,364%."""
    tiers = unit_economics(1.16, load_pricing())
    got = {t.tier: t.margin_included for t in tiers}
    assert got["developer"] == pytest.approx((29 / 500 - 1.56) / (29 / 500))
    assert round(got["developer"] * 100) == -2590
    assert round(got["team"] * 100) == -3041
    assert round(got["enterprise"] * 100) == -4364
    assert got["enterprise-plus"] is None


def test_overage_margins_match_seed() -> None:
    """Margins on overage: -1,460%, -1,850%, -3,020%."""
    got = {t.tier: t.margin_overage for t in unit_economics(1.16, load_pricing())}
    assert got["developer"] == pytest.approx(-14.60)
    assert got["team"] == pytest.approx(-18.50)
    assert got["enterprise"] == pytest.approx(-30.20)


def test_break_even_and_target_cost_subtract_allocations() -> None:
    """Break-even cost is price minus allocations; target cost keeps 60% of price."""
    developer = unit_economics(1.16, load_pricing())[0]
    assert developer.break_even_cost_usd == pytest.approx(0.058 - 0.40)
    assert developer.target_cost_usd == pytest.approx(0.058 * 0.4 - 0.40)


def test_margin_at_break_even_is_zero() -> None:
    """At the break-even cost the fully loaded margin is zero."""
    pricing = load_pricing()
    tier = pricing.listed()[1]
    economics = unit_economics(0.0, pricing)[1]
    assert economics.break_even_cost_usd is not None
    loaded = pricing.fully_loaded(economics.break_even_cost_usd)
    assert margin(tier.price_per_included_usd or 0.0, loaded) == pytest.approx(0.0)


def test_tiers_file_with_missing_price_names_the_tier(tmp_path: Path) -> None:
    """A tier without overage_usd is reported as tiers[i].overage_usd."""
    path = tmp_path / "tiers.yaml"
    path.write_text(
        "target_margin: 0.5\nallocations: {support_usd_per_generation: 0.1,"
        " sales_usd_per_generation: 0.1}\ntiers:\n"
        "  - {name: solo, monthly_usd: 10, included_generations: 100}\n"
    )
    with pytest.raises(
        ConfigError, match=r"'tiers\[0\]\.overage_usd' must be a number"
    ):
        load_pricing(path)


def test_tenant_without_mapping_pays_first_listed_tier(tmp_path: Path) -> None:
    """Tenants map to tiers from the file; unknown tenants land on the first."""
    path = tmp_path / "tiers.yaml"
    path.write_text(
        "target_margin: 0.6\nallocations: {support_usd_per_generation: 0,"
        " sales_usd_per_generation: 0}\ntenants: {acme: big}\ntiers:\n"
        "  - {name: small, monthly_usd: 10, included_generations: 100,"
        " overage_usd: 1}\n"
        "  - {name: big, monthly_usd: 50, included_generations: 1000,"
        " overage_usd: 1}\n"
    )
    pricing = load_pricing(path)
    assert pricing.tier_of("acme").name == "big"
    assert pricing.tier_of("someone").name == "small"
