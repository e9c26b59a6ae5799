"""Where a project's files are, and reading them with clear errors: no models, no YAML.

:mod:`barnet_rag.project.loading` validates what these find.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from barnet_rag.errors import InputError, Problem
from barnet_rag.periods import Period, parse_financial_year
from barnet_rag.project.writing import BACKUP_SUFFIX

_QUARTER_FILE = re.compile(r"^Q([1-4])\.csv$")


def results_path(root: Path, period: Period) -> Path:
    """Where a quarter's results file lives: ``results/2017-18/Q3.csv``."""
    return root / "results" / period.directory / f"{period.quarter_label}.csv"


def relative(path: Path, root: Path) -> str:
    """A path as shown in messages: relative to the project root, with forward slashes; for
    a root above the current directory (``..``, as found from a subdirectory), relative to
    the current directory, as git shows paths."""
    try:
        shown = path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
    if root.parts and set(root.parts) == {".."}:
        return Path(os.path.relpath(path)).as_posix()
    return shown


def read_bytes(path: Path, shown: str) -> bytes:
    """Read a file, turning a missing, unreadable or directory path into a clear error.

    Anything but a regular file (a named pipe, a device) is refused before it is opened:
    reading one could block forever.
    """
    try:
        if path.exists() and not path.is_dir() and not path.is_file():
            raise InputError(
                [
                    Problem(
                        "not-a-file",
                        "is not a regular file (a named pipe or device?)",
                        shown,
                        hint="replace it with the file itself",
                    )
                ]
            )
        return path.read_bytes()
    except IsADirectoryError:
        raise InputError(
            [
                Problem(
                    "not-a-file",
                    "is a directory, not a file",
                    shown,
                    hint="move the directory away and put the file in its place",
                )
            ]
        ) from None
    except FileNotFoundError:
        raise InputError([Problem("missing-file", "does not exist", shown)]) from None
    except OSError as error:
        raise InputError(
            [
                Problem(
                    "unreadable",
                    f"cannot be read: {error.strerror}",
                    shown,
                    hint="check the file's permissions, or whether another program has it locked",
                )
            ]
        ) from None


class ResultFiles:
    """The project's quarterly results files by period (``results/<yyyy-yy>/Q<n>.csv``),
    and a problem for anything in ``results/`` laid out otherwise."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[Period, Path] = {}
        self.problems: list[Problem] = []
        self._discover()

    def _discover(self) -> None:
        directory = self.root / "results"
        if not directory.is_dir():
            return
        for year_dir in sorted(directory.iterdir()):
            shown = relative(year_dir, self.root)
            if not year_dir.is_dir():
                self.problems.append(
                    Problem(
                        "results-layout",
                        "results files belong in a financial-year directory",
                        shown,
                        hint="move it to results/<yyyy-yy>/Q<n>.csv, e.g. results/2017-18/Q3.csv",
                    )
                )
                continue
            try:
                year = parse_financial_year(year_dir.name)
            except ValueError:
                self.problems.append(
                    Problem(
                        "results-layout",
                        f"directory name {year_dir.name!r} is not a financial year",
                        shown,
                        hint="name it like 2017-18",
                    )
                )
                continue
            for path in sorted(year_dir.iterdir()):
                if path.name.endswith(BACKUP_SUFFIX):
                    continue  # a copy kept by ``new-quarter --force``; ``check`` warns
                match = _QUARTER_FILE.match(path.name)
                if match is None:
                    self.problems.append(
                        Problem(
                            "results-layout",
                            f"file name {path.name!r} is not a quarter's results file",
                            relative(path, self.root),
                            hint="name it Q1.csv, Q2.csv, Q3.csv or Q4.csv",
                        )
                    )
                    continue
                self.files[Period(year, int(match[1]))] = path
