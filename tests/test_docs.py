"""The README stays true: every command is documented, and pasted output is real output."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from barnet_rag.cli import main

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
#: Every command, its module loaded as running it would.
CONTEXT = click.Context(main)
COMMANDS = {name: main.get_command(CONTEXT, name) for name in main.list_commands(CONTEXT)}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_and_a_readme_row(name: str) -> None:
    command = COMMANDS[name]
    assert (
        command is not None and command.help and command.epilog and "Examples" in command.epilog
    ), name

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


DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
CODE = re.compile(r"`[^`\n]*`")


def relative_links(path: Path) -> list[str]:
    """The relative link targets of a Markdown file, outside code."""
    text = CODE.sub("", FENCE.sub("", path.read_text(encoding="utf-8")))
    return [t for t in LINK.findall(text) if not re.match(r"^[a-z][a-z0-9+.-]*:", t)]


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown file."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *#* *$", text, re.M):
        words = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).lower()
        slug = re.sub(r"[^\w\- ]", "", words).replace(" ", "-")
        found.add(
            slug
            if slug not in found
            else next(f"{slug}-{n}" for n in range(1, 100) if f"{slug}-{n}" not in found)
        )
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_relative_link_points_to_a_file_that_exists(doc: Path) -> None:
    broken = []
    for target in relative_links(doc):
        file, _, anchor = target.partition("#")
        linked = (doc.parent / file).resolve() if file else doc
        if not linked.exists() or (
            anchor and linked.suffix == ".md" and anchor not in anchors(linked)
        ):
            broken.append(target)
    assert broken == [], f"{doc.relative_to(REPO)} links to what does not exist"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_page_points_to_a_design_document_the_repository_lacks(doc: Path) -> None:
    assert "DESIGN" not in doc.read_text(encoding="utf-8")
