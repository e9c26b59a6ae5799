"""``new-quarter PERIOD``: a results file ready to fill, which ``check`` accepts as it is."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from barnet_rag.check.checking import check_project
from barnet_rag.cli import main
from barnet_rag.errors import Problem
from barnet_rag.periods import Period

HEADER = "ref,value,label,comparable,note,comment,published_rag\n"

Q3_2018 = (
    HEADER + "CG/C33,,,,,,\n"
    "CG/S4,,Autumn 2017,,,,\n"
    "CG/S5,,Autumn 2017,,,,\n"
    "CG/S16,,Autumn 2017,,,,\n"
    "CG/C2,,,,,,\n"
    "CG/C3,,,,,,\n"
    "CG/C4,,,,,,\n"
    "CG/C27,,,,,,\n"
    "CG/C6,,Autumn 2017,,,,\n"
)


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["new-quarter", *args, "--root", str(root)])
    return result.exit_code, result.stdout, result.stderr


def test_writes_a_row_per_expected_result_in_plan_order_with_survey_labels(
    example_copy: Path,
) -> None:
    # Q3 2018/19: the annual and biannual surveys were last reported in Q3, so all nine.
    assert run(example_copy, "Q3-2018") == (
        0,
        "Wrote results/2018-19/Q3.csv: 9 indicators, 4 survey labels carried over; fill in "
        "the values.\nWrote narrative/2018-19/Q3/community-leadership.md: progress on key "
        "activities, empty; write it in Markdown.\n"
        "Then run: barnet-rag check --period Q3-2018\n",
        "",
    )
    assert (example_copy / "results/2018-19/Q3.csv").read_text(encoding="utf-8") == Q3_2018


def test_leaves_out_surveys_not_expected_that_quarter(example_copy: Path) -> None:
    # The annual surveys (and the biannual CG/S16, last in Q3: so Q3 and Q1) skip Q4.
    assert run(example_copy, "Q4-2017") == (
        0,
        "Wrote results/2017-18/Q4.csv: 5 indicators, 0 survey labels carried over; fill in "
        "the values.\nWrote narrative/2017-18/Q4/community-leadership.md: progress on key "
        "activities, empty; write it in Markdown.\n"
        "Then run: barnet-rag check --period Q4-2017\n",
        "",
    )
    assert (example_copy / "results/2017-18/Q4.csv").read_text(encoding="utf-8") == (
        HEADER + "CG/C33,,,,,,\nCG/C2,,,,,,\nCG/C3,,,,,,\nCG/C4,,,,,,\nCG/C27,,,,,,\n"
    )
    assert sorted(p.name for p in (example_copy / "results/2017-18").iterdir()) == [
        "Q2.csv",
        "Q3.csv",
        "Q4.csv",
    ]


def test_creates_the_year_directory_and_leaves_out_indicators_not_yet_started(
    example_copy: Path,
) -> None:
    assert run(example_copy, "Q2-2016")[0] == 0
    written = (example_copy / "results/2016-17/Q2.csv").read_text(encoding="utf-8")
    # CG/C33 starts in 2017/18; the annual CG/C6 was last reported in Q1 (Spring 2016), so
    # it is not expected in Q2; the other surveys have no earlier result, so they are asked.
    assert written == (
        HEADER + "CG/S4,,,,,,\nCG/S5,,,,,,\nCG/S16,,,,,,\nCG/C2,,,,,,\nCG/C3,,,,,,\n"
        "CG/C4,,,,,,\nCG/C27,,,,,,\n"
    )
    assert run(example_copy, "Q1-2018")[0] == 0
    assert (example_copy / "results/2018-19/Q1.csv").is_file()


def test_refuses_to_overwrite_an_existing_file(example_copy: Path) -> None:
    q3 = example_copy / "results/2017-18/Q3.csv"
    before = q3.read_bytes()
    assert run(example_copy, "Q3-2017") == (
        2,
        "",
        "error: results/2017-18/Q3.csv already exists; edit it, or pass --force to replace "
        "it with a blank one (the old file is kept as results/2017-18/Q3.csv.bak)\n",
    )
    assert q3.read_bytes() == before
    assert not (example_copy / "results/2017-18/Q3.csv.bak").exists()


def test_force_keeps_a_backup_which_check_warns_about(example_copy: Path) -> None:
    q2 = example_copy / "results/2017-18/Q2.csv"
    before = q2.read_bytes()
    code, out, _ = run(example_copy, "Q2-2017", "--force")
    assert code == 0
    assert "The previous file is kept as results/2017-18/Q2.csv.bak.\n" in out
    assert (example_copy / "results/2017-18/Q2.csv.bak").read_bytes() == before
    assert q2.read_text(encoding="utf-8").startswith(HEADER + "CG/C33,,,,,,\nCG/C2,,,,,,")
    assert check_project(example_copy).problems == [
        Problem(
            "backup-file",
            "a backup copy left by new-quarter --force",
            "results/2017-18/Q2.csv.bak",
            hint="delete it once you no longer need it; do not commit it",
            severity="warning",
        )
    ]
    # the backup is not a results file: rating still works
    rated = CliRunner().invoke(main, ["rate", "Q3-2017", "--root", str(example_copy)])
    assert rated.exit_code == 0


def test_a_new_quarter_passes_check_even_strict(example_copy: Path) -> None:
    # Blank values are "not reported", which is allowed: every indicator with a target has
    # its row, so there is nothing to warn about until values are filled in.
    assert run(example_copy, "Q4-2017")[0] == 0
    report = check_project(example_copy, Period(2017, 4), strict=True)
    assert report.problems == []
    check = CliRunner().invoke(
        main, ["check", "--root", str(example_copy), "--period", "Q4-2017", "--strict"]
    )
    assert check.exit_code == 0


def test_a_filled_in_quarter_is_rated(example_copy: Path) -> None:
    assert run(example_copy, "Q4-2017")[0] == 0
    q4 = example_copy / "results/2017-18/Q4.csv"
    q4.write_text(q4.read_text(encoding="utf-8").replace("CG/C2,,", "CG/C2,7%,"), encoding="utf-8")
    assert check_project(example_copy).problems == []
    rated = CliRunner().invoke(
        main, ["rate", "Q4-2017", "--format", "csv", "--root", str(example_copy)]
    )
    assert rated.exit_code == 0
    assert "CG/C2" in rated.stdout
