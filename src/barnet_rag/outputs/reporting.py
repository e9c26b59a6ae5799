"""The exception report as data: a rated period, plans and risk registers in, a typed
:class:`ReportContext` out (docs/rules.md).

Pure: no files, no clock. Every figure and sentence a template prints is decided here (or
in :mod:`barnet_rag.outputs.narrative`), so the Markdown and HTML reports cannot disagree and a
council restyling the templates cannot get a number wrong.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import NamedTuple, overload

from pydantic import BaseModel, ConfigDict, Field, SkipValidation

from barnet_rag.engine.history import Timeline
from barnet_rag.engine.inputs import Results
from barnet_rag.engine.rating import SPARKLINE_QUARTERS
from barnet_rag.engine.spc import Variation
from barnet_rag.outputs import markdown_text, narrative
from barnet_rag.outputs.display import (
    POLARITY_WORDS,
    format_annual,
    format_value,
    is_barnet_level,
    spc_words,
    summary_levels,
)
from barnet_rag.outputs.reporting_spc import (
    SPC_HEADER,
    TREND_HEADER,
    KeyNote,
    TrendSvg,
    header_notes_for,
    key_notes,
    target_text,
    trend_parts,
)
from barnet_rag.periods import Period
from barnet_rag.project.actions import FLAGGED, ActionsFile
from barnet_rag.project.models import (
    Plan,
    RatedIndicator,
    RatedPeriod,
    Scheme,
    SpcRules,
    SummaryRow,
    Survey,
)
from barnet_rag.project.risks import DEFAULT_THRESHOLD, RiskRegister
from barnet_rag.terms import DOT_ARROWS, Dot, Rag

_SEASONS = ("Spring", "Summer", "Autumn", "Winter")
MONITOR_NOTE = "The Monitor indicators have been included for information."


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DotCell(_Model):
    """A Direction of Travel cell: an arrow (decorative) and the words that carry it."""

    dot: Dot | None
    arrow: str
    text: str


class IndicatorRow(_Model):
    """One row of an indicator table, every cell already written out."""

    # ``trend_points`` holds the rated indicator, for the words written only when asked for.
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    ref: str
    ref_detail: str | None
    title: str
    title_notes: list[int]
    polarity: str
    annual_target: str
    target: str
    result: str
    rag: Rag
    rag_letter: str | None
    rag_words: str
    rag_style: str | None = None
    result_notes: list[int]
    previous: str
    dot_short: DotCell
    last_year: str
    dot_long: DotCell
    benchmark: str
    trend: str
    variation: Variation | None
    assurance: str | None
    spc: str
    #: What ``trend_svg`` is drawn from.
    trend_points: SkipValidation[TrendSvg] = Field(exclude=True, repr=False)

    @property
    def trend_svg(self) -> str:
        """The inline SVG sparkline, drawn when a template prints it: only the HTML report
        does, and drawing 75,000 of them for a national Markdown report costs seconds."""
        return self.trend_points.svg()

    @property
    def trend_text(self) -> str:
        """The sparkline's words (the SVG's title), written when a template prints them."""
        return self.trend_points.title


class Footnote(_Model):
    """A numbered note under a plan's tables; ``anchor`` is unique in the document."""

    number: int
    anchor: str
    text: str


class IndicatorTable(_Model):
    """Corporate Plan or Commissioning Plan indicators: the seed's columns, then Trend and
    Variation / assurance; ``header_notes`` holds each header's key note, if any."""

    caption: str
    caption_notes: list[int]
    headers: list[str]
    header_notes: list[KeyNote | None]
    rows: list[IndicatorRow]


class NarrativeBullet(_Model):
    """One exception: ref, title and RAG in bold lead-in, then the drafted sentence."""

    ref: str
    title: str
    rag_phrase: str
    sentence: str
    comment: str | None


class SummaryLine(_Model):
    """One Table 1 row: committee and the cells '50% (3)' in header order."""

    committee: str
    cells: list[str]
    total: bool


class SummaryTable(_Model):
    """The committee's Table 1."""

    caption: str
    headers: list[str]
    rows: list[SummaryLine]
    sentence: str


