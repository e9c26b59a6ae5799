"""The spinner: shown while a large project rates, on a terminal only."""

from __future__ import annotations

from pathlib import Path

import pytest

from barnet_rag.cli.progress import busy
from barnet_rag.project.projectfiles import LARGE_PLAN_BYTES, is_large

REPO = Path(__file__).resolve().parent.parent


def test_a_project_is_large_from_a_million_bytes_of_plans(tmp_path: Path) -> None:
    assert not is_large(REPO)
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "a.yaml").write_bytes(b"#" * (LARGE_PLAN_BYTES - 1))
    assert not is_large(tmp_path)
    (plans / "b.yaml").write_bytes(b"#")
    assert is_large(tmp_path)


def test_a_dangling_plan_link_counts_nothing(tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "a.yaml").symlink_to(tmp_path / "gone.yaml")
    assert not is_large(tmp_path)


def test_nothing_is_shown_when_stderr_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with busy("Rating...", slow=True):
        pass
    assert capsys.readouterr() == ("", "")
