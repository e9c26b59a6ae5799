"""``explain``: how one rating came about, step by step, in plain English.

Everything here is read from the engine's own record of its decisions (the
:class:`~barnet_rag.project.models.RatingTrace` on a rated indicator); no rule is decided twice.
This is the audit trail an officer shows when a councillor asks "why amber?".
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from barnet_rag.engine.rating import format_number, is_active, rate_indicator
from barnet_rag.engine.spc import describe
from barnet_rag.errors import UserError
from barnet_rag.outputs.display import POLARITY_WORDS, dot_words, format_value, rag_words
from barnet_rag.periods import Period, financial_year_label
from barnet_rag.project.loading import Project, load_project
from barnet_rag.project.models import (
    Band,
    DotTrace,
    Plan,
    RatedIndicator,
    RatingTrace,
    Scheme,
    SpcResult,
)
from barnet_rag.terms import Dot

#: How the long-term DOT reads in a one-line reason.
_LAST_YEAR = {
    "improving": "better than last year",
    "same": "about the same as last year",
    "worsening": "worse than last year",
    "new": "new this year",
    "no comparison": "with no result last year to compare",
    "not comparable": "not comparable with last year",
    "not reported": "not reported",
}


@dataclass(frozen=True)
class Explanation:
    """One indicator's rating for one period and the steps that led to it."""

    period: Period
    plan: str
    scheme: str
    rated: RatedIndicator
    source: str | None
    line: int | None
    steps: list[str]

    @property
    def headline(self) -> str:
        """``CG/S4 in Q3 2017/18: Red (R)``."""
        rag = self.rated.rag
        words = rag_words(rag, self.rated.levels) + (f" ({rag})" if self.rated.is_rated else "")
        return f"{self.rated.ref} in {self.period}: {words}"

    def text(self) -> str:
        """The explanation as numbered plain-English steps."""
        polarity = POLARITY_WORDS[self.rated.polarity].lower()
        lines = [
            self.headline,
            self.rated.title,
            f"Plan {self.plan}, rating scheme {self.scheme}; {polarity}.",
            "",
        ]
        for number, step in enumerate(self.steps, start=1):
            first, *rest = step.split("\n")
            lines.append(f"{number}. {first}")
            lines.extend(f"   {line}" for line in rest)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The explanation as data: the rating, the engine's trace and the steps in words."""
        trace = self.rated.trace
        return {
            "period": str(self.period),
            "plan": self.plan,
            "scheme": self.scheme,
            "source": self.source,
            "line": self.line,
            "indicator": self.rated.model_dump(mode="json"),
            "trace": None if trace is None else trace.model_dump(mode="json"),
            "steps": self.steps,
        }


def explain(root: Path, period: Period, ref: str) -> Explanation:
    """Load the project at ``root`` and explain ``ref``'s rating for ``period``."""
    return explain_rating(load_project(root), period, ref)


def explain_rating(project: Project, period: Period, ref: str) -> Explanation:
    """Rate one indicator with the engine and turn its trace into steps.

    An unknown ref, or one not active in ``period``, is a :class:`UserError` (exit 2).
    """
    plan, index = _find(project.plans, ref)
    indicator = plan.indicators[index]
    if not is_active(indicator, period):
        raise UserError(
            f"{indicator.ref} starts in {financial_year_label(indicator.since or 0)} "
            f"(its since), so it is not rated in {period}"
        )
    quarter = project.results.require(period)
    scheme = project.schemes[plan.scheme]
    rated = rate_indicator(plan, indicator, period, project.results, scheme)
    row = quarter.results.get(indicator.ref)
    return Explanation(
        period=period,
        plan=plan.plan,
        scheme=scheme.name,
        rated=rated,
        source=quarter.source,
        line=None if row is None else row.line,
        steps=steps(rated, period, scheme, quarter.source, None if row is None else row.line),
    )


