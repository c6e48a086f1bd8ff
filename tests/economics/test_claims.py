"""Tests for checking the seed's claims against its own numbers."""

from __future__ import annotations

import pytest

from weavergen.economics.claims import (
    ROUNDED,
    SUPPORTED,
    UNSUPPORTED,
    check_claim,
    check_claims,
    load_claims,
    parse_stated,
)
from weavergen.economics.pricing import load_pricing
from weavergen.errors import ConfigError


def _checks() -> dict[str, object]:
    return {c.claim_id: c for c in check_claims(load_claims(), load_pricing())}


def test_stated_figures_carry_their_precision() -> None:
    """ "-3,020%" is -30.2 with a tolerance of half a percent point."""
    stated = parse_stated("-3,020%", "here")
    assert stated.value == pytest.approx(-30.20)
    assert stated.half_unit == pytest.approx(0.005)
    assert parse_stated("$11.10", "here").half_unit == pytest.approx(0.005)


def test_unreadable_stated_figure_names_the_claim() -> None:
    """A stated figure that is not money or percent is a ConfigError."""
    with pytest.raises(ConfigError, match="claim x: stated figure 'lots'"):
        parse_stated("lots", "claim x")


def test_seed_costs_and_overage_margins_are_supported() -> None:
    """$0.20, $11.10, $1.16, $1.56 and the overage margins all recompute."""
    checks = _checks()
    for claim_id in (
        "v1-cost",
        "v2-naive-cost",
        "v2-optimised-cost",
        "fully-loaded",
        "developer-included",
        "developer-overage",
        "team-overage",
        "enterprise-overage",
    ):
        assert checks[claim_id].status == SUPPORTED, claim_id


def test_rounded_price_margins_are_flagged_with_exact_figure() -> None:
    """Team and enterprise included margins need the price rounded first."""
    checks = _checks()
    team, enterprise = checks["team-included"], checks["enterprise-included"]
    assert (team.status, team.computed) == (ROUNDED, "-3,041%")
    assert (enterprise.status, enterprise.computed) == (ROUNDED, "-4,364%")
    assert "$0.035 first" in enterprise.explanation


def test_two_cents_for_sixty_percent_is_not_supported() -> None:
    """At $0.02 enterprise makes 43% and, fully loaded, every tier loses money."""
    check = _checks()["target-cost"]
    assert check.status == UNSUPPORTED
    assert check.computed == "43% (enterprise); -1,102% fully loaded"
    assert "developer 66%, team 60%, enterprise 43%" in check.explanation


def test_changed_total_makes_a_cost_claim_unsupported() -> None:
    """A claim whose figure differs from the structure is reported with both."""
    claim = {
        "id": "c",
        "metric": "cost_per_generation",
        "structure": "v2-naive",
        "stated": "$10.00",
    }
    check = check_claim(claim, load_pricing())
    assert (check.status, check.computed) == (UNSUPPORTED, "$11.10")
