"""Typed models of plans and schemes (pydantic v2, frozen, strict keys).

They mirror the files of the formats (docs/rules.md); unknown keys are errors. The engine
reads them through its protocols (:mod:`barnet_rag.engine.inputs`); results rows and the
rated output are the engine's plain dataclasses, re-exported here for library users.
"""

from __future__ import annotations

import functools
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ModelWrapValidatorHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError, SchemaValidator, core_schema

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
from barnet_rag.errors import UsageError
from barnet_rag.periods import Period, parse_financial_year, parse_period
from barnet_rag.project.numbers import CellError, parse_value
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


def _no_items() -> list[Any]:
    """An empty list, the default of a list key: a Python function rather than ``list``,
    whose signature pydantic would parse from text (with :mod:`tokenize`) on every start."""
    return []


def _no_entries() -> dict[str, Any]:
    """An empty mapping, the default of a mapping key (rather than ``dict``, as
    :func:`_no_items`)."""
    return {}


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
    """When a run of results is special cause: a scheme's SPC rules; the defaults follow the NHS.

    ``baseline`` fixes the centre and limits on the first that many points of each
    baseline (None: every point); it may not be below ``min_points``.
    """

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
        examples=[7],
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
    baseline: int | None = Field(
        default=None,
        ge=2,
        le=200,
        description="Fix the centre line and limits on the first this many results of each "
        "baseline and judge later results against them (Making Data Count's advice); leave it "
        "out to recalculate over every result. Not below min_points.",
        examples=[12],
    )

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
#: The keys of a year's targets, in the order of their fields.
TARGET_KEYS = ("annual", "Q1", "Q2", "Q3", "Q4")
_PERCENT = "percent_written"
_NONE_WRITTEN: frozenset[str] = frozenset()
QuarterName = Literal["Q1", "Q2", "Q3", "Q4"]


class Floors(_Model):
    """A year's floors when they differ by quarter: ``floor: {annual: 85, Q3: 84}``."""

    annual: FiniteFloat | None = Field(
        default=None,
        description="The floor for every quarter without a floor of its own.",
        examples=[85],
    )
    Q1: FiniteFloat | None = Field(
        default=None, description="The floor for Q1 (April to June).", examples=[84]
    )
    Q2: FiniteFloat | None = Field(
        default=None, description="The floor for Q2 (July to September).", examples=[84]
    )
    Q3: FiniteFloat | None = Field(
        default=None, description="The floor for Q3 (October to December).", examples=[84]
    )
    Q4: FiniteFloat | None = Field(
        default=None, description="The floor for Q4 (January to March).", examples=[84]
    )


