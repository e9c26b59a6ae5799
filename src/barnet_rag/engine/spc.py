"""Statistical process control: XmR limits, special-cause rules, variation and assurance.

Pure functions over plain numbers, after NHS England's "Making Data Count" and the
NHSRplotthedots conventions (docs/spc.md). Values are taken to six decimal places and the
arithmetic is exact, so a point that sits on the centre line is on it, and shifting or
mirroring a series moves its limits exactly with it. The rules run on whole numbers
(values in millionths, every comparison scaled to integers), which is exact and fast
enough for 100,000 indicators; :func:`read_scaled` is the one copy of them, behind :func:`xmr`.

A point's reading follows NHSRplotthedots's precedence (outside limits, then trend, then
two of three, then shift): a trend by its direction, every other rule by the point's side.
With ``baseline`` set, the centre and limits are those of the first ``baseline`` points
and later points are judged against them (Making Data Count's advice).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from itertools import groupby
from operator import itemgetter, sub
from typing import NamedTuple, TypeVar

from barnet_rag.engine.history import History, Timeline, later
from barnet_rag.engine.inputs import IndicatorRule, PlanRule, Results, SpcRule
from barnet_rag.engine.rated import SpcResult, SpecialCause, build_spc_result, build_special_cause
from barnet_rag.periods import Period
from barnet_rag.terms import Assurance, PointType, RuleName, Side, Variation

#: Scaling factor from the mean moving range to the 3-sigma process limits (XmR).
LIMIT_FACTOR = Fraction(266, 100)
#: Values are compared at this many decimal places (council data has far fewer).
_PLACES = 6
_SCALE = 10**_PLACES
#: Below this many millionths a float product is within 2**-13 of the exact one.
_FAST_LIMIT = 2.0**40
_P, _Q = LIMIT_FACTOR.numerator, LIMIT_FACTOR.denominator


class SpcSettings(NamedTuple):
    """Rule lengths as plain values; :class:`~barnet_rag.project.models.SpcRules` is the validated
    form a scheme file's ``spc:`` section takes, and has the same fields."""

    shift: int = 7
    trend: int = 7
    two_of_three: bool = True
    min_points: int = 12
    baseline: int | None = None


#: What the rules read of their settings: an :class:`SpcSettings` or a scheme's validated
#: ``spc:`` section (the engine's one protocol for them).
Rules = SpcRule


#: The NHS defaults, as plain values (a scheme without ``spc:`` uses them).
DEFAULT_RULES = SpcSettings()

#: A special-cause pattern as plain values: (rule, points, side).
Cause = tuple[RuleName, list[int], Side]
N = TypeVar("N", int, Fraction)


class Reading(NamedTuple):
    """One series read by the rules, as plain values: what :class:`SpcResult` is built from,
    and all that the columnar path needs (no pydantic model per indicator)."""

    variation: Variation
    assurance: Assurance | None
    centre: float | None
    lower: float | None
    upper: float | None
    display_lower: float | None
    display_upper: float | None
    causes: list[Cause]
    point_types: list[PointType]


def _exact(value: float) -> Fraction:
    return Fraction(Decimal(f"{value:.{_PLACES}f}"))


def scaled(value: float) -> int:
    """``value`` to six decimal places, in millionths: ``60.25`` -> ``60250000``, exactly.

    Far from a half-millionth, rounding the float product gives the same whole number as
    rounding the exact decimal value; the rest (rare) goes the exact way.
    """
    return scaled_all((value,))[0]


def scaled_all(values: Iterable[float]) -> list[int]:
    """:func:`scaled` of each value (one loop for a whole series)."""
    found: list[int] = []
    for value in values:
        product = value * 1e6
        if -_FAST_LIMIT < product < _FAST_LIMIT:
            nearest = round(product)
            if -0.25 < product - nearest < 0.25:
                found.append(nearest)
                continue
        found.append(int(_exact(value) * _SCALE))
    return found


#: A point's side of the centre (or a step's direction) as a code: up/high, down/low, level.
_UP, _DOWN = 1, 2
#: For each run length, the runs of up and of down codes that long.
_NEEDLES = {n: (bytes((_UP,)) * n, bytes((_DOWN,)) * n) for n in range(1, 51)}
#: A point's code adds these to its side when it lies beyond 2 sigma, and outside the limits.
_FAR, _OUT = 4, 8
_HIGH_OUT, _LOW_OUT = _UP | _FAR | _OUT, _DOWN | _FAR | _OUT
#: Tables for :meth:`bytes.translate`: a point's code to its side, and to its side when
#: beyond 2 sigma (else 0).
_SIDES = bytes(code & 3 for code in range(256))
_BEYOND = bytes(code & 3 if code & _FAR else 0 for code in range(256))