def _find(plans: list[Plan], ref: str) -> tuple[Plan, int]:
    refs = {i.ref: (plan, n) for plan in plans for n, i in enumerate(plan.indicators)}
    if ref in refs:
        return refs[ref]
    by_case = {r.casefold(): r for r in refs}
    close = [by_case[ref.casefold()]] if ref.casefold() in by_case else []
    close = close or difflib.get_close_matches(ref, list(refs), n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    raise UserError(f"no indicator {ref!r} in any plan; {hint}refs: {', '.join(refs)}")


def _amount(value: float, unit: str) -> str:
    """A value as a number with its unit: 64.4 -> '64.4%'."""
    return format_number(value) + ("%" if unit == "percent" else "")


def _points(value: float, unit: str) -> str:
    """A difference: 'points' for percent units ('7 points'), a bare number otherwise."""
    text = format_number(value)
    if unit != "percent":
        return text
    return f"{text} point" + ("" if abs(value) == 1 else "s")


def _share(fraction: float) -> str:
    """A shortfall or band bound as a percent of the target: 0.052941 -> '5.3%'."""
    if fraction == float("inf"):
        return "infinite"
    return f"{fraction * 100:.1f}%" if round(fraction * 100, 1) % 1 else f"{fraction * 100:.0f}%"


def _trace(rated: RatedIndicator) -> RatingTrace:
    if rated.trace is None:  # pragma: no cover - the engine always records one
        raise ValueError(f"{rated.ref} was rated without a trace")
    return rated.trace


def _counted(rated: RatedIndicator, trace: RatingTrace) -> str:
    """'64.4 counted (60 + 4.4 survey interval)', or just '60' with no allowance."""
    assert rated.value is not None and trace.counted_value is not None
    value = format_number(rated.value)
    if trace.counted_value == rated.value:
        return value
    sign = "+" if rated.polarity == "bigger" else "-"
    interval = format_number(trace.interval)
    return (
        f"{format_number(trace.counted_value)} counted ({value} {sign} {interval} survey interval)"
    )


def reason(rated: RatedIndicator) -> str:
    """The rating's reason in one line, e.g. for ``check``: '64.4 counted (60 + 4.4 survey
    interval) is 5.3% short of 68 and worse than last year'."""
    trace = _trace(rated)
    if rated.value is None:
        return "no value is reported"
    if rated.target is None:
        return f"there is no numeric target for {rated.ref} in this quarter, so it is Monitor"
    counted = _counted(rated, trace)
    target = format_number(rated.target)
    if trace.met:
        return f"{counted} meets the target of {target}"
    shortfall = _share(trace.shortfall if trace.shortfall is not None else 0.0)
    floor = ""
    if trace.floor is not None:
        side = "meets" if trace.floor_met else "misses"
        floor = f", {side} the floor of {format_number(trace.floor)},"
    return f"{counted} is {shortfall} short of {target}{floor} and {_LAST_YEAR[rated.dot_long]}"


def steps(
    rated: RatedIndicator, period: Period, scheme: Scheme, source: str, line: int | None
) -> list[str]:
    """Each decision of the engine's trace as one plain-English step, in the order made."""
    trace = _trace(rated)
    unit = rated.unit
    short, long = _dot(trace, "short"), _dot(trace, "long")
    found: list[str] = [
        _result_step(rated, period, source, line),
        _target_step(rated, trace, period),
    ]
    if rated.value is not None and rated.survey is not None:
        found.append(_interval_step(rated, trace, scheme))
    if rated.value is None:
        found.append("Not reported: not rated, and not counted in the summary.")
    elif rated.target is None:
        found.append("Monitor: not rated; counted under 'Monitored only' in the summary.")
    elif trace.met:
        assert trace.counted_value is not None
        than = "at or above" if rated.polarity == "bigger" else "at or below"
        so = f", so it is {rag_words(rated.rag, rated.levels)} ({rated.rag})"
        found.append(
            f"Target met: {_amount(trace.counted_value, unit)} is {than} "
            f"{_amount(rated.target, unit)}" + (so if trace.implicit_met else "") + "."
        )
    else:
        assert trace.counted_value is not None and trace.shortfall is not None
        gap = abs(rated.target - trace.counted_value)
        share = _share(trace.shortfall)
        found.append(
            f"Target missed: {_amount(trace.counted_value, unit)} is {_points(gap, unit)} short "
            f"of {_amount(rated.target, unit)}, a shortfall of {share} of the target"
            + (
                " (a missed target of zero counts as infinitely short)."
                if rated.target == 0
                else "."
            )
        )
    if trace.floor is not None and trace.floor_met is not None:
        found.append(_floor_step(rated, trace))
    found.append(_dot_step(rated, long, rated.last_year_decimals, trace.target_year))
    short_step = _dot_step(rated, short, rated.previous_decimals, trace.target_year)
    short_first = any(band.short_term is not None for band in scheme.bands)
    if short_first:  # the bands read the short-term DOT: say what it is before them
        found.append(short_step)
    if trace.band_index is not None:
        found.append(_band_step(rated, trace, scheme))
    if not short_first:
        found.append(short_step)
    if rated.published_rag is not None:
        agrees = "agrees with" if rated.published_rag == rated.rag else "DIFFERS from"
        found.append(f"Published as {rated.published_rag}: {agrees} the computed {rated.rag}.")
    if rated.spc is not None:
        found.append(spc_step(rated.spc, rated.unit))
    return found


def limit_places(target: float | None, limits: Sequence[float], least: int = 2) -> int:
    """Decimals for limits that show the target's place against each of them truly.

    ``least`` places unless the target and a limit then read the wrong way round (a
    target of 2.212 beside a limit of 2.2124 shown as 2.21), up to six (the precision the
    rules compare at), where a target exactly on a limit reads as on it.
    """
    if target is None:
        return least
    for places in range(least, 6):
        if all(
            (target > limit) == (target > round(limit, places))
            and (target < limit) == (target < round(limit, places))
            for limit in limits
        ):
            return places
    return 6


def spc_step(spc: SpcResult, unit: str) -> str:
    """The SPC reading in words: the series, the limits, each rule that fired, assurance."""
    count = len(spc.points)
    since = ""
    if spc.baseline_from:
        since = (
            f" since the process was rebased in {spc.baseline_from}"
            if spc.rebased
            else f" since the method changed in {spc.baseline_from}"
        )
    if spc.centre is None or spc.lower is None or spc.upper is None:
        return (
            f"Statistical process control: insufficient data: {count} comparable "
            f"result{'' if count == 1 else 's'}{since}; XmR limits need "
            f"{spc.rules.min_points}."
        )
    labels = [label for label, _ in spc.points]
    places = limit_places(spc.target if spc.assurance else None, (spc.lower, spc.upper))

    def limit(value: float) -> str:
        text = f"{value:.{places}f}".rstrip("0").rstrip(".")
        return ("0" if text == "-0" else text) + ("%" if unit == "percent" else "")

    fixed = spc.rules.baseline
    on = (
        f", fixed on the first {fixed}, {labels[0]} to {labels[fixed - 1]}"
        if fixed is not None and fixed < count
        else ""
    )
    lines = [
        f"Statistical process control (XmR) over {count} comparable results, {labels[0]} to "
        f"{labels[-1]}{since}: centre {limit(spc.centre)}, process limits "
        f"{limit(spc.lower)} to {limit(spc.upper)}{on}.",
    ]
    latest = count - 1
    for cause in spc.special:
        mark = " (includes the latest point)" if latest in cause.points else ""
        lines.append(f"- {describe(cause, labels)}{mark}")
    if not spc.special:
        lines.append("- no special-cause pattern: every point is common cause variation.")
    lines.append(f"Variation: {spc.variation}.")
    if spc.assurance is not None and spc.target is not None:
        lines.append(
            f"Assurance: {spc.assurance} (target {_amount(spc.target, unit)} against the "
            f"limits {limit(spc.lower)} to {limit(spc.upper)})."
        )
    return "\n".join(lines)


def _dot(trace: RatingTrace, term: str) -> DotTrace:
    return next(d for d in trace.dots if d.term == term)


def _result_step(rated: RatedIndicator, period: Period, source: str, line: int | None) -> str:
    where = f"{source} line {line}" if line is not None else source
    if rated.value is None:
        if line is None:
            return f"Result: none. {source} has no row for {rated.ref}, so it is Not reported."
        return f"Result: blank in {where}, so it is Not reported."
    shown = format_value(rated.value, rated.unit, rated.decimals)
    label = f" ({rated.label})" if rated.label else ""
    return f"Result for {period}: {shown}{label}, from {where}."


def _target_step(rated: RatedIndicator, trace: RatingTrace, period: Period) -> str:
    year, quarter = trace.target_year, period.quarter_label
    annual = rated.annual_target
    annual_text = (
        f" (annual target: {_annual(annual, rated.unit)})" if annual not in (None, "") else ""
    )
    source = trace.target_source
    if source == "quarter":
        assert rated.target is not None
        target = _amount(rated.target, rated.unit)
        return f"Target: {target}, the {quarter} target set for {year}{annual_text}."
    if source == "annual":
        assert rated.target is not None
        return (
            f"Target: {_amount(rated.target, rated.unit)}, the annual target for {year}, "
            f"as no {quarter} target is set."
        )
    if source == "text annual":
        return (
            f"Target: none to rate against. The annual target for {year} is {annual!r}, "
            f"which is shown as written and never rated, and no {quarter} target is set: Monitor."
        )
    if source == "monitor":
        return (
            f"Target: 'monitor' for {quarter} {year}{annual_text}: Monitor, shown for information."
        )
    return f"Target: none; the plan sets no targets for {year}: Monitor."


def _annual(annual: str | None, unit: str) -> str:
    try:
        return _amount(float(annual or ""), unit)
    except ValueError:
        return str(annual)


def _interval_step(rated: RatedIndicator, trace: RatingTrace, scheme: Scheme) -> str:
    assert rated.value is not None
    interval = f"±{_points(trace.interval, rated.unit)}"
    if not scheme.survey_tolerance:
        return (
            f"Survey interval: {interval} ({trace.interval_source}), but scheme {scheme.name} "
            "gives no survey tolerance, so the result itself is counted."
        )
    if trace.counted_value is None:
        return f"Survey interval: {interval} ({trace.interval_source})."
    sign = "+" if rated.polarity == "bigger" else "-"
    way = POLARITY_WORDS[rated.polarity].lower()
    return (
        f"Survey interval: {interval} ({trace.interval_source}). As {way}, the result "
        f"gets the benefit of the doubt: {_amount(rated.value, rated.unit)} {sign} "
        f"{_points(trace.interval, rated.unit)} = {_amount(trace.counted_value, rated.unit)} "
        "is counted."
    )


def _dot_step(rated: RatedIndicator, dot: DotTrace, decimals: int, year: str) -> str:
    name, which = (
        ("Long-term", "the same quarter last year")
        if dot.term == "long"
        else ("Short-term", "the previous quarter")
    )
    head = f"{name} direction of travel, against {which}, {dot.reference_period}"
    outcome = dot_words(dot.outcome)
    if rated.value is None:
        return f"{head}: no result this quarter, so {outcome}."
    if dot.reference_value is None:
        text = f"{head}: no result for {dot.reference_period}"
        if dot.outcome == "new":
            return f"{text}; the indicator is new for {year} (its since): {outcome}."
        text += f" to compare with: {outcome}."
        if dot.term == "long" and rated.last_reported_value is not None:
            shown = format_value(rated.last_reported_value, rated.unit)
            label = f" ({rated.last_reported_label})" if rated.last_reported_label else ""
            text += (
                f" The latest earlier result, {shown}{label} in {rated.last_reported_period}, "
                "is shown for information only."
            )
        return text
    reference = format_value(dot.reference_value, rated.unit, decimals)
    label = f" ({dot.reference_label})" if dot.reference_label else ""
    text = f"{head}: {reference}{label}."
    if dot.break_period is not None:
        return (
            f"{text} Break in comparability: the result for {dot.break_period} is marked "
            f"comparable: no (the method changed), so there is no direction of travel "
            f"across it: {outcome}."
        )
    assert dot.change is not None
    change = ("+" if dot.change > 0 else "") + _points(dot.change, rated.unit)
    tolerance = f"±{_points(dot.tolerance, rated.unit)} ({dot.tolerance_source})"
    if dot.outcome == "same":
        return f"{text} The change of {change} is within the tolerance of {tolerance}: {outcome}."
    way = "the right way" if dot.outcome == "improving" else "the wrong way"
    polarity = POLARITY_WORDS[rated.polarity].lower()
    return (
        f"{text} The change of {change} is more than the tolerance of {tolerance} and goes "
        f"{way} for {polarity}: {outcome}."
    )


def _floor_step(rated: RatedIndicator, trace: RatingTrace) -> str:
    assert trace.floor is not None and trace.counted_value is not None
    than = "at or above" if rated.polarity == "bigger" else "at or below"
    counted = _amount(trace.counted_value, rated.unit)
    floor = _amount(trace.floor, rated.unit)
    if trace.floor_met:
        return f"Floor met: {counted} is {than} the floor of {floor}."
    return f"Floor missed: {counted} is not {than} the floor of {floor}."


def _band_step(rated: RatedIndicator, trace: RatingTrace, scheme: Scheme) -> str:
    """Each band tried, in order, with the conditions that failed, up to the one that matched
    (the implicit met band of a scheme without one is the step before)."""
    lines = [f"Scheme {scheme.name}: bands are tried in order and the first that matches wins."]
    for trial in trace.tried:
        if trial.index is None:
            continue
        band = scheme.bands[trial.index]
        verdict = "matches" if trial.matched else _why_not(band, trial.conditions, rated, trace)
        lines.append(
            f"- band {trial.index + 1}, {band.rag} {_conditions(band, rated.unit)}: {verdict}."
        )
    lines.append(f"So it is {rag_words(rated.rag, rated.levels)} ({rated.rag}).")
    return "\n".join(lines)


def _dots(dots: list[Dot]) -> str:
    return " or ".join(dots)


def _conditions(band: Band, unit: str) -> str:
    parts = []
    if band.met is not None:
        parts.append("the target is met" if band.met else "the target is missed")
    if band.up_to is not None:
        parts.append(f"the shortfall is up to {_share(band.up_to)}")
    if band.up_to_points is not None:
        parts.append(f"the shortfall is up to {_points(band.up_to_points, unit)}")
    if band.floor is not None:
        parts.append(f"the floor is {band.floor}")
    if band.long_term is not None:
        parts.append(f"the long-term DOT is {_dots(band.long_term)}")
    if band.short_term is not None:
        parts.append(f"the short-term DOT is {_dots(band.short_term)}")
    return "if " + " and ".join(parts) if parts else "with no conditions"


def _why_not(
    band: Band, conditions: list[tuple[str, bool]], rated: RatedIndicator, trace: RatingTrace
) -> str:
    """Which of a band's conditions failed, as the engine recorded them."""
    failed = {key for key, held in conditions if not held}
    unit = rated.unit
    reasons = []
    if "met" in failed:
        reasons.append("the target is missed" if band.met else "the target is met")
    if "up_to" in failed and band.up_to is not None and trace.shortfall is not None:
        reasons.append(f"{_share(trace.shortfall)} is more than {_share(band.up_to)}")
    if "up_to_points" in failed and band.up_to_points is not None and trace.points is not None:
        reasons.append(
            f"{_points(trace.points, unit)} is more than {_points(band.up_to_points, unit)}"
        )
    if "floor" in failed:
        if trace.floor_met is None:
            reasons.append("there is no floor for this quarter")
        else:
            reasons.append("the floor is met" if trace.floor_met else "the floor is missed")
    if "long_term" in failed:
        reasons.append(f"it is {rated.dot_long}")
    if "short_term" in failed:
        reasons.append(f"it is {rated.dot_short} short term")
    return "no, " + " and ".join(reasons)
