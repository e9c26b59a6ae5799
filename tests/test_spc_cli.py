"""A fixed baseline and a rebase end to end: ``rate --format json``, ``explain``, ``chart``;
and the places ``explain`` prints limits to.

A/1 rebases at Q3 2014/15 (a real change in the process); its scheme fixes the limits on
the first 12 points of each baseline. From the rebase on it reads twelve steady points
(centre 11.5, limits 7.87 to 15.13 by hand: moving ranges sum to 15 over 11) and then 16
twice: above the fixed upper limit. B/1 has the same figures and no rebase, and C/1 the
same figures with its own baseline of 16, which fixes nothing in 16 points.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.cli import main
from barnet_rag.engine.spc import xmr
from barnet_rag.outputs.charting import ChartSubject, description
from barnet_rag.outputs.explaining import limit_places, spc_step
from barnet_rag.periods import Period

OLD = [90, 90]
STEADY = [10, 12, 11, 13, 12, 11, 10, 12, 13, 11, 12, 11]
VALUES = [*OLD, *STEADY, 16, 16]
FIRST = Period(2014, 1)

PLAN = """\
plan: fixed-demo
committee: Fixed Demo
title: Fixed Demo Commissioning Plan
scheme: fixed
indicators:
  - ref: A/1
    title: Rebased at Q3 2014/15
    type: SPI
    polarity: bigger
    targets:
      2017/18: {annual: 16}
    spc:
      rebase: [2014/15-Q3]
  - ref: B/1
    title: Not rebased
    type: SPI
    polarity: bigger
    targets:
      2017/18: {annual: 16}
  - ref: C/1
    title: Rebased, with a longer baseline of its own
    type: SPI
    polarity: bigger
    targets:
      2017/18: {annual: 16}
    spc: {rebase: ["Q3 2014/15"], baseline: 16}
"""

SCHEME = """\
name: fixed
bands:
  - {rag: GA, up_to: 0.05}
  - {rag: RA, long_term: [improving, same]}
  - {rag: R}
spc:
  baseline: 12
