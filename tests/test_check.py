"""``check``: every planted problem is found with its code, file and line, and nothing else.

Each test copies the shipped example (plans/ and results/) and plants one kind of problem.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.check.checking import CheckReport, check_project
from barnet_rag.cli import main
from barnet_rag.errors import Problem, UserError
from barnet_rag.periods import Period

REPO = Path(__file__).resolve().parent.parent
Q3 = "results/2017-18/Q3.csv"
S4_ROW = (
    'CG/S4,60%,Autumn 2017,,,"Generally, concern about anti-social behaviour and crime '
    'has increased.",R'
)


def plant(root: Path, name: str, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) with ``new`` in one file of the project."""
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def where(report: CheckReport) -> list[tuple[str, str, str | None, int | None, str | None]]:
    """The report as (code, severity, file, line, column or YAML path) rows."""
    return [(p.code, p.severity, p.file, p.line, p.column or p.path) for p in report.problems]


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", "--root", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_shipped_example_is_clean() -> None:
    report = check_project(REPO)
    assert report.problems == []
    assert report.exit_code == 0
    assert run(REPO) == (0, f"No problems found in {report.checked_files} files.\n", "")


def test_a_published_rag_that_differs_names_both_and_the_engines_reason(
    example_copy: Path,
) -> None:
    plant(example_copy, Q3, S4_ROW, S4_ROW[:-1] + "G")
    report = check_project(example_copy)
    assert report.problems == [
        Problem(
            "published-rag",
            "published_rag 'G' but computed 'R': 64.4 counted (60 + 4.4 survey interval) "
            "is 5.3% short of 68 and worse than last year",
            Q3,
            3,
            column="published_rag",
            hint="correct the published rating or the data; "
            "barnet-rag explain Q3-2017 CG/S4 shows every step",
        )
    ]
    assert report.exit_code == 1


def test_a_published_green_that_is_not_met_and_a_met_one_published_amber(
    example_copy: Path,
) -> None:
    plant(example_copy, Q3, "CG/S5,75%,Autumn 2017,,,,G", "CG/S5,75%,Autumn 2017,,,,GA")
    plant(example_copy, Q3, "CG/S16,85%,Autumn 2017,,,,GA", "CG/S16,85%,Autumn 2017,,,,g")
    messages = [p.message for p in check_project(example_copy).problems]
    assert messages == [
        "published_rag 'GA' but computed 'G': 79.4 counted (75 + 4.4 survey interval) "
        "meets the target of 75",
        "published_rag 'G' but computed 'GA': 89.4 counted (85 + 4.4 survey interval) "
        "is 0.7% short of 90 and about the same as last year",
    ]


def test_unknown_ref_bad_value_range_comparable_and_duplicate_rows(example_copy: Path) -> None:
    plant(example_copy, Q3, "CG/C2,5.4%", "CG/S61,5.4%")
    plant(example_copy, Q3, "CG/C3,20.6%,,,,,", "CG/C3,2O.6%,,,,,")
    plant(example_copy, Q3, "CG/C4,20.2%,,,,,", "CG/C4,120.2%,,yes,,,")
    with (example_copy / Q3).open("a", encoding="utf-8") as stream:
        stream.write("CG/C33,70,,,,,\n")
    report = check_project(example_copy)
    assert where(report) == [
        ("missing-row", "warning", Q3, None, "ref"),
        ("unknown-ref", "error", Q3, 6, "ref"),
        ("bad-value", "error", Q3, 7, "value"),
        ("percent-range", "error", Q3, 8, "value"),
        ("bad-comparable", "error", Q3, 8, "comparable"),
        ("duplicate-row", "error", Q3, 11, "ref"),
    ]
    unknown = report.problems[1]
    assert (unknown.message, unknown.hint) == (
        "ref 'CG/S61' is not an indicator in any plan",
        "did you mean CG/S16?",
    )
    assert report.problems[0].message == "no row for CG/C2 (target for Q3 2017/18: monitor)"