def _runs(codes: bytes, length: int) -> list[tuple[int, int]]:
    """Maximal runs (start, end inclusive) of at least ``length`` equal non-zero codes."""
    found: list[tuple[int, int]] = []
    start = 0
    for code, group in groupby(codes):
        size = len(list(group))
        if size >= length and code:
            found.append((start, start + size - 1))
        start += size
    return found


def _patterns(deviations: Sequence[N], width: N, two_sigma: N, rules: Rules) -> list[Cause]:
    """Every pattern the rules find, from each point's signed distance from the centre.

    ``width`` (centre to either limit) and ``two_sigma`` (``0 <= two_sigma <= width``) are
    in the same units as the distances; any positive scale gives the same patterns.
    """
    causes: list[Cause] = []
    # One sweep codes each point: its side, and whether it lies beyond 2 sigma and outside
    # the limits. Each rule then asks a cheap exact question of the codes (is any point
    # outside, is there a long enough run, are two points beyond 2 sigma on one side), so
    # that most series skip most loops.
    low, low_far = -width, -two_sigma
    codes = bytes(
        [
            (_HIGH_OUT if d > width else _UP | _FAR if d > two_sigma else _UP)
            if d > 0
            else (_LOW_OUT if d < low else _DOWN | _FAR if d < low_far else _DOWN)
            if d < 0
            else 0
            for d in deviations
        ]
    )
    if _HIGH_OUT in codes or _LOW_OUT in codes:
        for index, code in enumerate(codes):
            if code == _HIGH_OUT:
                causes.append(("outside limits", [index], "high"))
            elif code == _LOW_OUT:
                causes.append(("outside limits", [index], "low"))
    sides = codes.translate(_SIDES)
    up, down = _NEEDLES[rules.shift]
    if up in sides or down in sides:
        for start, end in _runs(sides, rules.shift):
            side: Side = "high" if sides[start] == _UP else "low"
            causes.append(("shift", list(range(start, end + 1)), side))
    pairs = zip(deviations, deviations[1:], strict=False)
    steps = bytes([_UP if b > a else _DOWN if b < a else 0 for a, b in pairs])
    up, down = _NEEDLES[rules.trend - 1]
    if up in steps or down in steps:
        for start, end in _runs(steps, rules.trend - 1):
            side = "high" if steps[start] == _UP else "low"
            causes.append(("trend", list(range(start, end + 2)), side))
    if rules.two_of_three:
        beyond = codes.translate(_BEYOND)
        if beyond.count(_UP) >= 2 or beyond.count(_DOWN) >= 2:
            causes.extend(_two_of_three(sides, beyond))
    return causes


def special_causes(
    values: Sequence[Fraction], centre: Fraction, width: Fraction, rules: Rules
) -> list[SpecialCause]:
    """Every pattern the rules find; ``width`` is the distance from centre to either limit."""
    deviations = [v - centre for v in values]
    return [
        SpecialCause(rule=rule, points=points, side=side)
        for rule, points, side in _patterns(deviations, width, width * 2 / 3, rules)
    ]


def _two_of_three(sides: bytes, beyond: bytes) -> list[Cause]:
    """Windows of three points all on one side with at least two beyond 2 sigma, merged.

    ``sides`` codes each point's side of the centre; ``beyond`` its side when it lies
    beyond 2 sigma, else 0.
    """
    causes: list[Cause] = []
    last_window = -10
    for start in range(len(sides) - 2):
        sign = sides[start]
        if sign == 0 or sides[start + 1] != sign or sides[start + 2] != sign:
            continue
        far = [i for i in range(start, start + 3) if beyond[i]]
        if len(far) < 2:
            continue
        named: Side = "high" if sign == _UP else "low"
        if causes and start - last_window <= 2 and causes[-1][2] == named:
            merged = sorted(set(causes[-1][1]) | set(far))
            causes[-1] = ("two of three", merged, named)
        else:
            causes.append(("two of three", far, named))
        last_window = start
    return causes


def _point_types(count: int, causes: Sequence[Cause], polarity: str) -> list[PointType]:
    """Each point's type, by NHSRplotthedots's precedence: a point outside the limits by
    its side; else a point of a trend by the trend's direction (where a rising and a falling
    trend share their turning point, the later one); else by its side (two of three, shift).

    Two of three and a shift flag a point only on its own side, so their order is moot.
    """
    types: list[PointType] = ["common cause"] * count
    if not causes:
        return types
    good: Side = "high" if polarity == "bigger" else "low"
    named: dict[Side, PointType] = {
        good: "special cause improving",
        "low" if good == "high" else "high": "special cause concerning",
    }
    for wanted in (("shift", "two of three"), ("trend",), ("outside limits",)):
        for rule, points, side in causes:
            if rule in wanted:
                for index in points:
                    types[index] = named[side]
    return types


