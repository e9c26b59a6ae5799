"""An indicator's results over time: the one place that finds the results a rule compares.

A :class:`Timeline` is the quarters with results up to the rated period, read once for all
indicators; a :class:`History` is one indicator's row in each of those quarters. The DOT's
reference results and method-change breaks, the last reported result, the SPC series and
its baseline, and the sparkline's quarters are all read from a History, by the functions
below and nowhere else.

The rated period's own quarters (the period, the one before, the same one last year) are
found once per Timeline, as positions, so that rating 100,000 indicators does not compare
or hash a :class:`Period` per indicator.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from operator import attrgetter

from barnet_rag.engine.inputs import Result, Results
from barnet_rag.periods import Period


class Timeline:
    """The quarters with results up to ``period``, oldest first, with their labels."""

    __slots__ = (
        "period",
        "periods",
        "labels",
        "quarters",
        "position",
        "_recent",
        "at_period",
        "previous",
        "last_year",
        "financial_year",
    )

    def __init__(
        self,
        period: Period,
        periods: tuple[Period, ...],
        labels: tuple[str, ...],
        quarters: tuple[Mapping[str, Result], ...],
        position: dict[Period, int],
    ) -> None:
        self.period = period
        self.periods = periods
        self.labels = labels
        self.quarters = quarters
        self.position = position
        self._recent: dict[int, tuple[int | None, ...]] = {}
        #: Where the rated period is (None: no results file for it).
        self.at_period = position.get(period)
        #: The DOT's two reference quarters, short and long term.
        self.previous = Reference(self, period.previous())
        self.last_year = Reference(self, period.last_year())
        self.financial_year = period.financial_year

    @classmethod
    def of(cls, results: Results, period: Period) -> Timeline:
        """Read the quarters up to ``period`` (a lazy store opens only those)."""
        periods = tuple(sorted(p for p in results if p <= period))
        return cls(
            period=period,
            periods=periods,
            labels=tuple(str(p) for p in periods),
            quarters=tuple(results[p].results for p in periods),
            position={p: k for k, p in enumerate(periods)},
        )

    def recent_positions(self, quarters: int) -> tuple[int | None, ...]:
        """Where each of the last ``quarters`` quarters up to ``period`` is (None: no file)."""
        found = self._recent.get(quarters)
        if found is None:
            wanted = [self.period]
            while len(wanted) < quarters:
                wanted.insert(0, wanted[0].previous())
            found = tuple(self.position.get(p) for p in wanted)
            self._recent[quarters] = found
        return found

    def after(self, start: Period) -> int:
        """The position of the first quarter after ``start``."""
        return bisect_right(self.periods, start)

    def span(self, start: Period, end: Period) -> range:
        """The positions of the quarters after ``start`` up to ``end``."""
        return range(self.after(start), bisect_right(self.periods, end))

    def history(self, ref: str) -> History:
        """``ref``'s row in each quarter (None where the file has no row for it)."""
        return History(self, [quarter.get(ref) for quarter in self.quarters])

    def histories(self, refs: Sequence[str]) -> list[History]:
        """:meth:`history` of each of ``refs``, read a quarter at a time: one lookup loop
        per quarter rather than one per indicator and quarter (for many indicators)."""
        if not self.quarters:
            return [History(self, ()) for _ in refs]
        columns = [list(map(quarter.get, refs)) for quarter in self.quarters]
        return [History(self, rows) for rows in zip(*columns, strict=True)]


class Reference:
    """A quarter a DOT compares the rated period with, found once for every indicator: its
    position (None: no results file), its label, and the quarters from it to the period."""

    __slots__ = ("period", "label", "at", "span")

    def __init__(self, timeline: Timeline, period: Period) -> None:
        self.period = period
        self.label = str(period)
        self.at = timeline.position.get(period)
        #: The quarters after it up to the rated period: where a break stops the DOT.
        self.span = timeline.span(period, timeline.period)


