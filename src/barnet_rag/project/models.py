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
    """Rule lengths, from a scheme file's ``spc:`` section; the defaults follow the NHS."""

    shift: int = Field(default=DEFAULT_RULES.shift, ge=2, le=50)
    trend: int = Field(default=DEFAULT_RULES.trend, ge=3, le=50)
    two_of_three: bool = DEFAULT_RULES.two_of_three
    min_points: int = Field(default=DEFAULT_RULES.min_points, ge=2, le=200)


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

    title: str
    confidence_interval: FiniteFloat | None = Field(default=None, gt=0, le=100)
    sample_size: int | None = Field(default=None, gt=0)

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
QuarterName = Literal["Q1", "Q2", "Q3", "Q4"]


class YearTargets(_Model):
    """Targets for one financial year: an annual target (number or text) and quarter targets."""

    annual: FiniteFloat | str | None = None
    Q1: QuarterTarget | None = None
    Q2: QuarterTarget | None = None
    Q3: QuarterTarget | None = None
    Q4: QuarterTarget | None = None

    _normalise = field_validator("annual", "Q1", "Q2", "Q3", "Q4", mode="before")(
        _monitor_or_number
    )

    def for_quarter(self, quarter: int) -> QuarterTarget | None:
        """The quarter's own target, if one is set."""
        value: QuarterTarget | None = getattr(self, f"Q{quarter}")
        return value


class Indicator(_Model):
    """One indicator of a plan: how it is measured, which way is better, and its targets."""

    ref: str = Field(min_length=1)
    title: str = Field(min_length=1)
    type: IndicatorType
    polarity: Polarity
    unit: Unit = "number"
    survey: str | None = None
    frequency: Frequency = "quarterly"
    since: int | None = None
    dot_tolerance: FiniteFloat = Field(default=0.0, ge=0)
    benchmark: str | None = None
    targets: dict[str, YearTargets] = Field(default_factory=dict)
    owner: str | None = Field(default=None, min_length=1)
    reported_in: list[QuarterName] | None = None

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

    @field_validator("reported_in", mode="before")
    @classmethod
    def _quarter_names(cls, value: Any) -> Any:
        """``[Q3]``, ``[q3]`` or ``Q3`` alone; a quarter named twice is an error."""
        if isinstance(value, str):
            value = [value]
        if value == []:
            raise ValueError("list at least one quarter, e.g. [Q3], or leave reported_in out")
        if isinstance(value, list):
            value = [v.strip().upper() if isinstance(v, str) else v for v in value]
            repeated = sorted({v for v in value if value.count(v) > 1}, key=str)
            if repeated:
                raise ValueError(f"{repeated[0]} is listed more than once")
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

    plan: str
    committee: str = Field(min_length=1)
    title: str = Field(min_length=1)
    scheme: str = "barnet"
    risks: str | None = None
    surveys: dict[str, Survey] = Field(default_factory=dict)
    indicators: list[Indicator] = Field(min_length=1)
    owner: str | None = Field(default=None, min_length=1)

    @field_validator("plan")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError("use a slug of lower-case letters, digits and hyphens")
        return value


class Band(_Model):
    """One band of a rating scheme: the RAG it gives and the conditions it needs."""

    rag: MissedRag
    up_to: FiniteFloat | None = Field(default=None, ge=0)
    long_term: list[Dot] | None = None

    def matches(self, shortfall: float, dot_long: Dot) -> bool:
        """True when the shortfall and the long-term DOT meet every condition of the band."""
        return band_matches(self, shortfall, dot_long)


class Scheme(_Model):
    """A rating scheme: ordered bands for a missed target (DESIGN section 5)."""

    name: str
    survey_tolerance: bool = True
    bands: list[Band] = Field(min_length=1)
    spc: SpcRules | None = None

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