def test_a_missing_row_is_a_warning_and_an_error_when_strict(example_copy: Path) -> None:
    plant(example_copy, Q3, "CG/S16,85%,Autumn 2017,,,,GA\n", "")
    report = check_project(example_copy)
    assert where(report) == [("missing-row", "warning", Q3, None, "ref")]
    assert report.problems[0].message == "no row for CG/S16 (target for Q3 2017/18: 90)"
    assert (
        report.problems[0].hint == "add a row 'CG/S16,' with a blank value if it was not reported"
    )
    assert report.exit_code == 0
    strict = check_project(example_copy, strict=True)
    assert where(strict) == [("missing-row", "error", Q3, None, "ref")]
    assert strict.exit_code == 1
    assert run(example_copy)[0] == 0
    assert run(example_copy, "--strict")[0] == 1


def test_a_blank_value_is_not_reported_which_is_fine(example_copy: Path) -> None:
    plant(example_copy, Q3, "CG/C4,20.2%,,,,,", "CG/C4,,,,,,")
    assert check_project(example_copy, strict=True).problems == []


def test_a_row_before_the_indicators_since_is_an_error(example_copy: Path) -> None:
    with (example_copy / "results/2016-17/Q3.csv").open("a", encoding="utf-8") as stream:
        stream.write("CG/C33,71.2,\n")
    report = check_project(example_copy)
    assert report.problems == [
        Problem(
            "before-since",
            "CG/C33 starts in 2017/18 (its since), so it has no result in Q3 2016/17",
            "results/2016-17/Q3.csv",
            9,
            column="ref",
            hint="remove the row, or correct the indicator's since in its plan",
        )
    ]


def test_results_files_must_be_named_by_year_and_quarter(example_copy: Path) -> None:
    (example_copy / "results/2017-18/q4.csv").write_text("ref,value\n", encoding="utf-8")
    (example_copy / "results/2017").mkdir()
    (example_copy / "results/notes.csv").write_text("ref,value\n", encoding="utf-8")
    report = check_project(example_copy)
    assert [(p.code, p.file, p.message) for p in report.problems] == [
        ("results-layout", "results/2017", "directory name '2017' is not a financial year"),
        (
            "results-layout",
            "results/2017-18/q4.csv",
            "file name 'q4.csv' is not a quarter's results file",
        ),
        (
            "results-layout",
            "results/notes.csv",
            "results files belong in a financial-year directory",
        ),
    ]


SCHEME_OUT_OF_ORDER = """\
name: tiers
bands:
  - {rag: GA, up_to: 0.2}
  - {rag: RA, up_to: 0.1}
  - {rag: R}
"""

SCHEME_WITH_A_GAP = """\
name: gappy
bands:
  - {rag: GA, up_to: 0.05}
  - rag: R
    up_to: 0.5
"""


def test_a_scheme_with_bounds_out_of_order_or_a_gap_names_file_and_band(
    example_copy: Path,
) -> None:
    (example_copy / "schemes").mkdir()
    (example_copy / "schemes/tiers.yaml").write_text(SCHEME_OUT_OF_ORDER, encoding="utf-8")
    (example_copy / "schemes/gappy.yaml").write_text(SCHEME_WITH_A_GAP, encoding="utf-8")
    plant(example_copy, "plans/community-leadership.yaml", "scheme: barnet", "scheme: tiers")
    report = check_project(example_copy)
    assert [(p.file, p.line, p.path, p.message) for p in report.problems] == [
        (
            "schemes/gappy.yaml",
            4,
            "bands[1]",
            "band 2 is the last band, so it must have no conditions: it has to match everything",
        ),
        (
            "schemes/tiers.yaml",
            4,
            "bands[1].up_to",
            "band 2 has up_to 0.1, below band 1's 0.2; "
            "up_to bounds must increase from band to band",
        ),
    ]