class RiskRow(_Model):
    """A high level risk as the report lists it."""

    id: str
    title: str
    owner: str
    likelihood: int
    impact: int
    score: int
    mitigations: list[str]


class RiskSection(_Model):
    """The plan's risk management paragraph and its high level risks."""

    register_name: str | None
    sentences: list[str]
    caption: str
    risks: list[RiskRow]


class ActionRow(_Model):
    """An action or milestone at risk or off track, as the report lists it."""

    title: str
    action: str | None
    owner: str
    due: str
    status: str
    comment: str


class ActionSection(_Model):
    """The plan's actions (``actions/<plan>.yaml``): counts by status, then the at-risk
    and off-track actions and milestones with their comments."""

    heading: str
    summary: str
    sentences: list[str]
    caption: str
    rows: list[ActionRow]


class PlanSection(_Model):
    """Everything the report says about one plan (one committee)."""

    plan: str
    committee: str
    title: str
    progress: markdown_text.Progress | None
    intro: str
    bullets: list[NarrativeBullet]
    tables: list[IndicatorTable]
    footnotes: list[Footnote]
    key_notes: list[KeyNote]
    risks: RiskSection
    actions: ActionSection | None = None


#: An indicator's results in the quarters of its sparkline, by ref (``RatedIndicator.recent``).
Recent = Callable[[str], Sequence[float | None]]


class Undetailed(NamedTuple):
    """What the report reads of the ratings' detail, for indicators rated without it
    (``detail=False``): each ref's sparkline results, and each plan's scheme's SPC rules
    (None: the defaults), by plan slug. The trace and SPC points are never needed."""

    recent: Recent
    spc_rules: Mapping[str, SpcRules | None]

    @classmethod
    def of(
        cls, results: Results, schemes: Mapping[str, Scheme], plans: Sequence[Plan], period: Period
    ) -> Undetailed:
        """What ``plans`` rated for ``period`` without detail leave out: the sparkline
        results from the same histories as the engine's (``History.recent``)."""
        timeline = Timeline.of(results, period)
        return cls(
            recent=lambda ref: timeline.history(ref).recent(SPARKLINE_QUARTERS),
            spc_rules={plan.plan: schemes[plan.scheme].spc for plan in plans},
        )


class SectionFailed(Exception):
    """Building a plan section raised ``error``: carried out of the template that asked for
    the section, so that it is not taken for an error of the template's own expressions."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class PlanSections(Sequence[PlanSection]):
    """The report's plan sections, each built when it is asked for and not kept.

    A template reaches the sections one at a time, so only the one being written is in
    memory: a national report's sections (75,000 table rows) would otherwise all be held
    at once. Asked for again, a section is built again, the same.
    """

    def __init__(self, count: int, build: Callable[[int], PlanSection]) -> None:
        self._count = count
        self._build = build

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> PlanSection: ...

    @overload
    def __getitem__(self, index: slice) -> list[PlanSection]: ...

    def __getitem__(self, index: int | slice) -> PlanSection | list[PlanSection]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if not -self._count <= index < self._count:
            raise IndexError("plan section index out of range")
        try:
            return self._build(index % self._count)
        except Exception as error:
            raise SectionFailed(error) from error

    def __iter__(self) -> Iterator[PlanSection]:
        for index in range(self._count):
            yield self[index]


class ReportContext(_Model):
    """The whole exception report, ready for a template."""

    heading: str
    title: str
    period: str
    period_long: str
    all_indicators: bool
    risk_threshold: int
    summary: SummaryTable
    plans: SkipValidation[Sequence[PlanSection]]


def column_headers(period: Period) -> list[str]:
    """The indicator table headers, naming the real periods as the seed does."""
    year = period.financial_year
    previous = period.previous()
    last_year = period.last_year()
    return [
        "Ref",
        "Indicator",
        "Polarity",
        f"{year} Annual Target",
        f"{year} {period.quarter_label} Target",
        f"{year} {period.quarter_label} Result",
        f"{previous.financial_year} {previous.quarter_label} Result",
        f"DOT Short Term (From {previous})",
        f"{last_year.financial_year} {last_year.quarter_label} Result",
        f"DOT Long Term (From {last_year})",
        TREND_HEADER,
        SPC_HEADER,
        "Benchmarking",
    ]


def survey_season(label: str | None) -> str | None:
    """'Autumn 2017' -> 'Autumn'; None when the label names no season."""
    first = (label or "").split(" ")[0].capitalize()
    return first if first in _SEASONS else None


def _with_label(text: str, label: str | None) -> str:
    return f"{text} ({label})" if label else text


class _Notes:
    """Numbers footnotes in order of first use, one number per distinct text."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.texts: list[str] = []

    def number(self, text: str) -> int:
        if text not in self.texts:
            self.texts.append(text)
        return self.texts.index(text) + 1

    def footnotes(self) -> list[Footnote]:
        return [
            Footnote(number=n, anchor=f"{self.prefix}-note-{n}", text=t)
            for n, t in enumerate(self.texts, start=1)
        ]


