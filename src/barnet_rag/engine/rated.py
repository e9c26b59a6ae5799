"""What the engine gives back: rated indicators, their traces and SPC readings, as plain
frozen dataclasses (no pydantic), with the public JSON field names of the format.

Every command renders these; :meth:`Plain.model_dump` and :meth:`Plain.model_dump_json`
give the public JSON (fields marked ``exclude`` are the engine's working values, kept for
renderers and left out of JSON and CSV), so a library user sees the same object whatever
the project's size.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Literal, Self, TypeVar

from barnet_rag.engine.inputs import BARNET_LEVELS, LevelRule
from barnet_rag.engine.summary import Share, Tally
from barnet_rag.terms import (
    Assurance,
    Dot,
    Frequency,
    IndicatorType,
    PointType,
    Polarity,
    Rag,
    RuleName,
    Side,
    TargetSource,
    Unit,
    Variation,
)

#: Field metadata that keeps a field out of JSON and CSV.
EXCLUDED = {"exclude": True}
#: Types whose values are JSON data as they are.
_SIMPLE = frozenset((str, int, bool, type(None)))
#: Columns of these types need a look only for infinite floats.
_NUMERIC = frozenset((int, float, bool, type(None)))
#: Each class's public field names, worked out once.
_PUBLIC: dict[type, list[str]] = {}


def _plain(value: Any) -> Any:
    """A value as JSON data: dataclasses and named tuples as objects, floats that JSON
    cannot hold (infinite shortfalls) as null."""
    if isinstance(value, Plain):
        return value.model_dump()
    if isinstance(value, Tally):  # Barnet's green..red keys only on rows with its levels
        return value.fields()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    dump = getattr(value, "model_dump", None)  # a validated scheme band, in a trace
    if callable(dump):
        return dump(mode="json")
    return value


@dataclass(frozen=True, slots=True)
class Plain:
    """A rated value: frozen, compared by value, dumped to the public JSON."""

    def model_dump(self, mode: str = "json") -> dict[str, Any]:
        """The public fields as JSON data, in field order (``mode`` is always JSON)."""
        del mode
        simple = _SIMPLE
        data = {}
        for name in self.public_fields():
            value = getattr(self, name)
            data[name] = value if type(value) in simple else _plain(value)
        return data

    def model_outline(self, keep: str) -> dict[str, Any]:
        """:meth:`model_dump` with the field ``keep`` left as its list of rated objects, for
        a writer that encodes them many at a time (their JSON is their ``model_dump``)."""
        data = {}
        for name in self.public_fields():
            value = getattr(self, name)
            data[name] = list(value) if name == keep else _plain(value)
        return data

    def model_dump_json(self, indent: int | None = None) -> str:
        """The public fields as JSON text (UTF-8 characters kept as they are)."""
        return json.dumps(self.model_dump(), indent=indent, ensure_ascii=False)

    def model_copy(self, update: dict[str, Any] | None = None) -> Self:
        """A copy with some fields replaced."""
        return dataclasses.replace(self, **(update or {}))

    @classmethod
    def public_columns(cls, items: Sequence[Self]) -> list[list[Any]]:
        """The public fields of ``items`` as columns of JSON data: column ``k`` holds, item
        by item, what :meth:`model_dump` gives for field ``k`` (for writers of many rows;
        most columns need no conversion at all)."""
        names = cls.public_fields()
        if not items:
            return [[] for _ in names]
        if len(names) == 1:
            columns = [[getattr(item, names[0]) for item in items]]
        else:
            columns = [list(column) for column in zip(*map(attrgetter(*names), items), strict=True)]
        for k, column in enumerate(columns):
            kinds = set(map(type, column))
            if kinds <= _SIMPLE:
                continue
            if kinds <= _NUMERIC and all(map(math.isfinite, filter(None, column))):
                continue
            columns[k] = [value if type(value) in _SIMPLE else _plain(value) for value in column]
        return columns

    @classmethod
    def public_fields(cls) -> list[str]:
        """The names of the fields that JSON and CSV carry, in order."""
        names = _PUBLIC.get(cls)
        if names is None:
            names = [f.name for f in dataclasses.fields(cls) if not f.metadata.get("exclude")]
            _PUBLIC[cls] = names
        return list(names)


P = TypeVar("P", bound=Plain)


def builder(cls: type[P]) -> Callable[..., P]:
    """A constructor of the frozen dataclass ``cls`` taking every field by keyword, for the
    engine's hundreds of thousands of rated values: it gives the same object as ``cls(...)``
    five times faster.

    A frozen dataclass sets each field through ``object.__setattr__`` (its own
    ``__setattr__`` refuses); this sets them as a plain class does, on an instance of a
    subclass that adds nothing (no slot, no field), which then becomes a ``cls``.
    """
    names = [f.name for f in dataclasses.fields(cls)]
    source = "\n".join(
        [f"def __init__(self, *, {', '.join(names)}):"]
        + [f"    self.{name} = {name}" for name in names]
        + ["    self.__class__ = cls"]
    )
    namespace: dict[str, Any] = {"cls": cls}
    exec(source, namespace)  # noqa: S102 - the source is made of the class's field names
    return type(
        f"_{cls.__name__}Builder",
        (cls,),
        {
            "__slots__": (),
            "__setattr__": object.__setattr__,  # both, or neither is the plain C one
            "__delattr__": object.__delattr__,
            "__init__": namespace["__init__"],
        },
    )


@dataclass(frozen=True, slots=True)
class SpecialCause(Plain):
    """One special-cause pattern: the rule, the points it flags (0-based) and its side."""

    rule: RuleName
    points: list[int]
    side: Side


@dataclass(frozen=True, slots=True)
class SpcResult(Plain):
    """The XmR reading of one indicator's series: limits, patterns, variation and assurance.

    ``lower``/``upper`` are the computed limits, used by the rules; ``display_lower`` and
    ``display_upper`` are clipped to 0-100 for percent indicators. All four are None with
    insufficient data. ``rules`` is the settings the series was read with.
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
    rebased: bool = False
    rules: Any = None

    @property
    def flagged(self) -> set[int]:
        """Indices of every point that is part of a special-cause pattern."""
        return {i for cause in self.special for i in cause.points}


