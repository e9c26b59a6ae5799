"""Reading many series side by side in numpy gives read_scaled's reading of each one."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from barnet_rag.engine.fastspc import read_many
from barnet_rag.engine.spc import DEFAULT_RULES, read_scaled
from barnet_rag.project.models import SpcRules

rule_sets = st.one_of(
    st.just(DEFAULT_RULES),
    st.builds(
        SpcRules,
        shift=st.integers(2, 9),
        trend=st.integers(3, 8),
        two_of_three=st.booleans(),
        min_points=st.integers(2, 14),
    ),
)
#: Values in millionths: small steps that tie and run, everyday figures, and magnitudes up
#: to the largest result a file may hold (10**18 millionths), which must fall back.
values = st.one_of(
    st.integers(-3, 3),
    st.integers(0, 100_000_000),
    st.sampled_from([60_000_000, 60_000_001, 59_999_999, 0]),
    st.integers(-(10**18), 10**18),
)


@st.composite
def series(draw: Any) -> list[int]:
    style = draw(st.sampled_from(["random", "flat", "ramp", "step"]))
    size = draw(st.integers(0, 20))
    if style == "flat":
        return [draw(values)] * size
    if style == "ramp":
        start, step = draw(st.integers(0, 10**8)), draw(st.integers(-(10**6), 10**6))
        return [start + step * k + draw(st.integers(0, 1)) for k in range(size)]
    if style == "step":
        low, high = draw(st.integers(0, 10**8)), draw(st.integers(0, 10**8))
        return [(low if k < size // 2 else high) + draw(st.integers(-1, 1)) for k in range(size)]
    return draw(st.lists(values, min_size=size, max_size=size))


rows = st.tuples(
    series(),
    st.one_of(st.none(), values, st.integers(-(10**30), 10**30)),
    st.sampled_from(["bigger", "smaller"]),
    st.booleans(),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(rows, max_size=12), rule_sets)
def test_each_reading_equals_read_scaled(batch: list[Any], rules: SpcRules) -> None:
    got = read_many(
        [s for s, _, _, _ in batch],
        [t for _, t, _, _ in batch],
        [p for _, _, p, _ in batch],
        [c for _, _, _, c in batch],
        rules,
        min_group=1,  # every group through numpy
    )
    expected = []
    for values_, target, polarity, percent in batch:
        r = read_scaled(values_, polarity, target, "percent" if percent else "number", rules)
        expected.append((r.variation, r.assurance, r.centre, r.display_lower, r.display_upper))
    assert got == expected


def test_the_latest_point_decides_by_the_nhs_rules() -> None:
    # Seven points above the centre end the series: a shift, improving for bigger-is-better.
    shift = [10, 10, 10, 10, 10, 10, 10, 10, 11, 11, 11, 11, 11, 11, 11]
    # Six rising steps at the end, all within the limits: a trend.
    trend = [50, 52, 49, 51, 50, 52, 48, 50, 51, 52, 53, 54, 55, 56]
    millionths = [[v * 10**6 for v in s] for s in (shift, trend, trend)]
    readings = read_many(
        millionths, [None, 60 * 10**6, None], ["bigger", "smaller", "bigger"], [True] * 3,
        DEFAULT_RULES, min_group=1,
    )  # fmt: skip
    assert [r[:2] for r in readings] == [
        ("special cause improving", None),
        ("special cause concerning", "consistently meets"),  # 60 is above every point
        ("special cause improving", None),
    ]


def test_small_groups_read_one_by_one_give_the_same_readings() -> None:
    trend = [50, 52, 49, 51, 50, 52, 48, 50, 51, 52, 53, 54, 55, 56]
    series = [[v * 10**6 for v in trend]] * 3
    args = (series, [None] * 3, ["bigger"] * 3, [False] * 3, DEFAULT_RULES)
    assert read_many(*args) == read_many(*args, min_group=1)