def tolerance_note(tolerance: float | Sequence[float], survey: str | None = None) -> str:
    """The seed's survey tolerance footnote, citing the interval (or, for a survey given by
    sample size, the range of the intervals of the results shown: ``4.1 to 4.3``)."""
    widths = sorted({tolerance} if isinstance(tolerance, int | float) else set(tolerance))
    points = " to ".join(f"{w:g}" for w in dict.fromkeys((widths[0], widths[-1])))
    prefix = f"{survey}: " if survey else ""
    return (
        f"{prefix}There is a +/-{points}%pts tolerance on the results due to the confidence "
        "interval for the sample size (i.e. if we surveyed the whole population we can be "
        f"confident that the results would be the same +/- {points}%). This is reflected in "
        "the RAG rating and DOT for the indicators in the Corporate Plan and Commissioning Plans."
    )


def survey_intervals(indicator: RatedIndicator, survey: Survey | None) -> list[float]:
    """The intervals a survey indicator's tolerance note cites: the survey's fixed interval
    (even in a quarter it was not reported), else those of the results the row shows."""
    if survey is None:
        return [indicator.tolerance]
    if survey.confidence_interval is not None:
        return [survey.confidence_interval]
    shown = (indicator.value, indicator.previous_value, indicator.last_year_value)
    return sorted({survey.interval_for(v) for v in shown if v is not None})


def _not_reported_in(indicator: RatedIndicator, period: Period) -> str:
    text = f"Not reported in {period.quarter_label}"
    season = survey_season(indicator.label) if indicator.survey else None
    return f"{text}, as {season} survey" if season else text


@functools.lru_cache(maxsize=256)
def _dot_cell(dot: Dot, missing_text: str, new_text: str) -> DotCell:
    """The cell of a Direction of Travel; remembered, as there are only a few different
    cells in a report (the cells are frozen, so rows can share them)."""
    if dot in DOT_ARROWS:
        return DotCell(dot=dot, arrow=DOT_ARROWS[dot], text=dot.capitalize())
    if dot == "new":
        return DotCell(dot=dot, arrow="", text=new_text)
    if dot == "not reported":
        return DotCell(dot=dot, arrow="", text=missing_text)
    return DotCell(dot=dot, arrow="", text=dot.capitalize())


