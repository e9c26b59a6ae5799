"""The drafted sentences of an exception report, as plain text (pure functions).

They follow the wording of the council's own reports (the seed report for Q3 2017/18):
"60% against a target of 68%. This has fallen from the same time last year (67%)." The
templates escape them for Markdown or HTML; nothing here knows either format.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from barnet_rag.outputs.display import format_target, format_value
from barnet_rag.project.models import RatedIndicator, SummaryRow

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")

#: Float noise below this is ignored when comparing results.
_PRECISION = 9

#: A survey's ± interval in points for a result (fixed, or from its sample size).
Interval = Callable[[float], float]


def number_in_words(count: int, *, capitalise: bool = False) -> str:
    """0-10 in words as councils write them ('three'), larger numbers in digits ('11')."""
    text = _WORDS[count] if 0 <= count < len(_WORDS) else f"{count:,}"
    return text[:1].upper() + text[1:] if capitalise else text


def rag_phrase(rag: str) -> str:
    """'GA' -> 'GREEN AMBER', as in "(RAG rated GREEN AMBER)"."""
    return {"G": "GREEN", "GA": "GREEN AMBER", "RA": "RED AMBER", "R": "RED"}.get(rag, rag.upper())


def decimals_of(value: float) -> int:
    """Decimals needed to show ``value`` as written: 60.0 -> 0, 60.5 -> 1."""
    if value == int(value):  # a whole number: the common case, without formatting it
        return 0
    text = f"{value:.6f}".rstrip("0")
    return len(text.split(".")[1])


def against_target(indicator: RatedIndicator) -> str:
    """'60% against a target of 68%.'"""
    value = format_value(indicator.value, indicator.unit, indicator.decimals, "Not reported")
    return f"{value} against a target of {format_target(indicator.target, indicator.unit)}."


def _worse_word(indicator: RatedIndicator) -> str:
    return "fallen" if indicator.polarity == "bigger" else "risen"


def significant(
    indicator: RatedIndicator, reference: float | None, interval: Interval | None = None
) -> bool:
    """True when the result and ``reference`` differ by more than their two intervals,
    ``|v - r| > c_v + c_r``, so that the intervals do not overlap (docs/rules.md).

    Only a survey indicator has intervals: ``interval`` gives its survey's interval for a
    result; without it both are the rated indicator's ``tolerance`` (a fixed interval).
    An indicator without a survey never changes "significantly".
    """
    if indicator.survey is None or indicator.value is None or reference is None:
        return False
    value = indicator.value
    of = interval or (lambda _: indicator.tolerance)
    return round(abs(value - reference), _PRECISION) > round(of(value) + of(reference), _PRECISION)


def _since_last_reported(indicator: RatedIndicator, interval: Interval | None) -> str:
    """For a result with nothing a year ago: the change since the latest earlier result;
    a change within the indicator's tolerance is no change."""
    assert indicator.value is not None and indicator.last_reported_value is not None
    earlier = indicator.last_reported_value
    shown = format_value(earlier, indicator.unit, decimals_of(earlier))
    when = indicator.last_reported_label or indicator.last_reported_period or "an earlier period"
    change = round(indicator.value - earlier, _PRECISION)
    if abs(change) <= round(indicator.tolerance, _PRECISION):
        return f"This is unchanged since it was last reported in {when} ({shown})."
    better = (change > 0) == (indicator.polarity == "bigger")
    word = "improved" if better else _worse_word(indicator)
    significantly = "significantly " if significant(indicator, earlier, interval) else ""
    return f"This has {significantly}{word} since it was last reported in {when} ({shown})."


def long_term_comparison(indicator: RatedIndicator, interval: Interval | None = None) -> str:
    """The long-term Direction of Travel in words, e.g. 'This has fallen from the same time
    last year (67%).'; empty when there is no result to compare. ``interval`` is the
    survey's interval for a result (see :func:`significant`)."""
    dot = indicator.dot_long
    last_year = format_value(
        indicator.last_year_value, indicator.unit, indicator.last_year_decimals, "not reported"
    )
    moved = "significantly " if significant(indicator, indicator.last_year_value, interval) else ""
    if dot == "worsening":
        word = _worse_word(indicator)
        return f"This has {moved}{word} from the same time last year ({last_year})."
    if dot == "improving":
        return f"This has {moved}improved from the same time last year ({last_year})."
    if dot == "same":
        if indicator.value == indicator.last_year_value:
            return f"This is unchanged from the same time last year ({last_year})."
        return f"This is similar to the same time last year ({last_year})."
    if dot == "not comparable":
        return (
            f"This is not comparable with the same time last year ({last_year}) because "
            "the way it is measured has changed."
        )
    if dot == "new":
        return "This indicator is new this year, so there is no result from last year to compare."
    if dot == "no comparison":
        if indicator.value is not None and indicator.last_reported_value is not None:
            return _since_last_reported(indicator, interval)
        return "There is no result from the same time last year to compare with."
    return ""


def exception_sentence(indicator: RatedIndicator, interval: Interval | None = None) -> str:
    """'60% against a target of 68%. This has fallen from the same time last year (67%).'"""
    comparison = long_term_comparison(indicator, interval)
    return f"{against_target(indicator)} {comparison}".rstrip()


def level_name(indicator: RatedIndicator) -> str:
    """The rating's label in the plan's scheme ('Green Amber'), or Monitor / Not reported."""
    return indicator.rag_label or indicator.rag


