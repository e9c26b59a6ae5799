"""Typed models of plans and schemes (pydantic v2, frozen, strict keys).

They mirror the files of the formats (docs/rules.md); unknown keys are errors. The engine
reads them through its protocols (:mod:`barnet_rag.engine.inputs`); results rows and the
rated output are the engine's plain dataclasses, re-exported here for library users.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from barnet_rag.engine.inputs import QuarterResults, Result
from barnet_rag.engine.rated import (
    Count,
    DotTrace,
    RatedIndicator,
    RatedPeriod,
    RatingTrace,
    SpcResult,
    SpecialCause,
    SummaryRow,
)
from barnet_rag.engine.rating import band_matches, sample_interval
from barnet_rag.engine.spc import DEFAULT_RULES
from barnet_rag.errors import UsageError
from barnet_rag.periods import Period, parse_financial_year, parse_period
from barnet_rag.project.numbers import CellError, parse_value
from barnet_rag.terms import (
    Dot,
    Frequency,
    IndicatorType,
    MissedRag,
    Polarity,
    Unit,
)

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def baseline_too_short(baseline: int, min_points: int, scheme: str | None = None) -> str:
    """Why a ``baseline`` below ``min_points`` (of ``scheme``, for an indicator's own
    baseline) is refused, and what to write instead."""
    whose = "" if scheme is None else f" of scheme {scheme!r}"
    return (
        f"a baseline of {baseline} points is below min_points ({min_points}){whose}: the "
        f"limits need at least {min_points} points; set baseline to {min_points} or more"
    )


class SpcRules(_Model):
    """Rule lengths, from a scheme file's ``spc:`` section; the defaults follow the NHS.

    ``baseline`` fixes the centre and limits on the first that many points of each
    baseline (None: every point); it may not be below ``min_points``.
    """

    shift: int = Field(default=DEFAULT_RULES.shift, ge=2, le=50)
    trend: int = Field(default=DEFAULT_RULES.trend, ge=3, le=50)
    two_of_three: bool = DEFAULT_RULES.two_of_three
    min_points: int = Field(default=DEFAULT_RULES.min_points, ge=2, le=200)
    baseline: int | None = Field(default=None, ge=2, le=200)

    @field_validator("baseline")
    @classmethod
    def _baseline_has_enough_points(cls, value: int | None, info: ValidationInfo) -> int | None:
        least = info.data.get("min_points")  # absent when min_points itself is wrong
        if value is not None and least is not None and value < least:
            raise ValueError(baseline_too_short(value, least))
        return value


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


def _monitor_or_number(value: Any, info: ValidationInfo) -> Any:
    """``monitor`` in any case; text with a digit must be a number as results are written
    (``68``, ``68%``, ``1,234``): a typo such as ``68 percent`` must not make it Monitor."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.lower() == "monitor":
        return "monitor"
    if not any(c.isdigit() for c in text):
        return value
    try:
        number, _ = parse_value(text)
    except CellError:
        number = None
    if number is None:
        others = "monitor, or words without digits such as Increase"
        raise ValueError(
            f"target {value!r} has digits but is not a number; write e.g. 68 or 68%, "
            + (others if info.field_name == "annual" else "or monitor")
        )
    return number


QuarterTarget = FiniteFloat | Literal["monitor"]
QuarterName = Literal["Q1", "Q2", "Q3", "Q4"]


class YearTargets(_Model):
    """Targets for one financial year: an annual target (number or text) and quarter targets.

    ``percent_written`` names the keys whose target was written with a ``%`` sign, which
    only a percent indicator may have (:mod:`~barnet_rag.project.loading` checks the unit).
    """

    annual: FiniteFloat | str | None = None
    Q1: QuarterTarget | None = None
    Q2: QuarterTarget | None = None
    Q3: QuarterTarget | None = None
    Q4: QuarterTarget | None = None
    _percent_written: frozenset[str] = PrivateAttr(default=frozenset())

    _normalise = field_validator("annual", "Q1", "Q2", "Q3", "Q4", mode="before")(
        _monitor_or_number
    )

    @model_validator(mode="wrap")
    @classmethod
    def _note_percent_signs(cls, data: Any, handler: ModelWrapValidatorHandler[YearTargets]) -> Any:
        targets = handler(data)
        if isinstance(data, dict):
            targets._percent_written = frozenset(
                str(k) for k, v in data.items() if isinstance(v, str) and v.strip().endswith("%")
            )
        return targets

    @property
    def percent_written(self) -> frozenset[str]:
        """The keys (``annual``, ``Q1``...) whose target was written as e.g. ``68%``."""
        return self._percent_written

    def for_quarter(self, quarter: int) -> QuarterTarget | None:
        """The quarter's own target, if one is set."""
        value: QuarterTarget | None = getattr(self, f"Q{quarter}")
        return value


def _rebase_quarter(value: Any) -> Any:
    if isinstance(value, Period):
        return value
    try:
        return parse_period(str(value))
    except UsageError:
        raise ValueError(
            f'{value!r} is not a quarter; write it as 2016/17-Q1 (or Q1-2016, "Q1 2016/17")'
        ) from None


class IndicatorSpc(_Model):
    """One indicator's own SPC settings (``spc:`` in a plan): a fixed baseline of that many
    points, overriding the scheme's, and the quarters where its process changed."""

    baseline: int | None = Field(default=None, ge=2, le=200)
    rebase: list[Annotated[Period, BeforeValidator(_rebase_quarter)]] = Field(default_factory=list)

    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, defer_build=True
    )


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
    spc: IndicatorSpc | None = None
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


__all__ = [
    "Band",
    "Count",
    "DotTrace",
    "Indicator",
    "Plan",
    "QuarterResults",
    "RatedIndicator",
    "RatedPeriod",
    "RatingTrace",
    "Result",
    "Scheme",
    "SpcResult",
    "SpcRules",
    "SpecialCause",
    "SummaryRow",
    "Survey",
    "YearTargets",
]