class YearTargets(_Model):
    """Targets for one financial year: an annual target (number or text) and quarter targets.

    Numbers are in the indicator's unit: on percent indicators they lie in 0-100.
    ``percent_written`` names the keys whose target was written with a ``%`` sign, which
    only a percent indicator may have (:mod:`~barnet_rag.project.loading` checks the unit).
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
    floor: FiniteFloat | Floors | None = Field(
        default=None,
        description="The floor below which a missed target is worst (for schemes with a floor "
        "condition): one number for every quarter, or {annual, Q1..Q4}.",
        examples=[85, {"annual": 85, "Q3": 84}],
    )
    _normalise = field_validator(*TARGET_KEYS, mode="before")(_monitor_or_number)

    @model_validator(mode="wrap")
    @classmethod
    def _note_percent_signs(cls, data: Any, handler: ModelWrapValidatorHandler[YearTargets]) -> Any:
        """Remember the keys written with a ``%`` sign, in the instance's private values
        (None, the default, when there are none: no dict for each of a plan's years)."""
        targets = handler(data)
        if isinstance(data, dict) and not targets.__pydantic_private__:
            written = frozenset(
                str(k) for k, v in data.items() if isinstance(v, str) and v.strip().endswith("%")
            )
            if written:
                object.__setattr__(targets, "__pydantic_private__", {_PERCENT: written})
        return targets

    @property
    def percent_written(self) -> frozenset[str]:
        """The keys (``annual``, ``Q1``...) whose target was written as e.g. ``68%``."""
        private = self.__pydantic_private__
        return private[_PERCENT] if private else _NONE_WRITTEN

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


def _rebase_quarter(value: Any) -> Any:
    if isinstance(value, Period):
        return value
    try:
        return parse_period(str(value))
    except UsageError:
        raise ValueError(
            f'{value!r} is not a quarter; write it as 2016/17-Q1 (or Q1-2016, "Q1 2016/17")'
        ) from None


#: The types a target or floor may have for :func:`_plain_years` (``monitor`` aside): those
#: that read the same in lax and strict mode (not bool, not text).
_PLAIN_TYPES = frozenset({float, int, type(None)})


def _is_plain(years: dict[Any, Any]) -> bool:
    """Whether every year is a mapping of numbers, ``monitor`` and floors of numbers: what
    :func:`_plain_years` reads as the ordinary way would (text needs
    :func:`_monitor_or_number`)."""
    for year in years.values():
        if year.__class__ is not dict:
            return False
        for value in year.values():
            if value.__class__ in _PLAIN_TYPES or value == "monitor":
                continue
            if value.__class__ is not dict or any(
                floor.__class__ not in _PLAIN_TYPES for floor in value.values()
            ):
                return False
    return True


@functools.cache
def _plain_years() -> SchemaValidator | None:
    """A validator of ``{year: targets}`` for years of numbers and ``monitor`` only: the
    model schema of :class:`YearTargets` without its Python validators, which leave such
    years as they are, so that a year runs no Python. None when the schema is not laid out
    as expected (then every year takes the ordinary way)."""
    outer = YearTargets.__pydantic_core_schema__
    model = outer.get("schema", {})
    if outer.get("type") != "function-wrap" or model.get("type") != "model":
        return None
    fields = dict(model["schema"]["fields"])
    for key in TARGET_KEYS:
        field, default = fields[key], fields[key]["schema"]
        before = default.get("schema", {})
        if default["type"] != "default" or before.get("function", {}).get("function") is not (
            _monitor_or_number
        ):
            return None
        fields[key] = {**field, "schema": {**default, "schema": _number_first(before["schema"])}}
    plain = {**model, "schema": {**model["schema"], "fields": fields}}
    plain.pop("post_init", None)
    return SchemaValidator(core_schema.dict_schema(core_schema.str_schema(), plain))


def _number_first(schema: Any) -> Any:
    """A target's ``number | text`` union tried in order, the number first, rather than in
    pydantic's smart mode (which tries every choice strictly first, and an ``int`` fails
    that for ``float``): the same value for what :func:`_is_plain` lets through, about 15%
    less time; anything else stays as it is."""
    inner = schema.get("schema", {}) if schema.get("type") == "nullable" else {}
    if inner.get("type") != "union" or inner["choices"][0].get("type") != "float":
        return schema
    return {**schema, "schema": {**inner, "mode": "left_to_right"}}


class _PlainYearsFirst:
    """Validates a plan's ``targets`` with :func:`_plain_years` when every year is plain
    (:func:`_is_plain`); any other, and any error, the ordinary way, which says where."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_wrap_validator_function(_plain_first, handler(source))


def _plain_first(value: Any, handler: core_schema.ValidatorFunctionWrapHandler) -> Any:
    plain = _plain_years() if isinstance(value, dict) and _is_plain(value) else None
    if plain is not None:
        try:
            return plain.validate_python(value)
        except ValidationError:
            pass  # the ordinary way words and locates the errors
    return handler(value)


class IndicatorSpc(_Model):
    """One indicator's own SPC settings (``spc:`` in a plan): a fixed baseline of that many
    points, overriding the scheme's, and the quarters where its process changed."""

    baseline: int | None = Field(
        default=None,
        ge=2,
        le=200,
        description="Fix this indicator's centre line and limits on the first this many "
        "results of each baseline, overriding its scheme's spc baseline. Not below min_points.",
        examples=[12],
    )
    rebase: list[Annotated[Period, BeforeValidator(_rebase_quarter)]] = Field(
        default_factory=_no_items,
        description="Quarters where the process really changed (a new service, say): each "
        "starts a new SPC baseline, without breaking the direction of travel.",
        examples=[["2016/17-Q1"]],
    )

    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, defer_build=True
    )


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
    dot_tolerance_percent: FiniteFloat | None = Field(
        default=None,
        ge=0,
        le=100,
        description="A change up to this percent of the earlier result is the same, not "
        "improving or worsening (for indicators without a survey or dot_tolerance; giving both "
        "this and dot_tolerance is an error).",
        examples=[2],
    )
    benchmark: str | None = Field(
        default=None,
        description="Free text comparing with others, shown in the report.",
        examples=["London 80% (2016/17, LGA)"],
    )
    targets: Annotated[dict[str, YearTargets], _PlainYearsFirst()] = Field(
        default_factory=_no_entries,
        description="Targets per financial year, keyed by the year written 2017/18. An "
        "indicator with no targets for a year is Monitor that year.",
        examples=[{"2017/18": {"annual": 68, "Q3": 68}}],
    )
    spc: IndicatorSpc | None = Field(
        default=None,
        description="The indicator's own SPC settings: a fixed baseline (overriding its "
        "scheme's) and the quarters where its process changed (rebase).",
        examples=[{"baseline": 12, "rebase": ["2016/17-Q1"]}],
    )
    owner: str | None = Field(
        default=None,
        min_length=1,
        description="Who supplies the result (a team or officer); the plan's owner when left "
        "out. check --missing groups the results still missing by owner.",
        examples=["Community Safety team"],
    )
    reported_in: list[QuarterName] | None = Field(
        default=None,
        description="The quarters a result is expected in, e.g. [Q3] for an annual survey "
        "reported in the autumn. Default: every quarter for quarterly indicators, else the "
        "quarters it was last reported in.",
        examples=[["Q3"]],
    )

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


