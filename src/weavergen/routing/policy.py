"""The router's interface and the rule policy that implements it by default.

The pipeline only ever sees :class:`Router`: given a request, its complexity
and what is available, it answers with a :class:`RoutePlan` (which models to
try, cheapest first, whether to vote, how far down the tiers to go). The rule
policy reads its bands from ``[routing]`` in ``weavergen.toml``; a learned
policy can replace it later without the pipeline noticing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from weavergen.engine.request import GenerationRequest
from weavergen.routing.config import Band, RoutingConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RouteContext:
    """What the router may look at besides the request itself.

    ``prices_usd`` is each available model's expected cost of one call for
    this request, used to order models cheapest first.
    """

    prices_usd: Mapping[str, float]
    local_models: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RoutePlan:
    """Which models to try, in escalation order, and whether to vote."""

    models: tuple[str, ...]
    consensus: tuple[str, ...] | None = None
    max_tier: str = "cloud"
    reasons: tuple[str, ...] = field(default=())


class Router(Protocol):
    """Anything that turns a request into a plan."""

    def route(
        self, request: GenerationRequest, complexity: float, context: RouteContext
    ) -> RoutePlan:
        """Plan the model tiers for one request."""
        ...


class RulePolicy:
    """Complexity bands from config: each band names the models it may use."""

    def __init__(self, config: RoutingConfig) -> None:
        self.config = config

    def route(
        self, request: GenerationRequest, complexity: float, context: RouteContext
    ) -> RoutePlan:
        """Pick the band for ``complexity``; order its models cheapest first."""
        index = self.band_index(complexity)
        band = self.config.bands[index]
        explicit = self._explicit(request)
        models = self._escalation(index, explicit, context)
        consensus = self._consensus(band, explicit, context)
        max_tier = "consensus" if consensus else _deepest_tier(models, context)
        log.debug(
            "route %s complexity=%.3f -> %s", request.describe(), complexity, models
        )
        return RoutePlan(models, consensus, max_tier, (f"band<{band.below}",))

    def band_index(self, complexity: float) -> int:
        """Index of the band ``complexity`` falls in (the last if above all)."""
        for index, band in enumerate(self.config.bands):
            if complexity < band.below:
                return index
        return len(self.config.bands) - 1

    def _explicit(self, request: GenerationRequest) -> list[str]:
        return list(request.explicit_models)

    def _escalation(
        self, index: int, explicit: list[str], context: RouteContext
    ) -> tuple[str, ...]:
        first = _available(list(self.config.bands[index].models), context)
        later = (
            _available(self._higher_models(index), context)
            if self.config.escalate
            else []
        )
        if not first and not later:
            # Bands name models this config does not define (a custom fleet):
            # try every ordinary model rather than none.
            later = [
                name
                for name in context.prices_usd
                if name not in self.config.explicit_only
            ]
        chain = [*_cheapest_first(first, context)]
        chain += [m for m in _cheapest_first(later, context) if m not in chain]
        chain += [m for m in _available(explicit, context) if m not in chain]
        return tuple(chain)

    def _higher_models(self, index: int) -> list[str]:
        names: list[str] = []
        for band in self.config.bands[index:]:
            names += [*band.models, *band.consensus]
        return [name for name in names if name not in self.config.explicit_only]

    def _consensus(
        self, band: Band, explicit: list[str], context: RouteContext
    ) -> tuple[str, ...] | None:
        if not band.consensus:
            return None
        available = _available([*band.consensus, *explicit], context)
        if len(available) < self.config.min_voters:
            return None
        return _cheapest_first(available, context)


def _available(names: list[str], context: RouteContext) -> list[str]:
    unique = list(dict.fromkeys(names))
    return [name for name in unique if name in context.prices_usd]


def _cheapest_first(names: list[str], context: RouteContext) -> tuple[str, ...]:
    # Local models go first whatever their nominal price: they spend no tokens.
    def order(name: str) -> tuple[int, float, str]:
        is_cloud = 0 if name in context.local_models else 1
        return (is_cloud, context.prices_usd[name], name)

    return tuple(sorted(names, key=order))


def _deepest_tier(models: tuple[str, ...], context: RouteContext) -> str:
    if any(name not in context.local_models for name in models):
        return "cloud"
    return "local"
