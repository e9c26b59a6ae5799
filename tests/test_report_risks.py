"""Risk registers (``risks/<name>.yaml``): residual scores, the high level list, located errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.cli import main
from barnet_rag.project.risks import Risk, RiskRegister

MakeTree = Callable[[dict[str, str | bytes]], Path]

PLAN = """\
plan: adults
committee: Adults
title: Adults Committee Commissioning Plan
risks: {register}
indicators:
  - ref: A/1
    title: Visits
    type: SPI
    polarity: bigger
    unit: percent
    targets:
      2017/18: {{annual: 50}}
"""


def risk(id: str, likelihood: int, impact: int) -> Risk:
    return Risk(id=id, title=f"Risk {id}", owner="Director", likelihood=likelihood, impact=impact)


def test_residual_score_is_likelihood_times_impact() -> None:
    assert risk("R1", 3, 5).score == 15


def test_high_level_risks_reach_the_threshold_highest_first() -> None:
    register = RiskRegister(
        name="ASC",
        title="Adults register",
        risks=[risk("R1", 3, 5), risk("R2", 2, 2), risk("R3", 5, 5), risk("R4", 4, 4)],
    )
    assert [r.id for r in register.high(15)] == ["R3", "R4", "R1"]
    assert [r.id for r in register.high(20)] == ["R3"]


def test_mitigations_may_be_one_line_or_a_list() -> None:
    one = Risk.model_validate(
        {"id": 7, "title": "T", "owner": "O", "likelihood": 1, "impact": 1, "mitigations": "Plan"}
    )
    assert (one.id, one.mitigations) == ("7", ["Plan"])


def report_errors(make_tree: MakeTree, register: str, files: dict[str, str]) -> tuple[int, str]:
    root = make_tree(
        {
            "plans/adults.yaml": PLAN.format(register=register),
            "results/2017-18/Q3.csv": "ref,value\nA/1,55%\n",
            **files,
        }
    )
    result = CliRunner().invoke(main, ["report", "Q3-2017", "--root", str(root)])
    return result.exit_code, result.stderr


REGISTER = "name: ASC\ntitle: Adults register\nrisks:\n"


@pytest.mark.parametrize(
    ("register", "files", "message"),
    [
        (
            "missing",
            {},
            "error: plans/adults.yaml:4: risks: risk register 'missing' does not exist: "
            "risks/missing.yaml not found (create risks/missing.yaml or remove the plan's "
            "risks key)\n",
        ),
        (
            "../secrets",
            {},
            "error: plans/adults.yaml:4: risks: risk register name '../secrets' is not a file "
            "name (use letters, digits, '-' or '_', e.g. risks: csca)\n",
        ),
        (
            "asc",
            {
                "risks/asc.yaml": REGISTER
                + "  - {id: R1, title: T, owner: O, likelihood: 6, impact: 2}\n"
            },
            "error: risks/asc.yaml:4: risks[0].likelihood: should be less than or equal to 5\n",
        ),
        (
            "asc",
            {
                "risks/asc.yaml": REGISTER
                + "  - {id: R1, title: T, owner: O, likelihood: 2, impact: '2'}\n"
            },
            "error: risks/asc.yaml:4: risks[0].impact: should be a valid integer\n",
        ),
        (
            "asc",
            {
                "risks/asc.yaml": REGISTER
                + "  - {id: R1, title: T, owner: O, likelihood: 2, impact: 2, colour: red}\n"
            },
            "error: risks/asc.yaml:4: risks[0]: unknown key 'colour'. Allowed keys: id, title, "
            "owner, likelihood, impact, mitigations\n",
        ),
        (
            "asc",
            {
                "risks/asc.yaml": REGISTER
                + "  - {id: R1, title: T, owner: O, likelihood: 2, impact: 2}\n"
                + "  - {id: R1, title: U, owner: O, likelihood: 3, impact: 2}\n"
            },
            "error: risks/asc.yaml:5: risks[1].id: risk id 'R1' appears more than once "
            "(give each risk its own id)\n",
        ),
    ],
    ids=["missing", "path", "likelihood", "string-impact", "unknown-key", "duplicate-id"],
)
def test_a_bad_register_is_a_located_input_error(
    make_tree: MakeTree, register: str, files: dict[str, str], message: str
) -> None:
    assert report_errors(make_tree, register, files) == (2, message)