SECOND_PLAN = """\
plan: second
committee: Second
title: A second plan
indicators:
  - ref: CG/S4
    title: The same ref again
    type: SPI
    polarity: bigger
  - ref: X/1
    title: A survey that is not there
    type: SPI
    polarity: bigger
    survey: RSP
"""


def test_plan_schema_errors_unknown_surveys_and_duplicate_refs(example_copy: Path) -> None:
    (example_copy / "plans/second.yaml").write_text(SECOND_PLAN, encoding="utf-8")
    third = SECOND_PLAN.replace("second", "third").replace("CG/S4", "Y/1").replace("X/1", "Y/2")
    third = third.replace("polarity: bigger\n  - ref", "polarity: biggest\n  - ref")
    (example_copy / "plans/third.yaml").write_text(third, encoding="utf-8")
    report = check_project(example_copy)
    assert [str(p) for p in report.problems] == [
        "plans/second.yaml:5: indicators[0].ref: ref 'CG/S4' is already used in "
        "plans/community-leadership.yaml (indicators[1]) (refs must be unique across all plans)",
        "plans/second.yaml:13: indicators[1].survey: survey 'RSP' is not defined in this "
        "plan's surveys (surveys defined: none)",
        "plans/third.yaml:8: indicators[0].polarity: should be 'bigger' or 'smaller'",
    ]
    assert [p.code for p in report.problems] == ["duplicate-ref", "unknown-survey", "schema"]


def test_results_rows_of_a_plan_that_failed_to_load_are_not_unknown_refs(
    example_copy: Path,
) -> None:
    plan = "plans/community-leadership.yaml"
    plant(
        example_copy,
        plan,
        "polarity: smaller\n    unit: number\n    since",
        "polarity: lower\n    unit: number\n    since",
    )
    report = check_project(example_copy)
    assert where(report) == [("schema", "error", plan, 17, "indicators[0].polarity")]


def test_a_broken_results_file_does_not_crash_the_published_comparison(
    example_copy: Path,
) -> None:
    # CG/S4's result last year cannot be read, so its rating cannot be trusted and is not
    # compared; CG/S5's can, and its wrong published rating is still found.
    plant(example_copy, "results/2016-17/Q3.csv", "CG/S4,67%", "CG/S4,6?%")
    plant(example_copy, Q3, S4_ROW, S4_ROW[:-1] + "G")
    plant(example_copy, Q3, "CG/S5,75%,Autumn 2017,,,,G", "CG/S5,75%,Autumn 2017,,,,R")
    report = check_project(example_copy)
    assert where(report) == [
        ("bad-value", "error", "results/2016-17/Q3.csv", 2, "value"),
        ("published-rag", "error", Q3, 4, "published_rag"),
    ]


def test_a_results_file_that_cannot_be_read_at_all(example_copy: Path) -> None:
    (example_copy / "results/2017-18/Q2.csv").write_bytes(b"ref,value,label\nCG/C2,14\x96,\n")
    (example_copy / "results/2016-17/Q1.csv").write_text("ref,valeu\n", encoding="utf-8")
    plant(example_copy, Q3, S4_ROW, S4_ROW[:-1] + "G")
    report = check_project(example_copy)
    assert where(report) == [
        ("unknown-column", "error", "results/2016-17/Q1.csv", 1, "valeu"),
        ("missing-column", "error", "results/2016-17/Q1.csv", 1, "value"),
        ("encoding", "error", "results/2017-18/Q2.csv", 2, None),
    ]


def test_a_plan_with_an_unknown_scheme_is_reported_not_rated(example_copy: Path) -> None:
    plant(example_copy, "plans/community-leadership.yaml", "scheme: barnet", "scheme: barnett")
    plant(example_copy, Q3, S4_ROW, S4_ROW[:-1] + "G")
    report = check_project(example_copy)
    assert [(p.code, p.file, p.line, p.path, p.hint) for p in report.problems] == [
        (
            "unknown-scheme",
            "plans/community-leadership.yaml",
            8,
            "scheme",
            "schemes: bands, barnet, floor, traffic-light",
        )
    ]


