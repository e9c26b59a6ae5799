"""Issue 15 item 14: a file name holding a control character is quoted in every message.

A crafted folder name such as ``2017-18\\n::add-mask::Red`` once split an ``error:`` line
so that a line of its own read ``::add-mask::Red``, which GitHub Actions obeys. Names are
now shown as Python writes them (quoted, ``\\n`` escaped) whenever they hold one.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.cli import main
from barnet_rag.errors import Problem, printable, shown_name

BASE = Path(__file__).resolve().parent / "bad_inputs" / "_base"
CRAFTED = "2017-18\n::add-mask::Red"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    return root


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def no_command_lines(text: str) -> bool:
    return not any(line.startswith("::add-mask::") for line in text.splitlines())


def test_shown_name_quotes_only_names_that_need_it() -> None:
    assert shown_name("results/2017-18/Q3.csv") == "results/2017-18/Q3.csv"
    assert shown_name("plans/Café plan.yaml") == "plans/Café plan.yaml"
    assert shown_name(f"results/{CRAFTED}") == "'results/2017-18\\n::add-mask::Red'"
    assert shown_name(Path("bad\udcff.yaml")) == "'bad\\udcff.yaml'"
    assert str(Problem("x", "bad", f"results/{CRAFTED}", 3)) == (
        "'results/2017-18\\n::add-mask::Red':3: bad"
    )
    assert printable("a\x1b[2Jb\tc") == "a\\x1b[2Jb\\tc"


def test_a_crafted_results_directory_cannot_print_a_workflow_command(project: Path) -> None:
    (project / "results" / CRAFTED).mkdir()
    code, out, err = invoke("rate", "Q3-2017", "--root", str(project))
    assert (code, out) == (2, "")
    assert err == (
        "error: 'results/2017-18\\n::add-mask::Red': directory name "
        "'2017-18\\n::add-mask::Red' is not a financial year (name it like 2017-18)\n"
    )
    code, out, err = invoke("check", "--format", "github", "--root", str(project))
    assert code == 1
    assert out == (
        "::error file=results/2017-18%0A%3A%3Aadd-mask%3A%3ARed::directory name "
        "'2017-18\\n::add-mask::Red' is not a financial year (name it like 2017-18)\n"
    )
    code, out, _ = invoke("check", "--root", str(project))
    assert code == 1
    assert out.startswith("'results/2017-18\\n::add-mask::Red'")
    assert no_command_lines(out)


def test_a_crafted_plan_file_name_is_quoted(project: Path) -> None:
    (project / "plans" / f"{CRAFTED}.yaml").write_text("plan: [\n", encoding="utf-8")
    code, _, err = invoke("rate", "Q3-2017", "--root", str(project))
    assert code == 2
    assert err.startswith("error: 'plans/2017-18\\n::add-mask::Red.yaml':2: not valid YAML")
    assert err.count("\n") == 1
    assert no_command_lines(err)


def test_a_crafted_root_is_quoted(tmp_path: Path) -> None:
    root = tmp_path / CRAFTED
    root.mkdir()
    code, _, err = invoke("rate", "Q3-2017", "--root", str(root))
    assert code == 2
    assert err == (
        f"error: {shown_name(root)} is not a barnet-rag project: it has no plans/ directory "
        "(run in a project directory or pass --root DIR)\n"
    )
    assert no_command_lines(err)


def test_a_crafted_output_directory_is_quoted(project: Path) -> None:
    target = project / CRAFTED / "q3.md"
    code, _, err = invoke("report", "Q3-2017", "--root", str(project), "-o", str(target))
    assert code == 2
    assert err == (
        f"error: cannot write {shown_name(target)}: directory {shown_name(target.parent)} "
        "does not exist (create it first)\n"
    )
    assert no_command_lines(err)


@pytest.mark.skipif(not hasattr(os, "fsencode"), reason="needs byte file names")
def test_names_that_are_not_utf8_keep_json_and_annotations_valid(project: Path) -> None:
    name = os.fsdecode(b"Q3\xff.csv")
    try:
        (project / "results/2017-18" / name).write_text("ref,value\n", encoding="utf-8")
    except (UnicodeEncodeError, OSError):
        pytest.skip("this file system refuses names that are not UTF-8")
    result = CliRunner().invoke(main, ["check", "--format", "json", "--root", str(project)])
    assert result.exit_code == 1
    result.stdout_bytes.decode("utf-8")  # valid UTF-8 throughout
    problems = json.loads(result.stdout)["problems"]
    assert problems[0]["file"] == "results/2017-18/Q3\udcff.csv"  # the escape decodes back
    code, out, _ = invoke("check", "--format", "github", "--root", str(project))
    assert code == 1
    assert out == (
        "::error file='results/2017-18/Q3\\udcff.csv'::file name 'Q3\\udcff.csv' is not a "
        "quarter's results file (name it Q1.csv, Q2.csv, Q3.csv or Q4.csv)\n"
    )
