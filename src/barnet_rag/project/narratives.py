"""Officers' "Progress on key activities": ``narrative/<yyyy-yy>/Q<n>/<plan>.md``.

Optional Markdown, one file per plan and quarter. It is read as UTF-8 text with no control
characters (a stray form feed or NUL from a copy out of a PDF would reach the Word paper);
what the report makes of the Markdown is :mod:`barnet_rag.outputs.markdown_text`'s business.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from barnet_rag.errors import InputError, Problem
from barnet_rag.periods import Period, parse_financial_year
from barnet_rag.project.loading import read_text
from barnet_rag.project.projectfiles import relative

NARRATIVE_DIR = "narrative"
_QUARTER_DIR = re.compile(r"^Q([1-4])$")
#: C0 controls but tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Narrative:
    """One plan's narrative for one quarter: the file as shown in messages, and its text."""

    shown: str
    text: str


def narrative_path(root: Path, period: Period, plan: str) -> Path:
    """Where a plan's narrative for ``period`` lives: ``narrative/2017-18/Q3/<plan>.md``."""
    return root / NARRATIVE_DIR / period.directory / period.quarter_label / f"{plan}.md"


def control_problems(text: str, shown: str) -> list[Problem]:
    """A problem for each line holding a control character (the first one on the line)."""
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = _CONTROL.search(line)
        if match is not None:
            problems.append(
                Problem(
                    "narrative-control",
                    f"control character U+{ord(match[0]):04X} at column {match.start() + 1}",
                    shown,
                    number,
                    hint="delete it: it is invisible in most editors, and often comes from "
                    "copying out of a PDF",
                )
            )
    return problems


def read_narrative_file(path: Path, root: Path) -> Narrative:
    """Read one narrative file; bad UTF-8 or control characters raise :class:`InputError`."""
    shown = relative(path, root)
    text = read_text(path, shown).replace("\r\n", "\n")
    problems = control_problems(text, shown)
    if problems:
        raise InputError(problems)
    return Narrative(shown=shown, text=text)


def read_narratives(root: Path, period: Period, plans: Sequence[str]) -> dict[str, Narrative]:
    """The narratives of ``plans`` for ``period`` that exist, by plan slug."""
    found = {}
    for plan in plans:
        path = narrative_path(root, period, plan)
        if path.exists():
            found[plan] = read_narrative_file(path, root)
    return found


def _layout(shown: str, message: str, hint: str) -> Problem:
    return Problem("narrative-layout", message, shown, hint=hint)


def narrative_problems(
    root: Path, plans: Collection[str], period: Period | None = None
) -> list[Problem]:
    """Every problem under ``narrative/`` (only ``period``'s directory, if given): its
    layout, files named after no plan, files that are not UTF-8 text."""
    directory = root / NARRATIVE_DIR
    if period is not None:
        quarter = directory / period.directory / period.quarter_label
        if not quarter.is_dir():
            return []
        return [p for path in sorted(quarter.iterdir()) for p in _file_problems(path, root, plans)]
    if not directory.is_dir():
        return []
    problems: list[Problem] = []
    where = "narrative/<yyyy-yy>/Q<n>/<plan>.md, e.g. narrative/2017-18/Q3/<plan>.md"
    for year_dir in sorted(directory.iterdir()):
        shown = relative(year_dir, root)
        if not year_dir.is_dir():
            problems.append(
                _layout(
                    shown, "narrative files belong in a quarter's directory", f"move it to {where}"
                )
            )
            continue
        try:
            parse_financial_year(year_dir.name)
        except ValueError:
            problems.append(
                _layout(
                    shown,
                    f"directory name {year_dir.name!r} is not a financial year",
                    "name it like 2017-18",
                )
            )
            continue
        for quarter_dir in sorted(year_dir.iterdir()):
            shown = relative(quarter_dir, root)
            if not quarter_dir.is_dir() or _QUARTER_DIR.match(quarter_dir.name) is None:
                problems.append(
                    _layout(
                        shown,
                        f"{quarter_dir.name!r} is not a quarter's directory",
                        f"use Q1, Q2, Q3 or Q4: {where}",
                    )
                )
                continue
            for path in sorted(quarter_dir.iterdir()):
                problems += _file_problems(path, root, plans)
    return problems


def _file_problems(path: Path, root: Path, plans: Collection[str]) -> list[Problem]:
    shown = relative(path, root)
    if path.suffix != ".md" or not path.is_file():
        return [
            _layout(
                shown,
                f"{path.name!r} is not a plan's narrative file",
                "name it <plan>.md after a plan's slug, e.g. community-leadership.md",
            )
        ]
    problems = []
    if path.stem not in plans:
        close = difflib.get_close_matches(path.stem, list(plans), n=1)
        suggestion = f"did you mean {close[0]}.md? " if close else ""
        problems.append(
            Problem(
                "narrative-unknown-plan",
                f"no plan has the slug {path.stem!r}",
                shown,
                hint=f"{suggestion}rename it <slug>.md after one of the plans: "
                + ", ".join(sorted(plans)),
            )
        )
    try:
        read_narrative_file(path, root)
    except InputError as error:
        problems += error.problems
    return problems
