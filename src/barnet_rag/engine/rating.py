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

from barnet_rag.engine.history import History, Timeline
from barnet_rag.engine.inputs import (
    BandRule,
    IndicatorRule,
    PlanRule,
    Result,
    Results,
    SchemeRule,
)
from barnet_rag.engine.rated import DotTrace, RatedIndicator, RatedPeriod, RatingTrace
from barnet_rag.engine.spc import spc_for_indicator
from barnet_rag.engine.summary import summary_rows, tally
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


def band_matches(band: BandRule, shortfall: float, dot_long: Dot) -> bool:
    """True when the shortfall and the long-term DOT meet every condition of the band."""
    if band.up_to is not None and not shortfall <= band.up_to:
        return False
    return band.long_term is None or dot_long in band.long_term


@dataclass(frozen=True)
class TargetChoice:
    """The target that applies to one quarter, and where it came from."""

    value: float | None
    source: TargetSource
    annual: str | None


def format_number(value: float) -> str:
    """A target or value as written: 68.0 -> '68', 69.5 -> '69.5'."""
    return f"{value:g}" if abs(value) < 1e15 else f"{value:.0f}"


def choose_target(indicator: IndicatorRule, period: Period) -> TargetChoice:
    """The quarter's target if set, else a numeric annual target, else Monitor (section 2)."""
    year = indicator.targets_for(period.year)
    if year is None:
        return TargetChoice(None, "no targets", None)
    annual = year.annual
    annual_text = format_number(annual) if isinstance(annual, float) else annual
    quarter = year.for_quarter(period.quarter)
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


def rag_for(
    value: float | None,
    target: float | None,
    interval: float,
    polarity: str,
    dot_long: Dot,
    scheme: SchemeRule,
) -> tuple[Rag, float | None, float | None, int | None]:
    """RAG, counted value, shortfall and matching band index for one result (sections 4-5)."""
    if value is None:
        return "Not reported", None, None, None
    if target is None:
        return "Monitor", None, None, None
    allowance = interval if scheme.survey_tolerance else 0.0
    bigger = polarity == "bigger"
    counted = _tidy(value + allowance if bigger else value - allowance)
    if (counted >= target) if bigger else (counted <= target):
        return "G", counted, 0.0, None
    shortfall = _tidy(abs(target - counted) / abs(target)) if target != 0 else float("inf")
    for index, band in enumerate(scheme.bands):
        if band_matches(band, shortfall, dot_long):
            return band.rag, counted, shortfall, index
    raise AssertionError("a scheme's last band matches everything")  # pragma: no cover


def _value(result: Result | None) -> float | None:
    return None if result is None else result.value


def _compare(
    term: str,
    history: History,
    indicator: IndicatorRule,
    period: Period,
    reference_period: Period,
    value: float | None,
    tolerance: tuple[float, str],
    missing: Dot,
) -> tuple[Result | None, DotTrace]:
    reference = history.at(reference_period)
    broken_at = history.break_between(reference_period, period)
    ref_value = _value(reference)
    outcome = direction(
        value,
        ref_value,
        tolerance[0],
        indicator.polarity,
        broken=broken_at is not None,
        missing=missing,
    )
    trace = DotTrace(
        term="short" if term == "short" else "long",
        reference_period=str(reference_period),
        reference_value=ref_value,
        reference_label=None if reference is None else reference.label,
        tolerance=tolerance[0],
        tolerance_source=tolerance[1],
        change=None if value is None or ref_value is None else _tidy(value - ref_value),
        break_period=None if broken_at is None else str(broken_at),
        outcome=outcome,
    )
    return reference, trace