def indicator_row(
    indicator: RatedIndicator,
    period: Period,
    plan: Plan,
    notes: _Notes,
    recent: Sequence[float | None] | None = None,
) -> IndicatorRow:
    """Write out one indicator's cells; survey tolerances and result notes become footnotes.
    ``recent`` stands for the indicator's own when it was rated without detail."""
    unit = indicator.unit
    title_notes = []
    ref_detail = None
    if indicator.survey is not None:
        survey = plan.surveys.get(indicator.survey)
        named = survey.title if survey is not None and len(plan.surveys) > 1 else None
        intervals = survey_intervals(indicator, survey)
        if intervals:  # a sampled survey with no result shown has no interval to cite
            title_notes.append(notes.number(tolerance_note(intervals, named)))
        ref_detail = f"{indicator.survey} – {indicator.frequency.capitalize()}"
    result_notes = [notes.number(narrative.clean(indicator.note))] if indicator.note else []
    reported = indicator.value is not None
    value = format_value(indicator.value, unit, indicator.decimals, "Not reported")
    level = indicator.level
    rated = level is not None
    new_text = f"New for {period.financial_year}"
    previous_missing = _not_reported_in(indicator, period.previous()) if reported else ""
    if indicator.previous_value is None:
        previous = previous_missing or "Not reported"
    else:
        previous = _with_label(
            format_value(indicator.previous_value, unit, indicator.previous_decimals),
            indicator.previous_label,
        )
    if indicator.last_year_value is None:
        last_year = new_text if indicator.dot_long == "new" else "Not reported"
    else:
        last_year = _with_label(
            format_value(indicator.last_year_value, unit, indicator.last_year_decimals),
            indicator.last_year_label,
        )
    trend, trend_points = trend_parts(indicator, period, recent)
    return IndicatorRow(
        ref=indicator.ref,
        ref_detail=ref_detail,
        title=narrative.clean(indicator.title),
        title_notes=title_notes,
        polarity=POLARITY_WORDS[indicator.polarity],
        annual_target=format_annual(indicator),
        target=target_text(indicator.target, unit),
        result=_with_label(value, indicator.label if reported else None),
        rag=indicator.rag,
        rag_letter=indicator.rag if rated else None,
        rag_words=level.label if level is not None else indicator.rag,
        rag_style=None
        if level is None or is_barnet_level(level)
        else f"background: {level.colour}; color: {level.text_colour}",
        result_notes=result_notes,
        previous=previous,
        dot_short=_dot_cell(indicator.dot_short, previous_missing or "Not reported", new_text),
        last_year=last_year,
        dot_long=_dot_cell(indicator.dot_long, "Not reported", new_text),
        benchmark=indicator.benchmark or "No benchmark available",
        trend=trend,
        variation=indicator.variation,
        assurance=indicator.assurance,
        spc=spc_words(indicator.variation, indicator.assurance) or "Not assessed",
        trend_points=trend_points,
    )


def _tables(
    indicators: Sequence[RatedIndicator],
    period: Period,
    plan: Plan,
    notes: _Notes,
    all_indicators: bool,
    key: Sequence[KeyNote],
    recent: Recent | None = None,
) -> list[IndicatorTable]:
    """Corporate Plan indicators (all of them, as the seed prints them), then Commissioning
    Plan indicators that missed target, each with Monitor indicators for information."""
    headers = column_headers(period)
    header_notes = header_notes_for(headers, key)
    tables = []
    for kind, caption in (("CPI", "Corporate Plan Indicators"), ("SPI", "Commissioning Plan")):
        chosen = [i for i in indicators if i.type == kind]
        if kind == "SPI":
            if all_indicators:
                caption = "Commissioning Plan Indicators"
            else:
                caption = "Commissioning Plan Indicators (not met target)"
                chosen = [i for i in chosen if i.is_exception]
        if not chosen:
            continue
        has_monitor = any(i.rag == "Monitor" for i in chosen)
        caption_notes = [notes.number(MONITOR_NOTE)] if has_monitor else []
        rows = [
            indicator_row(i, period, plan, notes, None if recent is None else recent(i.ref))
            for i in chosen
        ]
        tables.append(
            IndicatorTable(
                caption=caption,
                caption_notes=caption_notes,
                headers=headers,
                header_notes=header_notes,
                rows=rows,
            )
        )
    return tables


def _bullet(indicator: RatedIndicator, plan: Plan) -> NarrativeBullet:
    survey = plan.surveys.get(indicator.survey) if indicator.survey else None
    return NarrativeBullet(
        ref=indicator.ref,
        title=narrative.clean(indicator.title),
        rag_phrase=narrative.rag_phrase(narrative.level_name(indicator)),
        sentence=narrative.exception_sentence(
            indicator, None if survey is None else survey.interval_for
        ),
        comment=narrative.clean(indicator.comment) if indicator.comment else None,
    )


