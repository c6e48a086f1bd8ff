"""Span names and ``weavergen.*`` attribute keys, spelled once.

Writers (the pipeline, the template tier) and readers (reports, economics,
learning) must agree on these strings; a typo on either side would silently
drop data from every report, so both import them from here.
"""

from __future__ import annotations

from typing import Final

RUN_SPAN: Final = "weavergen.run"
GENERATION_SPAN: Final = "weavergen.generation"
MODEL_CALL_SPAN: Final = "gen_ai.chat"

TARGET: Final = "weavergen.target"
PATTERN: Final = "weavergen.pattern"
TIER: Final = "weavergen.tier"
GROUP_COUNT: Final = "weavergen.group_count"
OUTPUT_BYTES: Final = "weavergen.output_bytes"
COST_USD: Final = "weavergen.cost_usd"
COST_COMPUTE_USD: Final = "weavergen.cost.compute_usd"
COST_STORAGE_USD: Final = "weavergen.cost.storage_usd"
COST_TOKENS_USD: Final = "weavergen.cost.tokens_usd"
QUALITY: Final = "weavergen.quality"
CACHE_HIT: Final = "weavergen.cache_hit"
SIMULATED: Final = "weavergen.simulated"
TENANT: Final = "weavergen.tenant"
OUTPUT_PATH: Final = "weavergen.output_path"
ESTIMATED: Final = "weavergen.estimated"
CPU_S: Final = "weavergen.cpu_s"
COMMAND: Final = "weavergen.command"
SERVED: Final = "weavergen.served"
STOPPED_BY: Final = "weavergen.stopped_by"
COMPLEXITY: Final = "weavergen.complexity"
MODELS: Final = "weavergen.models"

DEFAULT_TENANT: Final = "default"

__all__ = [
    "CACHE_HIT",
    "COMMAND",
    "COMPLEXITY",
    "COST_COMPUTE_USD",
    "COST_STORAGE_USD",
    "COST_TOKENS_USD",
    "COST_USD",
    "CPU_S",
    "DEFAULT_TENANT",
    "ESTIMATED",
    "GENERATION_SPAN",
    "GROUP_COUNT",
    "MODELS",
    "MODEL_CALL_SPAN",
    "OUTPUT_BYTES",
    "OUTPUT_PATH",
    "PATTERN",
    "QUALITY",
    "RUN_SPAN",
    "SERVED",
    "SIMULATED",
    "STOPPED_BY",
    "TARGET",
    "TENANT",
    "TIER",
]