def rate_indicator(
    plan: PlanRule,
    indicator: IndicatorRule,
    period: Period,
    results: Results,
    scheme: SchemeRule,
    *,
    timeline: Timeline | None = None,
) -> RatedIndicator:
    """Rate one indicator for one period: target, RAG, both DOTs and the trace behind them.

    ``timeline`` is the quarters up to ``period``, when the caller has read them already.
    """
    history = (timeline or Timeline.of(results, period)).history(indicator.ref)
    current = history.at(period)
    value = _value(current)
    interval = interval_for(indicator, plan, value)
    dot_tolerance = (
        interval
        if indicator.survey is not None
        else (indicator.dot_tolerance, "the indicator's dot_tolerance")
    )
    target = choose_target(indicator, period)
    previous, short = _compare(
        "short",
        history,
        indicator,
        period,
        period.previous(),
        value,
        dot_tolerance,
        "not reported",
    )
    new_this_year = indicator.since == period.year
    last_year, long = _compare(
        "long",
        history,
        indicator,
        period,
        period.last_year(),
        value,
        dot_tolerance,
        "new" if new_this_year else "no comparison",
    )
    rag, counted, shortfall, band_index = rag_for(
        value, target.value, interval[0], indicator.polarity, long.outcome, scheme
    )
    last_reported = history.last_reported(period) if long.outcome == "no comparison" else None
    spc = spc_for_indicator(
        indicator, plan, period, results, target.value, rules=scheme.spc, history=history
    )
    trace = RatingTrace(
        target_source=target.source,
        target_year=period.financial_year,
        interval=interval[0],
        interval_source=interval[1],
        counted_value=counted,
        met=None if counted is None else rag == "G",
        shortfall=shortfall,
        band_index=band_index,
        band=None if band_index is None else scheme.bands[band_index],
        dots=[short, long],
    )
    return RatedIndicator(
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
        tolerance=dot_tolerance[0],
        rag=rag,
        published_rag=None if current is None else current.published_rag,
        previous_value=_value(previous),
        dot_short=short.outcome,
        last_year_value=_value(last_year),
        last_year_label=None if last_year is None else last_year.label,
        dot_long=long.outcome,
        previous_label=None if previous is None else previous.label,
        counted_value=counted,
        shortfall=shortfall,
        survey=indicator.survey,
        frequency=indicator.frequency,
        benchmark=indicator.benchmark,
        note=None if current is None else current.note,
        comment=None if current is None else current.comment,
        last_reported_value=None if last_reported is None else last_reported[1].value,
        last_reported_label=None if last_reported is None else last_reported[1].label,
        last_reported_period=None if last_reported is None else str(last_reported[0]),
        comparable=True if current is None else current.comparable,
        variation=spc.variation,
        assurance=spc.assurance,
        spc_centre=spc.centre,
        spc_lower=spc.display_lower,
        spc_upper=spc.display_upper,
        recent=history.recent(SPARKLINE_QUARTERS),
        spc=spc,
        decimals=0 if current is None else current.decimals,
        previous_decimals=0 if previous is None else previous.decimals,
        last_year_decimals=0 if last_year is None else last_year.decimals,
        trace=trace,
    )


def is_active(indicator: IndicatorRule, period: Period) -> bool:
    """An indicator counts from its ``since`` year on (always, without one)."""
    return indicator.since is None or indicator.since <= period.year


def rate_period(
    plans: Sequence[PlanRule],
    period: Period,
    results: Results,
    schemes: Mapping[str, SchemeRule],
) -> RatedPeriod:
    """Rate every active indicator of ``plans`` for ``period``, with a Table 1 row per plan.

    A total row follows when more than one plan is rated.
    """
    timeline = Timeline.of(results, period)
    groups: list[tuple[str, str, list[RatedIndicator]]] = []
    for plan in plans:
        scheme = schemes[plan.scheme]
        rated = [
            rate_indicator(plan, indicator, period, results, scheme, timeline=timeline)
            for indicator in plan.indicators
            if is_active(indicator, period)
        ]
        groups.append((plan.plan, plan.committee, rated))
    return RatedPeriod(
        period=str(period),
        indicators=[i for _, _, rated in groups for i in rated],
        summary=summary_rows(groups, tally),
    )


__all__ = [
    "band_matches",
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
