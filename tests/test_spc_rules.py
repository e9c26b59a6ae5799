"""SPC as Making Data Count and NHSRplotthedots read it: each rule's own test series with
every point's type, the precedence when rules disagree, a fixed baseline and a rebase.

The series are built around NHSRplotthedots's unit-test vectors (``c(2, 1:7, 3)`` for a
trend, ``c(rep(1, 8), -1)`` for a shift, ``c(0, 0, 1, 0, 1, 0, 0)`` for two of three),
lengthened to the 12 points barnet-rag needs for limits. A type string has one letter a
point: ``I`` special cause improving, ``C`` special cause concerning, ``.`` common cause.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from barnet_rag.engine.spc import (
    DEFAULT_RULES,
    SpcSettings,
    baseline_start,
    read_scaled,
    rules_for,
    scaled,
    series_for,
    spc_for_indicator,
    xmr,
)
from barnet_rag.periods import Period
from barnet_rag.project.models import (
    Indicator,
    Plan,
    QuarterResults,
    Result,
    SpcResult,
    SpcRules,
)

LETTERS = {"special cause improving": "I", "special cause concerning": "C", "common cause": "."}


def read(
    values: list[float],
    polarity: str = "bigger",
    target: float | None = None,
    **rules: int | bool | None,
) -> SpcResult:
    points = [(f"p{i}", float(v)) for i, v in enumerate(values)]
    return xmr(points, polarity, target, rules=SpcRules(**rules))  # type: ignore[arg-type]


def types(values: list[float], polarity: str = "bigger", **rules: int | bool | None) -> str:
    """Every point's type as a string of letters."""
    return "".join(LETTERS[t] for t in read(values, polarity, **rules).point_types)


def found(result: SpcResult) -> list[tuple[str, list[int], str]]:
    return [(c.rule, c.points, c.side) for c in result.special]


# --- the defaults ---------------------------------------------------------------------------


def test_the_defaults_are_making_data_counts() -> None:
    assert DEFAULT_RULES == (7, 7, True, 12, None)
    assert SpcRules() == SpcRules(shift=7, trend=7, two_of_three=True, min_points=12)
    assert SpcRules().baseline is None


# --- each rule alone ------------------------------------------------------------------------

#: c(2, 1:7, 3) after three more points: centre 3.75, limits -1.09 to 8.59.
TREND = [5, 2, 5, 2, 1, 2, 3, 4, 5, 6, 7, 3]
#: c(rep(1, 8), -1): eight points above the centre (10.17), then four below it.
SHIFT = [13, 11, 13, 11, 13, 11, 13, 11, 5, 9, 4, 8]
#: c(0, 0, 1, 0, 1, 0, 0) beyond 2 sigma, all above the centre (10.58): 13s beyond 12.84.
TWO_IN_THREE = [9, 11, 10, 10, 9, 10, 10, 11, 10, 13, 11, 13]
#: A point above the upper limit (54.6) after an even zig-zag.
OUTSIDE = [10, 20, 10, 20, 10, 20, 10, 20, 10, 20, 10, 60]


@pytest.mark.parametrize(
    ("values", "bigger", "smaller", "pattern"),
    [
        (TREND, "....IIIIIII.", "....CCCCCCC.", ("trend", [4, 5, 6, 7, 8, 9, 10], "high")),
        (SHIFT, "IIIIIIII....", "CCCCCCCC....", ("shift", [0, 1, 2, 3, 4, 5, 6, 7], "high")),
        (TWO_IN_THREE, ".........I.I", ".........C.C", ("two of three", [9, 11], "high")),
        (OUTSIDE, "...........I", "...........C", ("outside limits", [11], "high")),
    ],
)
def test_each_rule_alone_flags_its_points_by_polarity(
    values: list[float], bigger: str, smaller: str, pattern: tuple[str, list[int], str]
) -> None:
    assert found(read(values)) == [pattern]
    assert types(values, "bigger") == bigger
    assert types(values, "smaller") == smaller


def test_a_falling_trend_is_concerning_when_bigger_is_better() -> None:
    # c(2, 7:1, 3): the mirror image of TREND
    falling = [-v for v in TREND]
    assert found(read(falling)) == [("trend", [4, 5, 6, 7, 8, 9, 10], "low")]
    assert types(falling, "bigger") == "....CCCCCCC."
    assert types(falling, "smaller") == "....IIIIIII."


