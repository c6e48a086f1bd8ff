"""Model providers, prices, token counting and the simulated fleet.

Everything above this package talks to models through :class:`ChatModel`
and :class:`Completion`; whether a real provider, a local server or the
simulated fleet answers is decided by ``weavergen.toml``
(:func:`load_models_config`).
"""

from weavergen.models.anthropic import AnthropicChatModel, anthropic_usage
from weavergen.models.chat import ChatModel, Completion, PricedModel, Prompt, Tier
from weavergen.models.circuit import CircuitBreaker
from weavergen.models.config import ModelsConfig, build_model, load_models_config
from weavergen.models.fallback import FailedModel, FallbackChain, FallbackOutcome
from weavergen.models.fleet import (
    SEED_FLEET,
    SimulatedDraw,
    SimulatedModel,
    simulated_fleet,
)
from weavergen.models.http_model import HttpChatModel
from weavergen.models.openai_compat import OpenAIChatModel, openai_usage
from weavergen.models.pricing import ModelPrice, Usage, estimate_tokens
from weavergen.models.retry import RetryPolicy, parse_retry_after

__all__ = [
    "SEED_FLEET",
    "AnthropicChatModel",
    "ChatModel",
    "CircuitBreaker",
    "Completion",
    "FailedModel",
    "FallbackChain",
    "FallbackOutcome",
    "HttpChatModel",
    "ModelPrice",
    "ModelsConfig",
    "OpenAIChatModel",
    "PricedModel",
    "Prompt",
    "RetryPolicy",
    "SimulatedDraw",
    "SimulatedModel",
    "Tier",
    "Usage",
    "anthropic_usage",
    "build_model",
    "estimate_tokens",
    "load_models_config",
    "openai_usage",
    "parse_retry_after",
    "simulated_fleet",
]
