"""Typed models of plans, results, schemes and rated output (pydantic v2, frozen, strict keys).

Input models mirror the files of DESIGN sections 2, 3 and 5; unknown keys are errors.
Output models carry the public JSON field names of DESIGN section 10.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from barnet_rag.engine.rating import band_matches, sample_interval
from barnet_rag.engine.spc import DEFAULT_RULES, Assurance, PointType, RuleName, Side, Variation
from barnet_rag.periods import Period, parse_financial_year
from barnet_rag.terms import (
    EXCEPTION_RAGS,
    Dot,
    Frequency,
    IndicatorType,
    MissedRag,
    Polarity,
    Rag,
    TargetSource,
    Unit,
)

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class SpcRules(_Model):
    """When a run of results is special cause: a scheme's SPC rules; the defaults follow the NHS."""

    shift: int = Field(
        default=DEFAULT_RULES.shift,
        ge=2,
        le=50,
        description="How many results in a row on one side of the centre line are special cause.",
        examples=[7],
    )
    trend: int = Field(
        default=DEFAULT_RULES.trend,
        ge=3,
        le=50,
        description="How many results in a row, each higher (or each lower) than the one before, "
        "are special cause.",
        examples=[6],
    )
    two_of_three: bool = Field(
        default=DEFAULT_RULES.two_of_three,
        description="Whether two of three results in a row near a limit (beyond two sigma, on "
        "the same side) are special cause.",
        examples=[False],
    )
    min_points: int = Field(
        default=DEFAULT_RULES.min_points,
        ge=2,
        le=200,
        description="The fewest comparable results an indicator needs for a reading; with fewer "
        "its variation is insufficient data.",
        examples=[12],
    )


class SpecialCause(_Model):
    """One special-cause pattern: the rule, the points it flags (0-based) and its side."""

    rule: RuleName
    points: list[int]
    side: Side


class SpcResult(_Model):
    """The XmR reading of one indicator's series: limits, patterns, variation and assurance.

    ``lower``/``upper`` are the computed limits, used by the rules; ``display_lower`` and
    ``display_upper`` are clipped to 0-100 for percent indicators. All four are None with
    insufficient data.
    """

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
    rules: SpcRules = SpcRules.model_construct()

    @property
    def flagged(self) -> set[int]:
        """Indices of every point that is part of a special-cause pattern."""
        return {i for cause in self.special for i in cause.points}


FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]


class Survey(_Model):
    """A survey whose results carry a confidence interval, in percentage points."""

    title: str = Field(
        description="The survey's name as reports print it.",
        examples=["Residents' Perception Survey"],
    )
    confidence_interval: FiniteFloat | None = Field(
        default=None,
        gt=0,
        le=100,
        description="The survey's margin of error: plus or minus this many percentage points "
        "at 95% confidence, the same for every result. Give this or sample_size, not both.",
        examples=[4.4],
    )
    sample_size: int | None = Field(
        default=None,
        gt=0,
        description="How many people answered; the margin of error is then worked out for each "
        "result p (in %) as 1.96 × √(p(100 − p)/n) percentage points, to one decimal. "
        "Give this or confidence_interval, not both.",
        examples=[500],
    )

    @model_validator(mode="after")
    def _one_way_to_the_interval(self) -> Survey:
        if (self.confidence_interval is None) == (self.sample_size is None):
            raise ValueError("give exactly one of confidence_interval or sample_size")
        return self

    def interval_for(self, value: float) -> float:
        """The ± interval in points for a result: fixed, or 1.96·√(p(1−p)/n) from the sample."""
        if self.confidence_interval is not None:
            return self.confidence_interval
        assert self.sample_size is not None
        return sample_interval(value, self.sample_size)


