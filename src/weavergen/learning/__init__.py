"""Learning from spans: what each model costs per answer that passes.

The span store already holds every model call with its cost and quality; this
package turns those into tables a routing policy can read.
"""

from weavergen.learning.effectiveness import (
    PASS_SCORE,
    EffectivenessTable,
    ModelStats,
    RouteKey,
    band_of,
    effectiveness,
    load_effectiveness,
)

__all__ = [
    "PASS_SCORE",
    "EffectivenessTable",
    "ModelStats",
    "RouteKey",
    "band_of",
    "effectiveness",
    "load_effectiveness",
]