def risk_section(
    plan: Plan, register: RiskRegister | None, threshold: int = DEFAULT_THRESHOLD
) -> RiskSection:
    """Where the plan's risks are held and which of them score ``threshold`` or more."""
    if register is None:
        return RiskSection(
            register_name=None,
            sentences=[
                f"No risk register is named for the {plan.committee} Commissioning Plan, "
                "so no risks are reported."
            ],
            caption="",
            risks=[],
        )
    high = register.high(threshold)
    sentences = narrative.risk_sentences(
        plan.committee, register.name, register.title, len(register.risks), len(high), threshold
    )
    rows = [
        RiskRow(
            id=r.id,
            title=narrative.clean(r.title),
            owner=r.owner,
            likelihood=r.likelihood,
            impact=r.impact,
            score=r.score,
            mitigations=[narrative.clean(m) for m in r.mitigations],
        )
        for r in high
    ]
    caption = f"High level risks on the {register.name} risk register (residual score {threshold}+)"
    return RiskSection(
        register_name=register.name, sentences=sentences, caption=caption, risks=rows
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def action_section(actions: ActionsFile, period: Period) -> ActionSection:
    """'14 actions: 5 complete, 4 on track, ...' and the actions and milestones that are
    at risk or off track, with their comments (text from the file, cleaned)."""
    counts = ", ".join(f"{n} {status}" for status, n in actions.counts())
    summary = f"{_plural(len(actions.actions), 'action')}: {counts}" if counts else "No actions"
    rows = []
    for action in actions.actions:
        items = [(action, None)] + [(m, action.title) for m in action.milestones]
        for item, parent in items:
            if item.status in FLAGGED:
                rows.append(
                    ActionRow(
                        title=narrative.clean(item.title),
                        action=narrative.clean(parent) if parent else None,
                        owner=item.owner or action.owner or "Not recorded",
                        due=item.due or "Not recorded",
                        status=item.status.capitalize(),
                        comment=narrative.clean(item.comment) if item.comment else "No comment",
                    )
                )
    sentences = []
    if actions.as_at is not None and actions.as_at != str(period):
        sentences.append(f"The statuses are as at {actions.as_at}.")
    elif actions.as_at is not None:
        sentences.append(f"The statuses are as at {actions.as_at}, the quarter of this report.")
    if not rows:
        sentences.append("No action or milestone is at risk or off track.")
    return ActionSection(
        heading=narrative.clean(actions.title),
        summary=summary + ".",
        sentences=sentences,
        caption="Actions and milestones at risk or off track",
        rows=rows,
    )


def plan_section(
    plan: Plan,
    indicators: Sequence[RatedIndicator],
    period: Period,
    register: RiskRegister | None,
    *,
    all_indicators: bool = False,
    risk_threshold: int = DEFAULT_THRESHOLD,
    narrative_file: tuple[str, str] | None = None,
    actions: ActionsFile | None = None,
    undetailed: Undetailed | None = None,
) -> PlanSection:
    """One committee's part of the report: progress on key activities (``narrative_file``,
    its shown name and text, if any), exceptions in words, tables, notes, risks.
    ``undetailed`` gives what the report reads of the detail when ``indicators`` were rated
    without it."""
    notes = _Notes(plan.plan)
    missed = [i for i in indicators if i.missed_target]
    rated = sum(i.is_rated for i in indicators)
    if undetailed is None:
        rules = next((i.spc.rules for i in indicators if i.spc is not None), SpcRules())
        recent = None
    else:
        rules = (undetailed.spc_rules.get(plan.plan) if indicators else None) or SpcRules()
        recent = undetailed.recent
    key = key_notes(plan.plan, rules)
    tables = _tables(indicators, period, plan, notes, all_indicators, key, recent)
    return PlanSection(
        plan=plan.plan,
        committee=plan.committee,
        title=plan.title,
        progress=markdown_text.progress(*narrative_file) if narrative_file else None,
        intro=narrative.missed_intro(plan.committee, len(missed), rated),
        bullets=[_bullet(i, plan) for i in missed],
        tables=tables,
        footnotes=notes.footnotes(),
        key_notes=key if tables else [],
        risks=risk_section(plan, register, risk_threshold),
        actions=None if actions is None else action_section(actions, period),
    )


SUMMARY_HEADERS = [
    "Theme Committee",
    "Green",
    "Green Amber",
    "Red Amber",
    "Red",
    "Improved/Same",
    "Worsened",
    "Monitored only",
    "No. indicators",
]
#: The summary's columns after the levels.
_AFTER_LEVELS = SUMMARY_HEADERS[5:]


def _summary_line(row: SummaryRow, labels: Sequence[str]) -> SummaryLine:
    own = {s.label: s for s in row.levels}
    cells = [
        f"{own[label].percent}% ({own[label].count})" if label in own else "–" for label in labels
    ]
    dots = [f"{c.percent}% ({c.count})" for c in (row.improved_same, row.worsened)]
    return SummaryLine(
        committee=row.committee,
        cells=[*cells, *dots, str(row.monitor), str(row.indicators)],
        total=row.plan == "total",
    )


def build_report(
    rated: RatedPeriod,
    period: Period,
    plans: Sequence[Plan],
    registers: Mapping[str, RiskRegister],
    *,
    all_indicators: bool = False,
    risk_threshold: int = DEFAULT_THRESHOLD,
    narratives: Mapping[str, tuple[str, str]] | None = None,
    actions: Mapping[str, ActionsFile] | None = None,
    undetailed: Undetailed | None = None,
) -> ReportContext:
    """The exception report for ``period`` over ``plans`` (in the order given);
    ``narratives`` maps a plan's slug to its narrative file's shown name and text, and
    ``actions`` holds the plans' actions files, by plan slug. ``undetailed`` is given when
    ``rated`` was rated without detail: the same report, from a third of the memory."""
    actions = actions or {}
    narratives = narratives or {}
    by_plan: dict[str, list[RatedIndicator]] = {plan.plan: [] for plan in plans}
    for indicator in rated.indicators:  # one pass, not one per plan
        group = by_plan.get(indicator.plan)
        if group is not None:
            group.append(indicator)

    def section(index: int) -> PlanSection:
        plan = plans[index]
        return plan_section(
            plan,
            by_plan[plan.plan],
            period,
            registers.get(plan.risks) if plan.risks else None,
            all_indicators=all_indicators,
            risk_threshold=risk_threshold,
            narrative_file=narratives.get(plan.plan),
            actions=actions.get(plan.plan),
            undetailed=undetailed,
        )

    return report_context(
        period,
        rated.summary,
        [plan.committee for plan in plans],
        PlanSections(len(plans), section),
        all_indicators=all_indicators,
        risk_threshold=risk_threshold,
    )


def report_context(
    period: Period,
    summary: Sequence[SummaryRow],
    committees: Sequence[str],
    sections: Sequence[PlanSection],
    *,
    all_indicators: bool = False,
    risk_threshold: int = DEFAULT_THRESHOLD,
) -> ReportContext:
    """The report around its plan ``sections``: headings from the plans' ``committees``,
    and Table 1 from ``summary`` (a row per plan, then the total row when there is one)."""
    overall = summary[-1]
    labels = summary_levels(summary)
    heading = f"{committees[0]} Committee" if len(committees) == 1 else "Theme Committees"
    return ReportContext(
        heading=heading,
        title=f"Quarter {period.quarter} {period.financial_year} Commissioning Plan "
        "Performance Report",
        period=str(period),
        period_long=f"Quarter {period.quarter} ({period.quarter_label}) {period.financial_year}",
        all_indicators=all_indicators,
        risk_threshold=risk_threshold,
        summary=SummaryTable(
            caption=f"Table 1: Theme Committee Indicators ({period})",
            headers=[SUMMARY_HEADERS[0], *labels, *_AFTER_LEVELS],
            rows=[_summary_line(r, labels) for r in summary],
            sentence=narrative.summary_sentence(overall)
            if len(summary) == 1 or overall.plan == "total"
            else " ".join(narrative.summary_sentence(row, committee=True) for row in summary),
        ),
        plans=sections,
    )
