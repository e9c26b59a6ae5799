"""``barnet-rag chart PERIOD REF``: an accessible SVG XmR chart, checked by parsing and goldens.

Regenerate the golden files with ``BARNET_RAG_UPDATE_GOLDEN=1 pytest tests/test_chart.py``.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.cli import main
from spc_fixture import write_spc_project

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SVG = "{http://www.w3.org/2000/svg}"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("BARNET_RAG_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{name} differs; see the module docstring"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_spc_project(tmp_path / "spc")


def chart(project: Path, period: str, ref: str) -> ET.Element:
    code, out, err = run("chart", period, ref, "--root", str(project))
    assert (code, err) == (0, "")
    return ET.fromstring(out)


def test_chart_writes_a_valid_accessible_svg(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "spc-1.svg"
    code, out, err = run("chart", "Q4-2017", "SPC/1", "-o", str(target), "--root", str(project))
    assert (code, out, err) == (0, "", f"wrote {target}\n")
    svg = ET.parse(target).getroot()
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "chart-title chart-desc"
    assert svg.findtext(f"{SVG}title") == (
        "SPC/1 Percentage of residents satisfied with street cleansing: XmR chart to Q4 2017/18"
    )
    assert svg.findtext(f"{SVG}desc") == (
        "12 comparable results from Q1 2015/16 to Q4 2017/18; bigger is better. Target 70%. "
        "Variation: special cause improving. Assurance: hit and miss. "
        "Centre 63.6%; process limits 57.1% to 70.1%. "
        "Special cause: shift: Q2 2016/17 to Q4 2017/18, 7 points in a row above the centre; "
        "two of three: Q3 2015/16, Q1 2016/17 beyond 2 sigma below the centre."
    )


def test_special_cause_points_differ_in_shape_and_colour(project: Path) -> None:
    svg = chart(project, "Q4-2017", "SPC/1")
    points = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "point"]
    assert len(points) == 12
    shapes = [next(iter(g.findall("*")[1:])).tag.removeprefix(SVG) for g in points]
    assert shapes == ["circle", "circle", "polygon", "circle", "polygon"] + ["rect"] * 7
    fills = {shape: g.findall("*")[1].get("fill") for shape, g in zip(shapes, points, strict=True)}
    assert len(set(fills.values())) == 3
    assert points[-1].findtext(f"{SVG}title") == (
        "Q4 2017/18: 67%, special cause improving (shift)"
    )
    assert points[2].findtext(f"{SVG}title") == (
        "Q3 2015/16: 59%, special cause concerning (two of three)"
    )


def test_chart_draws_centre_limits_target_and_quarter_labels(project: Path) -> None:
    svg = chart(project, "Q4-2017", "SPC/1")
    kinds = [line.get("class") for line in svg.iter(f"{SVG}line") if line.get("class")]
    assert kinds == ["limit", "centre", "limit", "target"]
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert {"Upper limit 70.1%", "Centre 63.6%", "Lower limit 57.1%", "Target 70%"} <= set(texts)
    labels = [t for t in texts if t.startswith("Q") and "/" in t and " " not in t]
    assert labels[0] == "Q12015/16" and labels[-1] == "Q42017/18" and len(labels) == 12


def test_a_point_above_the_upper_limit_is_concerning_when_smaller_is_better(
    project: Path,
) -> None:
    svg = chart(project, "Q4-2017", "SPC/2")
    # sum 625, centre 52.083; moving ranges 5,8,6,2,5,7,3,2,6,5,22 = 71; upper 52.083 + 17.169
    assert svg.findtext(f"{SVG}desc") == (
        "12 comparable results from Q1 2015/16 to Q4 2017/18; smaller is better. Target 40. "
        "Variation: special cause concerning. Assurance: hit and miss. "
        "Centre 52.1; process limits 34.9 to 69.3. "
        "Special cause: outside limits: Q4 2017/18 is above the upper limit."
    )


def test_a_method_change_leaves_too_few_points_for_limits(project: Path) -> None:
    svg = chart(project, "Q4-2017", "SPC/3")
    assert svg.findtext(f"{SVG}desc") == (
        "4 comparable results from Q1 2017/18 to Q4 2017/18; smaller is better. "
        "The baseline starts at Q1 2017/18, where the method changed; earlier results are "
        "not comparable and are left out. Variation: insufficient data (4 comparable points; "
        "12 are needed for process limits), so no limits are drawn."
    )
    assert [line.get("class") for line in svg.iter(f"{SVG}line") if line.get("class")] == []


def test_an_earlier_period_charts_the_results_up_to_it(project: Path) -> None:
    svg = chart(project, "Q3-2017", "SPC/1")
    assert svg.findtext(f"{SVG}desc", "").startswith(
        "11 comparable results from Q1 2015/16 to Q3 2017/18; bigger is better. Target 70%. "
        "Variation: insufficient data (11 comparable points; 12 are needed"
    )


def test_stdout_and_file_output_are_the_same_svg(project: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "chart.svg"
    assert run("chart", "Q4-2017", "SPC/2", "-o", str(out_file), "--root", str(project))[0] == 0
    code, out, _ = run("chart", "Q4-2017", "SPC/2", "--root", str(project))
    assert code == 0
    assert out == out_file.read_text(encoding="utf-8")


def test_golden_chart_of_the_fixture(project: Path) -> None:
    code, out, _ = run("chart", "Q4-2017", "SPC/1", "--root", str(project))
    assert code == 0
    check_golden("chart-spc-1.svg", out)


def test_golden_chart_of_the_shipped_example() -> None:
    code, out, _ = run("chart", "Q3-2017", "CG/C2", "--root", str(REPO))
    assert code == 0
    svg = ET.fromstring(out)
    assert svg.findtext(f"{SVG}desc") == (
        "3 comparable results from Q3 2016/17 to Q3 2017/18; smaller is better. "
        "Variation: insufficient data (3 comparable points; 12 are needed for process "
        "limits), so no limits are drawn."
    )
    check_golden("chart-example-cg-c2.svg", out)


def test_unknown_ref_is_a_usage_error(project: Path) -> None:
    assert run("chart", "Q4-2017", "SPC/9", "--root", str(project)) == (
        2,
        "",
        "error: no indicator 'SPC/9' in the plans; refs: SPC/1, SPC/2, SPC/3\n",
    )


def test_a_period_without_results_is_a_usage_error(project: Path) -> None:
    code, out, err = run("chart", "Q1-2018", "SPC/1", "--root", str(project))
    assert (code, out) == (2, "")
    assert err == (
        "error: no results for Q1 2018/19: results/2018-19/Q1.csv does not exist. Periods "
        "with results: Q1 2015/16, Q2 2015/16, Q3 2015/16, Q4 2015/16, Q1 2016/17, "
        "Q2 2016/17, Q3 2016/17, Q4 2016/17, Q1 2017/18, Q2 2017/18, Q3 2017/18, Q4 2017/18\n"
    )


SCHEME = """\
name: short-baseline
bands:
  - {rag: GA, up_to: 0.05}
  - {rag: R}
