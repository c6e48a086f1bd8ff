"""WeaverGen: code, docs and instrumentation from semantic-convention registries.

Importing the package stays cheap: heavy modules (OpenTelemetry SDK, Jinja,
httpx) are imported by the sub-packages that need them, never here.
"""

from weavergen.errors import (
    BudgetExceeded,
    ConfigError,
    OutputEscape,
    Problem,
    ProviderError,
    ProviderRateLimited,
    ProviderResponseError,
    ProviderUnavailable,
    RegistryError,
    RegistryInvalid,
    RegistrySourceError,
    RequestError,
    StateError,
    TargetNotFound,
    TemplateError,
    WeaverGenError,
)

__version__ = "2.0.0.dev0"

__all__ = [
    "BudgetExceeded",
    "ConfigError",
    "OutputEscape",
    "Problem",
    "ProviderError",
    "ProviderRateLimited",
    "ProviderResponseError",
    "ProviderUnavailable",
    "RegistryError",
    "RegistryInvalid",
    "RegistrySourceError",
    "RequestError",
    "StateError",
    "TargetNotFound",
    "TemplateError",
    "WeaverGenError",
    "__version__",
]
