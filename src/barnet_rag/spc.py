"""Statistical process control: XmR limits, special-cause rules, variation and assurance.

Pure functions over plain numbers, after NHS England's "Making Data Count" and the
NHSRplotthedots conventions (docs/spc.md). Values are taken to six decimal places and the
arithmetic is exact (:class:`fractions.Fraction`), so a point that sits on the centre line
is on it, and shifting or mirroring a series moves its limits exactly with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from barnet_rag.periods import Period

if TYPE_CHECKING:
    from barnet_rag.models import Indicator, Plan, QuarterResults

Variation = Literal[
    "common cause", "special cause improving", "special cause concerning", "insufficient data"
]
Assurance = Literal["consistently meets", "consistently fails", "hit and miss"]
PointType = Literal["common cause", "special cause improving", "special cause concerning"]
RuleName = Literal["outside limits", "shift", "trend", "two of three"]
Side = Literal["high", "low"]

#: Scaling factor from the mean moving range to the 3-sigma process limits (XmR).
LIMIT_FACTOR = Fraction(266, 100)
#: Values are compared at this many decimal places (council data has far fewer).
_PLACES = 6


class SpcRules(BaseModel):
    """Rule lengths, from a scheme file's ``spc:`` section; the defaults follow the NHS."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shift: int = Field(default=7, ge=2, le=50)
    trend: int = Field(default=6, ge=3, le=50)
    two_of_three: bool = True
    min_points: int = Field(default=12, ge=2, le=200)


class SpecialCause(BaseModel):
    """One special-cause pattern: the rule, the points it flags (0-based) and its side."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleName
    points: list[int]
    side: Side


class SpcResult(BaseModel):
    """The XmR reading of one indicator's series: limits, patterns, variation and assurance.

    ``lower``/``upper`` are the computed limits, used by the rules; ``display_lower`` and
    ``display_upper`` are clipped to 0-100 for percent indicators. All four are None with
    insufficient data.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    variation: Variation
    assurance: Assurance | None
    centre: float | None
    lower: float | None
    upper: float | None
    display_lower: float | None
    display_upper: float | None
    points: list[tuple[str, float]]
    special: list[SpecialCause]
    point_types: list[PointType]
    target: float | None = None
    baseline_from: str | None = None
    rules: SpcRules = SpcRules()

    @property
    def flagged(self) -> set[int]:
        """Indices of every point that is part of a special-cause pattern."""
        return {i for cause in self.special for i in cause.points}


def _exact(value: float) -> Fraction:
    return Fraction(Decimal(f"{value:.{_PLACES}f}"))


def _sign(number: Fraction) -> int:
    return (number > 0) - (number < 0)


def _runs(signs: Sequence[int], length: int) -> list[tuple[int, int]]:
    """Maximal runs (start, end inclusive) of at least ``length`` equal non-zero signs."""
    found = []
    start = 0
    for index in range(1, len(signs) + 1):
        if index == len(signs) or signs[index] != signs[start]:
            if signs[start] != 0 and index - start >= length:
                found.append((start, index - 1))
            start = index
    return found


def special_causes(
    values: Sequence[Fraction], centre: Fraction, width: Fraction, rules: SpcRules
) -> list[SpecialCause]:
    """Every pattern the rules find; ``width`` is the distance from centre to either limit."""
    causes: list[SpecialCause] = []
    sides = [_sign(v - centre) for v in values]

    def side(sign: int) -> Side:
        return "high" if sign > 0 else "low"

    for index, value in enumerate(values):
        if abs(value - centre) > width:
            causes.append(
                SpecialCause(rule="outside limits", points=[index], side=side(sides[index]))
            )
    for start, end in _runs(sides, rules.shift):
        causes.append(
            SpecialCause(rule="shift", points=list(range(start, end + 1)), side=side(sides[start]))
        )
    steps = [_sign(b - a) for a, b in zip(values, values[1:], strict=False)]
    for start, end in _runs(steps, rules.trend - 1):
        causes.append(
            SpecialCause(rule="trend", points=list(range(start, end + 2)), side=side(steps[start]))
        )
    if rules.two_of_three:
        causes.extend(_two_of_three(values, sides, centre, width * 2 / 3))
    return causes


