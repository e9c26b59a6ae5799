"""One error hierarchy: what the CLI may print as a message, and with which exit code.

Everything a user can fix is a :class:`UserError` (exit 2); anything else that escapes is a
bug. Input problems carry their location as :class:`Problem` records so that ``check`` can
collect many while ``rate`` stops at the first file that has any.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One located problem in a project file: what is wrong, where, and how to fix it."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    column: str | None = None
    path: str | None = None
    hint: str | None = None
    severity: Severity = "error"

    @property
    def location(self) -> str:
        """``plans/x.yaml:14`` or ``results/2017-18/Q3.csv:5``; empty without a file."""
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def __str__(self) -> str:
        parts = [p for p in (self.location, self.path or self.column) if p]
        text = ": ".join([*parts, self.message])
        return f"{text} ({self.hint})" if self.hint else text


class BarnetRagError(Exception):
    """Root of every error barnet-rag raises on purpose."""

    exit_code = 2


class UserError(BarnetRagError):
    """A problem the user can fix; its message is safe to print as it is."""


class UsageError(UserError):
    """Bad command-line usage, e.g. a period that does not parse."""


@dataclass
class InputError(UserError):
    """One or more located problems in the project's files."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class ThresholdReached(BarnetRagError):
    """``--fail-on`` was hit: not an error in the input, but exit 1 for CI."""

    exit_code = 1
