"""An independent oracle of the rating rules, written from DESIGN.md sections 2, 4, 5, 6, 7.

It exists only to be compared with the engine (``tests/test_oracle.py``): plain dicts in
(the plan and scheme files as YAML data, the results files as rows of text cells), plain
values out. It imports nothing of barnet_rag, and it reads as the rules are written:
exact decimal arithmetic (``Fraction``), one short function per rule, no shortcuts.

Keys of the formats that do not affect a rating (titles, ``benchmark``, ``frequency``,
``risks``, ``owner`` (plan and indicator), ``reported_in``, the indicator's and the scheme's
``spc`` settings, the levels' ``colour``/``text_colour``, results' ``note``/``comment``) are
read by nobody here: the oracle ignores them on purpose.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

#: A quarter: (the year its financial year starts in, quarter 1-4). (2017, 3) = Q3 2017/18.
Quarter = tuple[int, int]

#: Barnet's levels, best first (DESIGN section 5): a scheme without ``levels`` has these.
BARNET_LEVELS: list[dict[str, str]] = [
    {"code": "G", "label": "Green"},
    {"code": "GA", "label": "Green Amber"},
    {"code": "RA", "label": "Red Amber"},
    {"code": "R", "label": "Red"},
]
THREE_LEVELS: list[dict[str, str]] = [
    {"code": "G", "label": "Green"},
    {"code": "A", "label": "Amber"},
    {"code": "R", "label": "Red"},
]

#: The built-in schemes of DESIGN section 5.
BUILTIN_SCHEMES: dict[str, dict[str, Any]] = {
    "barnet": {
        "name": "barnet",
        "survey_tolerance": True,
        "bands": [
            {"rag": "GA", "up_to": 0.05},
            {"rag": "RA", "long_term": ["improving", "same"]},
            {"rag": "R"},
        ],
    },
    "bands": {
        "name": "bands",
        "survey_tolerance": True,
        "bands": [{"rag": "GA", "up_to": 0.10}, {"rag": "RA", "up_to": 0.20}, {"rag": "R"}],
    },
    "traffic-light": {
        "name": "traffic-light",
        "survey_tolerance": True,
        "levels": THREE_LEVELS,
        "bands": [{"rag": "G", "met": True}, {"rag": "A", "up_to": 0.10}, {"rag": "R"}],
    },
    "floor": {
        "name": "floor",
        "survey_tolerance": True,
        "levels": THREE_LEVELS,
        "bands": [{"rag": "G", "met": True}, {"rag": "A", "floor": "met"}, {"rag": "R"}],
    },
}

#: Cells read as "not reported" (DESIGN section 3).
NOT_REPORTED_CELLS = ("", "n/a", "N/A", "-", "–")


@dataclass(frozen=True)
class OracleIndicator:
    """What the oracle decides for one indicator in one quarter."""

    plan: str
    ref: str
    value: Fraction | None
    label: str | None
    published_rag: str | None
    target: Fraction | None
    counted_value: Fraction | None
    rag: str
    dot_short: str
    dot_long: str
    tolerance: Fraction | None
    tolerance_short: Fraction | None


@dataclass(frozen=True)
class OracleRow:
    """One row of Table 1 (DESIGN section 7); shares are (count, percent)."""

    plan: str
    committee: str
    indicators: int
    reported: int
    rated: int
    monitor: int
    with_dot: int
    green: tuple[int, int] | None  # these four only on rows with Barnet's four levels
    green_amber: tuple[int, int] | None
    red_amber: tuple[int, int] | None
    red: tuple[int, int] | None
    improved_same: tuple[int, int]
    worsened: tuple[int, int]
    levels: tuple[dict[str, Any], ...]  # {code, label, count, percent} per scheme level


# --- periods (section 1) -------------------------------------------------------------------


def year_of(text: str) -> int:
    """``"2017/18"`` -> 2017."""
    return int(str(text).split("/")[0])


def previous_quarter(quarter: Quarter) -> Quarter:
    """The quarter before: Q1 2017/18 -> Q4 2016/17."""
    year, q = quarter
    return (year - 1, 4) if q == 1 else (year, q - 1)


def same_quarter_last_year(quarter: Quarter) -> Quarter:
    """Q3 2017/18 -> Q3 2016/17."""
    return (quarter[0] - 1, quarter[1])


# --- numbers ---------------------------------------------------------------------------------


def exact(number: float | int | str) -> Fraction:
    """A number as written (``4.4`` is exactly 44/10, not the nearest binary float)."""
    return Fraction(str(number))


def number_in_cell(cell: str) -> Fraction | None:
    """A results cell: ``60``, ``60%``, ``1,234``, ``69.4``; blank or ``n/a`` -> None."""
    text = cell.strip()
    if text in NOT_REPORTED_CELLS:
        return None
    return exact(text.removesuffix("%").replace(",", ""))


def number_target(target: Any) -> Fraction | None:
    """A target that is a number (``68``, or ``"68%"`` on percent indicators), else None."""
    if isinstance(target, bool) or target is None:
        return None
    if isinstance(target, int | float):
        return exact(target)
    text = str(target).strip()
    if text.endswith("%"):
        return exact(text[:-1])
    return None


# --- section 2: the target -------------------------------------------------------------------


def target_for(indicator: Mapping[str, Any], quarter: Quarter) -> Fraction | None:
    """``targets[year][Qn]`` if given, else a number ``annual``, else None (Monitor)."""
    year, q = quarter
    for key, targets in indicator.get("targets", {}).items():
        if year_of(key) == year:
            own = targets.get(f"Q{q}")
            if own is not None:
                return number_target(own)  # "monitor" gives None
            return number_target(targets.get("annual"))
    return None


def floor_for(indicator: Mapping[str, Any], quarter: Quarter) -> Fraction | None:
    """The quarter's own floor, else the year's annual floor (or its single number), else
    None: no floor that quarter (DESIGN section 5)."""
    year, q = quarter
    for key, targets in indicator.get("targets", {}).items():
        if year_of(key) == year:
            floor = targets.get("floor")
            if isinstance(floor, Mapping):
                own = floor.get(f"Q{q}")
                floor = own if own is not None else floor.get("annual")
            return None if floor is None else exact(floor)
    return None


# --- the survey interval ---------------------------------------------------------------------


def interval(plan: Mapping[str, Any], indicator: Mapping[str, Any], value: Fraction) -> Fraction:
    """The result's ± interval in points: the survey's fixed one, or from its sample size as
    ``round(100·1.96·√(p(1−p)/n), 1)`` with ``p = value/100`` clipped to 0..1; 0 otherwise."""
    name = indicator.get("survey")
    if name is None:
        return Fraction(0)
    survey = plan["surveys"][name]
    if survey.get("confidence_interval") is not None:
        return exact(survey["confidence_interval"])
    p = min(max(float(value) / 100, 0.0), 1.0)
    return exact(round(100 * 1.96 * math.sqrt(p * (1 - p) / survey["sample_size"]), 1))


# --- section 6: Direction of Travel ----------------------------------------------------------


def direction(
    plan: Mapping[str, Any],
    indicator: Mapping[str, Any],
    results: Mapping[Quarter, Mapping[str, Mapping[str, str]]],
    quarter: Quarter,
    reference: Quarter,
    long_term: bool,
) -> tuple[str, Fraction | None]:
    """The DOT of the quarter's result against the reference quarter's, and its tolerance."""
    ref = indicator["ref"]
    value = value_in(results, quarter, ref)
    earlier = value_in(results, reference, ref)
    tolerance = dot_tolerance(plan, indicator, value, earlier)
    if value is None:
        return "not reported", tolerance
    if earlier is None:
        if not long_term:
            return "not reported", tolerance
        since = indicator.get("since")
        new = since is not None and year_of(since) == quarter[0]
        return ("new" if new else "no comparison"), tolerance
    if any(not comparable(results, between, ref) for between in quarters_after(reference, quarter)):
        return "not comparable", tolerance
    assert tolerance is not None
    if abs(value - earlier) <= tolerance:
        return "same", tolerance
    better = value > earlier if indicator["polarity"] == "bigger" else value < earlier
    return ("improving" if better else "worsening"), tolerance


def dot_tolerance(
    plan: Mapping[str, Any],
    indicator: Mapping[str, Any],
    value: Fraction | None,
    earlier: Fraction | None,
) -> Fraction | None:
    """The survey's interval for a survey indicator, else ``dot_tolerance`` (units) when
    given, else ``dot_tolerance_percent`` of ``|r|``, else 0. None when there is nothing to
    compare (no result, or a percent tolerance without a reference): no rule says what it
    is then."""
    if value is None:
        return None
    if indicator.get("survey") is not None:
        return interval(plan, indicator, value)
    if "dot_tolerance" in indicator:
        return exact(indicator["dot_tolerance"])
    if indicator.get("dot_tolerance_percent") is not None:
        if earlier is None:
            return None
        return abs(earlier) * exact(indicator["dot_tolerance_percent"]) / 100
    return Fraction(0)


def quarters_after(start: Quarter, end: Quarter) -> list[Quarter]:
    """The quarters after ``start`` up to and including ``end``."""
    found = []
    quarter = end
    while quarter > start:
        found.append(quarter)
        quarter = previous_quarter(quarter)
    return found


def comparable(
    results: Mapping[Quarter, Mapping[str, Mapping[str, str]]], quarter: Quarter, ref: str
) -> bool:
    """False when the quarter has a result for ``ref`` marked ``comparable: no``."""
    row = results.get(quarter, {}).get(ref)
    return row is None or row.get("comparable", "").strip().lower() != "no"


def value_in(
    results: Mapping[Quarter, Mapping[str, Mapping[str, str]]], quarter: Quarter, ref: str
) -> Fraction | None:
    """The quarter's result for ``ref``, None when it has none (no file, no row, blank)."""
    row = results.get(quarter, {}).get(ref)
    return None if row is None else number_in_cell(row.get("value", ""))