def _two_of_three(
    values: Sequence[Fraction], sides: Sequence[int], centre: Fraction, two_sigma: Fraction
) -> list[SpecialCause]:
    """Windows of three points all on one side with at least two beyond 2 sigma, merged."""
    causes: list[SpecialCause] = []
    last_window = -10
    for start in range(len(values) - 2):
        window = range(start, start + 3)
        sign = sides[start]
        if sign == 0 or any(sides[i] != sign for i in window):
            continue
        beyond = [i for i in window if abs(values[i] - centre) > two_sigma]
        if len(beyond) < 2:
            continue
        named: Side = "high" if sign > 0 else "low"
        previous = causes[-1] if causes else None
        if previous is not None and start - last_window <= 2 and previous.side == named:
            merged = sorted(set(previous.points) | set(beyond))
            causes[-1] = SpecialCause(rule="two of three", points=merged, side=named)
        else:
            causes.append(SpecialCause(rule="two of three", points=beyond, side=named))
        last_window = start
    return causes


def _point_types(count: int, causes: Sequence[SpecialCause], polarity: str) -> list[PointType]:
    """Each point's type: a side-based rule decides by side, a trend alone by its direction."""
    by_side: dict[int, Side] = {}
    by_trend: dict[int, Side] = {}
    for cause in causes:
        for index in cause.points:
            if cause.rule == "trend":
                by_trend.setdefault(index, cause.side)
            else:
                by_side[index] = cause.side
    good: Side = "high" if polarity == "bigger" else "low"
    types: list[PointType] = []
    for index in range(count):
        side = by_side.get(index, by_trend.get(index))
        if side is None:
            types.append("common cause")
        else:
            types.append("special cause improving" if side == good else "special cause concerning")
    return types


def _assurance(
    target: float | None, lower: Fraction, upper: Fraction, polarity: str
) -> Assurance | None:
    if target is None:
        return None
    exact = _exact(target)
    bigger = polarity == "bigger"
    if exact > upper:
        return "consistently fails" if bigger else "consistently meets"
    if exact < lower:
        return "consistently meets" if bigger else "consistently fails"
    return "hit and miss"


def _clip(value: Fraction, unit: str) -> float:
    number = float(value)
    return min(max(number, 0.0), 100.0) if unit == "percent" else number


