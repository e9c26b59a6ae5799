"""The README stays true: every command is documented, and pasted output is real output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.cli import main

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help_and_a_readme_row(name: str) -> None:
    command = main.commands[name]
    assert command.help and command.epilog and "Examples" in command.epilog, name

    assert re.search(rf"^\| `barnet-rag {name}[ `]", README, re.M), f"README lacks {name}"


def test_the_first_screen_gives_make_run_and_make_test() -> None:
    first_screen = "\n".join(README.splitlines()[:12])
    assert "make run" in first_screen and "make test" in first_screen


def test_the_pasted_rate_output_is_what_rate_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    pasted = re.search(r"```text\n\$ barnet-rag rate Q3-2017\n(.*?)```", README, re.S)
    assert pasted is not None
    result = CliRunner().invoke(main, ["rate", "Q3-2017", "--root", str(REPO)])
    printed = "\n".join(line.rstrip() for line in result.stdout.splitlines()) + "\n"
    assert pasted[1] == printed