# --- section 4: RAG --------------------------------------------------------------------------


def levels_of(scheme: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The scheme's levels, best first (Barnet's four when it names none)."""
    return list(scheme.get("levels") or BARNET_LEVELS)


def bands_of(scheme: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The bands tried in order: a scheme with no ``met: true`` band behaves as if its first
    band were ``{rag: <best level>, met: true}`` (DESIGN section 4, step 5)."""
    bands = list(scheme["bands"])
    if not any(band.get("met") is True for band in bands):
        bands.insert(0, {"rag": levels_of(scheme)[0]["code"], "met": True})
    return bands


def band_holds(
    band: Mapping[str, Any],
    met: bool,
    shortfall: Fraction | float,
    points: Fraction,
    floor_met: bool | None,
    dot_short: str,
    dot_long: str,
) -> bool:
    """Every condition the band sets holds (a band without conditions always does)."""
    if band.get("met") is not None and band["met"] != met:
        return False
    if band.get("up_to") is not None and shortfall > exact(band["up_to"]):
        return False
    if band.get("up_to_points") is not None and points > exact(band["up_to_points"]):
        return False
    if band.get("floor") is not None:
        if floor_met is None:  # no floor that quarter: never matches a floor condition
            return False
        if floor_met != (band["floor"] == "met"):
            return False
    if band.get("long_term") is not None and dot_long not in band["long_term"]:
        return False
    return band.get("short_term") is None or dot_short in band["short_term"]


