"""One error hierarchy: what the CLI may print as a message, and with which exit code.

Everything a user can fix is a :class:`UserError` (exit 2); anything else that escapes is a
bug. Input problems carry their location as :class:`Problem` records so that ``check`` can
collect many while ``rate`` stops at the first file that has any.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


def shown_name(name: object) -> str:
    """A file name as messages show it: as it is, or quoted with escapes when it holds a
    control character (or bytes that are not UTF-8), so that no name can split a message
    line or print a line of its own (``::add-mask::Red`` in a GitHub Actions log)."""
    text = str(name)
    if text.isprintable():
        return text
    return repr(text)


def printable(text: str) -> str:
    """``text`` with each control character escaped (``\\n``, ``\\x1b``): for one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


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
        file = shown_name(self.file)
        return f"{file}:{self.line}" if self.line is not None else file

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


class Terminated(BaseException):
    """SIGTERM arrived while a file was being written: the temp file is gone; exit 143.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` swallows it.
    """

    exit_code = 143


#: Problems of one kind listed per file; the rest are counted in one more line.
PROBLEMS_PER_KIND = 20

#: How the count of problems left out reads, by code ("... and 99,980 more unknown columns").
_PLURALS = {
    "unknown-column": "unknown columns",
    "duplicate-column": "duplicate columns",
    "unknown-ref": "unknown refs",
    "duplicate-row": "repeated refs",
    "ragged-row": "rows with the wrong number of cells",
    "bad-value": "values that are not numbers",
    "percent-range": "percent values outside 0-100",
}


class CappedProblems:
    """The first :data:`PROBLEMS_PER_KIND` problems of each code, and a count of the rest.

    A header of 100,000 unknown columns or a file of a million unknown refs then costs
    seconds and a few lines, not minutes, gigabytes and a million lines. The count is
    located at the first problem left out.
    """

    def __init__(self, limit: int = PROBLEMS_PER_KIND) -> None:
        self.limit = limit
        self.problems: list[Problem] = []
        self._seen: dict[str, int] = {}
        self._first: dict[str, Problem] = {}
        self._from_line: dict[str, int | None] = {}

    def full(self, code: str) -> bool:
        """Whether problems of ``code`` are no longer listed (only counted)."""
        return self._seen.get(code, 0) >= self.limit

    def count(self, code: str, line: int | None = None) -> None:
        """Count one more problem of ``code`` without building it (once :meth:`full`)."""
        self._from_line.setdefault(code, line)
        self._seen[code] = self._seen.get(code, 0) + 1

    def add(self, problem: Problem) -> None:
        """Keep ``problem``, or only count it once its kind is full."""
        if self.full(problem.code):
            self.count(problem.code, problem.line)
            return
        self.problems.append(problem)
        self._first.setdefault(problem.code, problem)
        self._seen[problem.code] = self._seen.get(problem.code, 0) + 1

    def extend(self, problems: list[Problem]) -> None:
        """:meth:`add` each of ``problems``."""
        for problem in problems:
            self.add(problem)

    def result(self) -> list[Problem]:
        """The problems kept, then one line per kind that had more than the limit."""
        out = list(self.problems)
        for code, seen in self._seen.items():
            if seen > self.limit:
                first = self._first[code]
                noun = _PLURALS.get(code, f"problems of this kind ({code})")
                out.append(
                    Problem(
                        code,
                        f"... and {seen - self.limit:,} more {noun}",
                        first.file,
                        self._from_line.get(code),
                        hint=f"only the first {self.limit} are listed; fix them and run again",
                        severity=first.severity,
                    )
                )
        return out
