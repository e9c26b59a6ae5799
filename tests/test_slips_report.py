"""What the exception report claims (issue 15, items 6 and 7): "significantly" only where
the two intervals do not overlap (DESIGN section 8), and a tolerance note that cites the
survey's interval even in a quarter the survey was not reported.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from barnet_rag.cli import main
from barnet_rag.outputs import narrative
from barnet_rag.outputs.reporting import survey_intervals, tolerance_note
from barnet_rag.project.models import RatedIndicator, Survey

MakeTree = Callable[[dict[str, str | bytes]], Path]


def rated(**changes: Any) -> RatedIndicator:
    """A missed-target survey indicator (CG/S4 in the seed), changed as the test says."""
    fields: dict[str, Any] = {
        "plan": "p",
        "ref": "CG/S4",
        "title": "Public confidence",
        "type": "CPI",
        "polarity": "bigger",
        "unit": "percent",
        "value": 60.0,
        "label": None,
        "target": 68.0,
        "annual_target": "68",
        "tolerance": 4.4,
        "rag": "R",
        "published_rag": None,
        "previous_value": None,
        "dot_short": "not reported",
        "last_year_value": 67.0,
        "last_year_label": None,
        "dot_long": "worsening",
        "survey": "RPS",
    }
    fields.update(changes)
    return RatedIndicator(**fields)


def since(value: float, earlier: float, **changes: Any) -> str:
    """The sentence for a result with nothing a year ago but an earlier result."""
    indicator = rated(
        value=value,
        last_year_value=None,
        dot_long="no comparison",
        last_reported_value=earlier,
        last_reported_label="Spring 2016",
        **changes,
    )
    return narrative.long_term_comparison(indicator)


def report(root: Path, period: str = "Q3-2017") -> str:
    result = CliRunner().invoke(main, ["report", period, "--root", str(root)])
    assert (result.exit_code, result.stderr) == (0, "")
    return result.stdout


# --- "significantly" (item 6)


def test_the_seeds_two_bullets_are_reproduced(repo_root: Path) -> None:
    text = report(repo_root)
    assert (
        "(RAG rated RED) – 60% against a target of 68%. This has fallen from the same time "
        "last year (67%). Generally, concern"
    ) in text
    assert (
        "(RAG rated GREEN AMBER) – 74% against a target of 81%. This has significantly "
        "improved since it was last reported in Spring 2016 (60%). The spring 2016 result"
    ) in text


@pytest.mark.parametrize(
    ("value", "earlier", "sentence"),
    [
        # 74 vs 60 at ±4.4: 14 > 8.8, the intervals do not overlap (CG/C6).
        (74.0, 60.0, "This has significantly improved since it was last reported in"),
        # 60 vs 67: 7 <= 8.8, outside the tolerance but the intervals overlap (CG/S4).
        (60.0, 67.0, "This has fallen since it was last reported in"),
        (60.0, 68.8, "This has fallen since it was last reported in"),  # 8.8: just touching
        (60.0, 68.9, "This has significantly fallen since it was last reported in"),
        (60.0, 64.4, "This is unchanged since it was last reported in"),  # within ±4.4
        (60.0, 60.0, "This is unchanged since it was last reported in"),
    ],
)
def test_since_last_reported_significance_is_non_overlapping_intervals(
    value: float, earlier: float, sentence: str
) -> None:
    shown = f"{earlier:g}%"
    assert since(value, earlier) == f"{sentence} Spring 2016 ({shown})."


@pytest.mark.parametrize(
    ("value", "earlier", "word"),
    [(90.0, 96.0, "fallen"), (50.0, 96.0, "fallen"), (9, 1, "improved")],
)
def test_an_indicator_without_an_interval_never_changes_significantly(
    value: float, earlier: float, word: str
) -> None:
    sentence = since(value, earlier, survey=None, tolerance=0.0, unit="number")
    assert sentence == (f"This has {word} since it was last reported in Spring 2016 ({earlier:g}).")


def test_without_an_interval_a_change_within_dot_tolerance_is_unchanged() -> None:
    sentence = since(90.0, 91.0, survey=None, tolerance=1.0, unit="number")
    assert sentence == "This is unchanged since it was last reported in Spring 2016 (91)."


@pytest.mark.parametrize(
    ("last_year", "dot", "sentence"),
    [
        (67.0, "worsening", "This has fallen from the same time last year (67%)."),
        (70.0, "worsening", "This has significantly fallen from the same time last year (70%)."),
        (52.0, "improving", "This has improved from the same time last year (52%)."),
        (51.2, "improving", "This has improved from the same time last year (51.2%)."),
        (
            51.1,
            "improving",
            "This has significantly improved from the same time last year (51.1%).",
        ),
    ],
)
def test_year_on_year_significance_is_the_same_rule(
    last_year: float, dot: str, sentence: str
) -> None:
    decimals = narrative.decimals_of(last_year)
    indicator = rated(last_year_value=last_year, dot_long=dot, last_year_decimals=decimals)
    assert narrative.long_term_comparison(indicator) == sentence


def test_a_sampled_survey_adds_the_interval_of_each_result() -> None:
    # n = 500: 60% has ±4.3 points, 50% has ±4.4: 8.7 apart only just is significant.
    survey = Survey(title="Sampled", sample_size=500)
    assert survey.interval_for(60.0) + survey.interval_for(50) == pytest.approx(8.7)
    indicator = rated(value=60.0, last_year_value=51.3, dot_long="improving", tolerance=4.3)
    assert narrative.long_term_comparison(indicator, survey.interval_for) == (
        "This has improved from the same time last year (51%)."
    )
    indicator = rated(value=60.0, last_year_value=51.2, dot_long="improving", tolerance=4.3)
    assert narrative.long_term_comparison(indicator, survey.interval_for) == (
        "This has significantly improved from the same time last year (51%)."
    )


# --- the tolerance note (item 7)


def test_a_quarter_without_the_survey_cites_its_interval_not_zero(repo_root: Path) -> None:
    text = report(repo_root, "Q2-2017")
    assert "+/-0%pts" not in text
    assert "There is a +/-4.4%pts tolerance on the results" in text
    assert "the same +/- 4.4%)." in text


def test_a_sampled_survey_cites_the_intervals_of_the_results_shown() -> None:
    survey = Survey(title="Sampled", sample_size=500)
    indicator = rated(value=60.0, previous_value=None, last_year_value=67.0, tolerance=4.3)
    assert survey_intervals(indicator, survey) == [4.1, 4.3]
    assert tolerance_note([4.1, 4.3]).startswith(
        "There is a +/-4.1 to 4.3%pts tolerance on the results due to the confidence interval "
        "for the sample size (i.e. if we surveyed the whole population we can be confident "
        "that the results would be the same +/- 4.1 to 4.3%)."
    )
    assert tolerance_note([4.4]) == tolerance_note(4.4)


def test_a_sampled_survey_with_nothing_shown_has_no_interval_to_cite() -> None:
    survey = Survey(title="Sampled", sample_size=500)
    nothing = rated(value=None, last_year_value=None, tolerance=0.0, rag="Not reported")
    assert survey_intervals(nothing, survey) == []
    fixed = Survey(title="Fixed", confidence_interval=3.1)
    assert survey_intervals(nothing, fixed) == [3.1]


SAMPLED_PLAN = """\
plan: sampled
committee: Sampled
title: Sampled plan
surveys:
  RS:
    title: Residents' Survey
    sample_size: 500
indicators:
  - ref: RS/1
    title: Satisfied
    type: CPI
    polarity: bigger
    unit: percent
    survey: RS
    targets:
      2017/18: {annual: 80}
"""


def test_a_report_of_a_sampled_survey_cites_its_results_intervals(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "plans/sampled.yaml": SAMPLED_PLAN,
            "results/2016-17/Q3.csv": "ref,value,label\nRS/1,67%,Autumn 2016\n",
            "results/2017-18/Q2.csv": "ref,value,label\nRS/1,,\n",
            "results/2017-18/Q3.csv": "ref,value,label\nRS/1,60%,Autumn 2017\n",
        }
    )
    assert "There is a +/-4.1 to 4.3%pts tolerance" in report(root)
    # In Q2 no result is shown (nor one for Q1 or last year): no interval, and no "+/-0".
    assert "%pts" not in report(root, "Q2-2017")
