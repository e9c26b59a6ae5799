"""The committee's summary table ("Table 1", DESIGN section 7).

:func:`tally` is the rule, over plain values; :func:`summarise` gives its row as the
:class:`~barnet_rag.models.SummaryRow` model of rated output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # the models import pydantic; the tally needs none of it
    from barnet_rag.models import RatedIndicator, SummaryRow

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
    """One Table 1 row as plain values, field for field :class:`~barnet_rag.models.SummaryRow`."""

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


def tally(
    plan: str,
    committee: str,
    rags: Sequence[str],
    dots_long: Sequence[str],
    reported: int,
) -> Tally:
    """One Table 1 row: RAG counts over rated indicators, DOT counts over long-term DOTs;
    ``rags`` and ``dots_long`` have one entry per indicator, ``reported`` counts values."""
    dots = [d for d in dots_long if d in _WITH_DOT]
    given = list(rags)
    rated = sum(r in _RATED for r in given)
    with_dot = len(dots)

    def share(count: int, total: int) -> Share:
        return Share(count, half_up_percent(count, total))

    return Tally(
        plan=plan,
        committee=committee,
        indicators=len(given),
        reported=reported,
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


def summarise(plan: str, committee: str, indicators: Sequence[RatedIndicator]) -> SummaryRow:
    """The :func:`tally` of rated indicators as a summary row model."""
    from barnet_rag.models import SummaryRow

    row = tally(
        plan,
        committee,
        [i.rag for i in indicators],
        [i.dot_long for i in indicators],
        sum(i.value is not None for i in indicators),
    )
    fields = {
        name: {"count": value.count, "percent": value.percent}
        if isinstance(value, Share)
        else value
        for name, value in row._asdict().items()
    }
    return SummaryRow.model_validate(fields)
