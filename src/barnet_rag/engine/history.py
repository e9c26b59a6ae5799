"""An indicator's results over time: the one place that finds the results a rule compares.

A :class:`Timeline` is the quarters with results up to the rated period, read once for all
indicators; a :class:`History` is one indicator's row in each of those quarters. The DOT's
reference results and method-change breaks, the last reported result, the SPC series and
its baseline, and the sparkline's quarters are all read from a History, by the functions
below and nowhere else.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from barnet_rag.engine.inputs import Result, Results
from barnet_rag.periods import Period


@dataclass(frozen=True)
class Timeline:
    """The quarters with results up to ``period``, oldest first, with their labels."""

    period: Period
    periods: tuple[Period, ...]
    labels: tuple[str, ...]
    quarters: tuple[Mapping[str, Result], ...]
    position: dict[Period, int] = field(compare=False)
    _recent: dict[int, tuple[int | None, ...]] = field(default_factory=dict, compare=False)

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

    def history(self, ref: str) -> History:
        """``ref``'s row in each quarter (None where the file has no row for it)."""
        return History(self, [quarter.get(ref) for quarter in self.quarters])


@dataclass(frozen=True)
class History:
    """One indicator's results, aligned with its timeline's quarters."""

    timeline: Timeline
    rows: Sequence[Result | None]

    def at(self, period: Period) -> Result | None:
        """The row for ``period``, if its quarter has one."""
        k = self.timeline.position.get(period)
        return None if k is None else self.rows[k]

    def break_between(self, start: Period, end: Period) -> Period | None:
        """The latest quarter after ``start`` up to ``end`` whose result says
        ``comparable: no``: no DOT across it."""
        periods = self.timeline.periods
        found = None
        for k in range(self.timeline.after(start), len(periods)):
            if periods[k] > end:
                break
            row = self.rows[k]
            if row is not None and not row.comparable:
                found = periods[k]
        return found

    def last_reported(self, before: Period) -> tuple[Period, Result] | None:
        """The latest result with a value before ``before``."""
        periods = self.timeline.periods
        for k in range(self.timeline.after(before) - 1, -1, -1):
            row = self.rows[k]
            if periods[k] < before and row is not None and row.value is not None:
                return periods[k], row
        return None

    def baseline_start(self, rebase: Sequence[Period] = ()) -> Period | None:
        """Where the baseline in force starts: the latest quarter whose result says
        ``comparable: no``, or the latest of the indicator's ``rebase`` quarters up to the
        timeline's period, whichever is later."""
        found = max((p for p in rebase if p <= self.timeline.period), default=None)
        for k in range(len(self.rows) - 1, -1, -1):
            row = self.rows[k]
            if row is not None and not row.comparable:
                quarter = self.timeline.periods[k]
                return quarter if found is None or quarter > found else found
        return found

    def series(self, rebase: Sequence[Period] = ()) -> list[tuple[Period, str, float]]:
        """The comparable results from the baseline's start on, oldest first, blanks
        skipped: (quarter, its label, value)."""
        start = self.baseline_start(rebase)
        first = (
            0
            if start is None
            else self.timeline.after(start) - (1 if start in self.timeline.position else 0)
        )
        periods, labels = self.timeline.periods, self.timeline.labels
        return [
            (periods[k], labels[k], row.value)
            for k in range(first, len(self.rows))
            if (row := self.rows[k]) is not None and row.value is not None
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