@functools.lru_cache(maxsize=256)
def _normal_year(text: str) -> str:
    """``2017-18`` -> ``2017/18``, remembered: every indicator shares the few keys, and
    reads them without Python's regex (a key that is no year raises each time)."""
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
        default_factory=_no_entries,
        description="The surveys some indicators come from, keyed by a short code that "
        "indicators name in their survey key.",
        examples=[{"RPS": {"title": "Residents' Perception Survey", "confidence_interval": 4.4}}],
    )
    indicators: list[Indicator] = Field(
        min_length=1, description="The plan's indicators, in the order reports list them."
    )
    owner: str | None = Field(
        default=None,
        min_length=1,
        description="Who supplies the results of indicators that name no owner of their own.",
        examples=["Strategy and Performance team"],
    )

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

    code: str = Field(
        description="1 to 8 letters, unique in the scheme; what bands, published_rag and "
        "--fail-on name (Monitor and Not reported are reserved).",
        examples=["A"],
    )
    label: str = Field(
        min_length=1, description="The level's name as reports print it.", examples=["Amber"]
    )
    colour: str = Field(
        description="Its colour in reports, charts and workbooks, as #rrggbb.",
        examples=["#ffdd00"],
    )
    text_colour: str = Field(
        default="#0b0c0c",
        description="The colour of text on it, as #rrggbb (choose one with AA contrast).",
        examples=["#0b0c0c"],
    )

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

    rag: str = Field(
        description="The level this band gives: one of the scheme's level codes (Barnet: GA, "
        "RA or R).",
        examples=["GA"],
    )
    met: bool | None = Field(
        default=None,
        description="Matches only when the target is met (true) or missed (false).",
        examples=[True],
    )
    up_to: FiniteFloat | None = Field(
        default=None,
        ge=0,
        description="Matches when the result falls short of the target by at most this "
        "fraction of the target: 0.05 is 5% short.",
        examples=[0.05],
    )
    up_to_points: FiniteFloat | None = Field(
        default=None,
        ge=0,
        description="Matches when the result falls short of the target by at most this much in "
        "the indicator's own unit (percentage points for percent indicators).",
        examples=[2],
    )
    floor: FloorCondition | None = Field(
        default=None,
        description="Matches when the indicator's floor for the quarter is met, or missed; an "
        "indicator with no floor never matches.",
        examples=["met"],
    )
    long_term: list[Dot] | None = Field(
        default=None,
        description="Matches when the long-term direction of travel (against the same quarter "
        "last year) is one of these.",
        examples=[["improving", "same"]],
    )
    short_term: list[Dot] | None = Field(
        default=None,
        description="Matches when the short-term direction of travel (against the previous "
        "quarter) is one of these.",
        examples=[["improving"]],
    )

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
    """A rating scheme: its levels, best first, and the bands tried in order
    (docs/schemes.md)."""

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
    levels: list[Level] = Field(
        default_factory=lambda: list(DEFAULT_LEVELS),
        min_length=1,
        description="The scheme's ratings, best first: code, label and colours. Default: "
        "Barnet's four (G Green, GA Green Amber, RA Red Amber, R Red).",
        examples=[[{"code": "G", "label": "Green", "colour": "#00703c"}]],
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
        examples=[{"shift": 7, "trend": 7}],
    )

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