def _assurance(target: int | None, width: int, polarity: str) -> Assurance | None:
    """The target's place against the limits; ``target`` is its distance from the centre."""
    if target is None:
        return None
    bigger = polarity == "bigger"
    if target > width:
        return "consistently fails" if bigger else "consistently meets"
    if target < -width:
        return "consistently meets" if bigger else "consistently fails"
    return "hit and miss"


def read_scaled(
    values: Sequence[int], polarity: str, target: int | None, unit: str, rules: Rules
) -> Reading:
    """The XmR reading of values and target given in millionths (see :func:`scaled`).

    The centre and limits are those of the first ``rules.baseline`` points (every point
    when None, or when there are fewer); every point is judged against them.

    Exact: with ``n`` baseline points, sum ``S``, moving-range sum ``R`` and the limit
    factor ``p/q``, each distance from the centre is scaled by ``3·q·(n-1)·n``, which makes
    it, the limit width (``3·p·R·n``) and 2 sigma (``2·p·R·n``) whole numbers. The floats
    (centre, limits) are each one correctly rounded division of whole numbers.
    """
    count = len(values)
    if count < rules.min_points:
        return Reading(
            "insufficient data", None, None, None, None, None, None, [], ["common cause"] * count
        )
    size = count if rules.baseline is None else min(rules.baseline, count)
    fixed = values[:size] if size < count else values
    total = sum(fixed)
    moving = sum(map(abs, map(sub, fixed[1:], fixed)))
    q = _Q
    gaps = size - 1
    factor = 3 * q * gaps
    scale, offset = size * factor, total * factor
    deviations = [scale * v - offset for v in values]
    spread = _P * moving * size
    width = 3 * spread
    causes = _patterns(deviations, width, 2 * spread, rules)
    types: list[PointType] = (
        _point_types(count, causes, polarity) if causes else ["common cause"] * count
    )
    base = total * q * gaps
    denominator = size * q * gaps * _SCALE
    lower, upper = (base - spread) / denominator, (base + spread) / denominator
    assurance = _assurance(
        None if target is None else (size * target - total) * factor, width, polarity
    )
    clipped = unit == "percent"
    return Reading(
        types[-1],
        assurance,
        total / (size * _SCALE),
        lower,
        upper,
        min(max(lower, 0.0), 100.0) if clipped else lower,
        min(max(upper, 0.0), 100.0) if clipped else upper,
        causes,
        types,
    )


def xmr(
    points: Sequence[tuple[str, float]],
    polarity: str,
    target: float | None = None,
    *,
    unit: str = "number",
    rules: SpcRule | None = None,
    baseline_from: str | None = None,
    rebased: bool = False,
) -> SpcResult:
    """Read a series of (label, value) points, oldest first, as an XmR chart.

    Fewer than ``rules.min_points`` points give ``insufficient data`` and no limits.
    ``variation`` is the type of the latest point; ``assurance`` compares ``target`` with
    the unclipped limits. ``baseline_from`` is where the series starts after a break,
    ``rebased`` true when that break is a rebase of the process, not a method change.
    """
    listed = [(label, float(value)) for label, value in points]
    return _read_points(listed, polarity, target, unit, rules, baseline_from, rebased)


def _read_values(
    values: list[float], polarity: str, target: float | None, unit: str, rules: SpcRule
) -> Reading:
    """The reading of a series of float values against a target (what :func:`xmr` reads)."""
    return read_scaled(
        scaled_all(values),
        polarity,
        None if target is None or len(values) < rules.min_points else scaled(target),
        unit,
        rules,
    )


def _read_points(
    listed: list[tuple[str, float]],
    polarity: str,
    target: float | None,
    unit: str,
    rules: SpcRule | None,
    baseline_from: str | None,
    rebased: bool,
) -> SpcResult:
    """:func:`xmr` of points whose values are floats already."""
    rules = rules or DEFAULT_RULES
    reading = _read_values([v for _, v in listed], polarity, target, unit, rules)
    causes = reading.causes
    return build_spc_result(
        variation=reading.variation,
        assurance=reading.assurance,
        centre=reading.centre,
        lower=reading.lower,
        upper=reading.upper,
        display_lower=reading.display_lower,
        display_upper=reading.display_upper,
        points=listed,
        special=[build_special_cause(rule=r, points=i, side=s) for r, i, s in causes]
        if causes
        else [],
        point_types=reading.point_types,
        target=target,
        baseline_from=baseline_from,
        rebased=rebased,
        rules=rules
        if type(rules) is SpcSettings
        else SpcSettings(
            rules.shift, rules.trend, rules.two_of_three, rules.min_points, rules.baseline
        ),
    )


