"""What the engine reads: a project's plans, schemes and results, as the engine sees them.

Plans and schemes arrive as whatever the project layer validated (its models satisfy these
protocols: the engine reads attributes, never builds or validates them); results are plain
immutable rows, made once per row of a results file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from barnet_rag.periods import Period
from barnet_rag.terms import (
    Dot,
    FloorCondition,
    Frequency,
    IndicatorType,
    MissedRag,
    Polarity,
    Rag,
    Unit,
)


class Result(NamedTuple):
    """One row of a results file: an indicator's result in one quarter.

    A named tuple, not a frozen dataclass: a national project holds over a million, and a
    tuple is built in a tenth of the time a frozen dataclass's checked ``__init__`` takes.
    """

    ref: str
    value: float | None = None
    label: str | None = None
    comparable: bool = True
    note: str | None = None
    comment: str | None = None
    published_rag: Rag | None = None
    line: int = 0
    decimals: int = 0


@dataclass(frozen=True, slots=True)
class QuarterResults:
    """Every result of one quarter, keyed by ref, and the file they came from."""

    period: Period
    source: str
    results: Mapping[str, Result]


#: Each quarter's results, by period (a store may read them only when asked for).
Results = Mapping[Period, QuarterResults]


class YearTargetsRule(Protocol):
    """One financial year's targets: annual (number, text or None) and quarter targets."""

    @property
    def annual(self) -> float | str | None: ...
    def for_quarter(self, quarter: int) -> float | str | None: ...
    def floor_for(self, quarter: int) -> float | None: ...


class SurveyRule(Protocol):
    """A survey's confidence interval: fixed, or from a sample size."""

    @property
    def confidence_interval(self) -> float | None: ...
    @property
    def sample_size(self) -> int | None: ...


class IndicatorSpcRule(Protocol):
    """An indicator's own SPC settings: a fixed baseline, and quarters that rebase it."""

    @property
    def baseline(self) -> int | None: ...
    @property
    def rebase(self) -> Sequence[Period]: ...


class IndicatorRule(Protocol):
    """What the rules read of an indicator."""

    @property
    def ref(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def type(self) -> IndicatorType: ...
    @property
    def polarity(self) -> Polarity: ...
    @property
    def unit(self) -> Unit: ...
    @property
    def survey(self) -> str | None: ...
    @property
    def frequency(self) -> Frequency: ...
    @property
    def since(self) -> int | None: ...
    @property
    def dot_tolerance(self) -> float: ...
    @property
    def dot_tolerance_percent(self) -> float | None: ...
    @property
    def benchmark(self) -> str | None: ...
    @property
    def spc(self) -> IndicatorSpcRule | None: ...
    def targets_for(self, year: int) -> YearTargetsRule | None: ...


class PlanRule(Protocol):
    """What the rules read of a plan."""

    @property
    def plan(self) -> str: ...
    @property
    def committee(self) -> str: ...
    @property
    def scheme(self) -> str: ...
    @property
    def surveys(self) -> Mapping[str, SurveyRule]: ...
    @property
    def indicators(self) -> Sequence[IndicatorRule]: ...


class LevelRule(Protocol):
    """One level of a scheme: its code, the label reports print and its colours."""

    @property
    def code(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def colour(self) -> str: ...
    @property
    def text_colour(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Level:
    """A level as plain values (the engine's default levels are these)."""

    code: str
    label: str
    colour: str
    text_colour: str


#: Barnet's four levels, best first, in the colours its reports have always used.
BARNET_LEVELS: tuple[Level, ...] = (
    Level("G", "Green", "#00703c", "#ffffff"),
    Level("GA", "Green Amber", "#dfe87a", "#0b0c0c"),
    Level("RA", "Red Amber", "#f6a04d", "#0b0c0c"),
    Level("R", "Red", "#b10e1e", "#ffffff"),
)


class BandRule(Protocol):
    """What the rules read of a scheme's band: the level it gives and its conditions
    (None = no such condition)."""

    @property
    def rag(self) -> MissedRag: ...
    @property
    def met(self) -> bool | None: ...
    @property
    def up_to(self) -> float | None: ...
    @property
    def up_to_points(self) -> float | None: ...
    @property
    def floor(self) -> FloorCondition | None: ...
    @property
    def long_term(self) -> Sequence[Dot] | None: ...
    @property
    def short_term(self) -> Sequence[Dot] | None: ...


@dataclass(frozen=True, slots=True)
class PlainBand:
    """A band as plain values: the implicit ``{rag: <best level>, met: true}`` first band."""

    rag: str
    met: bool | None = None
    up_to: float | None = None
    up_to_points: float | None = None
    floor: FloorCondition | None = None
    long_term: Sequence[Dot] | None = None
    short_term: Sequence[Dot] | None = None


class SpcRule(Protocol):
    """SPC settings: rule lengths and the fewest points that get limits."""

    @property
    def shift(self) -> int: ...
    @property
    def trend(self) -> int: ...
    @property
    def two_of_three(self) -> bool: ...
    @property
    def min_points(self) -> int: ...
    @property
    def baseline(self) -> int | None: ...


class SchemeRule(Protocol):
    """What the rules read of a rating scheme."""

    @property
    def survey_tolerance(self) -> bool: ...
    @property
    def levels(self) -> Sequence[LevelRule]: ...
    @property
    def bands(self) -> Sequence[BandRule]: ...
    @property
    def spc(self) -> SpcRule | None: ...