def test_period_checks_only_that_quarters_results(example_copy: Path) -> None:
    plant(example_copy, "results/2017-18/Q2.csv", "CG/C2,14%", "CG/C2,1 4%")
    assert where(check_project(example_copy, Period(2017, 3))) == []
    assert where(check_project(example_copy, Period(2017, 2))) == [
        ("bad-value", "error", "results/2017-18/Q2.csv", 6, "value")
    ]
    missing = check_project(example_copy, Period(2017, 4)).problems
    assert missing == [
        Problem(
            "no-results-file",
            "no results file for Q4 2017/18",
            "results/2017-18/Q4.csv",
            hint="create it with: barnet-rag new-quarter Q4-2017",
        )
    ]
    assert run(example_copy, "--period", "Q3-2017")[0] == 0
    assert run(example_copy, "--period", "Q2-2017")[0] == 1


def test_a_directory_that_is_not_a_project_exits_2(tmp_path: Path) -> None:
    with pytest.raises(UserError):
        check_project(tmp_path)
    code, out, err = run(tmp_path)
    assert (code, out) == (2, "")
    assert err == (
        f"error: {tmp_path} is not a barnet-rag project: it has no plans/ directory "
        "(run in a project directory or pass --root DIR)\n"
    )


def test_cli_json_is_the_library_report(example_copy: Path) -> None:
    plant(example_copy, Q3, S4_ROW, S4_ROW[:-1] + "GA")
    plant(example_copy, Q3, "CG/C2,5.4%", "CG/S61,5.4%")
    code, out, _ = run(example_copy, "--format", "json")
    assert code == 1
    assert json.loads(out) == check_project(example_copy).to_dict()
    data = json.loads(out)
    assert {k: v for k, v in data.items() if k != "problems"} == {
        "root": str(example_copy),
        "period": None,
        "strict": False,
        "ok": False,
        "files": 5,
        "errors": 2,
        "warnings": 1,
    }
    assert data["problems"][1] == {
        "code": "published-rag",
        "severity": "error",
        "file": Q3,
        "line": 3,
        "column": "published_rag",
        "col": 7,
        "path": None,
        "message": "published_rag 'GA' but computed 'R': 64.4 counted (60 + 4.4 survey "
        "interval) is 5.3% short of 68 and worse than last year",
        "hint": "correct the published rating or the data; "
        "barnet-rag explain Q3-2017 CG/S4 shows every step",
    }


def test_text_groups_problems_by_file_in_a_table(example_copy: Path) -> None:
    plant(example_copy, Q3, "CG/C2,5.4%", "CG/S61,5.4%")
    (example_copy / "results/2017-18/q4.csv").write_text("ref,value\n", encoding="utf-8")
    code, out, _ = run(example_copy)
    assert code == 1
    lines = [line.strip() for line in out.splitlines()]
    assert lines[0] == Q3
    assert lines.index("results/2017-18/q4.csv") > lines.index(Q3)
    assert any(
        "unknown-ref" in line and "is not an indicator in any plan" in line for line in lines
    )
    assert any("did you mean CG/S16?" in line for line in lines)
    assert lines[-1] == "2 errors, 1 warning."


def test_risk_registers_the_plans_name_are_checked(example_copy: Path) -> None:
    plant(
        example_copy,
        "plans/community-leadership.yaml",
        "scheme: barnet\n",
        "scheme: barnet\nrisks: csca\n",
    )
    report = check_project(example_copy)
    assert [str(p) for p in report.problems] == [
        "plans/community-leadership.yaml:9: risks: risk register 'csca' does not exist: "
        "risks/csca.yaml not found (create risks/csca.yaml or remove the plan's risks key)"
    ]
