"""Parts of a job run in forked processes come back in order, and a failing part is
reported as if it had run here."""

from __future__ import annotations

import os

import pytest

from barnet_rag.errors import UsageError
from barnet_rag.project.parallel import WORKERS_ENV, map_parts, worker_count


def test_results_come_back_in_part_order_from_other_processes() -> None:
    here = os.getpid()
    results = map_parts(lambda k: (k, os.getpid() == here, "x" * (k * 300_000)), 4)
    assert [(k, local, len(text)) for k, local, text in results] == [
        (0, True, 0),
        (1, False, 300_000),
        (2, False, 600_000),
        (3, False, 900_000),
    ]


def test_a_part_that_fails_in_a_child_is_run_again_here_and_raises() -> None:
    here = os.getpid()
    runs: list[int] = []

    def job(k: int) -> int:
        runs.append(k)  # only this process's list: the child's append is lost with it
        if k == 1:
            raise ValueError(f"part {k} failed in {'this' if os.getpid() == here else 'a child'}")
        return k

    with pytest.raises(ValueError, match="part 1 failed in this"):
        map_parts(job, 3)
    assert runs == [0, 1]


def test_one_part_runs_here() -> None:
    assert map_parts(lambda k: os.getpid(), 1) == [os.getpid()]


def test_the_worker_count_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKERS_ENV, "3")
    assert worker_count() == 3
    monkeypatch.setenv(WORKERS_ENV, "99")
    assert worker_count() == 8
    monkeypatch.delenv(WORKERS_ENV)
    assert 1 <= worker_count() <= 8
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv(WORKERS_ENV, bad)
        with pytest.raises(UsageError, match=f"BARNET_RAG_WORKERS='{bad}': give a whole number"):
            worker_count()


def test_parts_run_here_when_no_process_can_be_started(monkeypatch: pytest.MonkeyPatch) -> None:
    started = []
    real_fork = os.fork

    def fork() -> int:
        if started:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        started.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    here = os.getpid()
    assert map_parts(lambda k: (k, os.getpid() == here), 4) == [
        (0, True),
        (1, False),
        (2, True),
        (3, True),
    ]
