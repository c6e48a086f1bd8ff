"""Routing: which models a request may use, in which order.

The pipeline asks a :class:`Router` for a :class:`RoutePlan`; the rule policy
reads complexity bands from ``[routing]`` in ``weavergen.toml``; with
``policy = "learned"`` :class:`LearnedPolicy` reorders the rule plan by learned
cost per validated answer.
"""

from weavergen.routing.config import (
    DEFAULT_ROUTING,
    Band,
    RoutingConfig,
    load_routing_config,
    parse_routing,
)
from weavergen.routing.learned import LearnedPolicy, learned_order
from weavergen.routing.policy import RouteContext, RoutePlan, Router, RulePolicy

__all__ = [
    "DEFAULT_ROUTING",
    "Band",
    "LearnedPolicy",
    "RouteContext",
    "RoutePlan",
    "Router",
    "RoutingConfig",
    "RulePolicy",
    "learned_order",
    "load_routing_config",
    "parse_routing",
]
