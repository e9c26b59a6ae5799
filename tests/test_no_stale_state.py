"""No answer from stale state: a plan saved while ``rate`` runs cannot change a later run.

``rate --format csv/json`` keeps its output in a cache (:mod:`barnet_rag.project.outputcache`)
with the size and digest of the bytes the run parsed, and serves it again only while every
file is byte for byte those bytes. So every answer is the one the files give when it is
printed. These tests make the race happen on purpose, with the cache on.
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


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An output cache of this test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "barnet-rag"


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.out"))


@pytest.mark.parametrize("saved", ["after-the-read", "before-the-read"])
def test_a_plan_saved_during_a_run_leaves_later_runs_right(
    example_copy: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, saved: str
) -> None:
    original = (example_copy / PLAN).read_text(encoding="utf-8")
    expected = rate_json(example_copy)
    assert expected["CG/S4"] == "R"
    assert len(entries(cache)) == 1
    for entry in entries(cache):
        entry.unlink()  # the run below is a cold one
    read_text = barnet_rag.project.loading.read_text

    def read_and_save(path: Path, shown: str) -> str:
        if path.name == PLAN.name and saved == "before-the-read":
            path.write_text(flipped(original), encoding="utf-8")
        text = read_text(path, shown)
        if path.name == PLAN.name and saved == "after-the-read":  # an editor saves meanwhile
            path.write_text(flipped(original), encoding="utf-8")
        return text

    monkeypatch.setattr(barnet_rag.project.loading, "read_text", read_and_save)
    during = rate_json(example_copy)
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache.parent))
    # The run rates the bytes it read: the original ones, or the saved ones.
    assert (during == expected) is (saved == "after-the-read")
    assert len(entries(cache)) == 1  # kept with the digest of what it parsed
    assert rate_json(example_copy)["CG/S4"] == "G"  # the file as saved, read afresh
    (example_copy / PLAN).write_text(original, encoding="utf-8")
    assert rate_json(example_copy) == expected  # back as it was: the right answer again
    assert rate_json(example_copy) == expected  # and served so, from the cache


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
    # Whatever the racing runs kept, each later run prints what the files say now.
    assert list((cache / "barnet-rag").glob("*.out"))
    for text, rag in [(flipped(original), "G"), (original, "R"), (original, "R")]:
        (example_copy / PLAN).write_text(text, encoding="utf-8")
        again = subprocess.run(
            [*command, "--root", str(example_copy)], env=env, capture_output=True, text=True
        )
        assert again.returncode == 0, again.stderr
        assert {i["ref"]: i["rag"] for i in json.loads(again.stdout)["indicators"]}["CG/S4"] == rag
