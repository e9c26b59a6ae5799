"""The committee's summary table ("Table 1", docs/rules.md).

:func:`tally` is the rule, over plain values; :func:`summarise` gives its row as the
:class:`~barnet_rag.project.models.SummaryRow` model of rated output.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

from barnet_rag.engine.inputs import BARNET_LEVELS, LevelRule

#: Barnet's level codes and the summary keys they have always had in JSON.
_BARNET_KEYS = (("G", "green"), ("GA", "green_amber"), ("RA", "red_amber"), ("R", "red"))
_WITH_DOT = ("improving", "same", "worsening")


def half_up_percent(count: int, total: int) -> int:
    """Whole percent of ``count`` in ``total``, rounded half up (1 of 8 -> 13); 0 when empty."""
    if total <= 0:
        return 0
    return (200 * count + total) // (2 * total)


@dataclass(frozen=True, slots=True)
class Share:
    """A count and its half-up whole percent of the row's rated (or with-DOT) indicators."""

    count: int
    percent: int


@dataclass(frozen=True, slots=True)
class LevelShare:
    """One level's column of a Table 1 row: its code and label, count and percent."""

    code: str
    label: str
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
    green: Share | None
    green_amber: Share | None
    red_amber: Share | None
    red: Share | None
    improved_same: Share
    worsened: Share
    levels: tuple[LevelShare, ...] = ()

    def model_dump(self, mode: str = "json") -> dict[str, Any]:
        """The row as JSON data (the public summary fields, shares as objects)."""
        del mode
        return self.fields()

    def fields(self) -> dict[str, Any]:
        """The row as :class:`~barnet_rag.project.models.SummaryRow`'s fields (shares as dicts);
        the ``green``..``red`` keys only on rows whose scheme has Barnet's four levels."""
        found: dict[str, Any] = {}
        for name, value in self._asdict().items():
            if isinstance(value, Share):
                found[name] = {"count": value.count, "percent": value.percent}
            elif name == "levels":
                found[name] = [
                    {"code": s.code, "label": s.label, "count": s.count, "percent": s.percent}
                    for s in value
                ]
            elif value is not None or name not in _BARNET_NAMES:
                found[name] = value
        return found


_BARNET_NAMES = frozenset(name for _, name in _BARNET_KEYS)


def level_set(levels: Sequence[LevelRule]) -> tuple[str, ...]:
    """A scheme's level set: its codes in order (plans share a total row when these match)."""
    return tuple(level.code for level in levels)


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


def tally(
    plan: str,
    committee: str,
    indicators: Sequence[Rated],
    levels: Sequence[LevelRule] = BARNET_LEVELS,
) -> Tally:
    """One Table 1 row: a count per level over rated indicators (those given one of the
    ``levels``), DOT counts over long-term DOTs."""
    given = [i.rag for i in indicators]
    dots = [i.dot_long for i in indicators if i.dot_long in _WITH_DOT]
    codes = level_set(levels)
    rated = sum(r in codes for r in given)
    with_dot = len(dots)

    def share(count: int, total: int) -> Share:
        return Share(count, half_up_percent(count, total))

    shares = tuple(
        LevelShare(level.code, level.label, given.count(level.code), 0) for level in levels
    )
    shares = tuple(
        LevelShare(s.code, s.label, s.count, half_up_percent(s.count, rated)) for s in shares
    )
    barnet = codes == level_set(BARNET_LEVELS)

    def barnet_share(code: str) -> Share | None:
        return share(given.count(code), rated) if barnet else None

    return Tally(
        plan=plan,
        committee=committee,
        indicators=len(given),
        reported=sum(i.value is not None for i in indicators),
        rated=rated,
        monitor=given.count("Monitor"),
        with_dot=with_dot,
        green=barnet_share("G"),
        green_amber=barnet_share("GA"),
        red_amber=barnet_share("RA"),
        red=barnet_share("R"),
        improved_same=share(dots.count("improving") + dots.count("same"), with_dot),
        worsened=share(dots.count("worsening"), with_dot),
        levels=shares,
    )


@dataclass(frozen=True, slots=True)
class Group(Generic[R]):
    """One plan's rated indicators and its scheme's levels, for its Table 1 row."""

    plan: str
    committee: str
    indicators: Sequence[R]
    levels: Sequence[LevelRule] = BARNET_LEVELS


def summary_rows(
    plans: Sequence[Group[R]],
    row: Callable[[str, str, Sequence[R], Sequence[LevelRule]], S],
) -> list[S]:
    """Table 1: a ``row`` per plan, then a total row when more than one plan is rated and
    the rated plans share one level set (counts over different levels do not add up)."""
    rows = [row(g.plan, g.committee, g.indicators, g.levels) for g in plans]
    shared = {level_set(g.levels) for g in plans}
    if len(plans) > 1 and len(shared) == 1:
        every = [i for g in plans for i in g.indicators]
        rows.append(row("total", "Total", every, plans[0].levels))
    return rows