def test_six_rising_points_are_no_trend_and_seven_are() -> None:
    six = [5, 2, 5, 2, 5, 1, 2, 3, 4, 5, 6, 3]
    assert read(six).special == []
    assert types(six) == "." * 12
    assert types(six, trend=6) == ".....IIIIII."


def test_seven_points_on_one_side_are_a_shift_and_six_are_not() -> None:
    # c(rep(1, 6), -1) flags nothing; the seventh point makes it a shift
    six = [13, 11, 13, 11, 13, 11, 5, 9, 4, 8, 9, 5]
    assert [c.rule for c in read(six).special if c.rule == "shift"] == []
    seven = [13, 11, 13, 11, 13, 11, 13, 5, 9, 4, 8, 9]
    assert found(read(seven))[0] == ("shift", [0, 1, 2, 3, 4, 5, 6], "high")


# --- NHSRplotthedots's own series (tests/testthat/test-ptd_spc_standard.R and its snapshots) --

#: ``set.seed(123); rnorm(20)``, the data of NHSRplotthedots's ptd_spc_standard tests.
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
    -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
    -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip


def test_nhsrplotthedots_standard_series() -> None:
    # snapshot: mean_col 0.1416238, lpl -3.01138, upl 3.294627, 20 common cause
    result = read(RNORM_123)
    assert (result.centre, result.lower, result.upper) == pytest.approx(
        (0.1416238, -3.01138, 3.294627), abs=1e-5
    )
    assert types(RNORM_123) == "." * 20


def test_nhsrplotthedots_series_with_an_outlier_unscreened() -> None:
    # y[15] <- 10 with screen_outliers = FALSE: mean_col 0.6694159, lpl -4.596625,
    # upl 5.935457 (barnet-rag never screens moving ranges)
    values = [*RNORM_123[:14], 10.0, *RNORM_123[15:]]
    result = read(values)
    assert (result.centre, result.lower, result.upper) == pytest.approx(
        (0.6694159, -4.596625, 5.935457), abs=1e-5
    )
    assert found(result) == [("outside limits", [14], "high")]
    assert types(values) == "." * 14 + "I" + "." * 5


def test_nhsrplotthedots_fixed_after_twelve_points_changes_the_limits() -> None:
    # fix_after_n_points = 12: the limits differ from those over every point, and are
    # the first twelve points' own
    fixed, every = read(RNORM_123, baseline=12), read(RNORM_123)
    assert (fixed.lower, fixed.upper) != (every.lower, every.upper)
    first = RNORM_123[:12]
    centre = sum(first) / 12
    width = 2.66 * sum(abs(b - a) for a, b in zip(first, first[1:], strict=False)) / 11
    assert (fixed.centre, fixed.lower, fixed.upper) == pytest.approx(
        (centre, centre - width, centre + width), abs=1e-6
    )


def test_nhsrplotthedots_two_of_three_needs_one_side_of_the_mean() -> None:
    # symmetrical data, then 5.5 and -5.5 (both beyond 2 sigma, on opposite sides): the
    # last two points are common cause
    values = [1.0, -1.0] * 7 + [5.5, -5.5]
    assert read(values).special == []
    assert types(values)[-2:] == ".."


# --- precedence: outside limits, then trend, then two of three, then shift -------------------

#: Seven rising points (12..18) all below the centre (19.58): a trend up and a shift down.
RISING_BELOW = [30, 20, 30, 20, 30, 12, 13, 14, 15, 16, 17, 18]
#: A fall to -5 (below the lower limit -0.82) and seven rising points from it; -5, 0 and 3
#: are beyond 2 sigma below the centre 12, and both 22s beyond 2 sigma above it.
RECOVERY = [20, 22, 20, 22, 20, -5, 0, 3, 6, 9, 12, 15]


