"""Every check of DESIGN sections 4-7, read from the shipped Q3 2017/18 example.

The expected cells are the ones printed in the real Community Leadership Committee report
(seeds/001_706351b094f7be0c.txt).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from barnet_rag.api import rate_project
from barnet_rag.periods import parse_period
from barnet_rag.project.models import RatedIndicator, RatedPeriod

REPO = Path(__file__).resolve().parent.parent

# (ref, field, expected): 27 cells of the seed's tables.
SEED_CELLS = [
    # Section 5: the four rated indicators.
    ("CG/S5", "rag", "G"),  # 75% vs 75%: met
    ("CG/S16", "rag", "GA"),  # 85% vs 90%: 89.4 counted, 0.7% short
    ("CG/C6", "rag", "GA"),  # 74% vs 81%: 78.4 counted, 3.2% short
    ("CG/S4", "rag", "R"),  # 60% vs 68%: 64.4 counted, 5.3% short, worse than last year
    # Monitor indicators are not rated.
    ("CG/C33", "rag", "Monitor"),
    ("CG/C2", "rag", "Monitor"),
    ("CG/C3", "rag", "Monitor"),
    ("CG/C4", "rag", "Monitor"),
    ("CG/C27", "rag", "Monitor"),
    # Section 6: Direction of Travel.
    ("CG/C33", "dot_short", "worsening"),  # 69.4 vs 67.6, smaller is better
    ("CG/C33", "dot_long", "new"),  # new for 2017/18
    ("CG/S4", "dot_long", "worsening"),  # 60 vs 67, beyond the 4.4 interval
    ("CG/S5", "dot_long", "same"),  # 75 vs 76, within the interval
    ("CG/S16", "dot_long", "same"),  # 85 vs 85
    ("CG/C2", "dot_short", "improving"),  # 5.4 vs 14, smaller is better
    ("CG/C2", "dot_long", "improving"),  # 5.4 vs 11.4
    ("CG/C3", "dot_short", "worsening"),  # 20.6 vs 28.1, bigger is better
    ("CG/C3", "dot_long", "worsening"),  # 20.6 vs 34.1
    ("CG/C4", "dot_short", "improving"),  # 20.2 vs 22.0
    ("CG/C4", "dot_long", "improving"),  # 20.2 vs 21.5
    ("CG/C27", "dot_short", "not comparable"),  # 178 vs 667, method changed
    ("CG/C27", "dot_long", "not comparable"),  # 178 vs 655.0
    # Survey indicators are not reported in Q2 ("Not reported in Q2, as Autumn survey").
    ("CG/S4", "dot_short", "not reported"),
    ("CG/S5", "dot_short", "not reported"),
    ("CG/S16", "dot_short", "not reported"),
    ("CG/C6", "dot_short", "not reported"),
    # CG/C6 was last reported in Spring 2016: no result for the same time last year.
    ("CG/C6", "dot_long", "no comparison"),
]


@pytest.fixture(scope="module")
def q3() -> RatedPeriod:
    return rate_project(REPO, parse_period("Q3-2017"))


def indicator(rated: RatedPeriod, ref: str) -> RatedIndicator:
    return next(i for i in rated.indicators if i.ref == ref)


def test_there_are_27_seed_cells() -> None:
    assert len(SEED_CELLS) == 27


@pytest.mark.parametrize(
    ("ref", "field", "expected"), SEED_CELLS, ids=[f"{r}-{f}" for r, f, _ in SEED_CELLS]
)
def test_seed_cell(q3: RatedPeriod, ref: str, field: str, expected: str) -> None:
    assert getattr(indicator(q3, ref), field) == expected


def test_computed_ratings_match_the_published_ones(q3: RatedPeriod) -> None:
    published = {i.ref: i.published_rag for i in q3.indicators if i.published_rag}
    assert published == {"CG/S4": "R", "CG/S5": "G", "CG/S16": "GA", "CG/C6": "GA"}
    assert all(indicator(q3, ref).rag == rag for ref, rag in published.items())


def test_survey_tolerance_is_counted_in_the_rating(q3: RatedPeriod) -> None:
    s4 = indicator(q3, "CG/S4")
    assert (s4.counted_value, s4.target, s4.tolerance) == (64.4, 68.0, 4.4)
    assert s4.shortfall == pytest.approx(3.6 / 68)
    assert indicator(q3, "CG/S16").shortfall == pytest.approx(0.6 / 90)
    assert indicator(q3, "CG/C6").shortfall == pytest.approx(2.6 / 81)


def test_cg_c6_remembers_when_it_was_last_reported(q3: RatedPeriod) -> None:
    c6 = indicator(q3, "CG/C6")
    assert (c6.last_reported_value, c6.last_reported_label, c6.last_reported_period) == (
        60.0,
        "Spring 2016",
        "Q1 2016/17",
    )


def test_summary_is_table_1_for_the_nine_shipped_indicators(q3: RatedPeriod) -> None:
    # The seed's Table 1 counts 11 indicators: two green ones are not printed in the
    # report, so they are not shipped, and the counts differ by exactly those two.
    (row,) = q3.summary
    assert row.model_dump() == {
        "plan": "community-leadership",
        "committee": "Community Leadership",
        "indicators": 9,
        "reported": 9,
        "rated": 4,
        "monitor": 5,
        "with_dot": 6,
        "green": {"count": 1, "percent": 25},
        "green_amber": {"count": 2, "percent": 50},
        "red_amber": {"count": 0, "percent": 0},
        "red": {"count": 1, "percent": 25},
        "improved_same": {"count": 4, "percent": 67},
        "worsened": {"count": 2, "percent": 33},
        "levels": [
            {"code": "G", "label": "Green", "count": 1, "percent": 25},
            {"code": "GA", "label": "Green Amber", "count": 2, "percent": 50},
            {"code": "RA", "label": "Red Amber", "count": 0, "percent": 0},
            {"code": "R", "label": "Red", "count": 1, "percent": 25},
        ],
    }


def test_the_seed_table_1_follows_with_its_two_unprinted_greens() -> None:
    """Adding the two unprinted green indicators (improved or same) gives the seed's row."""
    from barnet_rag.engine.summary import half_up_percent

    green, ga, red, rated = 1 + 2, 2, 1, 4 + 2
    improved, worsened = 4, 2 + 1  # the seed counts 7 with a DOT: 4 improved/same, 3 worse
    assert [half_up_percent(n, rated) for n in (green, ga, 0, red)] == [50, 33, 0, 17]
    assert [half_up_percent(n, improved + worsened) for n in (improved, worsened)] == [57, 43]
