"""SPC (XmR) rules, variation and assurance: hand-made series, hand arithmetic, invariants."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from barnet_rag.engine.spc import (
    baseline_start,
    describe,
    recent_values,
    series_for,
    spc_for_indicator,
    special_causes,
    xmr,
)
from barnet_rag.periods import Period
from barnet_rag.project.models import (
    Indicator,
    Plan,
    QuarterResults,
    Result,
    Scheme,
    SpcResult,
    SpcRules,
    SpecialCause,
)
from spc_fixture import SPC_1


def read(
    values: list[float],
    polarity: str = "bigger",
    target: float | None = None,
    unit: str = "number",
    **rules: int | bool,
) -> SpcResult:
    points = [(f"p{i}", float(v)) for i, v in enumerate(values)]
    return xmr(points, polarity, target, unit=unit, rules=SpcRules(**rules))  # type: ignore[arg-type]


def found(result: SpcResult) -> list[tuple[str, list[int], str]]:
    return [(c.rule, c.points, c.side) for c in result.special]


def causes(values: list[float], centre: float = 0, width: float = 3, **rules: int | bool) -> list:
    """The rules applied with a chosen centre and limit width (no limits computed)."""
    exact = [Fraction(str(v)) for v in values]
    result = special_causes(exact, Fraction(str(centre)), Fraction(str(width)), SpcRules(**rules))  # type: ignore[arg-type]
    return [(c.rule, c.points, c.side) for c in result]


# --- limits computed by hand -------------------------------------------------------------


def test_limits_by_hand() -> None:
    values = [10, 12, 11, 13, 12, 11, 10, 12, 13, 11, 12, 11]
    # sum 138 over 12 points; moving ranges 2,1,2,1,1,1,2,1,2,1,1 sum to 15 over 11
    centre = 138 / 12
    width = 2.66 * 15 / 11
    result = read(values)
    assert result.centre == pytest.approx(11.5)
    assert result.centre == pytest.approx(centre)
    assert result.upper == pytest.approx(centre + width) == pytest.approx(15.127272727)
    assert result.lower == pytest.approx(centre - width) == pytest.approx(7.872727273)
    assert result.variation == "common cause"
    assert result.special == []
    assert result.points == [(f"p{i}", float(v)) for i, v in enumerate(values)]


def test_fixture_series_by_hand() -> None:
    # SPC/1 of the 12-quarter fixture: 60 62 59 61 58 | 65 66 64 67 68 66 67
    # sum = 300 + 463 = 763; moving ranges 2,3,2,3,7,1,2,3,1,2,1 sum to 27
    centre = 763 / 12  # 63.583
    width = 2.66 * 27 / 11  # 6.529
    two_sigma = width * 2 / 3  # 4.353: beyond below 59.231 or above 67.936
    result = read(SPC_1, "bigger", 70, unit="percent")
    assert result.centre == pytest.approx(centre)
    assert result.lower == pytest.approx(centre - width) == pytest.approx(57.054242424)
    assert result.upper == pytest.approx(centre + width) == pytest.approx(70.112424242)
    assert centre - two_sigma == pytest.approx(59.230606061)
    # the last 7 points lie above 63.583; 59 and 58 (with 61 between, all below) are beyond
    # 2 sigma; 68 is beyond 2 sigma above but its window has points below the centre.
    assert found(result) == [
        ("shift", [5, 6, 7, 8, 9, 10, 11], "high"),
        ("two of three", [2, 4], "low"),
    ]
    assert result.variation == "special cause improving"
    assert result.assurance == "hit and miss"  # 70 lies between 57.05 and 70.11
    assert result.point_types[2] == result.point_types[4] == "special cause concerning"
    assert result.point_types[0] == "common cause"


def test_percent_limits_are_clipped_for_display_only() -> None:
    values = [2, 8, 1, 9, 2, 8, 1, 9, 2, 8, 1, 9]
    # centre 60 / 12 = 5; moving ranges 6,7,8,7,6,7,8,7,6,7,8 = 77, mean 7; width 18.62
    result = read(values, unit="percent")
    assert result.centre == pytest.approx(5)
    assert result.lower == pytest.approx(5 - 18.62)
    assert result.display_lower == 0.0
    assert result.upper == result.display_upper == pytest.approx(23.62)
    counted = read(values, unit="number")
    assert counted.display_lower == pytest.approx(-13.62)


# --- insufficient data ----------------------------------------------------------------------


def test_eleven_points_are_insufficient_data_and_twelve_are_enough() -> None:
    values = [10, 12, 11, 13, 12, 11, 10, 12, 13, 11, 12, 11]
    short = read(values[:11], target=5)
    assert short.variation == "insufficient data"
    assert short.assurance is None
    assert (short.centre, short.lower, short.upper) == (None, None, None)
    assert short.point_types == ["common cause"] * 11
    assert read(values, target=5).variation == "common cause"


def test_the_minimum_number_of_points_is_configurable() -> None:
    assert read([10, 12, 11, 13, 12], min_points=5).variation == "common cause"
    assert read([], min_points=5).variation == "insufficient data"


# --- each rule, at the edges ----------------------------------------------------------------


def test_a_point_beyond_a_limit_is_special_and_one_on_it_is_not() -> None:
    assert causes([3, -3, 3.01, 0, -3.01]) == [
        ("outside limits", [2], "high"),
        ("outside limits", [4], "low"),
    ]


def test_shift_of_seven_fires_and_six_does_not() -> None:
    assert causes([1] * 7) == [("shift", list(range(7)), "high")]
    assert causes([-1] * 6) == []
    assert causes([0.5, -1, -1, -1, -1, -1, -1, -1, 0.5]) == [("shift", list(range(1, 8)), "low")]


def test_a_point_on_the_centre_breaks_a_shift() -> None:
    assert causes([1, 1, 1, 0, 1, 1, 1, 1]) == []


def test_shift_length_comes_from_the_rules() -> None:
    assert causes([1] * 6, shift=6) == [("shift", list(range(6)), "high")]
    assert causes([1] * 7, shift=8) == []


def test_trend_of_seven_fires_and_six_does_not() -> None:
    # Making Data Count and NHSRplotthedots: 7 points each higher (or lower) than the last
    assert causes([-1.5, -1, -0.5, 0, 0.5, 1, 1.5]) == [("trend", list(range(7)), "high")]
    assert causes([1.5, 1, 0.5, 0, -0.5, -1, -1.5]) == [("trend", list(range(7)), "low")]
    assert causes([-1, -0.5, 0, 0.5, 1, 1.5]) == []
    assert causes([1.5, 1, 0.5, 0, -0.5, -1]) == []


def test_trend_length_comes_from_the_rules() -> None:
    assert causes([-1, -0.5, 0, 0.5, 1, 1.5], trend=6) == [("trend", list(range(6)), "high")]
    assert causes([-1.5, -1, -0.5, 0, 0.5, 1, 1.5], trend=8) == []


def test_equal_neighbours_break_a_trend() -> None:
    assert causes([-1, -0.5, 0, 0, 0.5, 1, 1.5]) == []
    assert causes([-1.5, -1, -0.5, 0, 0, 0.5, 1, 1.5], trend=7) == []
    assert causes([-1, -0.5, 0, 0.5, 1, 1.5], trend=7) == []
    assert causes([-1, -0.5, 0, 0.5, 1], trend=5) == [("trend", list(range(5)), "high")]


def test_two_of_three_beyond_two_sigma_on_one_side() -> None:
    # width 3: two sigma is 2 either side of the centre 0
    assert causes([2.5, 0.5, 2.5]) == [("two of three", [0, 2], "high")]
    assert causes([-2.5, -2.5, -1]) == [("two of three", [0, 1], "low")]
    assert causes([2, 0.5, 2.5]) == []  # 2 is on the 2 sigma line, not beyond it
    assert causes([2.5, 0.5, -2.5]) == []  # not on the same side
    assert causes([2.5, -0.5, 2.5]) == []  # the window must lie on one side (NHSRplotthedots)
    assert causes([2.5, 0.5, 2.5], two_of_three=False) == []


def test_a_point_outside_the_limits_also_counts_as_beyond_two_sigma() -> None:
    assert causes([3.5, 0.5, 2.5]) == [
        ("outside limits", [0], "high"),
        ("two of three", [0, 2], "high"),
    ]


def test_overlapping_two_of_three_windows_are_one_pattern() -> None:
    assert causes([2.5, 2.5, 2.5, 2.5, 0.5]) == [("two of three", [0, 1, 2, 3], "high")]


# --- variation of the latest point ----------------------------------------------------------

SHIFT_7 = [10, 14, 10, 14, 10, 13, 13, 13, 13, 13, 13, 13]  # centre 12.417: last 7 above
SHIFT_6 = [14, 10, 14, 10, 14, 10, 13, 13, 13, 13, 13, 13]  # centre 12.5: last 6 above
TREND_7 = [15, 10, 15, 10, 15, 9, 10, 11, 12, 13, 14, 15]  # 9..15 rising, centre 12.417
TREND_6 = [15, 10, 15, 10, 15, 14, 10, 11, 12, 13, 14, 15]  # 10..15 rising
RISING_BELOW = [30, 20, 30, 20, 30, 25, 13, 14, 15, 16, 17, 18]  # centre 20.667, 6 rising
OUTLIER = [10, 20, 10, 20, 10, 20, 10, 20, 10, 20, 10, 60]  # upper limit 54.6
TWO_OF_THREE = [9, 11, 10, 10, 9, 10, 10, 11, 10, 13, 11, 13]


@pytest.mark.parametrize(
    ("values", "rule"),
    [
        (SHIFT_7, ("shift", [5, 6, 7, 8, 9, 10, 11], "high")),
        (TREND_7, ("trend", [5, 6, 7, 8, 9, 10, 11], "high")),
        (OUTLIER, ("outside limits", [11], "high")),
        (TWO_OF_THREE, ("two of three", [9, 11], "high")),
    ],
)
def test_latest_point_in_a_pattern_is_special_cause_by_polarity(
    values: list[float], rule: tuple[str, list[int], str]
) -> None:
    assert found(read(values)) == [rule]
    assert read(values, "bigger").variation == "special cause improving"
    assert read(values, "smaller").variation == "special cause concerning"


def test_two_of_three_by_hand() -> None:
    # sum 127, centre 10.583; moving ranges 2,1,0,1,1,0,1,1,3,2,2 = 14
    width = 2.66 * 14 / 11  # 3.385
    result = read(TWO_OF_THREE)
    assert result.centre == pytest.approx(127 / 12)
    assert result.upper == pytest.approx(127 / 12 + width)
    assert 127 / 12 + width * 2 / 3 == pytest.approx(12.840303030)  # 13 is beyond, 11 not


def test_a_rising_trend_below_the_centre_is_read_by_its_direction() -> None:
    result = read(RISING_BELOW, trend=6)
    assert found(result) == [("trend", [6, 7, 8, 9, 10, 11], "high")]
    assert result.points[-1][1] < (result.centre or 0)
    assert result.variation == "special cause improving"


@pytest.mark.parametrize("values", [SHIFT_6, TREND_6])
def test_one_point_short_of_a_pattern_is_common_cause(values: list[float]) -> None:
    assert read(values).special == []
    assert read(values).variation == "common cause"


def test_six_points_are_a_shift_when_the_scheme_says_so() -> None:
    assert read(SHIFT_6, shift=6).variation == "special cause improving"


def test_an_earlier_pattern_does_not_make_the_latest_point_special() -> None:
    # centre 240 / 12 = 20; moving ranges 10 x 9 and 70 x 2 = 230; upper 20 + 55.6 = 75.6
    result = read([10, 20, 10, 20, 10, 80, 10, 20, 10, 20, 10, 20])
    assert found(result) == [("outside limits", [5], "high")]
    assert result.point_types[5] == "special cause improving"
    assert result.variation == "common cause"


# --- assurance ------------------------------------------------------------------------------

STEADY = [10, 12, 11, 13, 12, 11, 10, 12, 13, 11, 12, 11]  # limits 7.873 .. 15.127


@pytest.mark.parametrize(
    ("polarity", "target", "assurance"),
    [
        ("bigger", 7, "consistently meets"),
        ("bigger", 16, "consistently fails"),
        ("bigger", 12, "hit and miss"),
        ("smaller", 16, "consistently meets"),
        ("smaller", 7, "consistently fails"),
        ("smaller", 12, "hit and miss"),
        ("bigger", None, None),
    ],
)
def test_assurance_compares_the_target_with_the_limits(
    polarity: str, target: float | None, assurance: str | None
) -> None:
    assert read(STEADY, polarity, target).assurance == assurance


# --- invariants -----------------------------------------------------------------------------

hundredths = st.integers(-1_000_000, 1_000_000).map(lambda n: n / 100)
#: Wide-ranging values, or a few small ones so that runs, trends and ties are common.
series = st.lists(hundredths, min_size=12, max_size=30) | st.lists(
    st.integers(-4, 4).map(float), min_size=12, max_size=30
)
SWAP = {
    "special cause improving": "special cause concerning",
    "special cause concerning": "special cause improving",
    "common cause": "common cause",
    "insufficient data": "insufficient data",
}


@given(value=hundredths, count=st.integers(12, 40))
def test_a_constant_series_is_common_cause(value: float, count: int) -> None:
    result = read([value] * count, target=value)
    assert result.variation == "common cause"
    assert result.special == []
    assert result.centre == result.lower == result.upper == pytest.approx(value)


@given(values=series, shift=hundredths, polarity=st.sampled_from(["bigger", "smaller"]))
def test_shifting_every_point_never_changes_the_reading(
    values: list[float], shift: float, polarity: str
) -> None:
    before = read(values, polarity)
    after = read([v + shift for v in values], polarity)
    assert after.variation == before.variation
    assert after.special == before.special


@given(values=series, polarity=st.sampled_from(["bigger", "smaller"]))
def test_mirroring_values_swaps_improving_and_concerning(
    values: list[float], polarity: str
) -> None:
    before = read(values, polarity)
    assert read([-v for v in values], polarity).variation == SWAP[before.variation]


@given(values=series)
def test_swapping_polarity_swaps_improving_and_concerning(values: list[float]) -> None:
    bigger = read(values, "bigger")
    assert read(values, "smaller").variation == SWAP[bigger.variation]
    assert read(values, "smaller").special == bigger.special


@given(values=series, target=hundredths)
def test_mirroring_values_target_and_polarity_keeps_the_assurance(
    values: list[float], target: float
) -> None:
    before = read(values, "bigger", target)
    after = read([-v for v in values], "smaller", -target)
    assert after.assurance == before.assurance


# --- the series of an indicator -------------------------------------------------------------


def quarter_results(rows: dict[Period, dict[str, tuple[float | None, bool]]]) -> dict:
    return {
        period: QuarterResults(
            period=period,
            source=f"results/{period.directory}/{period.quarter_label}.csv",
            results={
                ref: Result(ref=ref, value=value, comparable=comparable)
                for ref, (value, comparable) in refs.items()
            },
        )
        for period, refs in rows.items()
    }


def quarters(first: Period, count: int) -> list[Period]:
    periods = [first]
    while len(periods) < count:
        periods.append(periods[-1].next())
    return periods


def test_series_runs_oldest_first_up_to_the_period_skipping_blanks() -> None:
    q = quarters(Period(2016, 1), 5)
    results = quarter_results(
        {q[0]: {"A/1": (1.0, True)}, q[1]: {"A/1": (None, True)}, q[2]: {"B/1": (9.0, True)}}
        | {q[3]: {"A/1": (4.0, True)}, q[4]: {"A/1": (5.0, True)}}
    )
    assert series_for("A/1", q[3], results) == [(q[0], 1.0), (q[3], 4.0)]
    assert series_for("A/1", q[4], results, max_points=2) == [(q[3], 4.0), (q[4], 5.0)]
    assert series_for("A/1", q[4], results, max_points=0) == []


def test_a_method_change_starts_a_new_baseline_at_the_marked_result() -> None:
    q = quarters(Period(2016, 1), 6)
    results = quarter_results(
        {p: {"A/1": (float(i), i != 3)} for i, p in enumerate(q)} | {q[5]: {"A/1": (5.0, False)}}
    )
    assert baseline_start("A/1", q[4], results) == q[3]
    assert series_for("A/1", q[4], results) == [(q[3], 3.0), (q[4], 4.0)]
    assert series_for("A/1", q[2], results) == [(q[0], 0.0), (q[1], 1.0), (q[2], 2.0)]
    assert series_for("A/1", q[5], results) == [(q[5], 5.0)]


def test_recent_values_cover_eight_quarters_with_gaps() -> None:
    q = quarters(Period(2016, 1), 4)
    results = quarter_results({q[0]: {"A/1": (1.0, True)}, q[3]: {"A/1": (4.0, False)}})
    assert recent_values("A/1", q[3], results) == [None, None, None, None, 1.0, None, None, 4.0]


def indicator(polarity: str = "bigger") -> Indicator:
    return Indicator.model_validate(
        {"ref": "A/1", "title": "A", "type": "SPI", "polarity": polarity, "unit": "percent"}
    )


def test_spc_for_indicator_reads_the_series_at_the_period() -> None:
    q = quarters(Period(2015, 1), 14)
    values = [50.0, 50.0, *SPC_1]
    results = quarter_results({p: {"A/1": (values[i], i != 2)} for i, p in enumerate(q)})
    plan = Plan(plan="p", committee="C", title="T", indicators=[indicator()])
    result = spc_for_indicator(indicator(), plan, q[-1], results, 70.0)
    assert result == read(SPC_1, "bigger", 70, unit="percent").model_copy(
        update={
            "points": [(str(p), v) for p, v in zip(q[2:], SPC_1, strict=True)],
            "baseline_from": "Q3 2015/16",
        }
    )
    assert result.variation == "special cause improving"
    short = spc_for_indicator(indicator(), plan, q[-2], results, 70.0)
    assert short.variation == "insufficient data"
    assert short.baseline_from == "Q3 2015/16"


def test_describe_names_the_rule_and_the_points() -> None:
    labels = [f"Q{q} 2017/18" for q in (1, 2, 3, 4)]
    assert (
        describe(SpecialCause(rule="shift", points=[0, 1, 2, 3], side="high"), labels)
        == "shift: Q1 2017/18 to Q4 2017/18, 4 points in a row above the centre"
    )
    assert (
        describe(SpecialCause(rule="outside limits", points=[2], side="low"), labels)
        == "outside limits: Q3 2017/18 is below the lower limit"
    )
    assert (
        describe(SpecialCause(rule="trend", points=[0, 1, 2], side="low"), labels)
        == "trend: Q1 2017/18 to Q3 2017/18, 3 points in a row all falling"
    )
    assert (
        describe(SpecialCause(rule="two of three", points=[1, 3], side="high"), labels)
        == "two of three: Q2 2017/18, Q4 2017/18 beyond 2 sigma above the centre"
    )


# --- rules in a scheme ----------------------------------------------------------------------


def test_a_scheme_may_set_the_rule_lengths() -> None:
    scheme = Scheme.model_validate(
        {"name": "s", "bands": [{"rag": "R"}], "spc": {"shift": 8, "trend": 7}}
    )
    assert scheme.spc == SpcRules(shift=8, trend=7, two_of_three=True, min_points=12)
    assert Scheme.model_validate({"name": "s", "bands": [{"rag": "R"}]}).spc is None


def test_rule_lengths_must_be_sensible() -> None:
    with pytest.raises(ValidationError, match="greater than or equal to 2"):
        SpcRules(shift=1)
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        SpcRules.model_validate({"runs": 3})
