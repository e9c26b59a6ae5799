"""What the engine reads: a project's plans, schemes and results, as the engine sees them.

Plans and schemes arrive as whatever the project layer validated (its models satisfy these
protocols: the engine reads attributes, never builds or validates them); results are plain
frozen rows, made once per row of a results file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from barnet_rag.periods import Period
from barnet_rag.terms import Dot, Frequency, IndicatorType, MissedRag, Polarity, Rag, Unit


@dataclass(frozen=True, slots=True)
class Result:
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


class BandRule(Protocol):
    """What the rules read of a scheme's band."""

    @property
    def rag(self) -> MissedRag: ...
    @property
    def up_to(self) -> float | None: ...
    @property
    def long_term(self) -> Sequence[Dot] | None: ...


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
    def bands(self) -> Sequence[BandRule]: ...
    @property
    def spc(self) -> SpcRule | None: ...
