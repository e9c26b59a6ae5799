"""Where a project's files are, and reading them with clear errors: no models, no YAML.

:mod:`barnet_rag.project.loading` validates what these find.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from barnet_rag.errors import InputError, Problem, UserError, shown_name
from barnet_rag.periods import Period, parse_financial_year
from barnet_rag.project import seen
from barnet_rag.project.writing import BACKUP_SUFFIX, is_temp_file

if TYPE_CHECKING:
    import zipfile

_QUARTER_FILE = re.compile(r"^Q([1-4])\.csv$")


#: Plan files this large in all make a project whose rating takes a second or more.
LARGE_PLAN_BYTES = 1_000_000


def yaml_files(directory: Path) -> list[Path]:
    """The ``*.yaml`` entries of ``directory`` in name order (none when it is not one), as
    :mod:`~barnet_rag.project.seen` lists them."""
    return [path for path, _ in seen.entries(directory) if path.name.endswith(".yaml")]


def is_large(root: Path) -> bool:
    """Plan files of :data:`LARGE_PLAN_BYTES` or more: worth a spinner while it rates (a
    file that cannot be stat'ed counts nothing; the loader reports it)."""
    total = 0
    for path in yaml_files(root / "plans"):
        try:
            total += path.stat().st_size
        except OSError:
            continue
    return total >= LARGE_PLAN_BYTES


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


def name_problem(path: Path, root: Path) -> Problem | None:
    """A problem for a file whose name is not UTF-8 (bytes from another system's encoding):
    such a name cannot be shown, cached or written into a report as it is."""
    try:
        relative(path, root).encode("utf-8")
    except UnicodeEncodeError:
        return Problem(
            "file-name",
            "the file name is not UTF-8 text",
            shown_name(relative(path, root)),
            hint="rename the file using letters, digits, - and _",
        )
    return None


#: Far beyond any quarter's results file (a national project's quarter, 100,000
#: indicators, is about 3 MB): a bigger file is refused before it is read.
MAX_RESULTS_BYTES = 20_000_000


def read_bytes(path: Path, shown: str, limit: int | None = None) -> bytes:
    """Read a file, turning a missing, unreadable or directory path into a clear error.

    Anything but a regular file (a named pipe, a device) is refused before it is opened:
    reading one could block forever. A file of more than ``limit`` bytes is refused too.
    """
    try:
        if path.is_symlink() and not path.exists():
            raise InputError(
                [
                    Problem(
                        "dangling-link",
                        f"is a symbolic link to {shown_name(path.readlink())}, "
                        "which does not exist",
                        shown,
                        hint="point the link at the file, or remove it",
                    )
                ]
            )
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
        if limit is not None and (size := path.stat().st_size) > limit:
            raise InputError(
                [
                    Problem(
                        "file-too-large",
                        f"is {size:,} bytes, far more than a quarter's results "
                        f"(the limit is {limit:,} bytes)",
                        shown,
                        hint="check that it is the right file",
                    )
                ]
            )
        data = path.read_bytes()
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
    seen.saw_bytes(path, data)
    return data


class ResultFiles:
    """The project's quarterly results files by period (``results/<yyyy-yy>/Q<n>.csv``),
    and a problem for anything in ``results/`` laid out otherwise."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[Period, Path] = {}
        self.problems: list[Problem] = []
        #: Temp files an interrupted write of ours left (``.Q3.csv.k2j4_x9a.tmp``): passed
        #: over when loading; ``check`` notes them.
        self.leftovers: list[Path] = []
        self._discover()

    def _discover(self) -> None:
        directory = self.root / "results"
        if seen.kind(directory) != "dir":
            return
        for year_dir, year_kind in seen.entries(directory):
            if is_temp_file(year_dir.name) and year_kind != "dir":
                self.leftovers.append(year_dir)
                continue
            shown = relative(year_dir, self.root)
            if year_kind != "dir":
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
            for path, _ in seen.entries(year_dir):
                if path.name.endswith(BACKUP_SUFFIX):
                    continue  # a copy kept by ``new-quarter --force``; ``check`` warns
                if is_temp_file(path.name):
                    self.leftovers.append(path)
                    continue
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


#: Far beyond any quarter's results (a national project's quarter is a few megabytes):
#: a workbook that unpacks to more, or has a sheet of more rows, is refused before
#: openpyxl opens it, so that a zip bomb cannot take gigabytes.
MAX_WORKBOOK_BYTES = 100_000_000
MAX_WORKBOOK_ROWS = 200_000
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def check_workbook(path: Path) -> None:
    """Refuse a workbook that is not a regular file (a named pipe would hang the import),
    or whose declared size or row count is far beyond any quarter's results.

    The zip's declared sizes bound what unpacking can produce (Python's zipfile stops at
    them), so the sheets' rows are counted in a stream within that bound.
    """
    import zipfile

    shown = shown_name(path)
    if path.exists() and not path.is_file():
        kind = "a directory" if path.is_dir() else "not a regular file (a named pipe or device?)"
        raise UserError(f"{shown}: is {kind}; give the .xlsx file itself")
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip, missing or unreadable: the workbook reader says so
    with book:
        members = book.infolist()
        declared = sum(m.file_size for m in members)
        if declared > MAX_WORKBOOK_BYTES:
            raise UserError(
                f"{shown}: unpacks to {declared:,} bytes, more than the limit of "
                f"{MAX_WORKBOOK_BYTES:,} for a quarter's results; import a workbook holding "
                "only the quarter's sheet"
            )
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                rows = _count_rows(book, member)
                if rows > MAX_WORKBOOK_ROWS:
                    raise UserError(
                        f"{shown}: a sheet has more than {MAX_WORKBOOK_ROWS:,} rows, far more "
                        "than a quarter's results; import a workbook holding only the "
                        "quarter's sheet"
                    )


def _count_rows(book: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    """The ``<row>`` elements in a worksheet's XML, read in chunks; stops past the limit."""
    import zipfile

    rows, tail = 0, b""
    try:
        with book.open(member) as stream:
            while (chunk := stream.read(1 << 20)) and rows <= MAX_WORKBOOK_ROWS:
                data = tail + chunk  # a tag split between two chunks is counted once
                rows += len(_ROW_TAG.findall(data)) - len(_ROW_TAG.findall(tail))
                tail = data[-32:]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        return 0  # a damaged member: the workbook reader reports it
    return rows