def rag_for(
    indicator: Mapping[str, Any],
    scheme: Mapping[str, Any],
    value: Fraction | None,
    target: Fraction | None,
    floor: Fraction | None,
    confidence: Fraction,
    dot_short: str,
    dot_long: str,
) -> tuple[str, Fraction | None]:
    """The rating and the value counted (None when not rated)."""
    if value is None:
        return "Not reported", None
    if target is None:
        return "Monitor", None
    bigger = indicator["polarity"] == "bigger"
    counted = value
    if scheme.get("survey_tolerance", True):
        counted = value + confidence if bigger else value - confidence
    met = counted >= target if bigger else counted <= target
    shortfall: Fraction | float
    if met:
        shortfall, points = Fraction(0), Fraction(0)
    else:
        points = abs(target - counted)
        shortfall = math.inf if target == 0 else points / abs(target)
    floor_met = None
    if floor is not None:
        floor_met = counted >= floor if bigger else counted <= floor
    for band in bands_of(scheme):
        if band_holds(band, met, shortfall, points, floor_met, dot_short, dot_long):
            return band["rag"], counted
    raise AssertionError("a scheme's last band matches everything")


# --- the whole quarter -----------------------------------------------------------------------


def active(indicator: Mapping[str, Any], quarter: Quarter) -> bool:
    """An indicator counts from its ``since`` year on (always, without one)."""
    since = indicator.get("since")
    return since is None or year_of(since) <= quarter[0]


