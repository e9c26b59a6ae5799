"""``explain PERIOD REF``: the whole story of a rating, told from the engine's own trace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.api import rate_project
from barnet_rag.cli import main
from barnet_rag.outputs.explaining import explain, reason
from barnet_rag.periods import Period

REPO = Path(__file__).resolve().parent.parent
Q3 = Period(2017, 3)
GOLDEN = Path(__file__).resolve().parent / "golden" / "explain"


def run(*args: str, root: Path = REPO) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["explain", *args, "--root", str(root)])
    return result.exit_code, result.stdout, result.stderr


def golden(ref: str) -> str:
    """The expected explanation, checked in as tests/golden/explain/Q3-2017-<ref>.txt."""
    name = f"Q3-2017-{ref.replace('/', '-')}.txt"
    return (GOLDEN / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("ref", ["CG/S4", "CG/S5", "CG/S16", "CG/C6"])
def test_the_four_rated_seed_indicators(ref: str) -> None:
    assert run("Q3-2017", ref) == (0, golden(ref), "")


def test_a_break_in_comparability_is_explained() -> None:
    steps = explain(REPO, Q3, "CG/C27").steps
    assert steps[1:] == [
        "Target: 'monitor' for Q3 2017/18 (annual target: monitor): Monitor, shown for "
        "information.",
        "Monitor: not rated; counted under 'Monitored only' in the summary.",
        "Long-term direction of travel, against the same quarter last year, Q3 2016/17: 655.0. "
        "Break in comparability: the result for Q3 2017/18 is marked comparable: no (the "
        "method changed), so there is no direction of travel across it: Not comparable.",
        "Short-term direction of travel, against the previous quarter, Q2 2017/18: 667. Break "
        "in comparability: the result for Q3 2017/18 is marked comparable: no (the method "
        "changed), so there is no direction of travel across it: Not comparable.",
        "Statistical process control: insufficient data: 1 comparable result since the method "
        "changed in Q3 2017/18; XmR limits need 12.",
    ]


def test_a_new_indicator_and_an_improvement_for_smaller_is_better() -> None:
    assert explain(REPO, Q3, "CG/C33").steps[3] == (
        "Long-term direction of travel, against the same quarter last year, Q3 2016/17: no "
        "result for Q3 2016/17; the indicator is new for 2017/18 (its since): New."
    )
    assert explain(REPO, Q3, "CG/C2").steps[4] == (
        "Short-term direction of travel, against the previous quarter, Q2 2017/18: 14%. The "
        "change of -8.6 points is more than the tolerance of ±0 points (the indicator's "
        "dot_tolerance) and goes the right way for smaller is better: ▲ Improving."
    )


def test_a_blank_result_falls_back_to_the_annual_target() -> None:
    assert explain(REPO, Period(2017, 2), "CG/S4").steps[:3] == [
        "Result: blank in results/2017-18/Q2.csv line 3, so it is Not reported.",
        "Target: 68%, the annual target for 2017/18, as no Q2 target is set.",
        "Not reported: not rated, and not counted in the summary.",
    ]


def test_a_scheme_without_survey_tolerance_counts_the_result_itself(example_copy: Path) -> None:
    (example_copy / "schemes").mkdir()
    (example_copy / "schemes/strict.yaml").write_text(
        "name: strict\nsurvey_tolerance: false\nbands:\n  - {rag: RA, up_to: 0.1}\n  - {rag: R}\n",
        encoding="utf-8",
    )
    plan = example_copy / "plans/community-leadership.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("scheme: barnet", "scheme: strict"),
        encoding="utf-8",
    )
    steps = explain(example_copy, Q3, "CG/S5").steps
    assert steps[2:5] == [
        "Survey interval: ±4.4 points (RPS confidence interval), but scheme strict gives no survey "
        "tolerance, so the result itself is counted.",
        "Target met: 75% is at or above 75%, so it is Green (G).",
        "Long-term direction of travel, against the same quarter last year, Q3 2016/17: 76% "
        "(Autumn 2016). The change of -1 point is within the tolerance of ±4.4 points (RPS "
        "confidence interval): ↔ Same.",
    ]
    assert explain(example_copy, Q3, "CG/S16").steps[5] == (
        "Scheme strict: bands are tried in order and the first that matches wins.\n"
        "- band 1, RA if the shortfall is up to 10%: matches.\n"
        "So it is Red Amber (RA)."
    )


def test_json_carries_the_rating_the_engines_trace_and_the_steps() -> None:
    code, out, _ = run("Q3-2017", "CG/S4", "--format", "json")
    assert code == 0
    data = json.loads(out)
    rated = next(i for i in rate_project(REPO, Q3).indicators if i.ref == "CG/S4")
    assert data["indicator"] == rated.model_dump(mode="json")
    assert rated.trace is not None
    assert data["trace"] == rated.trace.model_dump(mode="json")
    assert data["steps"] == explain(REPO, Q3, "CG/S4").steps
    assert {k: data[k] for k in ("period", "plan", "scheme", "source", "line")} == {
        "period": "Q3 2017/18",
        "plan": "community-leadership",
        "scheme": "barnet",
        "source": "results/2017-18/Q3.csv",
        "line": 3,
    }


def test_the_one_line_reason_used_by_check() -> None:
    rated = {i.ref: i for i in rate_project(REPO, Q3).indicators}
    assert [reason(rated[r]) for r in ("CG/S4", "CG/S5", "CG/C6", "CG/C2")] == [
        "64.4 counted (60 + 4.4 survey interval) is 5.3% short of 68 and worse than last year",
        "79.4 counted (75 + 4.4 survey interval) meets the target of 75",
        "78.4 counted (74 + 4.4 survey interval) is 3.2% short of 81 and with no result last "
        "year to compare",
        "there is no numeric target for CG/C2 in this quarter, so it is Monitor",
    ]


REFS = "CG/C33, CG/S4, CG/S5, CG/S16, CG/C2, CG/C3, CG/C4, CG/C27, CG/C6"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["Q3-2017", "CG/S61"],
            f"no indicator 'CG/S61' in any plan; did you mean CG/S16? refs: {REFS}",
        ),
        (
            ["Q3-2017", "cg/s4"],
            f"no indicator 'cg/s4' in any plan; did you mean CG/S4? refs: {REFS}",
        ),
        (["Q3-2017", "ZZZ"], f"no indicator 'ZZZ' in any plan; refs: {REFS}"),
        (
            ["Q3-2016", "CG/C33"],
            "CG/C33 starts in 2017/18 (its since), so it is not rated in Q3 2016/17",
        ),
        (
            ["Q4-2017", "CG/S4"],
            "no results for Q4 2017/18: results/2017-18/Q4.csv does not exist. Periods with "
            "results: Q1 2016/17, Q3 2016/17, Q2 2017/18, Q3 2017/18",
        ),
    ],
)
def test_what_cannot_be_explained_exits_2_with_a_clear_message(
    args: list[str], message: str
) -> None:
    assert run(*args) == (2, "", f"error: {message}\n")


def test_the_docs_show_the_real_output() -> None:
    docs = (REPO / "docs/check.md").read_text(encoding="utf-8")
    assert f"$ barnet-rag explain Q3-2017 CG/S4\n{golden('CG/S4')}```" in docs