def baseline_start(
    ref: str, period: Period, results: Results, rebase: Sequence[Period] = ()
) -> Period | None:
    """Where the baseline in force at ``period`` starts: the latest period up to ``period``
    whose result says ``comparable: no``, or of the indicator's ``rebase`` quarters, if any."""
    return Timeline.of(results, period).history(ref).baseline_start(rebase)


def series_for(
    ref: str,
    period: Period,
    results: Results,
    max_points: int | None = None,
    rebase: Sequence[Period] = (),
) -> list[tuple[Period, float]]:
    """The comparable results of ``ref`` up to ``period``, oldest first, blanks skipped.

    A result marked ``comparable: no``, or a ``rebase`` quarter, starts a new baseline: the
    series begins there and everything before it is left out. ``max_points`` keeps only
    the latest ones.
    """
    history = Timeline.of(results, period).history(ref)
    series = [(p, v) for p, _, v in history.series(rebase)]
    if max_points is not None:
        series = series[-max_points:] if max_points > 0 else []
    return series


def recent_quarters(period: Period, quarters: int) -> list[Period]:
    """The ``quarters`` quarters up to ``period``, oldest first (a sparkline's span)."""
    wanted = [period]
    while len(wanted) < quarters:
        wanted.insert(0, wanted[0].previous())
    return wanted


def recent_values(
    ref: str, period: Period, results: Results, quarters: int = 8
) -> list[float | None]:
    """The last ``quarters`` quarters' values up to ``period`` (None where not reported).

    For sparklines: breaks are not applied, the picture shows every quarter.
    """
    return Timeline.of(results, period).history(ref).recent(quarters)


def rules_for(indicator: IndicatorRule, rules: SpcRule | None) -> SpcSettings:
    """The scheme's rules (defaults when None) with the indicator's own ``baseline``."""
    rules = rules or DEFAULT_RULES
    own = None if indicator.spc is None else indicator.spc.baseline
    if own is None and type(rules) is SpcSettings:
        return rules
    return SpcSettings(
        shift=rules.shift,
        trend=rules.trend,
        two_of_three=rules.two_of_three,
        min_points=rules.min_points,
        baseline=rules.baseline if own is None else own,
    )


def spc_for_indicator(
    indicator: IndicatorRule,
    plan: PlanRule,
    period: Period,
    results: Results,
    target: float | None,
    *,
    rules: SpcRule | None = None,
    history: History | None = None,
) -> SpcResult:
    """The SPC reading of one indicator at ``period`` against the period's numeric target.

    ``plan`` is the indicator's plan (kept for symmetry with the rating engine); pass the
    plan's scheme's ``spc`` rules as ``rules`` (defaults when None), and the indicator's
    ``history`` when the caller has read it already. The indicator's own ``spc:`` may fix a
    baseline and start new ones at its ``rebase`` quarters.
    """
    del plan
    if history is None:
        history = Timeline.of(results, period).history(indicator.ref)
    start, broken, series = _baseline_series(indicator, history)
    labels = history.timeline.labels
    return _read_points(
        [(labels[k], float(value)) for k, value in series],
        indicator.polarity,
        target,
        indicator.unit,
        rules_for(indicator, rules),
        None if start is None else str(start),
        start is not None and start != broken,
    )


def spc_reading(
    indicator: IndicatorRule, history: History, target: float | None, rules: SpcRule | None
) -> Reading:
    """The limits, variation and assurance of :func:`spc_for_indicator` as plain values,
    without the points and patterns that only charts and ``explain`` show."""
    series = _baseline_series(indicator, history)[2]
    return _read_values(
        list(map(_VALUE, series)),  # floats already: a result's value is read as a float
        indicator.polarity,
        target,
        indicator.unit,
        rules_for(indicator, rules),
    )


#: The value of a (position, value) pair of a series.
_VALUE = itemgetter(1)


def _baseline_series(
    indicator: IndicatorRule, history: History
) -> tuple[Period | None, Period | None, list[tuple[int, float]]]:
    """Where the baseline in force starts, the latest method change (None: none), and the
    series from the baseline's start: (position, value) of each result with a value."""
    own = indicator.spc
    broken = history.latest_break()
    start = broken if own is None else later(broken, history.rebased_at(own.rebase))
    return start, broken, history.series_from(start)


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
    "DEFAULT_RULES",
    "Assurance",
    "Reading",
    "Rules",
    "SpcSettings",
    "Variation",
    "baseline_start",
    "describe",
    "read_scaled",
    "recent_quarters",
    "recent_values",
    "rules_for",
    "scaled",
    "series_for",
    "special_causes",
    "spc_for_indicator",
    "spc_reading",
    "xmr",
]
