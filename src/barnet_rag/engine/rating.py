"""The rating engine: plans and results in, a rated period out (docs/rules.md).

Pure functions only: no files, no clock, no globals. Results arrive as a mapping from
period to that quarter's results, so a caller may load them lazily. Every decision is
also written to a :class:`RatingTrace`, which ``explain`` renders: there is one copy of
the rules, here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from barnet_rag.engine.history import History, Reference, Timeline
from barnet_rag.engine.inputs import (
    BARNET_LEVELS,
    BandRule,
    IndicatorRule,
    LevelRule,
    PlainBand,
    PlanRule,
    Result,
    Results,
    SchemeRule,
    YearTargetsRule,
)
from barnet_rag.engine.rated import (
    BandTrial,
    DotTrace,
    RatedIndicator,
    RatedPeriod,
    SpcResult,
    build_band_trial,
    build_dot_trace,
    build_rated_indicator,
    build_rating_trace,
)
from barnet_rag.engine.spc import Reading, spc_for_indicator, spc_reading
from barnet_rag.engine.summary import Group, R, summary_rows, tally
from barnet_rag.periods import Period
from barnet_rag.terms import Dot, Rag, TargetSource

#: Quarters of history a rated indicator carries for its sparkline.
SPARKLINE_QUARTERS = 8

#: Float noise below this is ignored when comparing with targets and tolerances.
_PRECISION = 9


def _tidy(number: float) -> float:
    return round(number, _PRECISION)


def sample_interval(value: float, sample_size: int) -> float:
    """The 95% interval in points of a percent result from a sample: 1.96·√(p(1−p)/n),
    rounded to one decimal as councils print it."""
    p = min(max(value / 100.0, 0.0), 1.0)
    return round(100.0 * 1.96 * math.sqrt(p * (1.0 - p) / sample_size), 1)


@dataclass(frozen=True, slots=True)
class Standing:
    """What a band's conditions can see of one rated result (DESIGN section 4 step 4):
    whether the target is met, the shortfall relative to the target and in the indicator's
    units (0 when met), whether the floor is met (None: no floor that quarter) and both DOTs."""

    met: bool
    shortfall: float
    points: float
    floor_met: bool | None
    dot_short: Dot
    dot_long: Dot


def band_conditions(band: BandRule, standing: Standing) -> list[tuple[str, bool]]:
    """Each condition the band sets, by its key, and whether it holds (in the file's order)."""
    found: list[tuple[str, bool]] = []
    if band.met is not None:
        found.append(("met", standing.met == band.met))
    if band.up_to is not None:
        found.append(("up_to", standing.shortfall <= band.up_to))
    if band.up_to_points is not None:
        found.append(("up_to_points", standing.points <= band.up_to_points))
    if band.floor is not None:
        held = standing.floor_met is not None and standing.floor_met == (band.floor == "met")
        found.append(("floor", held))
    if band.long_term is not None:
        found.append(("long_term", standing.dot_long in band.long_term))
    if band.short_term is not None:
        found.append(("short_term", standing.dot_short in band.short_term))
    return found


def band_matches(band: BandRule, standing: Standing) -> bool:
    """True when every condition of the band holds (a band without conditions always does)."""
    return all(held for _, held in band_conditions(band, standing))


def scheme_levels(scheme: SchemeRule) -> Sequence[LevelRule]:
    """The scheme's levels, best first (Barnet's four when it names none)."""
    return scheme.levels or BARNET_LEVELS


def effective_bands(scheme: SchemeRule) -> list[tuple[int | None, BandRule]]:
    """The bands tried in order, each with its index in the scheme file: a scheme with no
    ``met: true`` band first tries ``{rag: <best level>, met: true}`` (index None)."""
    bands: list[tuple[int | None, BandRule]] = list(enumerate(scheme.bands))
    if not any(band.met is True for band in scheme.bands):
        best = PlainBand(rag=scheme_levels(scheme)[0].code, met=True)
        bands.insert(0, (None, best))
    return bands


@dataclass(frozen=True, slots=True)
class TargetChoice:
    """The target that applies to one quarter, and where it came from."""

    value: float | None
    source: TargetSource
    annual: str | None


_NO_TARGETS = TargetChoice(None, "no targets", None)


def format_number(value: float) -> str:
    """A target or value as written: 68.0 -> '68', 69.5 -> '69.5'."""
    return f"{value:g}" if abs(value) < 1e15 else f"{value:.0f}"


def choose_target(indicator: IndicatorRule, period: Period) -> TargetChoice:
    """The quarter's target if set, else a numeric annual target, else Monitor (section 2)."""
    return _target_in(indicator.targets_for(period.year), period.quarter)


def _target_in(year: YearTargetsRule | None, quarter_number: int) -> TargetChoice:
    """:func:`choose_target` given the year's targets (None: none for the year)."""
    if year is None:
        return _NO_TARGETS
    annual = year.annual
    annual_text = format_number(annual) if isinstance(annual, float) else annual
    quarter = year.for_quarter(quarter_number)
    if isinstance(quarter, float | int):
        return TargetChoice(float(quarter), "quarter", annual_text)
    if quarter == "monitor":
        return TargetChoice(None, "monitor", annual_text)
    if isinstance(annual, float):
        return TargetChoice(annual, "annual", annual_text)
    if isinstance(annual, str) and annual != "monitor":
        return TargetChoice(None, "text annual", annual_text)
    return TargetChoice(None, "monitor", annual_text)


def interval_for(
    indicator: IndicatorRule, plan: PlanRule, value: float | None
) -> tuple[float, str]:
    """The survey confidence interval for a result (0 for non-survey indicators)."""
    if indicator.survey is None or value is None:
        return 0.0, "not a survey indicator" if indicator.survey is None else "no result"
    survey = plan.surveys[indicator.survey]
    if survey.confidence_interval is not None:
        return survey.confidence_interval, f"{indicator.survey} confidence interval"
    assert survey.sample_size is not None  # the plan's validation gives one or the other
    size = survey.sample_size
    return sample_interval(value, size), f"{indicator.survey} sample of {size}"


def direction(
    value: float | None,
    reference: float | None,
    tolerance: float,
    polarity: str,
    *,
    broken: bool = False,
    missing: Dot = "not reported",
) -> Dot:
    """Direction of travel from ``reference`` to ``value`` (section 6).

    ``missing`` is what a missing reference means: ``not reported`` short term, ``new`` or
    ``no comparison`` long term. Changes within ``tolerance`` are ``same``.
    """
    if value is None:
        return "not reported"
    if reference is None:
        return missing
    if broken:
        return "not comparable"
    if _tidy(abs(value - reference)) <= tolerance:
        return "same"
    return "improving" if (value > reference) == (polarity == "bigger") else "worsening"


class Rating(NamedTuple):
    """A rating and how it was reached: the counted value and shortfall, the band that
    matched with its index in the scheme file (None for the implicit met band), and what
    the conditions saw (None for Not reported and Monitor)."""

    rag: Rag
    counted: float | None = None
    shortfall: float | None = None
    band_index: int | None = None
    standing: Standing | None = None
    band: BandRule | None = None
    tried: tuple[BandTrial, ...] = ()


def standing_for(
    counted: float,
    target: float,
    floor: float | None,
    polarity: str,
    dot_short: Dot,
    dot_long: Dot,
) -> Standing:
    """What the conditions see of a counted value against its target and floor
    (a missed target of 0 is infinitely short)."""
    bigger = polarity == "bigger"
    met = (counted >= target) if bigger else (counted <= target)
    if met:
        shortfall, points = 0.0, 0.0
    else:
        points = _tidy(abs(target - counted))
        shortfall = _tidy(points / abs(target)) if target != 0 else float("inf")
    floor_met = None if floor is None else ((counted >= floor) if bigger else (counted <= floor))
    return Standing(met, shortfall, points, floor_met, dot_short, dot_long)


def rag_for(
    value: float | None,
    target: float | None,
    interval: float,
    polarity: str,
    dot_long: Dot,
    scheme: SchemeRule,
    *,
    dot_short: Dot = "not reported",
    floor: float | None = None,
) -> Rating:
    """The rating of one result by the scheme's bands (DESIGN sections 4-5)."""
    return _rag_by(
        value, target, interval, polarity, dot_long, dot_short, floor, SchemeView.of(scheme)
    )


def _rag_by(
    value: float | None,
    target: float | None,
    interval: float,
    polarity: str,
    dot_long: Dot,
    dot_short: Dot,
    floor: float | None,
    view: SchemeView,
    detail: bool = True,
) -> Rating:
    """:func:`rag_for` with the scheme's bands worked out already; with ``detail`` false
    the rating records no band trials (``tried`` empty: only ``explain`` reads them)."""
    if value is None:
        return _NOT_REPORTED
    if target is None:
        return _MONITOR
    allowance = interval if view.survey_tolerance else 0.0
    bigger = polarity == "bigger"
    counted = _tidy(value + allowance if bigger else value - allowance)
    standing = standing_for(counted, target, floor, polarity, dot_short, dot_long)
    tried: list[BandTrial] = []
    for index, band in view.bands:
        conditions = band_conditions(band, standing)
        matched = all(held for _, held in conditions)
        if detail:
            tried.append(
                build_band_trial(index=index, rag=band.rag, conditions=conditions, matched=matched)
            )
        if matched:
            return Rating(
                band.rag, counted, standing.shortfall, index, standing, band, tuple(tried)
            )
    raise AssertionError("a scheme's last band matches everything")  # pragma: no cover


class SchemeView:
    """What rating reads of a scheme, worked out once per scheme rather than per indicator:
    the bands tried in order, the levels and their labels, and the SPC rules."""

    __slots__ = ("scheme", "bands", "levels", "labels", "survey_tolerance", "spc")

    def __init__(self, scheme: SchemeRule) -> None:
        self.scheme = scheme
        self.bands = effective_bands(scheme)
        self.levels = tuple(scheme_levels(scheme))
        self.labels: dict[str, str] = {}
        for level in reversed(self.levels):  # the first level with a code gives its label
            self.labels[level.code] = level.label
        self.survey_tolerance = scheme.survey_tolerance
        self.spc = scheme.spc

    @classmethod
    def of(cls, scheme: SchemeRule) -> SchemeView:
        """The view of ``scheme``."""
        return cls(scheme)


_NOT_REPORTED = Rating("Not reported")
_MONITOR = Rating("Monitor")


def _compare(
    term: Literal["short", "long"],
    rows: Sequence[Result | None],
    reference_at: Reference,
    history: History,
    indicator: IndicatorRule,
    value: float | None,
    interval: tuple[float, str],
    missing: Dot,
    detail: bool = True,
) -> tuple[Result | None, Dot, float, DotTrace | None]:
    """One DOT against its reference quarter: the reference's row, the outcome, the
    tolerance, and (with ``detail``) the trace ``explain`` shows."""
    k = reference_at.at
    reference = None if k is None else rows[k]
    broken_at = history.break_in(reference_at.span)
    ref_value = None if reference is None else reference.value
    tolerance = dot_tolerance_for(indicator, interval, ref_value)
    outcome = direction(
        value,
        ref_value,
        tolerance[0],
        indicator.polarity,
        broken=broken_at is not None,
        missing=missing,
    )
    if not detail:
        return reference, outcome, tolerance[0], None
    trace = build_dot_trace(
        term=term,
        reference_period=reference_at.label,
        reference_value=ref_value,
        reference_label=None if reference is None else reference.label,
        tolerance=tolerance[0],
        tolerance_source=tolerance[1],
        change=None if value is None or ref_value is None else _tidy(value - ref_value),
        break_period=None if broken_at is None else history.timeline.labels[broken_at],
        outcome=outcome,
    )
    return reference, outcome, tolerance[0], trace


def rate_indicator(
    plan: PlanRule,
    indicator: IndicatorRule,
    period: Period,
    results: Results,
    scheme: SchemeRule,
    *,
    timeline: Timeline | None = None,
    view: SchemeView | None = None,
    detail: bool = True,
    history: History | None = None,
) -> RatedIndicator:
    """Rate one indicator for one period: target, RAG, both DOTs and the trace behind them.

    ``timeline`` is the quarters up to ``period``, and ``view`` the scheme's
    :class:`SchemeView`, when the caller has worked them out already (for many indicators).
    With ``detail`` false the rating has no trace, no SPC points and no sparkline (``trace``
    and ``spc`` None, ``recent`` empty), which JSON and CSV do not carry: the same rules,
    in less time and memory. ``history`` is the indicator's history in ``timeline``, when
    the caller has read it already.
    """
    if timeline is None:
        timeline = Timeline.of(results, period)
    if view is None:
        view = SchemeView.of(scheme)
    if history is None:
        history = timeline.history(indicator.ref)
    rows = history.rows
    k = timeline.at_period
    current = None if k is None else rows[k]
    value = None if current is None else current.value
    interval = interval_for(indicator, plan, value)
    year = indicator.targets_for(period.year)
    target = _target_in(year, period.quarter)
    previous, dot_short, tolerance_short, short = _compare(
        "short",
        rows,
        timeline.previous,
        history,
        indicator,
        value,
        interval,
        "not reported",
        detail,
    )
    new_this_year = indicator.since == period.year
    last_year, dot_long, tolerance_long, long = _compare(
        "long",
        rows,
        timeline.last_year,
        history,
        indicator,
        value,
        interval,
        "new" if new_this_year else "no comparison",
        detail,
    )
    floor = None if target.value is None or year is None else year.floor_for(period.quarter)
    rating = _rag_by(
        value,
        target.value,
        interval[0],
        indicator.polarity,
        dot_long,
        dot_short,
        floor,
        view,
        detail,
    )
    rag, counted, standing = rating.rag, rating.counted, rating.standing
    last_reported = history.last_reported(period) if dot_long == "no comparison" else None
    spc: SpcResult | None = None
    if detail:
        spc = spc_for_indicator(
            indicator, plan, period, results, target.value, rules=view.spc, history=history
        )
        reading: SpcResult | Reading = spc
    else:
        reading = spc_reading(indicator, history, target.value, view.spc)
    band_index = rating.band_index
    trace = (
        build_rating_trace(
            target_source=target.source,
            target_year=timeline.financial_year,
            interval=interval[0],
            interval_source=interval[1],
            counted_value=counted,
            met=None if standing is None else standing.met,
            shortfall=None if standing is None else standing.shortfall,
            band_index=band_index,
            band=None if band_index is None else scheme.bands[band_index],
            dots=[dot for dot in (short, long) if dot is not None],
            floor=floor,
            points=None if standing is None else standing.points,
            floor_met=None if standing is None else standing.floor_met,
            tried=list(rating.tried),
            implicit_met=standing is not None and band_index is None,
        )
        if detail
        else None
    )
    return build_rated_indicator(
        plan=plan.plan,
        ref=indicator.ref,
        title=indicator.title,
        type=indicator.type,
        polarity=indicator.polarity,
        unit=indicator.unit,
        value=value,
        label=None if current is None else current.label,
        target=target.value,
        annual_target=target.annual,
        tolerance=tolerance_long,
        rag=rag,
        published_rag=None if current is None else current.published_rag,
        previous_value=None if previous is None else previous.value,
        dot_short=dot_short,
        last_year_value=None if last_year is None else last_year.value,
        last_year_label=None if last_year is None else last_year.label,
        dot_long=dot_long,
        previous_label=None if previous is None else previous.label,
        counted_value=counted,
        shortfall=None if standing is None else standing.shortfall,
        survey=indicator.survey,
        frequency=indicator.frequency,
        benchmark=indicator.benchmark,
        note=None if current is None else current.note,
        comment=None if current is None else current.comment,
        last_reported_value=None if last_reported is None else last_reported[1].value,
        last_reported_label=None if last_reported is None else last_reported[1].label,
        last_reported_period=None if last_reported is None else str(last_reported[0]),
        comparable=True if current is None else current.comparable,
        variation=reading.variation,
        assurance=reading.assurance,
        spc_centre=reading.centre,
        spc_lower=reading.display_lower,
        spc_upper=reading.display_upper,
        recent=history.recent(SPARKLINE_QUARTERS) if detail else [],
        spc=spc,
        decimals=0 if current is None else current.decimals,
        previous_decimals=0 if previous is None else previous.decimals,
        last_year_decimals=0 if last_year is None else last_year.decimals,
        trace=trace,
        rag_label=view.labels.get(rag, rag),
        tolerance_short=tolerance_short,
        levels=view.levels,
    )


def floor_for(indicator: IndicatorRule, period: Period) -> float | None:
    """The indicator's floor for the quarter: the quarter's own, else the year's (None: none)."""
    year = indicator.targets_for(period.year)
    return None if year is None else year.floor_for(period.quarter)


def dot_tolerance_for(
    indicator: IndicatorRule, interval: tuple[float, str], reference: float | None
) -> tuple[float, str]:
    """The DOT tolerance against one reference (DESIGN section 6): the survey interval for a
    survey indicator, else ``dot_tolerance`` in units, else ``dot_tolerance_percent`` of
    the reference's size, else 0."""
    if indicator.survey is not None:
        return interval
    percent = indicator.dot_tolerance_percent
    if percent is not None:
        size = 0.0 if reference is None else _tidy(abs(reference) * percent / 100.0)
        return size, f"the indicator's dot_tolerance_percent ({format_number(percent)}%)"
    return indicator.dot_tolerance, "the indicator's dot_tolerance"


def is_active(indicator: IndicatorRule, period: Period) -> bool:
    """An indicator counts from its ``since`` year on (always, without one)."""
    return indicator.since is None or indicator.since <= period.year


def plan_group(plan: PlanRule, indicators: Sequence[R], scheme: SchemeRule) -> Group[R]:
    """A plan's Table 1 group: its rated indicators (or what Table 1 counts of them, for a
    part of a project rated in parts) under its scheme's levels."""
    return Group(plan.plan, plan.committee, indicators, tuple(scheme_levels(scheme)))


class Counted(NamedTuple):
    """What Table 1 counts of a rated indicator: all that crosses between the processes of
    a project rated in parts for Table 1."""

    rag: str
    dot_long: str
    value: float | None


def counted_groups(
    plans: Sequence[PlanRule],
    indicators: Sequence[RatedIndicator],
    schemes: Mapping[str, SchemeRule],
) -> list[Group[Counted]]:
    """Each of ``plans``' Table 1 group of what is counted of its rated ``indicators``:
    :func:`summary_rows` makes the same Table 1 from every part's groups as from one
    process's ratings."""
    counted: dict[str, list[Counted]] = {}
    for i in indicators:
        counted.setdefault(i.plan, []).append(Counted(i.rag, i.dot_long, i.value))
    return [plan_group(plan, counted.get(plan.plan, []), schemes[plan.scheme]) for plan in plans]


def rate_period(
    plans: Sequence[PlanRule],
    period: Period,
    results: Results,
    schemes: Mapping[str, SchemeRule],
    *,
    detail: bool = True,
) -> RatedPeriod:
    """Rate every active indicator of ``plans`` for ``period``, with a Table 1 row per plan.

    A total row follows when more than one plan is rated. ``detail`` as for
    :func:`rate_indicator`.
    """
    timeline = Timeline.of(results, period)
    views: dict[str, SchemeView] = {}
    groups: list[Group[RatedIndicator]] = []
    for plan in plans:
        scheme = schemes[plan.scheme]
        view = views.get(plan.scheme)
        if view is None or view.scheme is not scheme:
            view = views[plan.scheme] = SchemeView.of(scheme)
        active = [indicator for indicator in plan.indicators if is_active(indicator, period)]
        histories = timeline.histories([indicator.ref for indicator in active])
        rated = [
            rate_indicator(
                plan,
                indicator,
                period,
                results,
                scheme,
                timeline=timeline,
                view=view,
                detail=detail,
                history=history,
            )
            for indicator, history in zip(active, histories, strict=True)
        ]
        groups.append(plan_group(plan, rated, scheme))
    return RatedPeriod(
        period=str(period),
        indicators=[i for group in groups for i in group.indicators],
        summary=summary_rows(groups, tally),
    )


__all__ = [
    "Rating",
    "Standing",
    "band_conditions",
    "band_matches",
    "dot_tolerance_for",
    "effective_bands",
    "plan_group",
    "floor_for",
    "scheme_levels",
    "standing_for",
    "choose_target",
    "direction",
    "format_number",
    "interval_for",
    "is_active",
    "rag_for",
    "rate_indicator",
    "rate_period",
    "sample_interval",
]
