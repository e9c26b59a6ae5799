"""The committee's summary table ("Table 1", docs/rules.md).

:func:`tally` is the rule, over plain values; :func:`summarise` gives its row as the
:class:`~barnet_rag.project.models.SummaryRow` model of rated output.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol, TypeVar

_RATED = ("G", "GA", "RA", "R")
_WITH_DOT = ("improving", "same", "worsening")


def half_up_percent(count: int, total: int) -> int:
    """Whole percent of ``count`` in ``total``, rounded half up (1 of 8 -> 13); 0 when empty."""
    if total <= 0:
        return 0
    return (200 * count + total) // (2 * total)


@dataclass(frozen=True)
class Share:
    """A count and its half-up whole percent of the row's rated (or with-DOT) indicators."""

    count: int
    percent: int


class Tally(NamedTuple):
    """One Table 1 row as plain values, field for field :class:`SummaryRow`."""

    plan: str
    committee: str
    indicators: int
    reported: int
    rated: int
    monitor: int
    with_dot: int
    green: Share
    green_amber: Share
    red_amber: Share
    red: Share
    improved_same: Share
    worsened: Share

    def model_dump(self, mode: str = "json") -> dict[str, Any]:
        """The row as JSON data (the public summary fields, shares as objects)."""
        del mode
        return self.fields()

    def fields(self) -> dict[str, Any]:
        """The row as :class:`~barnet_rag.project.models.SummaryRow`'s fields (shares as dicts)."""
        return {
            name: {"count": value.count, "percent": value.percent}
            if isinstance(value, Share)
            else value
            for name, value in self._asdict().items()
        }


class Rated(Protocol):
    """What the summary reads of a rated indicator (a model or a table row)."""

    @property
    def rag(self) -> str: ...
    @property
    def dot_long(self) -> str: ...
    @property
    def value(self) -> float | None: ...


R = TypeVar("R", bound=Rated)
S = TypeVar("S")


def tally(plan: str, committee: str, indicators: Sequence[Rated]) -> Tally:
    """One Table 1 row: RAG counts over rated indicators, DOT counts over long-term DOTs."""
    given = [i.rag for i in indicators]
    dots = [i.dot_long for i in indicators if i.dot_long in _WITH_DOT]
    rated = sum(r in _RATED for r in given)
    with_dot = len(dots)

    def share(count: int, total: int) -> Share:
        return Share(count, half_up_percent(count, total))

    return Tally(
        plan=plan,
        committee=committee,
        indicators=len(given),
        reported=sum(i.value is not None for i in indicators),
        rated=rated,
        monitor=given.count("Monitor"),
        with_dot=with_dot,
        green=share(given.count("G"), rated),
        green_amber=share(given.count("GA"), rated),
        red_amber=share(given.count("RA"), rated),
        red=share(given.count("R"), rated),
        improved_same=share(dots.count("improving") + dots.count("same"), with_dot),
        worsened=share(dots.count("worsening"), with_dot),
    )


def summary_rows(
    plans: Sequence[tuple[str, str, Sequence[R]]], row: Callable[[str, str, Sequence[R]], S]
) -> list[S]:
    """Table 1: a ``row`` per (plan, committee, its rated indicators), then a total row
    when more than one plan is rated."""
    rows = [row(plan, committee, indicators) for plan, committee, indicators in plans]
    if len(plans) > 1:
        rows.append(row("total", "Total", [i for _, _, group in plans for i in group]))
    return rows