class History:
    """One indicator's results, aligned with its timeline's quarters."""

    __slots__ = ("timeline", "rows", "_breaks")

    def __init__(self, timeline: Timeline, rows: Sequence[Result | None]) -> None:
        self.timeline = timeline
        self.rows = rows
        self._breaks: tuple[int, ...] | None = None

    def breaks(self) -> tuple[int, ...]:
        """The positions of the rows that say ``comparable: no``, latest first; found once
        (most indicators have none, which one pass in C tells)."""
        found = self._breaks
        if found is None:
            rows = self.rows
            if all(map(_COMPARABLE, filter(None, rows))):
                found = ()
            else:
                found = tuple(
                    k
                    for k in range(len(rows) - 1, -1, -1)
                    if (row := rows[k]) is not None and not row.comparable
                )
            self._breaks = found
        return found

    def at(self, period: Period) -> Result | None:
        """The row for ``period``, if its quarter has one."""
        k = self.timeline.position.get(period)
        return None if k is None else self.rows[k]

    def break_between(self, start: Period, end: Period) -> Period | None:
        """The latest quarter after ``start`` up to ``end`` whose result says
        ``comparable: no``: no DOT across it."""
        k = self.break_in(self.timeline.span(start, end))
        return None if k is None else self.timeline.periods[k]

    def break_in(self, span: range) -> int | None:
        """The position of the latest quarter in ``span`` whose result says
        ``comparable: no`` (None: none)."""
        for k in self.breaks():
            if k in span:
                return k
        return None

    def last_reported(self, before: Period) -> tuple[Period, Result] | None:
        """The latest result with a value before ``before``."""
        periods = self.timeline.periods
        for k in range(self.timeline.after(before) - 1, -1, -1):
            row = self.rows[k]
            if periods[k] < before and row is not None and row.value is not None:
                return periods[k], row
        return None

    def latest_break(self) -> Period | None:
        """The latest quarter whose result says ``comparable: no`` (None: none)."""
        k = self.break_in(range(len(self.rows)))
        return None if k is None else self.timeline.periods[k]

    def baseline_start(self, rebase: Sequence[Period] = ()) -> Period | None:
        """Where the baseline in force starts: the latest quarter whose result says
        ``comparable: no``, or the latest of the indicator's ``rebase`` quarters up to the
        timeline's period, whichever is later."""
        return later(self.latest_break(), self.rebased_at(rebase))

    def rebased_at(self, rebase: Sequence[Period]) -> Period | None:
        """The latest of the indicator's ``rebase`` quarters up to the timeline's period."""
        if not rebase:
            return None
        return max((p for p in rebase if p <= self.timeline.period), default=None)

    def series(self, rebase: Sequence[Period] = ()) -> list[tuple[Period, str, float]]:
        """The comparable results from the baseline's start on, oldest first, blanks
        skipped: (quarter, its label, value)."""
        periods, labels = self.timeline.periods, self.timeline.labels
        return [
            (periods[k], labels[k], value)
            for k, value in self.series_from(self.baseline_start(rebase))
        ]

    def series_from(self, start: Period | None) -> list[tuple[int, float]]:
        """The results with a value from quarter ``start`` on (every one when None), oldest
        first: (position, value)."""
        timeline = self.timeline
        first = (
            0 if start is None else timeline.after(start) - (1 if start in timeline.position else 0)
        )
        rows = self.rows
        return [
            (k, row.value)
            for k in range(first, len(rows))
            if (row := rows[k]) is not None and row.value is not None
        ]

    def recent(self, quarters: int) -> list[float | None]:
        """The values of the last ``quarters`` quarters up to the timeline's period (None
        where not reported), for a sparkline: breaks are not applied."""
        rows = self.rows
        values: list[float | None] = []
        for k in self.timeline.recent_positions(quarters):
            row = None if k is None else rows[k]
            values.append(None if row is None else row.value)
        return values


#: Whether a result says it is comparable with the quarters before it.
_COMPARABLE = attrgetter("comparable")


def later(first: Period | None, second: Period | None) -> Period | None:
    """The later of two quarters, either of which may be missing."""
    if first is None:
        return second
    if second is None:
        return first
    return first if first > second else second
