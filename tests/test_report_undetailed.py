"""A report made from ratings without detail (``rate_project(detail=False)`` and
:class:`~barnet_rag.outputs.reporting.Undetailed`, as ``report`` makes it) is the report
made from ratings with every trace, SPC point and sparkline: the same text in every format.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from barnet_rag.api import rate_project
from barnet_rag.outputs.reporting import Undetailed, build_report
from barnet_rag.outputs.templating import render_report
from barnet_rag.periods import Period
from barnet_rag.project.loading import load_project

SCHEME = """\
name: few-points
bands:
  - {rag: GA, up_to: 0.05}
  - {rag: RA, long_term: [improving, same]}
  - {rag: R}
spc:
  min_points: 6
"""
PLAN = """\
plan: few
committee: Few Points
title: Few Points Commissioning Plan
scheme: few-points
indicators:
  - {ref: F/1, title: Steady, type: SPI, polarity: bigger, targets: {2017/18: {annual: 16}}}
  - {ref: F/2, title: Gaps, type: CPI, polarity: smaller, unit: percent,
     targets: {2017/18: {annual: 20}}}
"""
VALUES = [10, 12, 11, 13, 12, 11, 10, 12, 13, 16]


def few_points_project(root: Path) -> Path:
    """A scheme whose SPC needs 6 points (the key note says so), and a ref with gaps."""
    (root / "plans").mkdir(parents=True)
    (root / "schemes").mkdir()
    (root / "plans" / "few.yaml").write_text(PLAN, encoding="utf-8")
    (root / "schemes" / "few-points.yaml").write_text(SCHEME, encoding="utf-8")
    period = Period(2015, 2)
    for k, value in enumerate(VALUES):
        directory = root / "results" / period.directory
        directory.mkdir(parents=True, exist_ok=True)
        rows = ["ref,value", f"F/1,{value}"] + ([f"F/2,{value + 5}%"] if k % 3 else [])
        (directory / f"{period.quarter_label}.csv").write_text(
            "\n".join(rows) + "\n", encoding="utf-8"
        )
        period = period.next()
    return root


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("all_indicators", [False, True])
@pytest.mark.parametrize("which", ["example", "few-points"])
def test_a_report_without_detail_is_the_report_with_it(
    repo_root: Path, tmp_path: Path, which: str, fmt: str, all_indicators: bool
) -> None:
    root = repo_root if which == "example" else few_points_project(tmp_path)
    period = Period(2017, 3)
    project = load_project(root)
    plans = project.select(())

    def report(detail: bool) -> str:
        rated = rate_project(root, period, (), project=project, detail=detail)
        undetailed = Undetailed.of(project.results, project.schemes, plans, period)
        context = build_report(
            rated,
            period,
            plans,
            {},
            all_indicators=all_indicators,
            undetailed=None if detail else undetailed,
        )
        return render_report(context, fmt)  # type: ignore[arg-type]

    detailed = report(True)
    assert report(False) == detailed
    if which == "few-points":
        assert "calculated from at least 6 of them" in detailed