def test_a_trend_outranks_a_shift() -> None:
    # the example: seven rising points of a bigger-is-better indicator below the
    # centre read special cause improving (NHSRplotthedots), not concerning
    result = read(RISING_BELOW)
    assert found(result) == [
        ("shift", [5, 6, 7, 8, 9, 10, 11], "low"),
        ("trend", [5, 6, 7, 8, 9, 10, 11], "high"),
        ("two of three", [0, 2, 4], "high"),
    ]
    assert types(RISING_BELOW, "bigger") == "I.I.IIIIIIII"
    assert result.variation == "special cause improving"
    assert types(RISING_BELOW, "smaller") == "C.C.CCCCCCCC"


def test_outside_limits_outranks_a_trend_and_a_trend_outranks_two_of_three() -> None:
    result = read(RECOVERY)
    assert found(result) == [
        ("outside limits", [5], "low"),
        ("trend", [5, 6, 7, 8, 9, 10, 11], "high"),
        ("two of three", [1, 3], "high"),
        ("two of three", [5, 6, 7], "low"),
    ]
    # -5 reads by its side (below the lower limit); 0 and 3, beyond 2 sigma below the
    # centre, read by the trend they are part of
    assert types(RECOVERY, "bigger") == ".I.I.CIIIIII"
    assert types(RECOVERY, "smaller") == ".C.C.ICCCCCC"


