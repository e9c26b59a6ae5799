"""Band conditions (DESIGN section 4 step 4 and section 5): each condition alone, several on
one band, both polarities, survey tolerance on and off, and the implicit met band."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barnet_rag.engine.rating import dot_tolerance_for, rag_for, rate_indicator
from barnet_rag.periods import Period
from barnet_rag.project.models import Indicator, Plan, QuarterResults, Result, Scheme, Survey
from barnet_rag.project.schemes import BARNET, BUILTIN_SCHEMES, FLOOR, TRAFFIC_LIGHT

THREE = [
    {"code": "G", "label": "Green", "colour": "#00703c", "text_colour": "#ffffff"},
    {"code": "A", "label": "Amber", "colour": "#ffdd00"},
    {"code": "R", "label": "Red", "colour": "#d4351c", "text_colour": "#ffffff"},
]


def scheme(*bands: dict[str, Any], survey_tolerance: bool = True) -> Scheme:
    """A three-level scheme with the given bands."""
    return Scheme.model_validate(
        {"name": "test", "survey_tolerance": survey_tolerance, "levels": THREE, "bands": bands}
    )


def rag(
    value: float,
    target: float,
    chosen: Scheme,
    *,
    polarity: str = "bigger",
    interval: float = 0.0,
    floor: float | None = None,
    short: str = "not reported",
    long: str = "not reported",
) -> str:
    return rag_for(
        value, target, interval, polarity, long, chosen, dot_short=short, floor=floor
    ).rag


# --- Each condition alone ---------------------------------------------------------------


def test_met_true_and_met_false() -> None:
    chosen = scheme({"rag": "A", "met": False}, {"rag": "G", "met": True}, {"rag": "R"})
    assert [rag(v, 80, chosen) for v in (79, 80, 81)] == ["A", "G", "G"]
    assert [rag(v, 80, chosen, polarity="smaller") for v in (79, 80, 81)] == ["G", "G", "A"]


@pytest.mark.parametrize(
    ("polarity", "values", "expected"),
    [
        ("bigger", (100, 90, 89.9, 50), ["G", "A", "R", "R"]),
        ("smaller", (100, 110, 110.1, 200), ["G", "A", "R", "R"]),
    ],
)
def test_up_to_is_the_shortfall_relative_to_the_target(
    polarity: str, values: tuple[float, ...], expected: list[str]
) -> None:
    chosen = scheme({"rag": "G", "met": True}, {"rag": "A", "up_to": 0.10}, {"rag": "R"})
    assert [rag(v, 100, chosen, polarity=polarity) for v in values] == expected


@pytest.mark.parametrize(
    ("polarity", "values", "expected"),
    [
        ("bigger", (50, 48, 47.9), ["G", "A", "R"]),
        ("smaller", (50, 52, 52.1), ["G", "A", "R"]),
    ],
)
def test_up_to_points_is_the_shortfall_in_units(
    polarity: str, values: tuple[float, ...], expected: list[str]
) -> None:
    chosen = scheme({"rag": "G", "met": True}, {"rag": "A", "up_to_points": 2}, {"rag": "R"})
    assert [rag(v, 50, chosen, polarity=polarity) for v in values] == expected


@pytest.mark.parametrize(
    ("polarity", "values", "expected"),
    [
        ("bigger", (90, 85, 84.9), ["G", "A", "R"]),
        ("smaller", (10, 15, 15.1), ["G", "A", "R"]),
    ],
)
def test_floor_met(polarity: str, values: tuple[float, ...], expected: list[str]) -> None:
    floor = 85 if polarity == "bigger" else 15
    target = 90 if polarity == "bigger" else 10
    assert [rag(v, target, FLOOR, polarity=polarity, floor=floor) for v in values] == expected


def test_floor_missed_and_no_floor_never_matches_a_floor_condition() -> None:
    chosen = scheme({"rag": "R", "floor": "missed"}, {"rag": "A", "floor": "met"}, {"rag": "G"})
    assert rag(80, 90, chosen, floor=85) == "R"
    assert rag(86, 90, chosen, floor=85) == "A"
    # No floor this quarter: neither floor band matches, so the catch-all does.
    assert rag(10, 90, chosen) == "G"
    assert rag(10, 90, FLOOR) == "R"


@pytest.mark.parametrize("term", ["long", "short"])
def test_long_term_and_short_term_dots(term: str) -> None:
    key = f"{term}_term"
    chosen = scheme(
        {"rag": "G", "met": True}, {"rag": "A", key: ["improving", "same"]}, {"rag": "R"}
    )
    for dot, expected in [("improving", "A"), ("same", "A"), ("worsening", "R"), ("new", "R")]:
        assert rag(50, 80, chosen, **{term: dot}) == expected


def test_a_band_without_conditions_matches_everything() -> None:
    chosen = scheme({"rag": "A"})
    assert rag(1, 80, chosen) == "A"
    # ... after the implicit met band: a met target is still the best level.
    assert rag(90, 80, chosen) == "G"


# --- Several conditions on one band: all must hold ----------------------------------------


def test_several_conditions_on_one_band_all_hold() -> None:
    chosen = scheme(
        {"rag": "G", "met": True},
        {"rag": "A", "up_to": 0.10, "short_term": ["improving"], "long_term": ["improving"]},
        {"rag": "R"},
    )
    both = {"short": "improving", "long": "improving"}
    assert rag(75, 80, chosen, **both) == "A"
    assert rag(75, 80, chosen, short="improving", long="worsening") == "R"
    assert rag(75, 80, chosen, short="worsening", long="improving") == "R"
    assert rag(70, 80, chosen, **both) == "R"  # 12.5% short


def test_floor_and_dot_together() -> None:
    chosen = scheme(
        {"rag": "G", "met": True},
        {"rag": "A", "floor": "met", "long_term": ["improving", "same"]},
        {"rag": "R"},
    )
    assert rag(86, 90, chosen, floor=85, long="same") == "A"
    assert rag(86, 90, chosen, floor=85, long="worsening") == "R"
    assert rag(80, 90, chosen, floor=85, long="same") == "R"


def test_green_inside_a_tolerance() -> None:
    chosen = scheme(
        {"rag": "G", "up_to": 0.10},
        {"rag": "A", "long_term": ["improving", "same"]},
        {"rag": "R"},
    )
    assert rag(72, 80, chosen, long="worsening") == "G"  # exactly 10% short
    assert rag(71, 80, chosen, long="same") == "A"
    assert rag(71, 80, chosen, long="worsening") == "R"


def test_an_explicit_met_band_replaces_the_implicit_one() -> None:
    # With a met: true band, a band before it can rate a met target.
    chosen = scheme(
        {"rag": "A", "long_term": ["worsening"]}, {"rag": "G", "met": True}, {"rag": "R"}
    )
    assert rag(90, 80, chosen, long="worsening") == "A"
    assert rag(90, 80, chosen, long="improving") == "G"


# --- Survey tolerance ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("survey_tolerance", "polarity", "value", "expected"),
    [
        (True, "bigger", 76, "G"),  # 76 + 4.4 counted meets 80
        (False, "bigger", 76, "A"),  # 76 counted, 4 points short
        (True, "smaller", 84, "G"),  # 84 - 4.4 counted meets 80
        (False, "smaller", 84, "A"),
    ],
)
def test_survey_tolerance_on_and_off(
    survey_tolerance: bool, polarity: str, value: float, expected: str
) -> None:
    chosen = scheme(
        {"rag": "G", "met": True},
        {"rag": "A", "up_to_points": 5},
        {"rag": "R"},
        survey_tolerance=survey_tolerance,
    )
    assert rag(value, 80, chosen, polarity=polarity, interval=4.4) == expected


def test_the_floor_is_compared_with_the_counted_value() -> None:
    assert rag(82, 90, FLOOR, interval=4.4, floor=85) == "A"  # 86.4 counted
    off = FLOOR.model_copy(update={"survey_tolerance": False})
    assert rag(82, 90, off, interval=4.4, floor=85) == "R"


# --- Built-in schemes ---------------------------------------------------------------------


def test_built_in_schemes() -> None:
    assert sorted(BUILTIN_SCHEMES) == ["bands", "barnet", "floor", "traffic-light"]
    for chosen in (TRAFFIC_LIGHT, FLOOR):
        assert [level.code for level in chosen.levels] == ["G", "A", "R"]
        assert [level.label for level in chosen.levels] == ["Green", "Amber", "Red"]
        assert chosen.survey_tolerance
    assert [rag(v, 100, TRAFFIC_LIGHT) for v in (100, 90, 89)] == ["G", "A", "R"]
    assert [rag(v, 100, FLOOR, floor=80) for v in (100, 80, 79)] == ["G", "A", "R"]


def test_barnet_keeps_its_seed_ratings() -> None:
    assert rag(75, 75, BARNET) == "G"
    assert rag(85, 90, BARNET, interval=4.4) == "GA"
    assert rag(60, 68, BARNET, interval=4.4, long="worsening") == "R"
    assert rag(60, 68, BARNET, interval=4.4, long="same") == "RA"


# --- dot_tolerance_percent ----------------------------------------------------------------


def indicator(**extra: Any) -> Indicator:
    return Indicator.model_validate(
        {
            "ref": "X/1",
            "title": "An indicator",
            "type": "SPI",
            "polarity": "bigger",
            "targets": {"2017/18": {"annual": 100}},
            **extra,
        }
    )


def test_dot_tolerance_percent_is_of_each_reference() -> None:
    chosen = indicator(dot_tolerance_percent=2)
    assert dot_tolerance_for(chosen, (0.0, "none"), 200)[0] == 4
    assert dot_tolerance_for(chosen, (0.0, "none"), -50)[0] == 1
    assert dot_tolerance_for(indicator(dot_tolerance=3), (0.0, "none"), 200)[0] == 3
    assert dot_tolerance_for(indicator(), (0.0, "none"), 200)[0] == 0


def test_short_and_long_term_tolerances_differ_with_a_percent() -> None:
    plan = Plan(
        plan="p",
        committee="C",
        title="T",
        indicators=[indicator(dot_tolerance_percent=2)],
        surveys={"S": Survey(title="S", confidence_interval=4)},
    )
    results = {
        period: QuarterResults(
            period=period, source="x.csv", results={"X/1": Result(ref="X/1", value=value)}
        )
        for period, value in [
            (Period(2016, 3), 100.0),  # last year: tolerance 2
            (Period(2017, 2), 50.0),  # last quarter: tolerance 1
            (Period(2017, 3), 51.5),
        ]
    }
    rated = rate_indicator(plan, plan.indicators[0], Period(2017, 3), results, BARNET)
    assert (rated.tolerance, rated.tolerance_short) == (2.0, 1.0)
    assert (rated.dot_long, rated.dot_short) == ("worsening", "improving")
    assert rated.model_dump()["tolerance_short"] == 1.0


def test_giving_both_tolerances_is_an_error() -> None:
    with pytest.raises(ValueError, match="not both"):
        indicator(dot_tolerance=0, dot_tolerance_percent=2)


# --- Monotonic: a better result never gets a worse level ----------------------------------

ORDER = ["G", "A", "R"]
MONOTONIC_SCHEMES = [
    TRAFFIC_LIGHT,
    FLOOR,
    scheme({"rag": "G", "up_to": 0.05}, {"rag": "A", "up_to_points": 10}, {"rag": "R"}),
    scheme({"rag": "A", "floor": "met", "up_to": 0.2}, {"rag": "R"}),
    scheme(
        {"rag": "G", "up_to": 0.10}, {"rag": "A", "long_term": ["improving", "same"]}, {"rag": "R"}
    ),
    scheme(
        {"rag": "G", "up_to_points": 2},
        {"rag": "A", "short_term": ["improving"], "up_to": 0.5},
        {"rag": "R"},
    ),
]
dots = st.sampled_from(["improving", "worsening", "same", "new", "no comparison"])
numbers = st.floats(min_value=-1000, max_value=1000, allow_nan=False)


@given(
    st.sampled_from(MONOTONIC_SCHEMES),
    numbers,
    numbers,
    st.floats(min_value=0, max_value=100),
    numbers,
    st.sampled_from(["bigger", "smaller"]),
    st.floats(min_value=0, max_value=10),
    dots,
    dots,
)
def test_a_better_result_never_gets_a_worse_level(
    chosen: Scheme,
    value: float,
    target: float,
    better_by: float,
    floor: float,
    polarity: str,
    interval: float,
    short: str,
    long: str,
) -> None:
    """Conditions on the result (met, up_to, up_to_points, floor) all loosen as the result
    improves, so with the DOTs held fixed the level can only get better (bands whose DOT
    conditions would let a worse result through are not monotonic, and are not here)."""
    better = value + better_by if polarity == "bigger" else value - better_by
    same = {
        "polarity": polarity,
        "interval": interval,
        "floor": floor,
        "short": short,
        "long": long,
    }
    worse_rag = rag(value, target, chosen, **same)
    better_rag = rag(better, target, chosen, **same)
    assert ORDER.index(better_rag) <= ORDER.index(worse_rag)