"""


def write_project(root: Path) -> Path:
    (root / "plans").mkdir(parents=True)
    (root / "schemes").mkdir()
    (root / "plans" / "fixed-demo.yaml").write_text(PLAN, encoding="utf-8")
    (root / "schemes" / "fixed.yaml").write_text(SCHEME, encoding="utf-8")
    period = FIRST
    for value in VALUES:
        directory = root / "results" / period.directory
        directory.mkdir(parents=True, exist_ok=True)
        rows = ["ref,value", *(f"{ref},{value}" for ref in ("A/1", "B/1", "C/1"))]
        (directory / f"{period.quarter_label}.csv").write_text(
            "\n".join(rows) + "\n", encoding="utf-8"
        )
        period = period.next()
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project")


def run(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "--root", str(project)])
    return result.exit_code, result.stdout, result.stderr


def rows(project: Path, period: str) -> dict[str, dict[str, object]]:
    code, out, err = run(project, "rate", period, "--format", "json")
    assert (code, err) == (0, "")
    return {row["ref"]: row for row in json.loads(out)["indicators"]}


def spc_fields(row: dict[str, object]) -> tuple[object, ...]:
    return tuple(row[k] for k in ("variation", "assurance", "spc_centre", "spc_lower", "spc_upper"))


def test_rate_json_reads_the_rebased_series_against_its_fixed_limits(project: Path) -> None:
    got = rows(project, "Q4-2017")
    width = 2.66 * 15 / 11
    assert spc_fields(got["A/1"]) == pytest.approx(
        ("special cause improving", "consistently fails", 11.5, 11.5 - width, 11.5 + width)
    )
    # without the rebase the two 90s stay in the baseline: centre 24.75, limits wider
    b = got["B/1"]
    assert (b["variation"], b["assurance"]) == ("special cause concerning", "hit and miss")
    assert b["spc_centre"] == pytest.approx((180 + 138 - 12 - 11) / 12)
    # a baseline of 16 on 14 points uses every point: the limits take in the two 16s
    c = got["C/1"]
    assert spc_fields(c) == pytest.approx(
        (
            "common cause",
            "hit and miss",
            170 / 14,
            170 / 14 - 2.66 * 20 / 13,
            170 / 14 + 2.66 * 20 / 13,
        )
    )


def test_a_rebase_does_not_break_the_direction_of_travel(project: Path) -> None:
    # at the rebase quarter itself the DOT still compares with the quarter before (90 -> 10)
    got = rows(project, "Q3-2014")
    assert (got["A/1"]["dot_short"], got["A/1"]["comparable"]) == ("worsening", True)
    assert got["A/1"]["dot_short"] == got["B/1"]["dot_short"]
    later = rows(project, "Q4-2017")
    assert [later["A/1"][k] for k in ("dot_short", "dot_long")] == ["same", "improving"]


def test_explain_says_where_the_baseline_starts_and_what_fixes_the_limits(
    project: Path,
) -> None:
    code, out, err = run(project, "explain", "Q4-2017", "A/1")
    assert (code, err) == (0, "")
    step = out[out.index("Statistical process control") :]
    assert step == (
        "Statistical process control (XmR) over 14 comparable results, Q3 2014/15 to "
        "Q4 2017/18 since the process was rebased in Q3 2014/15: centre 11.5, process "
        "limits 7.87 to 15.13, fixed on the first 12, Q3 2014/15 to Q2 2017/18.\n"
        "   - outside limits: Q3 2017/18 is above the upper limit\n"
        "   - outside limits: Q4 2017/18 is above the upper limit (includes the latest point)\n"
        "   Variation: special cause improving.\n"
        "   Assurance: consistently fails (target 16 against the limits 7.87 to 15.13).\n"
    )


def test_the_chart_describes_the_rebase_and_the_fixed_limits(project: Path) -> None:
    out = project / "a.svg"
    code, _, err = run(project, "chart", "Q4-2017", "A/1", "-o", str(out))
    assert (code, err) == (0, f"wrote {out}\n")
    svg = out.read_text(encoding="utf-8")
    assert (
        "The baseline starts at Q3 2014/15, where the process was rebased; earlier results "
        "are left out." in svg
    )
    assert (
        "Centre 11.5; process limits 7.9 to 15.1, fixed on the first 12 points "
        "(Q3 2014/15 to Q2 2017/18)." in svg
    )
    # a dotted line between the 12th and 13th points (x 535.5 and 576.2) marks the baseline
    assert (
        '<line class="baseline" x1="555.8" y1="84" x2="555.8" y2="328" stroke="#1d1d1b" '
        'stroke-width="1" stroke-dasharray="2 3"/>\n'
        '<text x="551.8" y="96" font-size="11" text-anchor="end" fill="#1d1d1b">'
        "Limits from the first 12 points \u2190</text>" in svg
    )


def test_the_chart_draws_no_baseline_line_when_every_point_sets_the_limits(
    project: Path,
) -> None:
    out = project / "c.svg"
    assert run(project, "chart", "Q4-2017", "C/1", "-o", str(out))[0] == 0
    assert 'class="baseline"' not in out.read_text(encoding="utf-8")


# --- limits printed to the places the comparison needs ---------------------------------------


def test_limits_take_the_places_that_show_the_target_on_its_side() -> None:
    assert limit_places(None, (7.872727, 15.127273)) == 2
    assert limit_places(15.127, (7.872727, 15.127273)) == 2
    # the example: 2.212 beside "2.21" read as outside limits it is within
    assert limit_places(2.212, (-1.5123, 2.2124)) == 4
    assert limit_places(2.212, (-1.5123, 2.2118)) == 2
    assert limit_places(15.1273, (7.872727, 15.127273)) == 3
    # a target exactly on a limit reads as on it, to the six places the rules compare at
    assert limit_places(2.21, (-1.5, 2.2100000000000004)) == 6


@pytest.mark.parametrize(
    ("target", "limits", "assurance"),
    [
        (15.127, "7.87 to 15.13", "hit and miss"),
        (15.1273, "7.873 to 15.127", "consistently fails"),
    ],
)
def test_explain_prints_the_limits_so_that_the_assurance_reads_true(
    target: float, limits: str, assurance: str
) -> None:
    points = [
        (f"Q{i % 4 + 1} {2014 + i // 4}/{(15 + i // 4) % 100:02d}", float(v))
        for i, v in enumerate(STEADY)
    ]
    step = spc_step(xmr(points, "bigger", target), "number")
    assert step.splitlines()[0].endswith(f"centre 11.5, process limits {limits}.")
    assert step.splitlines()[-1] == (
        f"Assurance: {assurance} (target {target:g} against the limits {limits})."
    )


# --- the columnar path (until it goes): a scheme's baseline, and declining ------------------


@pytest.mark.parametrize(
    ("target", "centre", "limits"),
    [
        (None, "11.5", "7.9 to 15.1"),
        # 15.12 beside "15.1" would read as above the upper limit (15.127)
        (15.12, "11.50", "7.87 to 15.13"),
        (15.128, "11.5", "7.9 to 15.1"),
    ],
)
def test_the_chart_describes_the_limits_to_the_places_the_target_needs(
    target: float | None, centre: str, limits: str
) -> None:
    points = [(f"p{i}", float(v)) for i, v in enumerate(STEADY)]
    subject = ChartSubject("A/1", "A", "number", "bigger", "Q4 2016/17")
    words = description(subject, xmr(points, "bigger", target))
    assert f"Centre {centre}; process limits {limits}." in words


# --- check: an indicator's baseline against its scheme's min_points ---------------------------


def test_check_reports_an_indicators_baseline_below_its_schemes_min_points(
    project: Path,
) -> None:
    plans = project / "plans" / "fixed-demo.yaml"
    plans.write_text(PLAN.replace("baseline: 16}", "baseline: 10}"), encoding="utf-8")
    code, out, err = run(project, "check", "--format", "json")
    assert (code, err) == (1, "")
    assert [
        (p["code"], p["file"], p["line"], p["path"], p["message"])
        for p in json.loads(out)["problems"]
    ] == [
        (
            "spc-baseline",
            "plans/fixed-demo.yaml",
            26,
            "indicators[2].spc.baseline",
            "a baseline of 10 points is below min_points (12) of scheme 'fixed': the limits "
            "need at least 12 points; set baseline to 12 or more",
        )
    ]
    # the same baseline is fine where the scheme needs only 8 points
    scheme = project / "schemes" / "fixed.yaml"
    scheme.write_text(SCHEME.replace("  baseline: 12\n", "  min_points: 8\n"), encoding="utf-8")
    assert run(project, "check")[0] == 0
