"""``barnet-rag rate`` through click's CliRunner, plus real runs of the installed script."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag import __version__
from barnet_rag.api import rate_project
from barnet_rag.cli import main
from barnet_rag.periods import Period
from barnet_rag.project.actions import action_records, load_all_actions
from barnet_rag.project.loading import load_project

REPO = Path(__file__).resolve().parent.parent


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "--root", str(REPO)])
    return result.exit_code, result.stdout, result.stderr


def test_json_is_the_library_result() -> None:
    code, out, _ = run("rate", "Q3-2017", "--format", "json")
    assert code == 0
    expected = rate_project(REPO, Period(2017, 3))
    data = json.loads(out)
    actions = data.pop("actions")  # the plans' actions: a top-level key of their own
    assert data == json.loads(expected.model_dump_json())
    assert actions == action_records(load_all_actions(REPO, load_project(REPO).plans))


def test_json_field_names_are_the_public_interface() -> None:
    data = json.loads(run("rate", "Q3-2017", "--format", "json")[1])
    s4 = next(i for i in data["indicators"] if i["ref"] == "CG/S4")
    assert {k: s4[k] for k in list(s4)[:18]} == {
        "plan": "community-leadership",
        "ref": "CG/S4",
        "title": "Public confidence in police and council in dealing with anti-social "
        "behaviour and crime issues that matter in their area",
        "type": "CPI",
        "polarity": "bigger",
        "unit": "percent",
        "value": 60.0,
        "label": "Autumn 2017",
        "target": 68.0,
        "annual_target": "68",
        "tolerance": 4.4,
        "rag": "R",
        "published_rag": "R",
        "previous_value": None,
        "dot_short": "not reported",
        "last_year_value": 67.0,
        "last_year_label": "Autumn 2016",
        "dot_long": "worsening",
    }
    assert data["period"] == "Q3 2017/18"
    assert data["summary"][0]["with_dot"] == 6


def test_csv_has_the_json_fields_as_columns() -> None:
    code, out, _ = run("rate", "Q3-2017", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    data = json.loads(run("rate", "Q3-2017", "--format", "json")[1])
    assert list(rows[0]) == list(data["indicators"][0])
    assert [(r["ref"], r["rag"], r["dot_long"]) for r in rows][:2] == [
        ("CG/C33", "Monitor", "new"),
        ("CG/S4", "R", "worsening"),
    ]
    assert rows[1]["value"] == "60.0" and rows[0]["label"] == ""


def test_table_shows_ratings_words_and_arrows_then_the_summary() -> None:
    code, out, _ = run("rate", "Q3-2017")
    assert code == 0
    assert "Community Leadership - Q3 2017/18" in out
    assert "60% (Autumn 2017)" in out and "Green Amber" in out
    assert "▼ Worsening" in out and "↔ Same" in out and "Not comparable" in out
    assert "25% (1)" in out and "67% (4)" in out
    assert "\x1b[" not in out  # no colour codes when not a terminal


def test_no_color_is_honoured_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("FORCE_COLOR", "")
    result = CliRunner().invoke(main, ["rate", "Q3-2017", "--root", str(REPO)], color=True)
    assert "\x1b[" not in result.stdout


def test_exceptions_keeps_missed_targets_and_monitor_indicators() -> None:
    data = json.loads(run("rate", "Q3-2017", "--format", "json", "--exceptions")[1])
    assert [(i["ref"], i["rag"]) for i in data["indicators"]] == [
        ("CG/C33", "Monitor"),
        ("CG/S4", "R"),
        ("CG/S16", "GA"),
        ("CG/C2", "Monitor"),
        ("CG/C3", "Monitor"),
        ("CG/C4", "Monitor"),
        ("CG/C27", "Monitor"),
        ("CG/C6", "GA"),
    ]
    assert data["summary"][0]["indicators"] == 9  # the summary still counts them all


@pytest.mark.parametrize(
    ("level", "code", "message"),
    [
        ("R", 1, "error: 1 rated R or worse: CG/S4\n"),
        ("RA", 1, "error: 1 rated RA or worse: CG/S4\n"),
        ("GA", 1, "error: 3 rated GA or worse: CG/S4, CG/S16, CG/C6\n"),
    ],
)
def test_fail_on(level: str, code: int, message: str) -> None:
    exit_code, out, err = run("rate", "Q3-2017", "--format", "json", "--fail-on", level)
    assert (exit_code, err) == (code, message)
    assert json.loads(out)["period"] == "Q3 2017/18"  # the output still comes first


def test_fail_on_passes_when_nothing_is_that_bad(example_copy: Path) -> None:
    q3 = example_copy / "results/2017-18/Q3.csv"
    q3.write_text(q3.read_text().replace("CG/S4,60%", "CG/S4,64%").replace(",R\n", ",RA\n"))
    result = CliRunner().invoke(
        main, ["rate", "Q3-2017", "--root", str(example_copy), "--fail-on", "R"]
    )
    assert result.exit_code == 0, result.stderr


def test_plan_filter_and_unknown_plan() -> None:
    code, out, _ = run("rate", "Q3-2017", "--format", "json", "--plan", "community-leadership")
    assert code == 0 and len(json.loads(out)["indicators"]) == 9
    code, _, err = run("rate", "Q3-2017", "--plan", "nope")
    assert (code, err) == (2, "error: no plan 'nope' in plans; plans: community-leadership\n")


def test_a_period_without_results_lists_the_periods_that_exist() -> None:
    code, _, err = run("rate", "Q4-2017")
    assert code == 2
    assert err == (
        "error: no results for Q4 2017/18: results/2017-18/Q4.csv does not exist. "
        "Periods with results: Q1 2016/17, Q3 2016/17, Q2 2017/18, Q3 2017/18\n"
    )


def test_a_bad_period_shows_the_accepted_forms() -> None:
    code, _, err = run("rate", "Q5-2017")
    assert code == 2
    assert "'Q5-2017' is not a period; write it as Q3-2017, 2017/18-Q3" in err


def test_several_plans_get_a_total_row(example_copy: Path) -> None:
    plan = (example_copy / "plans/community-leadership.yaml").read_text()
    other = plan.replace("plan: community-leadership", "plan: other").replace(
        "ref: CG/", "ref: OT/"
    )
    (example_copy / "plans/other.yaml").write_text(other)
    result = CliRunner().invoke(
        main, ["rate", "Q3-2017", "--root", str(example_copy), "--format", "json"]
    )
    summary = json.loads(result.stdout)["summary"]
    assert [(s["plan"], s["indicators"], s["reported"]) for s in summary] == [
        ("community-leadership", 9, 9),
        ("other", 9, 0),
        ("total", 18, 9),
    ]


def test_version_and_help_with_examples() -> None:
    assert CliRunner().invoke(main, ["--version"]).stdout == f"barnet-rag, version {__version__}\n"
    help_text = CliRunner().invoke(main, ["rate", "--help"]).stdout
    assert "barnet-rag rate Q3-2017 --fail-on R" in help_text
    assert "--exceptions" in help_text and "--plan SLUG" in help_text


def _installed_script() -> str:
    script = Path(sys.executable).parent / "barnet-rag"
    if not script.exists():
        pytest.skip(f"the barnet-rag script is not installed beside {sys.executable}")
    return str(script)


def test_the_installed_script_rates_the_example() -> None:
    done = subprocess.run(
        [_installed_script(), "rate", "Q3-2017", "--format", "csv"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[2].startswith("community-leadership,CG/S4,")


def test_the_installed_script_flushes_everything_before_exit_1_for_fail_on() -> None:
    # The script leaves with os._exit (no interpreter teardown): output must be complete.
    done = subprocess.run(
        [_installed_script(), "rate", "Q3-2017", "--format", "json", "--fail-on", "R"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (1, "error: 1 rated R or worse: CG/S4\n")
    assert len(json.loads(done.stdout)["indicators"]) == 9


def test_the_installed_script_exits_2_with_a_message_for_bad_input(tmp_path: Path) -> None:
    done = subprocess.run(
        [_installed_script(), "rate", "Q3-2017", "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == (
        f"error: {tmp_path} is not a barnet-rag project: it has no plans/ directory "
        "(run in a project directory or pass --root DIR)\n"
    )


@pytest.mark.parametrize("columns", ["150", "120"])
def test_the_table_fits_the_terminal_instead_of_being_cut_off(
    monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    lines = run("rate", "Q3-2017")[1].splitlines()
    framed = [line.rstrip() for line in lines if line.startswith(("┏", "┃", "┡", "│", "└"))]
    assert framed and all(line[-1] in "┓┃┩│┘" for line in framed)
    assert max(len(line) for line in framed) <= int(columns)
