"""A 12-quarter project (Q1 2015/16 to Q4 2017/18) for SPC, charts and sparklines.

SPC/1 (percent, bigger is better, target 70%) ends in a shift of 7 points above the centre;
SPC/2 (number, smaller is better, target 40) ends with a point above the upper limit;
SPC/3 (number, monitor) has a method change at Q1 2017/18, leaving 4 comparable points.
The expected readings are worked out by hand in tests/test_chart.py.
"""

from __future__ import annotations

from pathlib import Path

from barnet_rag.periods import Period

FIRST = Period(2015, 1)
LAST = Period(2017, 4)
SPC_1 = [60, 62, 59, 61, 58, 65, 66, 64, 67, 68, 66, 67]
SPC_2 = [52, 47, 55, 49, 51, 46, 53, 50, 48, 54, 49, 71]
SPC_3 = [30, 32, 31, 33, 34, 30, 31, 32, 12, 14, 13, 15]
SPC_3_BREAK = 8

PLAN = """\
plan: spc-demo
committee: SPC Demo
title: SPC Demo Commissioning Plan
scheme: {scheme}
indicators:
  - ref: SPC/1
    title: Percentage of residents satisfied with street cleansing
    type: CPI
    polarity: bigger
    unit: percent
    targets:
      2017/18: {{annual: 70}}
  - ref: SPC/2
    title: Missed bin collections per 100,000 collections
    type: SPI
    polarity: smaller
    unit: number
    targets:
      2017/18: {{annual: 40}}
  - ref: SPC/3
    title: Fly-tipping incidents reported
    type: SPI
    polarity: smaller
    unit: number
    targets:
      2017/18: {{annual: monitor}}
"""


def quarters() -> list[Period]:
    """The twelve quarters of the fixture, oldest first."""
    periods = [FIRST]
    while periods[-1] < LAST:
        periods.append(periods[-1].next())
    return periods


def write_spc_project(root: Path, scheme: str = "barnet") -> Path:
    """Write plans/spc-demo.yaml and twelve results files under ``root``; return ``root``."""
    (root / "plans").mkdir(parents=True, exist_ok=True)
    (root / "plans" / "spc-demo.yaml").write_text(PLAN.format(scheme=scheme), encoding="utf-8")
    for index, period in enumerate(quarters()):
        directory = root / "results" / period.directory
        directory.mkdir(parents=True, exist_ok=True)
        broken = "no" if index == SPC_3_BREAK else ""
        rows = [
            "ref,value,comparable",
            f"SPC/1,{SPC_1[index]}%,",
            f"SPC/2,{SPC_2[index]},",
            f"SPC/3,{SPC_3[index]},{broken}",
        ]
        (directory / f"{period.quarter_label}.csv").write_text(
            "\n".join(rows) + "\n", encoding="utf-8"
        )
    return root
