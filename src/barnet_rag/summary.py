"""The committee's summary table ("Table 1", DESIGN section 7)."""

from __future__ import annotations

from collections.abc import Sequence

from barnet_rag.models import Count, RatedIndicator, SummaryRow

_RATED = ("G", "GA", "RA", "R")
_WITH_DOT = ("improving", "same", "worsening")


def half_up_percent(count: int, total: int) -> int:
    """Whole percent of ``count`` in ``total``, rounded half up (1 of 8 -> 13); 0 when empty."""
    if total <= 0:
        return 0
    return (200 * count + total) // (2 * total)


def _count(count: int, total: int) -> Count:
    return Count(count=count, percent=half_up_percent(count, total))


def summarise(plan: str, committee: str, indicators: Sequence[RatedIndicator]) -> SummaryRow:
    """One Table 1 row: RAG counts over rated indicators, DOT counts over long-term DOTs."""
    rags = [i.rag for i in indicators]
    dots = [i.dot_long for i in indicators if i.dot_long in _WITH_DOT]
    rated = sum(r in _RATED for r in rags)
    with_dot = len(dots)
    return SummaryRow(
        plan=plan,
        committee=committee,
        indicators=len(indicators),
        reported=sum(i.value is not None for i in indicators),
        rated=rated,
        monitor=rags.count("Monitor"),
        with_dot=with_dot,
        green=_count(rags.count("G"), rated),
        green_amber=_count(rags.count("GA"), rated),
        red_amber=_count(rags.count("RA"), rated),
        red=_count(rags.count("R"), rated),
        improved_same=_count(dots.count("improving") + dots.count("same"), with_dot),
        worsened=_count(dots.count("worsening"), with_dot),
    )
