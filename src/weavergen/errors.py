"""The one exception tree of WeaverGen.

Every error a user can cause or meet derives from :class:`WeaverGenError`, so
the CLI can catch that one class and print a message instead of a traceback::

    WeaverGenError
    ├── RegistryError              a registry cannot be loaded or resolved
    │   ├── RegistrySourceError    folder missing, git clone failed
    │   └── RegistryInvalid        one or more problems (file, line, group)
    ├── TemplateError              a target or template is broken or unsafe
    │   ├── TargetNotFound         no target by that name or path
    │   └── OutputEscape           a template tried to write outside OUTPUT
    ├── RequestError               a generation request is malformed
    ├── ConfigError                weavergen.toml or a scenario file is wrong
    ├── ProviderError              a model provider failed
    │   ├── ProviderUnavailable    connection, 5xx, timeout, open circuit
    │   ├── ProviderRateLimited    429 after all retries
    │   └── ProviderResponseError  malformed or cut-off response body
    ├── BudgetExceeded             a request would cost more than its cap
    └── StateError                 the state folder cannot be read or written

Library errors are translated at the boundary with ``raise ... from exc``.
"""

from __future__ import annotations

from dataclasses import dataclass


class WeaverGenError(Exception):
    """Base class of every error WeaverGen raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where it is and what was expected."""

    message: str
    file: str | None = None
    line: int | None = None
    group_id: str | None = None
    code: str = "invalid"
    severity: str = "error"

    def location(self) -> str:
        """Say where the problem is, as ``file:line (group id)``."""
        place = self.file or "<registry>"
        if self.line is not None:
            place = f"{place}:{self.line}"
        if self.group_id:
            place = f"{place} (group {self.group_id})"
        return place

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


class RegistryError(WeaverGenError):
    """A registry cannot be loaded or resolved."""


class RegistrySourceError(RegistryError):
    """The registry's folder or git repository cannot be reached."""


class RegistryInvalid(RegistryError):
    """The registry has problems; each says file, line, group and what."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        head = "; ".join(str(p) for p in problems[:3])
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(f"{len(problems)} registry problem(s): {head}{more}")


class TemplateError(WeaverGenError):
    """A target's templates or configuration are broken or unsafe."""


class TargetNotFound(TemplateError):
    """No target by that name, with every path that was tried."""


class OutputEscape(TemplateError):
    """A template tried to write a file outside the output folder."""


class RequestError(WeaverGenError):
    """A generation request is malformed (unknown target, group, pattern)."""


class ConfigError(WeaverGenError):
    """A configuration or scenario file is wrong; says file and key."""


class ProviderError(WeaverGenError):
    """A model provider failed to give a usable answer."""


class ProviderUnavailable(ProviderError):
    """Connection refused, 5xx, timeout, or the model's circuit is open."""


class ProviderRateLimited(ProviderError):
    """The provider kept answering 429 after every retry."""


class ProviderResponseError(ProviderError):
    """The provider answered with a malformed or cut-off body."""


class BudgetExceeded(WeaverGenError):
    """A request would cost more than the cap it was given."""


class StateError(WeaverGenError):
    """The state folder (cache, spans, ledger) cannot be read or written."""
