"""Parsing one quarterly results CSV (DESIGN section 3) into :class:`Result` rows.

Works on bytes, so the caller owns the I/O. Rows with problems are left out and every
problem is reported with its file, line and column; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from barnet_rag.errors import Problem
from barnet_rag.terms import Rag

if TYPE_CHECKING:  # the models import pydantic; the columnar path uses only parse_value
    from barnet_rag.project.models import Indicator, Result

COLUMNS = ("ref", "value", "label", "comparable", "note", "comment", "published_rag")
REQUIRED = ("ref", "value")

#: Results bigger than this are typing slips, not data.
MAX_MAGNITUDE = 1e12

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_RAGS: dict[str, Rag] = {
    "g": "G",
    "ga": "GA",
    "ra": "RA",
    "r": "R",
    "monitor": "Monitor",
    "not reported": "Not reported",
}
#: Barnet's level codes: what ``published_rag`` accepts for a ref whose scheme is unknown.
_BARNET_CODES = ("G", "GA", "RA", "R")


def published_rag(text: str, codes: Sequence[str] | None) -> Rag | None:
    """A ``published_rag`` cell as a rating: one of the plan's scheme's level codes, Monitor
    or Not reported, in any case; None when it is none of them. ``codes`` None: the plan's
    scheme could not be read (reported on its own), so any code of 1-8 letters is taken."""
    wanted = text.strip().lower()
    if wanted in ("monitor", "not reported"):
        return _RAGS[wanted]
    if codes is None:
        return text.strip() if _CODE.match(text.strip()) else None
    return next((code for code in codes if code.lower() == wanted), None)


_CODE = re.compile(r"^[A-Za-z]{1,8}$")


class CellError(ValueError):
    """A cell that cannot be read; the message says what to write instead."""


def parse_value(text: str) -> tuple[float | None, int]:
    """``60``, ``60%``, ``1,234``, ``69.4`` -> (number, decimals written); blank -> None."""
    cleaned = text.strip()
    if not cleaned:
        return None, 0
    number = cleaned.removesuffix("%").strip()
    if _GROUPED.match(number):
        number = number.replace(",", "")
    if not _NUMBER.match(number):
        raise CellError(
            f"value {text!r} is not a number; write e.g. 60, 60%, 1,234 or 69.4, "
            "or leave it blank when not reported"
        )
    value = float(number)
    if abs(value) > MAX_MAGNITUDE:
        raise CellError(f"value {text!r} is too large to be a result; check the figure")
    decimals = len(number.split(".")[1]) if "." in number else 0
    return value, decimals


def _decode(data: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [
            Problem(
                "encoding",
                f"not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start} "
                "looks like an Excel (Windows-1252) export",
                shown,
                line,
                hint='in Excel use Save As > "CSV UTF-8 (Comma delimited)"',
            )
        ]


def _header_problems(header: list[str], shown: str) -> list[Problem]:
    problems = []
    for name in header:
        if name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            problems.append(
                Problem(
                    "unknown-column",
                    f"unknown column {name!r}",
                    shown,
                    1,
                    column=name,
                    hint=(f"did you mean {close[0]!r}? " if close else "")
                    + f"columns: {', '.join(COLUMNS)}",
                )
            )
    for name in dict.fromkeys(n for n in header if header.count(n) > 1):
        problems.append(
            Problem("duplicate-column", f"column {name!r} appears twice", shown, 1, column=name)
        )
    for name in REQUIRED:
        if name not in header:
            problems.append(
                Problem(
                    "missing-column",
                    f"missing required column {name!r}",
                    shown,
                    1,
                    column=name,
                    hint="the header row needs at least: ref,value",
                )
            )
    return problems


_QUOTE_HINT = (
    'check the double quotes: a quoted cell must end with " and a " inside it is written ""'
)


def _cell_problem(code: str, message: str, shown: str, line: int, column: str) -> Problem:
    return Problem(code, message, shown, line, column=column)


def parse_results(
    data: bytes,
    shown: str,
    indicators: Mapping[str, Indicator],
    levels: Mapping[str, Sequence[str] | None] | None = None,
) -> tuple[dict[str, Result], list[Problem]]:
    """Parse a results file; unknown refs and out-of-range percents are problems.
    ``levels`` gives each ref's scheme's level codes, for ``published_rag`` (Barnet's by
    default; None for a ref whose scheme could not be read)."""
    text, problems = _decode(data, shown)
    if text is None:
        return {}, problems
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(rows, [])]
    except csv.Error as error:
        return {}, [Problem("csv-syntax", f"not valid CSV: {error}", shown, 1, hint=_QUOTE_HINT)]
    if not any(header):
        return {}, [
            Problem(
                "empty-file",
                "the file is empty; it needs a header row",
                shown,
                1,
                hint=f"start it with: {','.join(COLUMNS[:3])}",
            )
        ]
    problems = _header_problems(header, shown)
    if problems:
        return {}, problems
    results: dict[str, Result] = {}
    lines: dict[str, int] = {}
    while True:
        start = rows.line_num + 1
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(
                Problem("csv-syntax", f"not valid CSV: {error}", shown, start, hint=_QUOTE_HINT)
            )
            break
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                Problem(
                    "ragged-row",
                    f"the row has {_cells(len(row))} but the header has {_cells(len(header))}",
                    shown,
                    line,
                    hint="check for a missing or extra comma; quote cells that contain commas",
                )
            )
            continue
        cells = {name: cell.strip() for name, cell in zip(header, row, strict=True)}
        codes = _BARNET_CODES if levels is None else levels.get(cells["ref"], _BARNET_CODES)
        result, found = _parse_row(cells, shown, line, indicators, codes)
        problems.extend(found)
        if result is None:
            continue
        if result.ref in results:
            problems.append(
                _cell_problem(
                    "duplicate-row",
                    f"ref {result.ref!r} appears again (first on line {lines[result.ref]})",
                    shown,
                    line,
                    "ref",
                )
            )
            continue
        results[result.ref] = result
        lines[result.ref] = line
    return results, problems


def _cells(count: int) -> str:
    return f"{count} cell" if count == 1 else f"{count} cells"


def _parse_row(
    cells: dict[str, str],
    shown: str,
    line: int,
    indicators: Mapping[str, Indicator],
    codes: Sequence[str] | None = _BARNET_CODES,
) -> tuple[Result | None, list[Problem]]:
    from barnet_rag.project.models import Result

    problems: list[Problem] = []
    ref = cells["ref"]
    if not ref:
        return None, [_cell_problem("missing-ref", "ref is blank", shown, line, "ref")]
    indicator = indicators.get(ref)
    if indicator is None:
        close = difflib.get_close_matches(ref, list(indicators), n=1)
        return None, [
            Problem(
                "unknown-ref",
                f"ref {ref!r} is not an indicator in any plan",
                shown,
                line,
                column="ref",
                hint=f"did you mean {close[0]}?" if close else "add it to a plan or remove the row",
            )
        ]
    try:
        value, decimals = parse_value(cells["value"])
    except CellError as error:
        return None, [_cell_problem("bad-value", str(error), shown, line, "value")]
    if value is not None and indicator.unit == "percent" and not 0 <= value <= 100:
        problems.append(
            _cell_problem(
                "percent-range",
                f"value {cells['value']!r} is outside 0-100 for a percent indicator",
                shown,
                line,
                "value",
            )
        )
    comparable = cells.get("comparable", "").lower()
    if comparable not in ("", "no"):
        problems.append(
            _cell_problem(
                "bad-comparable",
                f"comparable {cells['comparable']!r} must be 'no' or blank",
                shown,
                line,
                "comparable",
            )
        )
    published = cells.get("published_rag", "")
    rag = published_rag(published, codes) if published else None
    if published and rag is None:
        problems.append(
            _cell_problem(
                "bad-rag",
                f"published_rag {published!r} must be one of {', '.join(codes or ['G'])}, "
                "Monitor, Not reported",
                shown,
                line,
                "published_rag",
            )
        )
    if problems:
        return None, problems
    return (
        Result(
            ref=ref,
            value=value,
            label=cells.get("label") or None,
            comparable=comparable != "no",
            note=cells.get("note") or None,
            comment=cells.get("comment") or None,
            published_rag=rag,
            line=line,
            decimals=decimals,
        ),
        [],
    )
