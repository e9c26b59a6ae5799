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
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from barnet_rag.engine.inputs import BARNET_LEVELS, QuarterResults, Result
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
from barnet_rag.engine.rating import Standing, band_matches, sample_interval
from barnet_rag.engine.spc import DEFAULT_RULES
from barnet_rag.periods import parse_financial_year
from barnet_rag.terms import (
    RESERVED_RAGS,
    Dot,
    FloorCondition,
    Frequency,
    IndicatorType,
    Polarity,
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


class Floors(_Model):
    """A year's floors when they differ by quarter: ``floor: {annual: 85, Q3: 84}``."""

    annual: FiniteFloat | None = None
    Q1: FiniteFloat | None = None
    Q2: FiniteFloat | None = None
    Q3: FiniteFloat | None = None
    Q4: FiniteFloat | None = None


class YearTargets(_Model):
    """Targets for one financial year: an annual target (number or text) and quarter targets."""

    annual: FiniteFloat | str | None = None
    Q1: QuarterTarget | None = None
    Q2: QuarterTarget | None = None
    Q3: QuarterTarget | None = None
    Q4: QuarterTarget | None = None
    floor: FiniteFloat | Floors | None = None

    _normalise = field_validator("annual", "Q1", "Q2", "Q3", "Q4", mode="before")(
        _monitor_or_number
    )

    def for_quarter(self, quarter: int) -> QuarterTarget | None:
        """The quarter's own target, if one is set."""
        value: QuarterTarget | None = getattr(self, f"Q{quarter}")
        return value

    def floor_for(self, quarter: int) -> float | None:
        """The quarter's floor: its own, else the year's (None: no floor this quarter)."""
        if isinstance(self.floor, Floors):
            own: float | None = getattr(self.floor, f"Q{quarter}")
            return own if own is not None else self.floor.annual
        return self.floor


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
    dot_tolerance_percent: FiniteFloat | None = Field(default=None, ge=0, le=100)
    benchmark: str | None = None
    targets: dict[str, YearTargets] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_dot_tolerance(self) -> Indicator:
        if "dot_tolerance" in self.model_fields_set and self.dot_tolerance_percent is not None:
            raise ValueError(
                "give dot_tolerance (in units) or dot_tolerance_percent (of the earlier "
                "result), not both"
            )
        return self

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

    plan: str
    committee: str = Field(min_length=1)
    title: str = Field(min_length=1)
    scheme: str = "barnet"
    risks: str | None = None
    surveys: dict[str, Survey] = Field(default_factory=dict)
    indicators: list[Indicator] = Field(min_length=1)

    @field_validator("plan")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError("use a slug of lower-case letters, digits and hyphens")
        return value


_LEVEL_CODE = re.compile(r"^[A-Za-z]{1,8}$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class Level(_Model):
    """One level of a scheme, best first: the code results and ``--fail-on`` use, the label
    reports print, and its colours (a text colour giving AA contrast on the fill)."""

    code: str
    label: str = Field(min_length=1)
    colour: str
    text_colour: str = "#0b0c0c"

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if value in RESERVED_RAGS or value.lower() in ("monitor", "not reported"):
            raise ValueError(f"{value!r} is reserved: Monitor and Not reported always exist")
        if not _LEVEL_CODE.match(value):
            raise ValueError("use a code of 1 to 8 letters, e.g. G, A or GA")
        return value

    @field_validator("colour", "text_colour")
    @classmethod
    def _colour(cls, value: str) -> str:
        if not _COLOUR.match(value):
            raise ValueError(f"write the colour as #rrggbb, e.g. #00703c, not {value!r}")
        return value.lower()


DEFAULT_LEVELS = [
    Level(code=level.code, label=level.label, colour=level.colour, text_colour=level.text_colour)
    for level in BARNET_LEVELS
]


class Band(_Model):
    """One band of a rating scheme: the level it gives and the conditions it needs, all of
    which must hold (none: the band matches everything)."""

    rag: str
    met: bool | None = None
    up_to: FiniteFloat | None = Field(default=None, ge=0)
    up_to_points: FiniteFloat | None = Field(default=None, ge=0)
    floor: FloorCondition | None = None
    long_term: list[Dot] | None = None
    short_term: list[Dot] | None = None

    @property
    def has_conditions(self) -> bool:
        """True when the band sets any condition."""
        keys = ("met", "up_to", "up_to_points", "floor", "long_term", "short_term")
        return any(getattr(self, key) is not None for key in keys)

    @property
    def only_up_to(self) -> bool:
        """True when up_to is the band's one condition."""
        keys = ("met", "up_to_points", "floor", "long_term", "short_term")
        return self.up_to is not None and all(getattr(self, key) is None for key in keys)

    def matches(self, standing: Standing) -> bool:
        """True when every condition of the band holds."""
        return band_matches(self, standing)


def _level_errors(levels: list[Level], bands: list[Band]) -> list[InitErrorDetails]:
    """Duplicate level codes and bands naming a level the scheme lacks, each at its place."""
    errors: list[InitErrorDetails] = []
    codes = [level.code for level in levels]
    for index, code in enumerate(codes):
        if code in codes[:index]:
            errors.append(
                InitErrorDetails(
                    type=PydanticCustomError(
                        "level", "level '{code}' is defined twice", {"code": code}
                    ),
                    loc=("levels", index, "code"),
                    input=code,
                )
            )
    for index, band in enumerate(bands):
        if band.rag not in codes:
            errors.append(
                InitErrorDetails(
                    type=PydanticCustomError(
                        "level",
                        "band {band} gives '{rag}', which is not one of the scheme's levels "
                        "({known}); add it to levels or use one of them",
                        {"band": index + 1, "rag": band.rag, "known": ", ".join(codes)},
                    ),
                    loc=("bands", index, "rag"),
                    input=band.rag,
                )
            )
    return errors


class Scheme(_Model):
    """A rating scheme: its levels, best first, and the bands tried in order (DESIGN
    section 5)."""

    name: str
    survey_tolerance: bool = True
    levels: list[Level] = Field(default_factory=lambda: list(DEFAULT_LEVELS), min_length=1)
    bands: list[Band] = Field(min_length=1)
    spc: SpcRules | None = None

    @model_validator(mode="after")
    def _bands_cover_everything(self) -> Scheme:
        if self.bands[-1].has_conditions:
            raise ValueError("the last band must have no conditions, so that it matches everything")
        # Bands that differ only in up_to: a smaller bound after a bigger one never matches.
        bounds = [b.up_to for b in self.bands if b.up_to is not None and b.only_up_to]
        if bounds != sorted(bounds):
            raise ValueError(f"up_to bounds must be in increasing order, not {bounds}")
        errors = _level_errors(self.levels, self.bands)
        if errors:
            raise ValidationError.from_exception_data("Scheme", errors)
        return self

    @property
    def codes(self) -> list[str]:
        """The level codes, best first."""
        return [level.code for level in self.levels]


__all__ = [
    "Band",
    "Count",
    "DEFAULT_LEVELS",
    "Floors",
    "Level",
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