@dataclass(frozen=True, slots=True)
class DotTrace(Plain):
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


@dataclass(frozen=True, slots=True)
class BandTrial(Plain):
    """One band tried: its index in the scheme file (None: the implicit met band), its
    level, each condition it sets with whether it held, and whether it matched."""

    index: int | None
    rag: str
    conditions: list[tuple[str, bool]]
    matched: bool


@dataclass(frozen=True, slots=True)
class RatingTrace(Plain):
    """The engine's record of each decision behind one rating, for ``explain``."""

    target_source: TargetSource
    target_year: str
    interval: float
    interval_source: str
    counted_value: float | None
    met: bool | None
    shortfall: float | None
    band_index: int | None
    band: Any
    dots: list[DotTrace]
    floor: float | None = None
    points: float | None = None
    floor_met: bool | None = None
    tried: list[BandTrial] = field(default_factory=list)
    implicit_met: bool = False


@dataclass(frozen=True, slots=True)
class RatedIndicator(Plain):
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
    rag_label: str | None = None
    tolerance_short: float | None = None
    variation: Variation | None = None
    assurance: Assurance | None = None
    spc_centre: float | None = None
    spc_lower: float | None = None
    spc_upper: float | None = None
    recent: list[float | None] = field(default_factory=list, metadata=EXCLUDED)
    spc: SpcResult | None = field(default=None, metadata=EXCLUDED)
    decimals: int = field(default=0, metadata=EXCLUDED)
    previous_decimals: int = field(default=0, metadata=EXCLUDED)
    last_year_decimals: int = field(default=0, metadata=EXCLUDED)
    trace: RatingTrace | None = field(default=None, metadata=EXCLUDED)
    levels: Sequence[LevelRule] = field(default=BARNET_LEVELS, metadata=EXCLUDED)

    @property
    def is_rated(self) -> bool:
        """Given one of its scheme's levels (not Monitor, not Not reported)."""
        return any(level.code == self.rag for level in self.levels)

    @property
    def level(self) -> LevelRule | None:
        """The scheme's level this indicator is rated, if rated."""
        return next((level for level in self.levels if level.code == self.rag), None)

    @property
    def missed_target(self) -> bool:
        """Rated below its scheme's best level: the indicators an exception report lists."""
        return self.is_rated and self.rag != self.levels[0].code

    @property
    def is_exception(self) -> bool:
        """Shown when reporting by exception: missed target, or Monitor for information."""
        return self.missed_target or self.rag == "Monitor"


#: Fast constructors of the values the engine makes per indicator (see :func:`builder`).
build_special_cause = builder(SpecialCause)
build_spc_result = builder(SpcResult)
build_dot_trace = builder(DotTrace)
build_band_trial = builder(BandTrial)
build_rating_trace = builder(RatingTrace)
build_rated_indicator = builder(RatedIndicator)

#: A Table 1 row and its counts: the engine's :class:`Tally` and :class:`Share`.
SummaryRow = Tally
Count = Share


@dataclass(frozen=True, slots=True)
class RatedPeriod(Plain):
    """Everything rated for one period: the indicators in plan order and the summary."""

    period: str
    indicators: Sequence[RatedIndicator]
    summary: Sequence[SummaryRow]
