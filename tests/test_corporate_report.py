"""``report PERIOD`` over every plan is the council-wide paper: Table 1 with a row per
committee and the total, then each committee's section in plan-file order."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from barnet_rag.cli import main

REPO = Path(__file__).resolve().parent.parent

HOUSING = """\
plan: housing
committee: Housing
title: Housing Committee Commissioning Plan
indicators:
  - ref: H/1
    title: Homes let within 28 days
    type: CPI
    polarity: bigger
    unit: percent
    targets:
      2017/18: {annual: 90}
  - ref: H/2
    title: Households in temporary accommodation
    type: SPI
    polarity: smaller
    targets:
      2017/18: {annual: 2500}
"""


def council(root: Path) -> Path:
    """The shipped example (with its actions) plus a second committee's plan and results."""
    for name in ("plans", "results", "actions"):
        shutil.copytree(REPO / name, root / name)
    (root / "plans/housing.yaml").write_text(HOUSING, encoding="utf-8")
    q3 = root / "results/2017-18/Q3.csv"
    q3.write_text(q3.read_text(encoding="utf-8") + "H/1,92%,,,,,\nH/2,2650,,,,,\n")
    return root


def report(root: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["report", "Q3-2017", *args, "--root", str(root)])
    assert (result.exit_code, result.stderr) == (0, "")
    return result.stdout


def test_every_plan_gives_table_1_with_each_committee_and_the_total(tmp_path: Path) -> None:
    out = report(council(tmp_path))
    assert out.startswith("# Theme Committees\n")
    table = out[
        out.index("| Theme Committee |") : out.index("\n\n", out.index("| Theme Committee |"))
    ]
    assert table.splitlines()[2:] == [
        "| Community Leadership | 25% (1) | 50% (2) | 0% (0) | 25% (1) | 67% (4) | 33% (2) "
        "| 5 | 9 |",
        "| Housing | 50% (1) | 0% (0) | 0% (0) | 50% (1) | 0% (0) | 0% (0) | 0 | 2 |",
        "| **Total** | 33% (2) | 33% (2) | 0% (0) | 33% (2) | 67% (4) | 33% (2) | 5 | 11 |",
    ]
    headings = [line for line in out.splitlines() if line.startswith(("## ", "### "))]
    assert headings == [
        "## Quarter 3 2017/18 Commissioning Plan Performance Report",
        "## Summary",
        "## Performance indicators",
        "## Community Leadership Committee",
        "### Commissioning intentions",
        "### Risk management",
        "## Housing Committee",
        "### Risk management",
    ]
    housing = out[out.index("## Housing Committee") :]
    assert "- **H/2** Households in temporary accommodation (RAG rated RED) – 2,650 against " in (
        housing
    )


def test_one_plan_gives_that_committees_paper(tmp_path: Path) -> None:
    out = report(council(tmp_path), "--plan", "housing")
    assert out.startswith("# Housing Committee\n")
    assert "| Housing | 50% (1) |" in out
    assert "Community Leadership" not in out and "**Total**" not in out


def test_the_html_paper_has_every_committee(tmp_path: Path) -> None:
    out = report(council(tmp_path), "--format", "html")
    assert '<h2 id="community-leadership">Community Leadership Committee</h2>' in out
    assert '<h2 id="housing">Housing Committee</h2>' in out
    assert '<tr><th scope="row">Total</th>' in out