spc:
  min_points: 4
"""


def test_a_scheme_file_can_change_the_spc_rules(tmp_path: Path) -> None:
    project = write_spc_project(tmp_path / "spc", scheme="short-baseline")
    (project / "schemes").mkdir()
    (project / "schemes" / "short-baseline.yaml").write_text(SCHEME, encoding="utf-8")
    svg = chart(project, "Q4-2017", "SPC/3")
    # 12 14 13 15: centre 13.5; moving ranges 2, 1, 2 = 5; limits 13.5 -/+ 2.66 * 5 / 3
    assert svg.findtext(f"{SVG}desc", "").endswith(
        "Variation: common cause. Centre 13.5; process limits 9.1 to 17.9. "
        "No special-cause patterns."
    )


def test_a_bad_spc_section_names_the_file_and_key(tmp_path: Path) -> None:
    project = write_spc_project(tmp_path / "spc", scheme="short-baseline")
    (project / "schemes").mkdir()
    bad = SCHEME.replace("min_points: 4", "shift: 1")
    (project / "schemes" / "short-baseline.yaml").write_text(bad, encoding="utf-8")
    code, out, err = run("chart", "Q4-2017", "SPC/3", "--root", str(project))
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == (
        "error: schemes/short-baseline.yaml:6: spc.shift: should be greater than or equal to 2"
    )
