"""SPC in ``rate`` and ``explain``: variation and assurance on a 12-quarter fixture.

The expected centre and limits are worked out by hand here, from the fixture's values.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.cli import main
from spc_fixture import SPC_1, SPC_2, write_spc_project


def xmr_by_hand(values: list[int]) -> tuple[float, float, float]:
    centre = sum(values) / len(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    width = 2.66 * sum(ranges) / len(ranges)
    return centre, centre - width, centre + width


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_spc_project(tmp_path)


def rate_json(project: Path) -> dict[str, dict[str, object]]:
    result = CliRunner().invoke(
        main, ["rate", "Q4-2017", "--root", str(project), "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    return {i["ref"]: i for i in json.loads(result.stdout)["indicators"]}


def test_the_hand_computed_limits() -> None:
    # SPC/1: mean 763/12; moving ranges 2,3,2,3,7,1,2,3,1,2,1 sum to 27.
    centre, lower, upper = xmr_by_hand(SPC_1)
    assert centre == pytest.approx(63.583333, abs=1e-6)
    assert (lower, upper) == pytest.approx((63.583333 - 2.66 * 27 / 11, 63.583333 + 2.66 * 27 / 11))


def test_rate_json_carries_variation_and_assurance(project: Path) -> None:
    rows = rate_json(project)
    centre, lower, upper = xmr_by_hand(SPC_1)
    spc1 = rows["SPC/1"]
    assert (spc1["variation"], spc1["assurance"]) == ("special cause improving", "hit and miss")
    assert (spc1["spc_centre"], spc1["spc_lower"], spc1["spc_upper"]) == pytest.approx(
        (centre, lower, upper)
    )
    centre, lower, upper = xmr_by_hand(SPC_2)
    spc2 = rows["SPC/2"]
    # 71 is above the upper limit, and smaller is better: concerning.
    assert upper < 71
    assert (spc2["variation"], spc2["assurance"]) == ("special cause concerning", "hit and miss")
    assert spc2["spc_centre"] == pytest.approx(centre)
    spc3 = rows["SPC/3"]
    # The method changed in Q1 2017/18: four comparable points are too few.
    assert (spc3["variation"], spc3["assurance"], spc3["spc_centre"]) == (
        "insufficient data",
        None,
        None,
    )


def test_rate_csv_has_the_spc_columns(project: Path) -> None:
    result = CliRunner().invoke(
        main, ["rate", "Q4-2017", "--root", str(project), "--format", "csv"]
    )
    header = result.stdout.splitlines()[0].split(",")
    assert header[-5:] == ["variation", "assurance", "spc_centre", "spc_lower", "spc_upper"]


def test_the_table_shows_trend_and_variation(project: Path) -> None:
    result = CliRunner().invoke(main, ["rate", "Q4-2017", "--root", str(project)])
    assert "Special cause improving" in result.stdout
    # SPC/1's last eight quarters, 58 65 66 64 67 68 66 67, on eight levels from 58 to 68:
    assert "▁▆▇▅▇█▇▇" in result.stdout


def test_explain_names_each_rule_and_its_points(project: Path) -> None:
    result = CliRunner().invoke(main, ["explain", "Q4-2017", "SPC/1", "--root", str(project)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split("\n7. ")[1] == (
        "Statistical process control (XmR) over 12 comparable results, Q1 2015/16 to "
        "Q4 2017/18: centre 63.58%, process limits 57.05% to 70.11%.\n"
        "   - shift: Q2 2016/17 to Q4 2017/18, 7 points in a row above the centre "
        "(includes the latest point)\n"
        "   - two of three: Q3 2015/16, Q1 2016/17 beyond 2 sigma below the centre\n"
        "   Variation: special cause improving.\n"
        "   Assurance: hit and miss (target 70% against the limits 57.05% to 70.11%).\n"
    )
