"""A routing policy that reorders the rule plan by learned cost-effectiveness.

The rule policy decides *which* models a request may use; this policy only
decides the *order*, never adding a model (so explicit-only models such as
``gpt4`` still appear only when a request names them). Models are ranked by
their expected cost per validated answer for the request's (target, pattern,
complexity band), learned from the span store, so a cheap model that keeps
failing for a pattern is tried later instead of first.

The rule for thin evidence: a model with fewer than ``min_observations``
calls for the key keeps its position in the rule plan; the positions held by
models with enough calls are refilled with those same models, cheapest
expected cost first (ties keep rule order). With no learned model the plan is
the rule plan unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace

from weavergen.engine.request import GenerationRequest
from weavergen.learning import EffectivenessTable, ModelStats
from weavergen.routing.config import RoutingConfig
from weavergen.routing.policy import RouteContext, RoutePlan, RulePolicy

log = logging.getLogger(__name__)

LEARNED_REASON = "learned"


class LearnedPolicy:
    """The rule plan, reordered by expected cost per validated answer."""

    def __init__(self, config: RoutingConfig, table: EffectivenessTable) -> None:
        self.rules = RulePolicy(config)
        self.table = table
        self.min_observations = config.min_observations

    def route(
        self, request: GenerationRequest, complexity: float, context: RouteContext
    ) -> RoutePlan:
        """Ask the rules, then reorder their models by what has been learned."""
        plan = self.rules.route(request, complexity, context)
        key = (request.target, request.pattern, self.rules.band_index(complexity))
        models = learned_order(
            plan.models, self.table.get(key, {}), self.min_observations
        )
        if models == plan.models:
            return plan
        log.debug("learned order %s -> %s for %s", plan.models, models, key)
        return replace(plan, models=models, reasons=(*plan.reasons, LEARNED_REASON))


def learned_order(
    models: Sequence[str], stats: Mapping[str, ModelStats], min_observations: int
) -> tuple[str, ...]:
    """``models`` with the well-observed ones sorted by expected cost."""
    slots = [
        index
        for index, name in enumerate(models)
        if name in stats and stats[name].calls >= min_observations
    ]
    ranked = sorted(
        (models[index] for index in slots), key=lambda m: stats[m].expected_cost_usd
    )
    ordered = list(models)
    for index, name in zip(slots, ranked, strict=True):
        ordered[index] = name
    return tuple(ordered)