def bullet_text(indicator: RatedIndicator, interval: Interval | None = None) -> str:
    """The whole narrative bullet as plain text, officer comment last."""
    text = (
        f"{indicator.ref} {indicator.title} (RAG rated {rag_phrase(level_name(indicator))}) – "
        f"{exception_sentence(indicator, interval)}"
    )
    return f"{text} {clean(indicator.comment)}" if indicator.comment else text


def clean(text: str) -> str:
    """Collapse runs of whitespace (line breaks in a CSV cell) into single spaces."""
    return " ".join(text.split())


def missed_intro(committee: str, missed: int, rated: int) -> str:
    """'Three Community Leadership indicators have not met the quarterly target.'"""
    if missed == 0:
        if rated == 0:
            return f"No {committee} indicators were rated against a target this quarter."
        return f"All rated {committee} indicators have met the quarterly target."
    noun, verb = ("indicator", "has") if missed == 1 else ("indicators", "have")
    count = number_in_words(missed, capitalise=True)
    return f"{count} {committee} {noun} {verb} not met the quarterly target."


def summary_sentence(row: SummaryRow, committee: bool = False) -> str:
    """What Table 1 shows, in words: the share that met target and that improved or held;
    with ``committee``, for that row's committee (plans whose levels differ have no total)."""
    if row.rated == 0:
        met = "no indicators were rated against a target this quarter"
    elif row.green is not None:
        met = (
            f"{row.green.percent}% of rated indicators ({row.green.count} of {row.rated}) "
            "have met target this quarter"
        )
    else:  # another council's levels: the best level by its label
        best = row.levels[0]
        met = (
            f"{best.percent}% of rated indicators ({best.count} of {row.rated}) "
            f"are rated {best.label} this quarter"
        )
    if row.with_dot == 0:
        trend = "none can be compared with the same time last year"
    else:
        trend = (
            f"{row.improved_same.percent}% ({row.improved_same.count} of {row.with_dot}) "
            "have improved or stayed the same since the same time last year"
        )
    if committee:
        return f"For {row.committee}, {met}; and {trend}."
    return f"This shows that {met}; and {trend}."


def risk_sentences(
    committee: str, name: str, title: str, total: int, high: int, threshold: int
) -> list[str]:
    """The risk management paragraph: where the risks are held and how many are high level."""
    held = f"{committee} risks are held on the {title}."
    noun, verb = ("risk", "is") if total == 1 else ("risks", "are")
    count = f"There {verb} {number_in_words(total)} {noun} on the {name} risk register."
    score = f"a residual risk score of {threshold} or above"
    if high == 0:
        level = f"None are high level risks with {score}." if total else ""
    elif high == 1:
        level = f"One is a high level risk with {score}:"
    else:
        level = f"{number_in_words(high, capitalise=True)} are high level risks with {score}:"
    return [s for s in (held, count, level) if s]


#: Shown in a Markdown sparkline for a quarter with no result (a space would be trimmed).
TREND_GAP = "·"


def trend_description(
    ref: str,
    values: Sequence[str | None],
    periods: Sequence[str],
    latest: str,
    target: str | None,
) -> str:
    """The words behind a sparkline, for screen readers: 'CG/S4 trend, last 8 quarters:
    67% in Q3 2016/17, 60% in Q3 2017/18 (Red); no result in the other 6; target 68%'.

    ``values`` are the results as written, None for no result, named by ``periods`` (oldest
    first); ``latest`` (the RAG in words) follows the rated quarter's result when it has one;
    ``target`` is as written, None for no numeric target.
    """
    reported = [f"{v} in {p}" for v, p in zip(values, periods, strict=True) if v is not None]
    text = f"{ref} trend, last {len(values)} quarters: "
    if not reported:
        text += "no results"
    else:
        if values[-1] is not None and latest:
            reported[-1] = f"{reported[-1]} ({latest})"
        text += ", ".join(reported)
        missing = len(values) - len(reported)
        if missing:
            text += f"; no result in the other {missing}"
    return f"{text}; target {target}" if target else f"{text}; no numeric target"


def trend_notes(quarters: int) -> tuple[str, str]:
    """How to read the Trend column: (Markdown wording, HTML wording)."""
    start = f"Trend: the results of the last {quarters} quarters, oldest first"
    return (
        f"{start}, from ▁ (the lowest of them) to █ (the highest); {TREND_GAP} is a quarter "
        "with no result.",
        f"{start}. The dashed line is the quarter's target and the latest result is coloured "
        "by its RAG rating; a gap is a quarter with no result.",
    )


def spc_note(min_points: int) -> str:
    """How to read the Variation / assurance column, in the words of docs/spc.md."""
    return (
        "Variation / assurance: a statistical process control reading (an XmR chart, as in "
        "the NHS's Making Data Count) of the indicator's comparable results, with process "
        f"limits calculated from at least {min_points} of them (docs/spc.md explains the "
        "rules). Variation: common cause is the ordinary ups and downs; special cause "
        "improving or special cause concerning means the latest result is part of a pattern "
        "unlikely to be chance, in the good or the bad direction; insufficient data means "
        f"fewer than {min_points} comparable results. Assurance compares the target with the "
        "limits: the process consistently meets it, consistently fails it, or is hit and miss "
        "(the target lies between the limits)."
    )