def rate(
    plans: Sequence[Mapping[str, Any]],
    schemes: Mapping[str, Mapping[str, Any]],
    results: Mapping[Quarter, Mapping[str, Mapping[str, str]]],
    quarter: Quarter,
) -> tuple[list[OracleIndicator], list[OracleRow]]:
    """Every active indicator of every plan rated for ``quarter``, and Table 1."""
    every_scheme = {**BUILTIN_SCHEMES, **schemes}
    rated: list[OracleIndicator] = []
    rows: list[OracleRow] = []
    level_sets = []
    for plan in plans:
        scheme = every_scheme[plan.get("scheme", "barnet")]
        levels = levels_of(scheme)
        level_sets.append(levels)
        mine = []
        for indicator in plan["indicators"]:
            if not active(indicator, quarter):
                continue
            ref = indicator["ref"]
            row = results.get(quarter, {}).get(ref, {})
            value = value_in(results, quarter, ref)
            short, tolerance_short = direction(
                plan, indicator, results, quarter, previous_quarter(quarter), False
            )
            long, tolerance = direction(
                plan, indicator, results, quarter, same_quarter_last_year(quarter), True
            )
            target = target_for(indicator, quarter)
            floor = floor_for(indicator, quarter)
            confidence = Fraction(0) if value is None else interval(plan, indicator, value)
            rag, counted = rag_for(indicator, scheme, value, target, floor, confidence, short, long)
            mine.append(
                OracleIndicator(
                    plan=plan["plan"],
                    ref=ref,
                    value=value,
                    label=row.get("label") or None,
                    published_rag=row.get("published_rag") or None,
                    target=target,
                    counted_value=counted,
                    rag=rag,
                    dot_short=short,
                    dot_long=long,
                    tolerance=tolerance,
                    tolerance_short=tolerance_short,
                )
            )
        rated += mine
        rows.append(table_row(plan["plan"], plan["committee"], mine, levels))
    codes = {tuple(level["code"] for level in levels) for levels in level_sets}
    if len(plans) > 1 and len(codes) == 1:  # a total only over one shared level set
        rows.append(table_row("total", "Total", rated, level_sets[0]))
    return rated, rows


# --- section 7: the summary ------------------------------------------------------------------


def half_up(count: int, total: int) -> int:
    """Whole percent rounded half up (1 of 8 -> 13); 0 of nothing is 0."""
    if total == 0:
        return 0
    return math.floor(Fraction(100 * count, total) + Fraction(1, 2))


def table_row(
    plan: str,
    committee: str,
    indicators: Sequence[OracleIndicator],
    levels: Sequence[Mapping[str, Any]],
) -> OracleRow:
    """Counts of levels over rated indicators, of long-term DOTs over those with one."""
    rags = [i.rag for i in indicators]
    codes = [level["code"] for level in levels]
    rated = sum(rag in codes for rag in rags)
    dots = [i.dot_long for i in indicators if i.dot_long in ("improving", "same", "worsening")]
    better = sum(d in ("improving", "same") for d in dots)
    worse = dots.count("worsening")
    barnet = codes == [level["code"] for level in BARNET_LEVELS]

    def share(code: str) -> tuple[int, int] | None:
        return (rags.count(code), half_up(rags.count(code), rated)) if barnet else None

    return OracleRow(
        plan=plan,
        committee=committee,
        indicators=len(indicators),
        reported=sum(i.value is not None for i in indicators),
        rated=rated,
        monitor=rags.count("Monitor"),
        with_dot=len(dots),
        green=share("G"),
        green_amber=share("GA"),
        red_amber=share("RA"),
        red=share("R"),
        improved_same=(better, half_up(better, len(dots))),
        worsened=(worse, half_up(worse, len(dots))),
        levels=tuple(
            {
                "code": level["code"],
                "label": level["label"],
                "count": rags.count(level["code"]),
                "percent": half_up(rags.count(level["code"]), rated),
            }
            for level in levels
        ),
    )
