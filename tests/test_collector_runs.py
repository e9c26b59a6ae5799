"""The cycle collector is off while a large project's command runs, and on again after."""

from __future__ import annotations

import gc
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from barnet_rag.cli.common import root_option
from barnet_rag.project import projectfiles


def _recording() -> tuple[click.Command, list[bool]]:
    seen: list[bool] = []

    @click.command()
    @root_option
    def command(root: Path) -> None:
        seen.append(gc.isenabled())

    return command, seen


def test_a_large_project_runs_without_the_collector(
    example_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(projectfiles, "LARGE_PLAN_BYTES", 0)
    command, seen = _recording()
    result = CliRunner().invoke(command, ["--root", str(example_copy)])
    assert result.exit_code == 0, result.output
    assert seen == [False]
    assert gc.isenabled()


def test_a_small_project_keeps_the_collector(example_copy: Path) -> None:
    command, seen = _recording()
    result = CliRunner().invoke(command, ["--root", str(example_copy)])
    assert result.exit_code == 0, result.output
    assert seen == [True]
    assert gc.isenabled()


def test_rate_on_a_large_project_prints_what_a_small_one_does(
    example_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from barnet_rag.cli import main

    args = ["rate", "Q3-2017", "--format", "csv", "--root", str(example_copy)]
    small = CliRunner().invoke(main, args)
    monkeypatch.setattr(projectfiles, "LARGE_PLAN_BYTES", 0)
    large = CliRunner().invoke(main, args)
    assert (large.exit_code, large.output) == (small.exit_code, small.output)
    assert gc.isenabled()
