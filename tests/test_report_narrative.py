"""The drafted exception sentences, one per long-term comparison case, asserted whole."""

from __future__ import annotations

from typing import Any

import pytest

from barnet_rag.outputs import narrative
from barnet_rag.project.models import Count, RatedIndicator, SummaryRow


def rated(**changes: Any) -> RatedIndicator:
    """A survey indicator that missed target (CG/S4 in the seed), changed as the test says."""
    fields: dict[str, Any] = {
        "plan": "community-leadership",
        "ref": "CG/S4",
        "title": "Public confidence in police and council",
        "type": "CPI",
        "polarity": "bigger",
        "unit": "percent",
        "value": 60.0,
        "label": "Autumn 2017",
        "target": 68.0,
        "annual_target": "68",
        "tolerance": 4.4,
        "rag": "R",
        "published_rag": None,
        "previous_value": None,
        "dot_short": "not reported",
        "last_year_value": 67.0,
        "last_year_label": "Autumn 2016",
        "dot_long": "worsening",
        "survey": "RPS",
    }
    fields.update(changes)
    return RatedIndicator(**fields)


CASES = {
    "fallen": (
        {},
        "60% against a target of 68%. This has fallen from the same time last year (67%).",
    ),
    "risen, smaller is better": (
        {"polarity": "smaller", "value": 14.0, "target": 10.0, "last_year_value": 11.0},
        "14% against a target of 10%. This has risen from the same time last year (11%).",
    ),
    "unchanged": (
        {"value": 85.0, "target": 90.0, "last_year_value": 85.0, "dot_long": "same", "rag": "GA"},
        "85% against a target of 90%. This is unchanged from the same time last year (85%).",
    ),
    "similar within tolerance": (
        {"value": 72.0, "target": 80.0, "last_year_value": 74.0, "dot_long": "same"},
        "72% against a target of 80%. This is similar to the same time last year (74%).",
    ),
    "improved": (
        {"value": 62.5, "decimals": 1, "last_year_value": 55.0, "dot_long": "improving"},
        "62.5% against a target of 68%. This has improved from the same time last year (55%).",
    ),
    "significantly improved since last reported": (
        {
            "value": 74.0,
            "target": 81.0,
            "last_year_value": None,
            "last_year_label": None,
            "dot_long": "no comparison",
            "last_reported_value": 60.0,
            "last_reported_label": "Spring 2016",
        },
        "74% against a target of 81%. This has significantly improved since it was last "
        "reported in Spring 2016 (60%).",
    ),
    "improved beyond the interval but not significantly since last reported": (
        {
            "value": 66.0,
            "last_year_value": None,
            "dot_long": "no comparison",
            "last_reported_value": 60.0,
            "last_reported_label": "Spring 2016",
        },
        "66% against a target of 68%. This has improved since it was last reported in "
        "Spring 2016 (60%).",
    ),
    "within the interval since last reported is unchanged": (
        {
            "value": 63.0,
            "last_year_value": None,
            "dot_long": "no comparison",
            "last_reported_value": 60.0,
            "last_reported_label": "Spring 2016",
        },
        "63% against a target of 68%. This is unchanged since it was last reported in "
        "Spring 2016 (60%).",
    ),
    "significantly fallen since last reported, labelled by period": (
        {
            "value": 48.0,
            "last_year_value": None,
            "dot_long": "no comparison",
            "last_reported_value": 58.5,
            "last_reported_period": "Q1 2016/17",
        },
        "48% against a target of 68%. This has significantly fallen since it was last "
        "reported in Q1 2016/17 (58.5%).",
    ),
    "unchanged since last reported": (
        {
            "last_year_value": None,
            "dot_long": "no comparison",
            "last_reported_value": 60.0,
            "last_reported_label": "Spring 2016",
        },
        "60% against a target of 68%. This is unchanged since it was last reported in "
        "Spring 2016 (60%).",
    ),
    "no comparison": (
        {"last_year_value": None, "last_year_label": None, "dot_long": "no comparison"},
        "60% against a target of 68%. There is no result from the same time last year to "
        "compare with.",
    ),
    "not comparable": (
        {
            "unit": "number",
            "value": 178.0,
            "target": 150.0,
            "polarity": "smaller",
            "last_year_value": 655.0,
            "last_year_decimals": 1,
            "dot_long": "not comparable",
        },
        "178 against a target of 150. This is not comparable with the same time last year "
        "(655.0) because the way it is measured has changed.",
    ),
    "new this year": (
        {"last_year_value": None, "dot_long": "new"},
        "60% against a target of 68%. This indicator is new this year, so there is no result "
        "from last year to compare.",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_exception_sentence(case: str) -> None:
    changes, sentence = CASES[case]
    assert narrative.exception_sentence(rated(**changes)) == sentence


def test_the_whole_bullet_ends_with_the_officers_comment_on_one_line() -> None:
    indicator = rated(comment="Generally, concern about\nanti-social behaviour has increased.")
    assert narrative.bullet_text(indicator) == (
        "CG/S4 Public confidence in police and council (RAG rated RED) – 60% against a target "
        "of 68%. This has fallen from the same time last year (67%). Generally, concern about "
        "anti-social behaviour has increased."
    )


@pytest.mark.parametrize(
    ("rag", "phrase"), [("R", "RED"), ("RA", "RED AMBER"), ("GA", "GREEN AMBER"), ("G", "GREEN")]
)
def test_rag_in_words(rag: str, phrase: str) -> None:
    assert narrative.rag_phrase(rag) == phrase


@pytest.mark.parametrize(
    ("missed", "rated_count", "intro"),
    [
        (3, 4, "Three Community Leadership indicators have not met the quarterly target."),
        (1, 4, "One Community Leadership indicator has not met the quarterly target."),
        (10, 12, "Ten Community Leadership indicators have not met the quarterly target."),
        (11, 12, "11 Community Leadership indicators have not met the quarterly target."),
        (0, 4, "All rated Community Leadership indicators have met the quarterly target."),
        (0, 0, "No Community Leadership indicators were rated against a target this quarter."),
    ],
)
def test_the_count_of_exceptions_in_words(missed: int, rated_count: int, intro: str) -> None:
    assert narrative.missed_intro("Community Leadership", missed, rated_count) == intro


def test_what_table_1_shows_in_words() -> None:
    row = SummaryRow(
        plan="community-leadership",
        committee="Community Leadership",
        indicators=9,
        reported=9,
        rated=4,
        monitor=5,
        with_dot=6,
        green=Count(1, 25),
        green_amber=Count(2, 50),
        red_amber=Count(0, 0),
        red=Count(1, 25),
        improved_same=Count(4, 67),
        worsened=Count(2, 33),
    )
    assert narrative.summary_sentence(row) == (
        "This shows that 25% of rated indicators (1 of 4) have met target this quarter; and "
        "67% (4 of 6) have improved or stayed the same since the same time last year."
    )


@pytest.mark.parametrize(
    ("total", "high", "sentences"),
    [
        (
            13,
            0,
            [
                "Community Leadership risks are held on the Customer Strategy, Communications "
                "and Assurance (CSCA) service risk register.",
                "There are 13 risks on the CSCA risk register.",
                "None are high level risks with a residual risk score of 15 or above.",
            ],
        ),
        (
            1,
            1,
            [
                "Community Leadership risks are held on the Customer Strategy, Communications "
                "and Assurance (CSCA) service risk register.",
                "There is one risk on the CSCA risk register.",
                "One is a high level risk with a residual risk score of 15 or above:",
            ],
        ),
        (
            0,
            0,
            [
                "Community Leadership risks are held on the Customer Strategy, Communications "
                "and Assurance (CSCA) service risk register.",
                "There are no risks on the CSCA risk register.",
            ],
        ),
    ],
)
def test_risk_sentences_as_the_seed_words_them(total: int, high: int, sentences: list[str]) -> None:
    title = "Customer Strategy, Communications and Assurance (CSCA) service risk register"
    assert (
        narrative.risk_sentences("Community Leadership", "CSCA", title, total, high, 15)
        == sentences
    )
