"""``bench.floor``, the floor ``make bench`` reports under ``rate --format csv``, reads and
writes what ``rate`` does: rate's header, a row per indicator in rate's order, and each row's
plan, ref, title and value as rate gives them. Only then is it a floor under the same work,
not a cheaper job beside it."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.cli import main

REPO = Path(__file__).resolve().parent.parent
#: The cells the floor fills; it leaves every other cell blank.
FILLED = ("plan", "ref", "title", "value")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four councils of 30 indicators, six quarters of results up to 2017/18 Q3."""
    root = tmp_path_factory.mktemp("floor") / "project"
    subprocess.run(
        [sys.executable, "-m", "bench.make_national", str(root), "--councils", "4",
         "--indicators", "30", "--quarters", "6", "--no-flat"],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    return root


def rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV text's header and rows."""
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


@pytest.mark.parametrize("period", ["Q3-2017", "Q1-2017"])
def test_the_floor_reads_and_writes_what_rate_does(project: Path, period: str) -> None:
    floor = subprocess.run(
        [sys.executable, "-m", "bench.floor", str(project), "--period", period],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    rated = CliRunner().invoke(main, ["rate", period, "--format", "csv", "--root", str(project)])
    assert rated.exit_code == 0, rated.output

    floor_header, floor_rows = rows(floor.stdout)
    rate_header, rate_rows = rows(rated.stdout)
    assert floor_header == rate_header
    assert len(floor_rows) == len(rate_rows) == 4 * 30
    assert [{k: row[k] for k in FILLED} for row in floor_rows] == [
        {k: row[k] for k in FILLED} for row in rate_rows
    ]
    assert {row["value"] for row in rate_rows} - {""}, "some indicator reported this quarter"
    assert all(cell == "" for row in floor_rows for k, cell in row.items() if k not in FILLED)
