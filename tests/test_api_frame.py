"""The library's DataFrame of rated results: the same ratings as the JSON, for analysts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from barnet_rag.api import rate_project, rated_frame
from barnet_rag.periods import Period

REPO = Path(__file__).resolve().parent.parent


def test_the_frame_holds_one_row_per_indicator_and_period_as_rated() -> None:
    periods = [Period(2017, 2), Period(2017, 3)]
    frame = rated_frame(REPO, periods)
    assert list(frame.columns[:3]) == ["period", "plan", "ref"]
    assert len(frame) == 18
    q3 = frame[frame["period"] == "Q3 2017/18"].set_index("ref")
    assert q3.loc["CG/S4", "rag"] == "R"
    assert q3.loc["CG/S16", "rag"] == "GA"
    expected = rate_project(REPO, Period(2017, 3)).model_dump()["indicators"]
    assert q3["dot_long"].to_dict() == {i["ref"]: i["dot_long"] for i in expected}


def test_importing_the_api_does_not_import_pandas() -> None:
    code = "import sys, barnet_rag.api; print('pandas' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