def xmr(
    points: Sequence[tuple[str, float]],
    polarity: str,
    target: float | None = None,
    *,
    unit: str = "number",
    rules: SpcRules | None = None,
    baseline_from: str | None = None,
) -> SpcResult:
    """Read a series of (label, value) points, oldest first, as an XmR chart.

    Fewer than ``rules.min_points`` points give ``insufficient data`` and no limits.
    ``variation`` is the type of the latest point; ``assurance`` compares ``target`` with
    the unclipped limits.
    """
    rules = rules or SpcRules()
    listed = [(label, float(value)) for label, value in points]
    if len(listed) < rules.min_points:
        return SpcResult(
            variation="insufficient data",
            assurance=None,
            centre=None,
            lower=None,
            upper=None,
            display_lower=None,
            display_upper=None,
            points=listed,
            special=[],
            point_types=["common cause"] * len(listed),
            target=target,
            baseline_from=baseline_from,
            rules=rules,
        )
    values = [_exact(v) for _, v in listed]
    centre = sum(values, Fraction(0)) / len(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    width = LIMIT_FACTOR * sum(ranges, Fraction(0)) / len(ranges)
    lower, upper = centre - width, centre + width
    causes = special_causes(values, centre, width, rules)
    types = _point_types(len(values), causes, polarity)
    return SpcResult(
        variation=types[-1],
        assurance=_assurance(target, lower, upper, polarity),
        centre=float(centre),
        lower=float(lower),
        upper=float(upper),
        display_lower=_clip(lower, unit),
        display_upper=_clip(upper, unit),
        points=listed,
        special=causes,
        point_types=types,
        target=target,
        baseline_from=baseline_from,
        rules=rules,
    )


Results = Mapping[Period, "QuarterResults"]


def baseline_start(ref: str, period: Period, results: Results) -> Period | None:
    """The latest period up to ``period`` whose result says ``comparable: no``, if any."""
    found = None
    for quarter in sorted(p for p in results if p <= period):
        result = results[quarter].results.get(ref)
        if result is not None and not result.comparable:
            found = quarter
    return found


def series_for(
    ref: str, period: Period, results: Results, max_points: int | None = None
) -> list[tuple[Period, float]]:
    """The comparable results of ``ref`` up to ``period``, oldest first, blanks skipped.

    A result marked ``comparable: no`` starts a new baseline: it is the first point of the
    series and everything before it is left out. ``max_points`` keeps only the latest ones.
    """
    start = baseline_start(ref, period, results)
    series = []
    for quarter in sorted(p for p in results if p <= period and (start is None or p >= start)):
        result = results[quarter].results.get(ref)
        if result is not None and result.value is not None:
            series.append((quarter, result.value))
    if max_points is not None:
        series = series[-max_points:] if max_points > 0 else []
    return series


def recent_values(
    ref: str, period: Period, results: Results, quarters: int = 8
) -> list[float | None]:
    """The last ``quarters`` quarters' values up to ``period`` (None where not reported).

    For sparklines: breaks are not applied, the picture shows every quarter.
    """
    wanted = [period]
    while len(wanted) < quarters:
        wanted.insert(0, wanted[0].previous())
    values: list[float | None] = []
    for quarter in wanted:
        result = results[quarter].results.get(ref) if quarter in results else None
        values.append(None if result is None else result.value)
    return values


def spc_for_indicator(
    indicator: Indicator,
    plan: Plan,
    period: Period,
    results: Results,
    target: float | None,
    *,
    rules: SpcRules | None = None,
) -> SpcResult:
    """The SPC reading of one indicator at ``period`` against the period's numeric target.

    ``plan`` is the indicator's plan (kept for symmetry with the rating engine); pass the
    plan's scheme's ``spc`` rules as ``rules`` (defaults when None).
    """
    del plan
    start = baseline_start(indicator.ref, period, results)
    series = series_for(indicator.ref, period, results)
    return xmr(
        [(str(quarter), value) for quarter, value in series],
        indicator.polarity,
        target,
        unit=indicator.unit,
        rules=rules,
        baseline_from=None if start is None else str(start),
    )


def describe(cause: SpecialCause, labels: Sequence[str]) -> str:
    """A special-cause pattern in words, e.g. 'shift: Q1 2015/16 to Q3 2016/17, 7 points in
    a row above the centre', for ``explain`` and the chart's description."""
    named = [labels[i] for i in cause.points]
    span = named[0] if len(named) == 1 else f"{named[0]} to {named[-1]}"
    where = "above" if cause.side == "high" else "below"
    if cause.rule == "outside limits":
        limit = "upper" if cause.side == "high" else "lower"
        return f"outside limits: {span} is {where} the {limit} limit"
    if cause.rule == "shift":
        return f"shift: {span}, {len(named)} points in a row {where} the centre"
    if cause.rule == "trend":
        moving = "rising" if cause.side == "high" else "falling"
        return f"trend: {span}, {len(named)} points in a row all {moving}"
    return f"two of three: {', '.join(named)} beyond 2 sigma {where} the centre"


__all__ = [
    "Assurance",
    "SpcResult",
    "SpcRules",
    "SpecialCause",
    "Variation",
    "baseline_start",
    "describe",
    "recent_values",
    "series_for",
    "special_causes",
    "spc_for_indicator",
    "xmr",
]
