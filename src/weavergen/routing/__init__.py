"""Routing: which models a request may use, in which order.

The pipeline asks a :class:`Router` for a :class:`RoutePlan`; the rule policy
reads complexity bands from ``[routing]`` in ``weavergen.toml``.
"""

from weavergen.routing.config import (
    DEFAULT_ROUTING,
    Band,
    RoutingConfig,
    load_routing_config,
    parse_routing,
)
from weavergen.routing.policy import RouteContext, RoutePlan, Router, RulePolicy

__all__ = [
    "DEFAULT_ROUTING",
    "Band",
    "RouteContext",
    "RoutePlan",
    "Router",
    "RoutingConfig",
    "RulePolicy",
    "load_routing_config",
    "parse_routing",
]
