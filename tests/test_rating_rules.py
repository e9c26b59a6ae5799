"""The rating rules as properties (DESIGN sections 4-6), checked with hypothesis."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from barnet_rag.engine.rating import direction, rag_for, rate_indicator, rate_period
from barnet_rag.periods import Period
from barnet_rag.project.models import Indicator, Plan, QuarterResults, Result, Survey, YearTargets
from barnet_rag.project.schemes import BANDS, BARNET

PERIOD = Period(2017, 3)
SCHEMES = (BARNET, BANDS)
BETTER = ["G", "GA", "RA", "R"]

values = st.floats(-1000, 1000, allow_nan=False).map(lambda x: round(x, 1))
positive = st.floats(0, 50, allow_nan=False).map(lambda x: round(x, 1))
polarities = st.sampled_from(["bigger", "smaller"])
dots = st.sampled_from(["improving", "same", "worsening", "new", "no comparison"])
schemes = st.sampled_from(SCHEMES)

MIRROR = {"improving": "worsening", "worsening": "improving"}


def flip(polarity: str) -> str:
    return "smaller" if polarity == "bigger" else "bigger"


@given(values, values, positive, polarities, dots, schemes)
def test_mirroring_polarity_and_values_keeps_the_rag(v, t, c, polarity, dot, scheme) -> None:
    assert (
        rag_for(v, t, c, polarity, dot, scheme)[0]
        == rag_for(-v, -t, c, flip(polarity), dot, scheme)[0]
    )


@given(values, values, positive, polarities)
def test_mirroring_values_mirrors_the_arrow(v, r, tol, polarity) -> None:
    dot = direction(v, r, tol, polarity)
    assert direction(-v, -r, tol, polarity) == MIRROR.get(dot, dot)
    assert direction(v, r, tol, flip(polarity)) == MIRROR.get(dot, dot)
    assert direction(-v, -r, tol, flip(polarity)) == dot


@given(values, values, positive, polarities)
def test_same_is_symmetric(v, r, tol, polarity) -> None:
    assert (direction(v, r, tol, polarity) == "same") == (direction(r, v, tol, polarity) == "same")


def test_the_arrow_shows_improvement_not_the_sign() -> None:
    assert direction(5.4, 14, 0, "smaller") == "improving"
    assert direction(20.6, 28.1, 0, "bigger") == "worsening"
    assert direction(None, 14, 0, "smaller") == "not reported"
    assert direction(5.4, None, 0, "smaller", missing="new") == "new"
    assert direction(5.4, 14, 0, "smaller", broken=True) == "not comparable"


def test_changes_within_the_tolerance_are_the_same() -> None:
    assert direction(75, 76, 4.4, "bigger") == "same"
    assert direction(60, 64.4, 4.4, "bigger") == "same"
    assert direction(60, 64.5, 4.4, "bigger") == "worsening"


def _indicator(polarity: str, survey: bool, target: float) -> Indicator:
    return Indicator(
        ref="X/1",
        title="An indicator",
        type="CPI",
        polarity=polarity,
        unit="number",
        survey="S" if survey else None,
        targets={"2017/18": YearTargets(annual=target)},
    )


def _plan(indicator: Indicator, interval: float = 4.4) -> Plan:
    return Plan(
        plan="p",
        committee="C",
        title="T",
        surveys={"S": Survey(title="S", confidence_interval=interval)},
        indicators=[indicator],
    )


def _results(value: float, last_year: float | None) -> dict[Period, QuarterResults]:
    results = {
        PERIOD: QuarterResults(
            period=PERIOD, source="x", results={"X/1": Result(ref="X/1", value=value)}
        )
    }
    if last_year is not None:
        ly = PERIOD.last_year()
        results[ly] = QuarterResults(
            period=ly, source="y", results={"X/1": Result(ref="X/1", value=last_year)}
        )
    return results


@given(values, values, st.one_of(st.none(), values), st.floats(0, 100), st.booleans(), schemes)
def test_raising_a_bigger_is_better_value_never_worsens_its_rag(
    value, target, last_year, raise_by, survey, scheme
) -> None:
    indicator = _indicator("bigger", survey, target)
    plan = _plan(indicator)
    before = rate_indicator(plan, indicator, PERIOD, _results(value, last_year), scheme)
    after = rate_indicator(plan, indicator, PERIOD, _results(value + raise_by, last_year), scheme)
    assert BETTER.index(after.rag) <= BETTER.index(before.rag)


@given(values, values, polarities, st.floats(0.1, 20), st.floats(0, 20), schemes)
def test_a_wider_survey_interval_never_worsens_a_rag(
    value, target, polarity, narrow, extra, scheme
) -> None:
    assume(target != 0)
    for dot in ("improving", "worsening"):
        narrow_rag = rag_for(value, target, narrow, polarity, dot, scheme)[0]
        wide_rag = rag_for(value, target, narrow + extra, polarity, dot, scheme)[0]
        assert BETTER.index(wide_rag) <= BETTER.index(narrow_rag)


def test_missed_target_of_zero_has_infinite_shortfall() -> None:
    assert rag_for(1, 0, 0, "smaller", "improving", BARNET)[:3] == ("RA", 1, float("inf"))
    assert rag_for(1, 0, 0, "smaller", "worsening", BARNET)[0] == "R"


def test_the_bands_scheme() -> None:
    assert [rag_for(v, 100, 0, "bigger", "worsening", BANDS)[0] for v in (100, 90, 89, 80, 79)] == [
        "G",
        "GA",
        "RA",
        "RA",
        "R",
    ]


@given(
    st.lists(
        st.tuples(st.one_of(st.none(), values), st.one_of(st.none(), values)),
        min_size=1,
        max_size=12,
    ),
    st.one_of(st.none(), values),
)
def test_summary_counts_add_up(rows, target) -> None:
    indicators = [
        Indicator(
            ref=f"X/{n}",
            title="t",
            type="SPI",
            polarity="bigger",
            targets={} if target is None else {"2017/18": YearTargets(annual=target)},
        )
        for n in range(len(rows))
    ]
    plan = Plan(plan="p", committee="C", title="T", indicators=indicators)
    now = {f"X/{n}": Result(ref=f"X/{n}", value=v) for n, (v, _) in enumerate(rows)}
    before = {f"X/{n}": Result(ref=f"X/{n}", value=r) for n, (_, r) in enumerate(rows)}
    ly = PERIOD.last_year()
    results = {
        PERIOD: QuarterResults(period=PERIOD, source="a", results=now),
        ly: QuarterResults(period=ly, source="b", results=before),
    }
    (row,) = rate_period([plan], PERIOD, results, {"barnet": BARNET}).summary
    assert (
        row.green.count + row.green_amber.count + row.red_amber.count + row.red.count == row.rated
    )
    not_reported = sum(v is None for v, _ in rows)
    assert row.rated + row.monitor + not_reported == row.indicators == len(rows)
    assert row.improved_same.count + row.worsened.count == row.with_dot
    assert row.reported == row.indicators - not_reported
