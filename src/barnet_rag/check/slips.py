"""Warnings for figures that parse but are probably slips, and for invisible characters.

``check`` adds these to the loaders' problems (docs/rules.md): a percent written as a
fraction (``0.68`` for 68%), a result ten times or a tenth of the previous one (a slipped
decimal point, thousands, a fraction), and bidi or zero-width characters in a results
cell, which make text look other than it is. They are warnings, not errors: each can be
right, and ``--strict`` makes them fail the check.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from barnet_rag.engine.rating import format_number
from barnet_rag.errors import Problem
from barnet_rag.periods import Period
from barnet_rag.project.models import Indicator, Plan, QuarterResults, Result

#: How far a result may move from the previous one before ``check`` asks about its scale.
SCALE_FACTOR = 10

#: Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), and zero-width
#: characters (U+200B-U+200D, U+2060, U+FEFF).
HIDDEN = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class QuarterRows:
    """What the slip checks read of one results file: its rows and the raw value cells."""

    shown: str
    results: QuarterResults
    values: Mapping[int, str]


def _fraction_hint(number: float, written: str) -> str:
    return (
        f"if it means {format_number(number * 100)}%, write {format_number(number * 100)}; "
        f"if it really is {written}%, write {written}% to say so"
    )


def _looks_like_fraction(value: float) -> bool:
    return 0 < value <= 1


def target_fractions(plans: Sequence[tuple[str, Plan]]) -> list[Problem]:
    """Percent targets between 0 and 1 written without a % sign: ``annual: 0.68`` for 68%.

    The problems carry a YAML path; :func:`~barnet_rag.check.locating.locate_targets` adds
    the line.
    """
    problems = []
    for shown, plan in plans:
        for index, indicator in enumerate(plan.indicators):
            if indicator.unit != "percent":
                continue
            for year, targets in indicator.targets.items():
                for key in ("annual", "Q1", "Q2", "Q3", "Q4"):
                    value = getattr(targets, key)
                    if not isinstance(value, float) or not _looks_like_fraction(value):
                        continue
                    if key not in targets.percent_written:
                        written = format_number(value)
                        problems.append(
                            Problem(
                                "looks-like-fraction",
                                f"percent target {written} looks like a fraction; "
                                "percent targets are written 0-100",
                                shown,
                                path=f"indicators[{index}].targets.{year}.{key}",
                                hint=_fraction_hint(value, written),
                                severity="warning",
                            )
                        )
    return problems


#: In :class:`ResultSlips`: a result marked ``comparable: no`` with no value, since which
#: nothing was reported (later results are not compared with earlier ones).
_BREAK = None


class ResultSlips:
    """Results that look like a fraction (percent indicators, 0 < value <= 1, no % sign)
    or that are more than ten times, or under a tenth of, the indicator's previous reported
    result. A result marked ``comparable: no``, or one after such a break, is not compared
    with results before the break.

    Quarters are added one by one in time order, and each ref's previous reported result is
    kept as they are, not looked for again in every quarter.
    """

    def __init__(self, indicators: Mapping[str, Indicator]) -> None:
        self.indicators = indicators
        self.percent = {ref for ref, i in indicators.items() if i.unit == "percent"}
        #: Each ref's latest reported value so far, or _BREAK after a break, and its quarter.
        self.value: dict[str, float | None] = {}
        self.period: dict[str, Period] = {}

    def add(self, period: Period, quarter: QuarterRows, check: bool = True) -> list[Problem]:
        """Take in the quarter after those added before it; its slips when ``check``."""
        last, when = self.value, self.period
        problems: list[Problem] = []
        indicators, percent = self.indicators, self.percent
        low, high = 1.1 / SCALE_FACTOR, 0.99 * SCALE_FACTOR  # inside these, however rounded
        for ref, result in quarter.results.results.items():
            value = result.value
            if value is None:
                if not result.comparable:
                    last[ref] = _BREAK
                continue
            # Checked before the ref's latest value and quarter are replaced by this one's
            # (a 1.2 M-row loop: the quarter is looked up only for a slip).
            if check and ref in indicators:
                earlier = last.get(ref, _BREAK) if result.comparable else _BREAK
                if ref in percent and _looks_like_fraction(value):
                    text = quarter.values.get(result.line, format_number(value))
                    if not text.endswith("%"):
                        problems.append(_fraction_slip(quarter, result, text))
                        earlier = _BREAK
                if not (earlier is _BREAK or earlier == 0 or value == 0) and not (
                    low <= abs(value / earlier) <= high
                ):
                    ratio = round(abs(value / earlier), 9)  # 67.6 / 6.76 is ten
                    if not 1 / SCALE_FACTOR <= ratio <= SCALE_FACTOR:
                        earlier_period = when[ref]
                        problems.append(
                            _scale_slip(
                                quarter, result, indicators[ref], (earlier_period, earlier), ratio
                            )
                        )
            last[ref] = value
            when[ref] = period
        return problems


def _fraction_slip(quarter: QuarterRows, result: Result, text: str) -> Problem:
    assert result.value is not None
    return Problem(
        "looks-like-fraction",
        f"value {text!r} of percent indicator {result.ref} looks like a "
        "fraction; percents are written 0-100",
        quarter.shown,
        result.line,
        column="value",
        hint=_fraction_hint(result.value, text),
        severity="warning",
    )


def _scale_slip(
    quarter: QuarterRows,
    result: Result,
    indicator: Indicator,
    earlier: tuple[Period, float],
    ratio: float,
) -> Problem:
    assert result.value is not None
    text = quarter.values.get(result.line, format_number(result.value))
    how = "more than ten times" if ratio > SCALE_FACTOR else "under a tenth of"
    before = format_number(earlier[1]) + ("%" if indicator.unit == "percent" else "")
    return Problem(
        "scale-jump",
        f"value {text!r} is {how} {result.ref}'s previous result ({before} in {earlier[0]})",
        quarter.shown,
        result.line,
        column="value",
        hint="check the figure's scale (a fraction for a percent, thousands, a "
        "slipped decimal point); if the method changed, write no in comparable",
        severity="warning",
    )


def hidden_characters(
    shown: str, header: Sequence[str], rows: Sequence[tuple[int, int, Sequence[str]]]
) -> list[Problem]:
    """A warning for each cell holding a bidi control or a zero-width character; ``rows``
    are (first line, last line, cells)."""
    problems = []
    for start, _, row in rows:
        line = start
        for name, cell in zip(header, row, strict=False):
            match = HIDDEN.search(cell)
            if match is not None:
                char = match.group()
                code = f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed').lower()})"
                if _BIDI.match(char):
                    message = f"{name} holds the bidi control {code}"
                    hint = "it can show the text in another order than it is stored; delete it"
                else:
                    message = f"{name} holds the zero-width character {code}"
                    hint = "it makes text look like other text that differs; delete it"
                problems.append(
                    Problem(
                        "hidden-character",
                        message,
                        shown,
                        line + cell.count("\n", 0, match.start()),
                        column=name,
                        hint=hint,
                        severity="warning",
                    )
                )
            line += cell.count("\n")
    return problems
