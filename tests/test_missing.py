"""Owners, ``reported_in`` and ``check --period P --missing``: the chase list by owner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.check.checking import check_project
from barnet_rag.cli import main
from barnet_rag.periods import Period
from barnet_rag.project.collection import expected_quarters
from barnet_rag.project.models import Indicator

Q4_MISSING = """\
Q4 2017/18: 5 of 5 expected results missing (results/2017-18/Q4.csv, which does not exist yet).

Community Safety: 4 missing
  CG/C2   Repeat victims of domestic violence (no row)
  CG/C3   Sanction Detection Rate of 'Domestic Abuse - Violence with Injury' Offences (no row)
  CG/C4   Proven re-offending rate (no row)
  CG/C27  Racist & Religious Hate Crime (no row)

No owner: 1 missing
  CG/C33  Overall crime rate in Barnet – Total Notifiable Offences (no row)

When they are in, run: barnet-rag check --period Q4-2017
"""


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", *args, "--root", str(root)])
    return result.exit_code, result.stdout, result.stderr


def indicator(**fields: object) -> Indicator:
    base: dict[str, object] = {"ref": "X/1", "title": "X", "type": "SPI", "polarity": "bigger"}
    return Indicator.model_validate({**base, **fields})


@pytest.mark.parametrize(
    ("fields", "last", "quarters"),
    [
        ({}, None, {1, 2, 3, 4}),
        ({}, Period(2016, 3), {1, 2, 3, 4}),
        ({"frequency": "annual"}, Period(2016, 3), {3}),
        ({"frequency": "annual"}, None, {1, 2, 3, 4}),
        ({"frequency": "biannual"}, Period(2016, 3), {1, 3}),
        ({"frequency": "biannual"}, Period(2016, 2), {2, 4}),
        ({"frequency": "biannual"}, Period(2016, 4), {2, 4}),
        ({"frequency": "annual", "reported_in": ["Q2"]}, Period(2016, 3), {2}),
        ({"reported_in": ["q1", "Q3"]}, None, {1, 3}),
        ({"reported_in": "Q4"}, None, {4}),
    ],
)
def test_expected_quarters_follow_reported_in_else_frequency_and_the_last_report(
    fields: dict[str, object], last: Period | None, quarters: set[int]
) -> None:
    assert expected_quarters(indicator(**fields), last) == quarters


def test_the_chase_list_groups_missing_results_by_owner_and_exits_1(repo_root: Path) -> None:
    # No Q4 file yet: every expected result is missing. The annual surveys, last reported in
    # Q3, are not expected in Q4; owners by name first, then those with none.
    assert run(repo_root, "--period", "Q4-2017", "--missing") == (1, Q4_MISSING, "")


def test_a_complete_quarter_exits_0(repo_root: Path) -> None:
    assert run(repo_root, "--period", "Q3-2017", "--missing") == (
        0,
        "Q3 2017/18: all 8 expected results are in results/2017-18/Q3.csv.\n",
        "",
    )


def test_blank_values_are_missing_with_their_line_and_a_plan_default_owner(
    example_copy: Path,
) -> None:
    plan = example_copy / "plans/community-leadership.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("scheme: barnet\n", "scheme: barnet\nowner: Insight team\n"))
    (example_copy / "results/2017-18/Q4.csv").write_text(
        "ref,value\nCG/C33,70\nCG/C2,\nCG/C3,\nCG/C4,21%\n", encoding="utf-8"
    )
    code, out, _ = run(example_copy, "--period", "Q4-2017", "--missing")
    assert (code, out) == (
        1,
        "Q4 2017/18: 3 of 5 expected results missing (results/2017-18/Q4.csv).\n"
        "\n"
        "Community Safety: 3 missing\n"
        "  CG/C2   Repeat victims of domestic violence (blank value, line 3)\n"
        "  CG/C3   Sanction Detection Rate of 'Domestic Abuse - Violence with Injury' "
        "Offences (blank value, line 4)\n"
        "  CG/C27  Racist & Religious Hate Crime (no row)\n"
        "\n"
        "When they are in, run: barnet-rag check --period Q4-2017\n",
    )
    plan.write_text(text.replace("    owner: Community Safety\n", ""))
    code, out, _ = run(example_copy, "--period", "Q4-2017", "--missing")
    assert "\nNo owner: 3 missing\n" in out


def test_json_and_csv(repo_root: Path) -> None:
    code, out, _ = run(repo_root, "--period", "Q4-2017", "--missing", "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert {k: data[k] for k in ("period", "file", "file_exists", "expected", "missing")} == {
        "period": "Q4 2017/18",
        "file": "results/2017-18/Q4.csv",
        "file_exists": False,
        "expected": 5,
        "missing": 5,
    }
    assert [(g["owner"], [m["ref"] for m in g["missing"]]) for g in data["owners"]] == [
        ("Community Safety", ["CG/C2", "CG/C3", "CG/C4", "CG/C27"]),
        (None, ["CG/C33"]),
    ]
    assert data["owners"][0]["missing"][0] == {
        "plan": "community-leadership",
        "ref": "CG/C2",
        "title": "Repeat victims of domestic violence",
        "reason": "no row",
        "line": None,
    }
    code, out, _ = run(repo_root, "--period", "Q4-2017", "--missing", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 1
    assert list(rows[0]) == ["owner", "plan", "ref", "title", "reason", "line"]
    assert [(r["owner"], r["ref"], r["reason"], r["line"]) for r in rows] == [
        ("Community Safety", "CG/C2", "no row", ""),
        ("Community Safety", "CG/C3", "no row", ""),
        ("Community Safety", "CG/C4", "no row", ""),
        ("Community Safety", "CG/C27", "no row", ""),
        ("", "CG/C33", "no row", ""),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--missing"], "error: --missing needs --period PERIOD, e.g. --period Q4-2017\n"),
        (
            ["--missing", "--period", "Q4-2017", "--format", "github"],
            "error: --missing prints text, json or csv, not github annotations\n",
        ),
        (
            ["--format", "csv"],
            "error: --format csv is for the chase list: add --missing --period PERIOD\n",
        ),
    ],
)
def test_usage_errors_exit_2(repo_root: Path, args: list[str], message: str) -> None:
    assert run(repo_root, *args) == (2, "", message)


def test_a_broken_results_file_is_fixed_first(example_copy: Path) -> None:
    (example_copy / "results/2017-18/Q4.csv").write_text(
        "ref,value\nCG/C2,lots\n", encoding="utf-8"
    )
    code, out, err = run(example_copy, "--period", "Q4-2017", "--missing")
    assert (code, out) == (2, "")
    assert err.startswith("error: results/2017-18/Q4.csv:2: value: ")


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("[Q3, Q5]", "indicators[3].reported_in[1]: should be 'Q1', 'Q2', 'Q3' or 'Q4'"),
        ("[Q3, q3]", "indicators[3].reported_in: Q3 is listed more than once"),
        (
            "[]",
            "indicators[3].reported_in: list at least one quarter, e.g. [Q3], or leave "
            "reported_in out",
        ),
    ],
)
def test_reported_in_is_validated_with_its_location(
    example_copy: Path, written: str, message: str
) -> None:
    plan = example_copy / "plans/community-leadership.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(
        text.replace(
            "    frequency: biannual\n", f"    frequency: biannual\n    reported_in: {written}\n"
        )
    )
    located = f"plans/community-leadership.yaml:49: {message}"
    assert [str(p) for p in check_project(example_copy).problems] == [located]
    rated = CliRunner().invoke(main, ["rate", "Q3-2017", "--root", str(example_copy)])
    assert (rated.exit_code, rated.stderr) == (2, f"error: {located}\n")


def test_check_respects_reported_in_for_missing_rows(example_copy: Path) -> None:
    # The annual surveys with targets, last reported in Q3, are not missing rows in Q4.
    written = CliRunner().invoke(main, ["new-quarter", "Q4-2017", "--root", str(example_copy)])
    assert (
        written.exit_code == 0
        and "CG/S4" not in (example_copy / "results/2017-18/Q4.csv").read_text()
    )
    report = check_project(example_copy, Period(2017, 4), strict=True)
    assert report.problems == []
    q4 = example_copy / "results/2017-18/Q4.csv"
    q4.write_text(q4.read_text(encoding="utf-8").replace("CG/C2,,,,,,\n", ""))
    report = check_project(example_copy, Period(2017, 4), strict=True)
    # A quarterly indicator's row is still required.
    assert [(p.code, p.severity, p.message) for p in report.problems] == [
        ("missing-row", "error", "no row for CG/C2 (target for Q4 2017/18: monitor)")
    ]


def test_the_readme_and_docs_show_the_real_chase_list(repo_root: Path) -> None:
    for name in ("README.md", "docs/officers.md"):
        text = (repo_root / name).read_text(encoding="utf-8")
        pasted = text.split("$ barnet-rag check --period Q4-2017 --missing\n", 1)[1]
        assert pasted.startswith(Q4_MISSING), name