def _monitor_or_number(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() == "monitor":
        return "monitor"
    return value


QuarterTarget = FiniteFloat | Literal["monitor"]


class YearTargets(_Model):
    """Targets for one financial year: an annual target (number or text) and quarter targets.

    Numbers are in the indicator's unit: on percent indicators they lie in 0-100.
    """

    annual: FiniteFloat | str | None = Field(
        default=None,
        description="The target for the year: a number, used for every quarter without its own "
        "target; monitor; or text such as Sustain Reduction, shown as written and never rated.",
        examples=[68, "Sustain Reduction"],
    )
    Q1: QuarterTarget | None = Field(
        default=None,
        description="The target for Q1 (April to June): a number, or monitor (shown, not rated).",
        examples=[68, "monitor"],
    )
    Q2: QuarterTarget | None = Field(
        default=None,
        description="The target for Q2 (July to September): a number, or monitor.",
        examples=[68, "monitor"],
    )
    Q3: QuarterTarget | None = Field(
        default=None,
        description="The target for Q3 (October to December): a number, or monitor.",
        examples=[68, "monitor"],
    )
    Q4: QuarterTarget | None = Field(
        default=None,
        description="The target for Q4 (January to March): a number, or monitor.",
        examples=[68, "monitor"],
    )

    _normalise = field_validator("annual", "Q1", "Q2", "Q3", "Q4", mode="before")(
        _monitor_or_number
    )

    def for_quarter(self, quarter: int) -> QuarterTarget | None:
        """The quarter's own target, if one is set."""
        value: QuarterTarget | None = getattr(self, f"Q{quarter}")
        return value


class Indicator(_Model):
    """One indicator of a plan: how it is measured, which way is better, and its targets."""

    ref: str = Field(
        min_length=1,
        description="The indicator's reference, unique across all plans; results files use it "
        "in their ref column.",
        examples=["CG/C33"],
    )
    title: str = Field(
        min_length=1,
        description="What the indicator measures, as reports print it.",
        examples=["Overall crime rate in Barnet – Total Notifiable Offences"],
    )
    type: IndicatorType = Field(
        description="CPI for a Corporate Plan indicator, SPI for a Commissioning Plan indicator. "
        "Required.",
        examples=["CPI"],
    )
    polarity: Polarity = Field(
        description="Which way is better: bigger (a higher result is better) or smaller.",
        examples=["smaller"],
    )
    unit: Unit = Field(
        default="number",
        description="percent: results and targets from 0 to 100, shown with a % sign; number: "
        "counts, rates and anything else.",
        examples=["percent"],
    )
    survey: str | None = Field(
        default=None,
        description="The code of one of this plan's surveys (a key under surveys:). Its results "
        "are then rated with the survey's margin of error, and a change within that margin is "
        "the same, not improving or worsening.",
        examples=["RPS"],
    )
    frequency: Frequency = Field(
        default="quarterly",
        description="How often a result comes: quarterly, biannual (twice a year) or annual. "
        "Reports show it beside the survey's name.",
        examples=["annual"],
    )
    since: int | None = Field(
        default=None,
        description="The financial year the indicator started, written 2017/18. It counts from "
        "then on, and its long-term direction that year is New.",
        examples=["2017/18"],
    )
    dot_tolerance: FiniteFloat = Field(
        default=0.0,
        ge=0,
        description="A change in the result up to this much, in the indicator's own unit "
        "(percentage points for percent indicators), is the same, not improving or worsening. "
        "Survey indicators use the survey's margin of error instead.",
        examples=[0.5],
    )
    benchmark: str | None = Field(
        default=None,
        description="Free text comparing with others, shown in the report.",
        examples=["London 80% (2016/17, LGA)"],
    )
    targets: dict[str, YearTargets] = Field(
        default_factory=dict,
        description="Targets per financial year, keyed by the year written 2017/18. An "
        "indicator with no targets for a year is Monitor that year.",
        examples=[{"2017/18": {"annual": 68, "Q3": 68}}],
    )

    @field_validator("since", mode="before")
    @classmethod
    def _since_year(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_financial_year(value)
        if isinstance(value, int):
            raise ValueError(f"write the financial year as {value}/{(value + 1) % 100:02d}")
        return value

    @field_validator("targets", mode="before")
    @classmethod
    def _year_keys(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for key in value:
                parse_financial_year(str(key))
            return {_normal_year(str(k)): v for k, v in value.items()}
        return value

    def targets_for(self, year: int) -> YearTargets | None:
        """The targets set for the financial year starting in ``year``, if any."""
        return self.targets.get(_year_key(year))


def _year_key(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _normal_year(text: str) -> str:
    return _year_key(parse_financial_year(text))


class Plan(_Model):
    """One committee's commissioning plan: its surveys and indicators."""

    plan: str = Field(
        description="The plan's short name: lower-case letters, digits and hyphens, unique "
        "across plans. Used by --plan and in file names.",
        examples=["community-leadership"],
    )
    committee: str = Field(
        min_length=1,
        description="The committee the plan reports to, as the summary table names it.",
        examples=["Community Leadership"],
    )
    title: str = Field(
        min_length=1,
        description="The plan's full title, as reports print it.",
        examples=["Community Leadership Committee Commissioning Plan"],
    )
    scheme: str = Field(
        default="barnet",
        description="The rating scheme that turns a missed target into a rating: barnet or "
        "bands (built in), or the name of a file schemes/<name>.yaml.",
        examples=["barnet"],
    )
    risks: str | None = Field(
        default=None,
        description="The name of the service risk register, a file risks/<name>.yaml, whose "
        "high level risks the report lists.",
        examples=["csca"],
    )
    surveys: dict[str, Survey] = Field(
        default_factory=dict,
        description="The surveys some indicators come from, keyed by a short code that "
        "indicators name in their survey key.",
        examples=[{"RPS": {"title": "Residents' Perception Survey", "confidence_interval": 4.4}}],
    )
    indicators: list[Indicator] = Field(
        min_length=1, description="The plan's indicators, in the order reports list them."
    )

    @field_validator("plan")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError("use a slug of lower-case letters, digits and hyphens")
        return value


class Band(_Model):
    """One band of a rating scheme: the RAG it gives and the conditions it needs."""

    rag: MissedRag = Field(
        description="The rating this band gives: GA (Green Amber), RA (Red Amber) or R (Red).",
        examples=["GA"],
    )
    up_to: FiniteFloat | None = Field(
        default=None,
        ge=0,
        description="Matches when the result falls short of the target by at most this "
        "fraction of the target: 0.05 is 5% short.",
        examples=[0.05],
    )
    long_term: list[Dot] | None = Field(
        default=None,
        description="Matches when the long-term direction of travel (against the same quarter "
        "last year) is one of these.",
        examples=[["improving", "same"]],
    )

    def matches(self, shortfall: float, dot_long: Dot) -> bool:
        """True when the shortfall and the long-term DOT meet every condition of the band."""
        return band_matches(self, shortfall, dot_long)


class Scheme(_Model):
    """A rating scheme: the bands that rate a missed target (a met target is Green)."""

    name: str = Field(
        description="The scheme's name, which plans give in their scheme key; the file is "
        "schemes/<name>.yaml.",
        examples=["county"],
    )
    survey_tolerance: bool = Field(
        default=True,
        description="Whether survey results get the benefit of the doubt: the survey's margin "
        "of error is added to the result (or taken off, when smaller is better) before "
        "comparing with the target.",
        examples=[False],
    )
    bands: list[Band] = Field(
        min_length=1,
        description="Tried in order for a missed target; the first whose conditions all hold "
        "gives the rating. The last band has no conditions, so that it matches everything.",
        examples=[[{"rag": "GA", "up_to": 0.05}, {"rag": "R"}]],
    )
    spc: SpcRules | None = Field(
        default=None,
        description="The rules of the statistical process control (SPC) reading, for every "
        "indicator rated with this scheme; NHS defaults without it.",
        examples=[{"shift": 7, "trend": 6}],
    )

    @model_validator(mode="after")
    def _bands_cover_everything(self) -> Scheme:
        last = self.bands[-1]
        if last.up_to is not None or last.long_term is not None:
            raise ValueError("the last band must have no conditions, so that it matches everything")
        bounds = [b.up_to for b in self.bands if b.up_to is not None]
        if bounds != sorted(bounds):
            raise ValueError(f"up_to bounds must be in increasing order, not {bounds}")
        return self


class Result(_Model):
    """One row of a results file: an indicator's result in one quarter."""

    ref: str
    value: float | None = None
    label: str | None = None
    comparable: bool = True
    note: str | None = None
    comment: str | None = None
    published_rag: Rag | None = None
    line: int = 0
    decimals: int = 0


class QuarterResults(_Model):
    """Every result of one quarter, keyed by ref, and the file they came from."""

    period: Period
    source: str
    results: dict[str, Result]

    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, defer_build=True
    )


class DotTrace(_Model):
    """How one Direction of Travel was decided."""

    term: Literal["short", "long"]
    reference_period: str
    reference_value: float | None
    reference_label: str | None
    tolerance: float
    tolerance_source: str
    change: float | None
    break_period: str | None
    outcome: Dot


class RatingTrace(_Model):
    """The engine's record of each decision behind one rating, for ``explain``."""

    target_source: TargetSource
    target_year: str
    interval: float
    interval_source: str
    counted_value: float | None
    met: bool | None
    shortfall: float | None
    band_index: int | None
    band: Band | None
    dots: list[DotTrace]


class RatedIndicator(_Model):
    """One indicator rated for one period; JSON field names are a public interface."""

    plan: str
    ref: str
    title: str
    type: IndicatorType
    polarity: Polarity
    unit: Unit
    value: float | None
    label: str | None
    target: float | None
    annual_target: str | None
    tolerance: float
    rag: Rag
    published_rag: Rag | None
    previous_value: float | None
    dot_short: Dot
    last_year_value: float | None
    last_year_label: str | None
    dot_long: Dot
    previous_label: str | None = None
    counted_value: float | None = None
    shortfall: float | None = None
    survey: str | None = None
    frequency: Frequency = "quarterly"
    benchmark: str | None = None
    note: str | None = None
    comment: str | None = None
    last_reported_value: float | None = None
    last_reported_label: str | None = None
    last_reported_period: str | None = None
    comparable: bool = True
    variation: Variation | None = None
    assurance: Assurance | None = None
    spc_centre: float | None = None
    spc_lower: float | None = None
    spc_upper: float | None = None
    recent: list[float | None] = Field(default_factory=list, exclude=True)
    spc: SpcResult | None = Field(default=None, exclude=True)
    decimals: int = Field(default=0, exclude=True)
    previous_decimals: int = Field(default=0, exclude=True)
    last_year_decimals: int = Field(default=0, exclude=True)
    trace: RatingTrace | None = Field(default=None, exclude=True)

    @property
    def missed_target(self) -> bool:
        """Rated and not Green: the indicators an exception report lists."""
        return self.rag in ("GA", "RA", "R")

    @property
    def is_exception(self) -> bool:
        """Shown when reporting by exception: missed target, or Monitor for information."""
        return self.rag in EXCEPTION_RAGS


class Count(_Model):
    """A count and its half-up whole percent."""

    count: int
    percent: int


class SummaryRow(_Model):
    """One row of the committee's Table 1."""

    plan: str
    committee: str
    indicators: int
    reported: int
    rated: int
    monitor: int
    with_dot: int
    green: Count
    green_amber: Count
    red_amber: Count
    red: Count
    improved_same: Count
    worsened: Count


class RatedPeriod(_Model):
    """Everything rated for one period: the indicators in plan order and the summary."""

    period: str
    indicators: list[RatedIndicator]
    summary: list[SummaryRow]
