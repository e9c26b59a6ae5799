"""No answer from stale state: a plan saved while ``rate`` runs cannot change a later run.

barnet-rag keeps nothing between runs (no plan or results cache), so every run rates the
bytes it read in that run. These tests make the race happen on purpose.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import barnet_rag.project.loading
from barnet_rag.cli import main

PLAN = Path("plans/community-leadership.yaml")


def rate_json(root: Path) -> dict[str, str]:
    """Each indicator's RAG, from a fresh ``rate --format json``."""
    result = CliRunner().invoke(main, ["rate", "Q3-2017", "--format", "json", "--root", str(root)])
    assert result.exit_code == 0, result.output
    return {i["ref"]: i["rag"] for i in json.loads(result.output)["indicators"]}


def flipped(text: str) -> str:
    """CG/S4 (bigger is better, 60% against 68%: Red) made smaller-is-better: Green."""
    head, sep, tail = text.partition("- ref: CG/S4")
    return head + sep + tail.replace("polarity: bigger", "polarity: smaller", 1)


def test_a_plan_saved_during_a_run_leaves_later_runs_right(
    example_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = (example_copy / PLAN).read_text(encoding="utf-8")
    expected = rate_json(example_copy)
    assert expected["CG/S4"] == "R"
    read_text = barnet_rag.project.loading.read_text

    def read_then_save(path: Path, shown: str) -> str:
        text = read_text(path, shown)
        if path.name == PLAN.name:  # an editor saves the other content meanwhile
            path.write_text(flipped(original), encoding="utf-8")
        return text

    monkeypatch.setattr(barnet_rag.project.loading, "read_text", read_then_save)
    during = rate_json(example_copy)
    monkeypatch.undo()
    assert during == expected  # the run rates the bytes it read
    assert rate_json(example_copy)["CG/S4"] == "G"  # the file as saved, read afresh
    (example_copy / PLAN).write_text(original, encoding="utf-8")
    assert rate_json(example_copy) == expected  # back as it was: nothing remembered


def test_edits_racing_real_runs_never_leave_a_stale_answer(
    example_copy: Path, tmp_path: Path
) -> None:
    """Real processes with a shared cache directory, the plan rewritten while they run."""
    original = (example_copy / PLAN).read_text(encoding="utf-8")
    expected = rate_json(example_copy)
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    command = [sys.executable, "-m", "barnet_rag", "rate", "Q3-2017", "--format", "json"]
    runs = [
        subprocess.Popen(
            [*command, "--root", str(example_copy)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(4)
    ]
    texts = [flipped(original), original]
    while any(run.poll() is None for run in runs):
        (example_copy / PLAN).write_text(texts[0], encoding="utf-8")
        texts.reverse()
        time.sleep(0.005)
    (example_copy / PLAN).write_text(original, encoding="utf-8")
    done = subprocess.run(
        [*command, "--root", str(example_copy)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert {i["ref"]: i["rag"] for i in json.loads(done.stdout)["indicators"]} == expected
    assert list(cache.iterdir()) == []  # no entry that a later run could trust
