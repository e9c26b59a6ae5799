"""Who supplies which result, and in which quarters: owners, ``reported_in`` and the chase
list of results still missing (docs/rules.md).

An indicator is *expected* in a quarter when it is active (its ``since``) and the quarter is
one of its ``reported_in`` quarters. Without ``reported_in``, a quarterly indicator is
expected every quarter; an annual or biannual one in the quarters it was last reported in:
the quarter of its latest earlier result with a value (annual), that quarter and the one
two quarters away (biannual), or every quarter when it has never been reported, so that a
new indicator is asked for rather than silently skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from barnet_rag.engine.rating import is_active
from barnet_rag.errors import InputError
from barnet_rag.periods import Period
from barnet_rag.project.models import Indicator, Plan, QuarterResults

#: How the chase list names the group of indicators with no owner (neither their own nor
#: the plan's default).
NO_OWNER = "No owner"
ALL_QUARTERS = frozenset({1, 2, 3, 4})

Reason = Literal["no row", "blank value"]
#: Reads one earlier quarter's results; None when the quarter cannot be read (skipped).
Reader = Callable[[Period], QuarterResults | None]


def owner_of(indicator: Indicator, plan: Plan) -> str | None:
    """Who supplies the indicator's result: its own ``owner``, else the plan's default."""
    return indicator.owner or plan.owner


def needs_history(indicator: Indicator) -> bool:
    """True when the expected quarters depend on when the indicator was last reported."""
    return indicator.reported_in is None and indicator.frequency != "quarterly"


def expected_quarters(indicator: Indicator, last_reported: Period | None) -> frozenset[int]:
    """The quarter numbers (1-4) in which a result is expected, as the module doc says."""
    if indicator.reported_in is not None:
        return frozenset(int(q[1]) for q in indicator.reported_in)
    if indicator.frequency == "quarterly" or last_reported is None:
        return ALL_QUARTERS
    quarter = last_reported.quarter
    if indicator.frequency == "annual":
        return frozenset({quarter})
    return frozenset({quarter, (quarter + 1) % 4 + 1})


def last_reported(
    refs: Iterable[str], period: Period, periods: Iterable[Period], read: Reader
) -> dict[str, Period]:
    """Each ref's latest quarter before ``period`` with a value, reading quarters newest
    first and stopping once every ref is found."""
    wanted = set(refs)
    found: dict[str, Period] = {}
    for earlier in sorted((p for p in periods if p < period), reverse=True):
        if not wanted - found.keys():
            break
        quarter = read(earlier)
        if quarter is None:
            continue
        for ref in wanted - found.keys():
            result = quarter.results.get(ref)
            if result is not None and result.value is not None:
                found[ref] = earlier
    return found


class LastReported:
    """Each ref's latest quarter with a value, kept as quarters are added in time order:
    what :func:`last_reported` finds by reading back, for a pass over every quarter."""

    def __init__(self, refs: Iterable[str]) -> None:
        self.refs = frozenset(refs)
        self.latest: dict[str, Period] = {}

    def add(self, quarter: QuarterResults) -> None:
        """Take in the quarter after the ones added before it (None: unreadable, skipped)."""
        results = quarter.results
        for ref in self.refs:
            result = results.get(ref)
            if result is not None and result.value is not None:
                self.latest[ref] = quarter.period


def is_expected(indicator: Indicator, period: Period, last: Period | None) -> bool:
    """True when a result of ``indicator`` is expected in ``period``, given the quarter it
    was last reported in before it (the module doc's rule)."""
    return is_active(indicator, period) and period.quarter in expected_quarters(indicator, last)


@dataclass(frozen=True)
class Expected:
    """One result expected in a quarter: the indicator, its plan and who supplies it."""

    plan: Plan
    indicator: Indicator
    owner: str | None


def expected_results(
    plans: Sequence[Plan], period: Period, periods: Iterable[Period], read: Reader
) -> list[Expected]:
    """The results expected in ``period``, in plan order; ``periods`` and ``read`` give the
    earlier results that say when annual and biannual indicators were last reported."""
    active = [(p, i) for p in plans for i in p.indicators if is_active(i, period)]
    history = last_reported([i.ref for _, i in active if needs_history(i)], period, periods, read)
    return [
        Expected(plan=p, indicator=i, owner=owner_of(i, p))
        for p, i in active
        if is_expected(i, period, history.get(i.ref))
    ]


def store_reader(read: Callable[[Period], tuple[QuarterResults, Any]]) -> Reader:
    """A :data:`Reader` over ``ResultsStore.read`` that skips files it cannot read: the
    history is a convenience here, and ``check`` reports those files."""

    def reader(period: Period) -> QuarterResults | None:
        try:
            return read(period)[0]
        except InputError:
            return None

    return reader


@dataclass(frozen=True)
class Missing:
    """A result expected in the quarter and not there: no row, or a row with no value."""

    plan: str
    ref: str
    title: str
    owner: str | None
    reason: Reason
    line: int | None


@dataclass(frozen=True)
class ChaseList:
    """The results still missing for a quarter, for chasing their owners."""

    period: Period
    file: str
    file_exists: bool
    expected: int
    missing: list[Missing]

    def by_owner(self) -> list[tuple[str | None, list[Missing]]]:
        """The missing results grouped by owner: owners by name, then those with none."""
        groups: dict[str | None, list[Missing]] = {}
        for item in self.missing:
            groups.setdefault(item.owner, []).append(item)
        return sorted(groups.items(), key=lambda g: (g[0] is None, (g[0] or "").casefold()))

    @property
    def exit_code(self) -> int:
        """0 when nothing is missing, 1 otherwise (as ``check`` exits 1 on problems)."""
        return 1 if self.missing else 0

    def to_dict(self) -> dict[str, Any]:
        """What ``check --missing --format json`` prints."""
        return {
            "period": str(self.period),
            "file": self.file,
            "file_exists": self.file_exists,
            "expected": self.expected,
            "missing": len(self.missing),
            "owners": [
                {
                    "owner": owner,
                    "missing": [
                        {
                            "plan": m.plan,
                            "ref": m.ref,
                            "title": m.title,
                            "reason": m.reason,
                            "line": m.line,
                        }
                        for m in items
                    ],
                }
                for owner, items in self.by_owner()
            ],
        }


def chase_list(
    expected: Sequence[Expected], period: Period, file: str, quarter: QuarterResults | None
) -> ChaseList:
    """The expected results that ``quarter`` (None: no file yet) lacks or leaves blank."""
    missing = []
    for item in expected:
        result = None if quarter is None else quarter.results.get(item.indicator.ref)
        if result is not None and result.value is not None:
            continue
        missing.append(
            Missing(
                plan=item.plan.plan,
                ref=item.indicator.ref,
                title=item.indicator.title,
                owner=item.owner,
                reason="no row" if result is None else "blank value",
                line=None if result is None else result.line,
            )
        )
    return ChaseList(
        period=period,
        file=file,
        file_exists=quarter is not None,
        expected=len(expected),
        missing=missing,
    )
