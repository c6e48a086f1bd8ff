"""Collect registry problems while reading, and place them on lines at the end.

Checks record *where* a problem is as a file plus a path inside the YAML
document (``groups/3/attributes/2/type``); the line is looked up only when the
problems are handed out, so a clean registry never pays for line tracking.
"""

from __future__ import annotations

from dataclasses import dataclass

from weavergen.errors import Problem
from weavergen.registry.yamlfile import DocPath, SourceFile


@dataclass(frozen=True, slots=True)
class Where:
    """A place in a registry: a file and a path inside its YAML document."""

    file: SourceFile | None
    path: DocPath = ()

    def at(self, *parts: str | int) -> Where:
        """Point at a child of this place."""
        return Where(self.file, self.path + parts)


@dataclass(frozen=True, slots=True)
class _Pending:
    message: str
    where: Where | None
    group_id: str | None
    code: str
    severity: str
    file: str | None = None
    line: int | None = None


class ProblemLog:
    """Problems found so far; `problems()` gives them with lines, in order."""

    def __init__(self) -> None:
        self._pending: list[_Pending] = []

    def add(
        self,
        message: str,
        where: Where | None,
        group_id: str | None = None,
        *,
        code: str = "invalid",
        severity: str = "error",
    ) -> None:
        """Record one problem."""
        self._pending.append(_Pending(message, where, group_id, code, severity))

    def add_at_line(
        self,
        message: str,
        file: str,
        line: int | None,
        code: str,
        severity: str = "error",
    ) -> None:
        """Record a problem whose line is already known (a YAML syntax error)."""
        self._pending.append(_Pending(message, None, None, code, severity, file, line))

    def has_errors(self) -> bool:
        """Say whether any recorded problem is an error (not a warning)."""
        return any(p.severity == "error" for p in self._pending)

    def problems(self) -> list[Problem]:
        """Give every problem with its file and line, sorted by place."""
        placed = [_place(p) for p in self._pending]
        unique = list(dict.fromkeys(placed))
        return sorted(unique, key=_sort_key)


def _place(pending: _Pending) -> Problem:
    where = pending.where
    file = where.file if where is not None else None
    if file is None:
        return Problem(
            pending.message,
            pending.file,
            pending.line,
            pending.group_id,
            pending.code,
            pending.severity,
        )
    return Problem(
        message=pending.message,
        file=file.display,
        line=file.line_of(where.path) if where is not None else None,
        group_id=pending.group_id,
        code=pending.code,
        severity=pending.severity,
    )


def _sort_key(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.file or "", problem.line or 0, problem.code, problem.message)