def test_a_turning_point_reads_by_the_later_trend() -> None:
    # rising 1..7 then falling 7..1 (NHSRplotthedots reads a point of two trends by the
    # step to its right); the long run above the centre is outranked by both trends
    peak = [4, 1, 4, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    result = read(peak)
    assert ("trend", [3, 4, 5, 6, 7, 8, 9], "high") in found(result)
    assert ("trend", [9, 10, 11, 12, 13, 14, 15], "low") in found(result)
    assert types(peak) == "...IIIIIICCCCCCC"


def test_two_of_three_and_a_shift_read_by_the_points_side() -> None:
    # the last 7 points above the centre (10.33), the last two beyond 2 sigma (13.72);
    # the 6s beyond 2 sigma below it
    values = [9, 6, 9, 6, 9, 11, 12, 11, 12, 11, 14, 14]
    result = read(values)
    assert found(result) == [
        ("shift", [5, 6, 7, 8, 9, 10, 11], "high"),
        ("two of three", [1, 3], "low"),
        ("two of three", [10, 11], "high"),
    ]
    assert types(values) == ".C.C.IIIIIII"
    assert types(values, "smaller") == ".I.I.CCCCCCC"


# --- a fixed baseline -----------------------------------------------------------------------

#: Twelve steady points (centre 11.5, limits 7.87 to 15.13), then two at 16.
STEADY = [10, 12, 11, 13, 12, 11, 10, 12, 13, 11, 12, 11]
LATER = [*STEADY, 16, 16]


def test_a_fixed_baseline_judges_later_points_against_its_limits() -> None:
    fixed = read(LATER, target=16, baseline=12)
    assert fixed.centre == pytest.approx(11.5)
    assert fixed.lower == pytest.approx(11.5 - 2.66 * 15 / 11)
    assert fixed.upper == pytest.approx(11.5 + 2.66 * 15 / 11) == pytest.approx(15.127272727)
    assert found(fixed) == [
        ("outside limits", [12], "high"),
        ("outside limits", [13], "high"),
    ]
    assert fixed.variation == "special cause improving"
    assert fixed.assurance == "consistently fails"
    # recalculated over every point the limits widen (centre 12.14, upper 16.24) and
    # swallow the two new points
    moving = read(LATER, target=16)
    assert moving.centre == pytest.approx(170 / 14)
    assert moving.upper == pytest.approx(170 / 14 + 2.66 * 20 / 13)
    assert moving.special == []
    assert moving.variation == "common cause"
    assert moving.assurance == "hit and miss"


def test_a_baseline_longer_than_the_series_uses_every_point() -> None:
    fixed, every = read(LATER, baseline=20), read(LATER)
    assert (fixed.centre, fixed.lower, fixed.upper) == (every.centre, every.lower, every.upper)
    assert (fixed.special, fixed.point_types) == (every.special, every.point_types)


def test_a_baseline_still_needs_min_points_to_draw_limits() -> None:
    assert read(STEADY[:11], baseline=12).variation == "insufficient data"
    assert read(STEADY, baseline=12).variation == "common cause"


def test_a_baseline_below_min_points_is_an_error() -> None:
    with pytest.raises(ValidationError) as caught:
        SpcRules(baseline=8)
    assert caught.value.errors()[0]["loc"] == ("baseline",)
    assert caught.value.errors()[0]["msg"] == (
        "Value error, a baseline of 8 points is below min_points (12): the limits need at "
        "least 12 points; set baseline to 12 or more"
    )
    assert SpcRules(min_points=6, baseline=8).baseline == 8


def test_an_indicators_baseline_overrides_its_schemes() -> None:
    own = Indicator.model_validate(
        {"ref": "A/1", "title": "A", "type": "SPI", "polarity": "bigger", "spc": {"baseline": 14}}
    )
    plain = Indicator.model_validate(
        {"ref": "A/1", "title": "A", "type": "SPI", "polarity": "bigger"}
    )
    scheme = SpcRules(trend=6, baseline=12)
    assert rules_for(own, scheme) == SpcSettings(trend=6, baseline=14)
    assert rules_for(plain, scheme) == SpcSettings(trend=6, baseline=12)
    assert rules_for(plain, None) == SpcSettings() == tuple(SpcRules().model_dump().values())


# --- rebasing -------------------------------------------------------------------------------


def quarters(first: Period, count: int) -> list[Period]:
    periods = [first]
    while len(periods) < count:
        periods.append(periods[-1].next())
    return periods


def results_of(values: list[float | None], broken: int | None = None) -> dict:
    periods = quarters(Period(2013, 1), len(values))
    return {
        period: QuarterResults(
            period=period,
            source=f"results/{period.directory}/{period.quarter_label}.csv",
            results={"A/1": Result(ref="A/1", value=value, comparable=index != broken)},
        )
        for index, (period, value) in enumerate(zip(periods, values, strict=True))
    }


def indicator(spc: dict | None = None) -> Indicator:
    data = {"ref": "A/1", "title": "A", "type": "SPI", "polarity": "bigger"}
    return Indicator.model_validate(data | ({} if spc is None else {"spc": spc}))


PLAN = Plan(plan="p", committee="C", title="T", indicators=[indicator()])


def test_a_rebase_starts_a_new_baseline_at_its_quarter() -> None:
    values: list[float | None] = [50.0] * 4 + [float(v) for v in STEADY]
    results = results_of(values)
    q = sorted(results)
    rebased = indicator({"rebase": ["2014/15-Q1"]})
    assert rebased.spc is not None and rebased.spc.rebase == [Period(2014, 1)]
    assert baseline_start("A/1", q[-1], results, rebased.spc.rebase) == q[4]
    assert [v for _, v in series_for("A/1", q[-1], results, rebase=rebased.spc.rebase)] == [
        float(v) for v in STEADY
    ]
    result = spc_for_indicator(rebased, PLAN, q[-1], results, None)
    assert result.baseline_from == "Q1 2014/15"
    assert result.rebased is True
    assert result.centre == pytest.approx(11.5)
    # before the rebase quarter the old baseline still holds
    before = spc_for_indicator(rebased, PLAN, q[3], results, None)
    assert (before.baseline_from, before.rebased, len(before.points)) == (None, False, 4)


def test_the_latest_of_a_rebase_and_a_method_change_starts_the_baseline() -> None:
    values: list[float | None] = [float(v) for v in range(16)]
    results = results_of(values, broken=6)
    q = sorted(results)
    early = spc_for_indicator(indicator({"rebase": ["Q1-2013"]}), PLAN, q[-1], results, None)
    assert (early.baseline_from, early.rebased, len(early.points)) == ("Q3 2014/15", False, 10)
    late = spc_for_indicator(indicator({"rebase": ["Q3 2016/17"]}), PLAN, q[-1], results, None)
    assert (late.baseline_from, late.rebased, len(late.points)) == ("Q3 2016/17", True, 2)


def test_a_rebase_and_a_fixed_baseline_together() -> None:
    values: list[float | None] = [90.0] * 3 + [float(v) for v in LATER]
    results = results_of(values)
    q = sorted(results)
    own = indicator({"rebase": ["2013/14-Q4"], "baseline": 12})
    result = spc_for_indicator(own, PLAN, q[-1], results, 16.0)
    assert result.points[0] == ("Q4 2013/14", 10.0)
    assert result.upper == pytest.approx(15.127272727)
    assert result.variation == "special cause improving"
    assert result.rules == SpcSettings(baseline=12)


@pytest.mark.parametrize(
    ("rebase", "message"),
    [
        (["2016/17-Q5"], "'2016/17-Q5' is not a quarter"),
        ([2016], "2016 is not a quarter"),
        ("2016/17-Q1", "Input should be a valid list"),
    ],
)
def test_a_rebase_must_be_a_list_of_quarters(rebase: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        indicator({"rebase": rebase})


def test_an_indicators_spc_keys_are_checked() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        indicator({"rebases": ["2016/17-Q1"]})
    with pytest.raises(ValidationError, match="greater than or equal to 2"):
        indicator({"baseline": 1})


# --- invariants -----------------------------------------------------------------------------

hundredths = st.integers(-1_000_000, 1_000_000).map(lambda n: n / 100)
#: Wide-ranging values, or a few small ones so that runs, trends and ties are common.
series = st.lists(hundredths, min_size=12, max_size=30) | st.lists(
    st.integers(-4, 4).map(float), min_size=12, max_size=30
)
baselines = st.none() | st.integers(12, 30)
SWAP = {"I": "C", "C": "I", ".": "."}


@given(values=series, polarity=st.sampled_from(["bigger", "smaller"]), baseline=baselines)
def test_mirroring_a_series_swaps_improving_and_concerning_at_every_point(
    values: list[float], polarity: str, baseline: int | None
) -> None:
    before = types(values, polarity, baseline=baseline)
    after = types([-v for v in values], polarity, baseline=baseline)
    assert after == "".join(SWAP[t] for t in before)


@given(values=series, baseline=baselines)
def test_flipping_polarity_swaps_improving_and_concerning_at_every_point(
    values: list[float], baseline: int | None
) -> None:
    bigger = types(values, "bigger", baseline=baseline)
    assert types(values, "smaller", baseline=baseline) == "".join(SWAP[t] for t in bigger)


@given(values=series, baseline=baselines)
def test_mirroring_and_flipping_polarity_keeps_every_reading(
    values: list[float], baseline: int | None
) -> None:
    before = read(values, "bigger", baseline=baseline)
    after = read([-v for v in values], "smaller", baseline=baseline)
    assert after.point_types == before.point_types
    assert after.variation == before.variation
    assert after.centre == pytest.approx(-(before.centre or 0), abs=1e-9)
    assert after.upper == pytest.approx(-(before.lower or 0), abs=1e-9)


@given(values=series, shift=hundredths, baseline=baselines)
def test_shifting_a_series_shifts_its_centre_and_limits_and_nothing_else(
    values: list[float], shift: float, baseline: int | None
) -> None:
    before = read(values, baseline=baseline)
    after = read([v + shift for v in values], baseline=baseline)
    assert after.special == before.special
    assert after.point_types == before.point_types
    assert before.centre is not None and after.centre is not None
    assert after.centre == pytest.approx(before.centre + shift, abs=1e-6)
    assert after.lower == pytest.approx((before.lower or 0) + shift, abs=1e-6)
    assert after.upper == pytest.approx((before.upper or 0) + shift, abs=1e-6)


@given(values=series, size=st.integers(12, 30))
def test_a_fixed_baseline_has_the_limits_of_its_own_points(values: list[float], size: int) -> None:
    fixed = read(values, baseline=size)
    own = read(values[:size])
    assert (fixed.centre, fixed.lower, fixed.upper) == (own.centre, own.lower, own.upper)


@given(values=series, size=st.integers(12, 30))
def test_read_scaled_is_what_xmr_reads(values: list[float], size: int) -> None:
    rules = SpcRules(baseline=size)
    reading = read_scaled([scaled(v) for v in values], "bigger", None, "number", rules)
    result = read(values, baseline=size)
    assert reading.point_types == result.point_types
    assert (reading.centre, reading.lower, reading.upper) == (
        result.centre,
        result.lower,
        result.upper,
    )
