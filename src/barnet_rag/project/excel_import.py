"""Reading a quarter's results from an Excel workbook into a results CSV (the import half).

Accepts a sheet laid out as ``export --format xlsx`` writes it, or one whose header row
uses the results-file column names. Cells are read as an officer sees them, but never
rounded: a percent-formatted 0.205 shown as ``21%`` is 20.5%, formulas give their cached
values, merged title rows above the header are skipped. The CSV produced is then checked
by the same parser that reads results files, so the rules are the same as ``check``; every
problem names the sheet and cell (``Sheet1!C7``).

Nothing is imported by guesswork: the sheet read is the one visible sheet with a results
header (or ``--sheet``), a sheet whose period columns name another quarter is refused, a
sheet with no results is refused, and no cell is left out without a word: a cell under no
header, a true/false value or a second ``value`` column is an error, and columns that are
not results columns are named in the summary.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from barnet_rag.engine.inputs import LevelRule
from barnet_rag.errors import InputError, Problem, UserError
from barnet_rag.periods import Period, parse_financial_year
from barnet_rag.project.models import Indicator
from barnet_rag.project.resultsfile import COLUMNS, parse_results
from barnet_rag.terms import RAG_WORDS

#: Result columns always written, so files keep the shape officers expect.
ALWAYS = ("ref", "value", "label")
#: The period columns of an ``export`` sheet: each row says which quarter it is for.
PERIOD_COLUMNS = ("financial_year", "quarter")
#: Written for "no figure this quarter" (docs/rules.md): read as not reported.
NOT_REPORTED = frozenset({"n/a", "-", "–"})
#: Rows looked at for the header (title rows may sit above it).
HEADER_ROWS = 20
_WORDS_TO_RAG = {word.lower(): code for code, word in RAG_WORDS.items()}
_RESERVED_WORDS = {"monitor": "Monitor", "not reported": "Not reported"}
_QUOTED = re.compile(r'"[^"]*"')
_QUARTER = re.compile(r"^Q?([1-4])$", re.IGNORECASE)
#: The facts a collection workbook (``new-quarter --format xlsx``) shows beside each row,
#: for the officer filling it in: read past without a word, never imported.
FACT_COLUMNS = (
    "title",
    "owner",
    "unit",
    "polarity",
    "target",
    "last_result",
    "last_period",
    "last_label",
)


@dataclass(frozen=True)
class Imported:
    """A sheet's results as the text of a results file, with what the summary line says."""

    text: str
    sheet: str
    results: int
    not_reported: int
    #: Header cells of columns that are not results columns (``'Indicator' (B)``).
    ignored: tuple[str, ...] = ()
    #: Whether the workbook has more than one sheet (the summary then names the one read).
    several_sheets: bool = False


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def _cell_name(sheet: str, row: int, column: int) -> str:
    return f"{sheet}!{_letter(column)}{row}"


def _is_percent_format(number_format: str) -> bool:
    """A real percent format (``0%``, ``0.0%``), not a literal ``0"%"``."""
    return "%" in _QUOTED.sub("", number_format)


def _format_decimals(number_format: str) -> int:
    match = re.search(r"0\.(0+)", _QUOTED.sub("", number_format))
    return len(match[1]) if match else 0


def number_text(value: float, percent_format: bool, decimals: int, unit: str) -> str:
    """A cell's number as a results file writes it, never rounded: ``60%``, ``20.5%``,
    ``1234``. Float noise beyond Excel's 15 significant digits is dropped; a format's
    decimals pad (``60.0``) but never cut; a percent-formatted cell is a hundred times its
    value."""
    exact = Decimal(value) if isinstance(value, int) else Decimal(f"{value:.15g}")
    if percent_format:
        exact = exact.scaleb(2)
    text = format(exact.normalize(), "f")
    written = len(text.split(".")[1]) if "." in text else 0
    if decimals > written:
        text = format(exact.quantize(Decimal(1).scaleb(-decimals)), "f")
    return f"{text}%" if unit == "percent" or percent_format else text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%b %Y")  # a label Excel turned into a date: "Oct 2017"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_header(rows: list[tuple[Any, ...]]) -> int | None:
    for index, row in enumerate(rows[:HEADER_ROWS]):
        if any(isinstance(c, str) and c.strip().lower() == "ref" for c in row):
            return index
    return None


def _has_header(sheet: Any) -> bool:
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows(max_row=HEADER_ROWS)]
    return _find_header(rows) is not None


def _open(path: Path) -> tuple[Any, Any]:
    from openpyxl import load_workbook

    try:
        return load_workbook(path, data_only=True), load_workbook(path, data_only=False)
    except FileNotFoundError:
        raise UserError(f"{path}: does not exist") from None
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise UserError(
            f"{path}: cannot be read as an Excel workbook ({type(error).__name__}); "
            "save it from Excel as .xlsx"
        ) from None


def choose_sheet(path: Path, book: Any, sheet: str | None) -> str:
    """The sheet to read: ``sheet`` when given; else the one visible worksheet with a
    results header (hidden sheets are passed over); with several, stop and list them."""
    from openpyxl.worksheet.worksheet import Worksheet

    names = ", ".join(book.sheetnames)
    if sheet is not None:
        if sheet not in book.sheetnames:
            raise UserError(f"{path}: no sheet {sheet!r}; sheets: {names}")
        if not isinstance(book[sheet], Worksheet):
            raise UserError(f"{path}: sheet {sheet!r} is a chart, not a table of results")
        return sheet
    visible = [s for s in book.worksheets if s.sheet_state == "visible"]
    with_header = [s.title for s in visible if _has_header(s)]
    if len(with_header) == 1:
        return str(with_header[0])
    if not with_header and len(visible) == 1:
        return str(visible[0].title)  # it is reported as having no header
    if with_header:
        listed = ", ".join(repr(n) for n in with_header)
        raise UserError(
            f"{path}: several sheets have a header row with a 'ref' column ({listed}); "
            "choose one with --sheet NAME"
        )
    raise UserError(
        f"{path}: no visible sheet has a header row with a 'ref' column; sheets: {names} "
        "(choose one with --sheet NAME)"
    )


def read_sheet(
    path: Path,
    period: Period,
    indicators: Mapping[str, Indicator],
    sheet: str | None = None,
    levels: Mapping[str, Sequence[LevelRule]] | None = None,
) -> Imported:
    """The results of ``period`` from a workbook, or an error naming the sheet and cells.
    ``levels`` gives each ref's scheme's levels: a ``published_rag`` cell may hold a level's
    code or label (as ``export`` writes it); Barnet's by default."""
    values_book, formula_book = _open(path)
    name = choose_sheet(path, values_book, sheet)
    values, formulas = values_book[name], formula_book[name]
    rows = [tuple(c.value for c in row) for row in values.iter_rows()]
    header_index = _find_header(rows)
    if header_index is None:
        raise UserError(f"{path}: sheet {name!r} has no header row with a 'ref' column")
    header_row = header_index + 1
    columns, ignored = _header(name, header_row, rows[header_index])
    problems = _hidden_columns(values, name, header_row, columns)
    out_rows: list[tuple[int, dict[str, str]]] = []
    periods: set[Period] = set()
    for offset, row in enumerate(rows[header_index + 1 :]):
        row_number = header_row + 1 + offset
        if all(_blank(c) for c in row):
            continue
        problems.extend(_unlabelled(name, row_number, row, rows[header_index]))
        if values.row_dimensions[row_number].hidden:
            problems.append(
                Problem(
                    "hidden-row",
                    f"row {row_number} is hidden (or filtered out)",
                    f"{name}!{row_number}:{row_number}",
                    hint="unhide it or clear the filter to check it, or delete it: "
                    "a hidden row would be imported unseen",
                )
            )
        found = _row_period(name, row_number, row, columns, problems)
        if found is not None:
            periods.add(found)
            if found != period:
                continue
        cells = _row_cells(
            name, row_number, columns, values, formulas, indicators, problems, levels or {}
        )
        out_rows.append((row_number, cells))
    if problems:
        raise InputError(problems)
    if periods and period not in periods:
        raise UserError(_other_period(path, name, period, periods))
    if not out_rows:
        raise UserError(
            f"{path}: sheet {name!r} has no results below its header row (row {header_row}); "
            "nothing was written"
        )
    text = _to_csv(out_rows)
    codes = None if levels is None else {r: [x.code for x in own] for r, own in levels.items()}
    _, found_problems = parse_results(text.encode("utf-8"), str(path), indicators, codes)
    if found_problems:
        line_to_row = {line: row for line, (row, _) in enumerate(out_rows, start=2)}
        raise InputError([_relocate(p, name, columns, line_to_row) for p in found_problems])
    return Imported(
        text,
        name,
        results=len(out_rows),
        not_reported=sum(1 for _, cells in out_rows if not cells.get("value")),
        ignored=() if all(c in columns for c in PERIOD_COLUMNS) else ignored,
        several_sheets=len(values_book.sheetnames) > 1,
    )


def _header(sheet: str, row: int, cells: tuple[Any, ...]) -> tuple[dict[str, int], tuple[str, ...]]:
    """Known columns by index; a known column twice, or a near miss of one, is an error;
    other columns are passed over and named."""
    known = (*COLUMNS, *PERIOD_COLUMNS)
    keys = {_text(cell).lower() for cell in cells}
    # A collection workbook's facts are read past without a word; elsewhere they are named.
    facts = set(FACT_COLUMNS) if keys >= set(FACT_COLUMNS) else set()
    columns: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for index, cell in enumerate(cells):
        title = _text(cell)
        key = title.lower()
        where = _cell_name(sheet, row, index + 1)
        if key in columns:
            first = _cell_name(sheet, row, columns[key] + 1)
            problems.append(
                Problem(
                    "duplicate-column",
                    f"column {key!r} appears twice (also in {first})",
                    where,
                    hint="keep one of them: delete or rename the other",
                )
            )
        elif key in known:
            columns[key] = index
        elif title:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.8)
            if close:
                problems.append(
                    Problem(
                        "unknown-column",
                        f"unknown column {title!r}",
                        where,
                        hint=f"did you mean {close[0]!r}? columns: {', '.join(COLUMNS)}",
                    )
                )
            elif key not in facts:
                ignored.append(f"{title!r} ({_letter(index + 1)})")
    present = [c for c in PERIOD_COLUMNS if c in columns]
    if len(present) == 1:
        other = next(c for c in PERIOD_COLUMNS if c not in columns)
        problems.append(
            Problem(
                "missing-column",
                f"a {present[0]!r} column but no {other!r} column",
                _cell_name(sheet, row, columns[present[0]] + 1),
                hint="the period columns go together (as export writes them); "
                "add the other or delete this one",
            )
        )
    for column in ("ref", "value"):
        if column not in columns:
            problems.append(
                Problem(
                    "missing-column",
                    f"no {column!r} column in the header row",
                    f"{sheet}!{row}:{row}",
                    hint="the header needs at least ref and value",
                )
            )
    if problems:
        raise InputError(problems)
    return columns, tuple(ignored)


def _hidden_columns(
    sheet: Any, name: str, header_row: int, columns: dict[str, int]
) -> list[Problem]:
    """Results columns the officer cannot see would be imported unseen: each is an error."""
    hidden = [
        (dimension.min, dimension.max)
        for dimension in sheet.column_dimensions.values()
        if dimension.hidden and dimension.min is not None and dimension.max is not None
    ]
    return [
        Problem(
            "hidden-column",
            f"column {column!r} is hidden",
            _cell_name(name, header_row, index + 1),
            hint="unhide it to check it, or delete it: a hidden column would be imported unseen",
        )
        for column, index in columns.items()
        if any(low <= index + 1 <= high for low, high in hidden)
    ]


def _unlabelled(
    sheet: str, row_number: int, row: tuple[Any, ...], header: tuple[Any, ...]
) -> list[Problem]:
    """Cells with something in them under no header would be lost: each is an error."""
    return [
        Problem(
            "cell-without-header",
            f"{_text(value)!r} is in a column with no header",
            _cell_name(sheet, row_number, index + 1),
            hint="give the column a header (e.g. comment) or delete the cell",
        )
        for index, value in enumerate(row)
        if not _blank(value) and (index >= len(header) or _blank(header[index]))
    ]


def _row_period(
    sheet: str,
    row_number: int,
    row: tuple[Any, ...],
    columns: dict[str, int],
    problems: list[Problem],
) -> Period | None:
    """The quarter an export row names in its period columns (None without them)."""
    if not all(c in columns for c in PERIOD_COLUMNS):
        return None
    year_cell, quarter_cell = (_text(row[columns[c]]) for c in PERIOD_COLUMNS)
    year_where, quarter_where = (
        _cell_name(sheet, row_number, columns[c] + 1) for c in PERIOD_COLUMNS
    )
    year: int | None = None
    try:
        year = parse_financial_year(year_cell)
    except ValueError:
        problems.append(
            Problem(
                "bad-period-cell",
                f"financial_year {year_cell!r} is not a financial year",
                year_where,
                hint="write it as 2017/18; each row of the sheet says which quarter it is for",
            )
        )
    quarter = _QUARTER.match(quarter_cell)
    if quarter is None:
        problems.append(
            Problem(
                "bad-period-cell",
                f"quarter {quarter_cell!r} is not a quarter",
                quarter_where,
                hint="write Q1, Q2, Q3 or Q4; each row of the sheet says which quarter it is for",
            )
        )
    if year is None or quarter is None:
        return None
    return Period(year, int(quarter[1]))


def _other_period(path: Path, sheet: str, period: Period, periods: set[Period]) -> str:
    ordered = sorted(periods)
    shown = ", ".join(str(p) for p in ordered[:4]) + (", ..." if len(ordered) > 4 else "")
    hint = (
        f"import it with --period {ordered[0].cli_form}"
        if len(ordered) == 1
        else ("pass the --period of one of them")
    )
    return (
        f"{path}: sheet {sheet!r} holds results for {shown}, not {period} "
        f"(--period {period.cli_form}); {hint}"
    )


def _row_cells(
    sheet: str,
    row_number: int,
    columns: dict[str, int],
    values: Any,
    formulas: Any,
    indicators: Mapping[str, Indicator],
    problems: list[Problem],
    levels: Mapping[str, Sequence[LevelRule]],
) -> dict[str, str]:
    cells: dict[str, str] = {}
    ref = _text(values.cell(row=row_number, column=columns["ref"] + 1).value)
    for column, index in columns.items():
        if column in PERIOD_COLUMNS:
            continue
        cell = values.cell(row=row_number, column=index + 1)
        where = _cell_name(sheet, row_number, index + 1)
        raw = formulas.cell(row=row_number, column=index + 1).value
        if isinstance(raw, str) and raw.startswith("=") and cell.value is None:
            problems.append(
                Problem(
                    "formula-no-value",
                    f"formula {raw} has no saved value",
                    where,
                    hint="open the workbook in Excel and save it, so formulas are calculated",
                )
            )
            continue
        cells[column] = _cell_text(column, cell, ref, indicators, where, problems, levels)
    return cells


def _cell_text(
    column: str,
    cell: Any,
    ref: str,
    indicators: Mapping[str, Indicator],
    where: str,
    problems: list[Problem],
    levels: Mapping[str, Sequence[LevelRule]],
) -> str:
    value = cell.value
    if column == "value":
        return _value_text(value, cell.number_format, ref, indicators, where, problems)
    if column == "published_rag":
        text = _text(value)
        if ref in levels:  # the ref's scheme: its labels, then Monitor and Not reported
            words = {level.label.lower(): level.code for level in levels[ref]}
            words.update(_RESERVED_WORDS)
            return words.get(text.lower(), text)
        return _WORDS_TO_RAG.get(text.lower(), text)
    if column == "comparable":
        if isinstance(value, bool):
            return "" if value else "no"
        text = _text(value)
        return "" if text.lower() in ("true", "yes") else text
    return _text(value)


def _value_text(
    value: Any,
    number_format: str,
    ref: str,
    indicators: Mapping[str, Indicator],
    where: str,
    problems: list[Problem],
) -> str:
    if isinstance(value, bool):
        problems.append(
            Problem(
                "bad-value",
                f"value is {_text(value)} (a true/false cell), not a number",
                where,
                hint="type the figure, or leave the cell blank when not reported",
            )
        )
        return ""
    if isinstance(value, int | float):
        indicator = indicators.get(ref)
        unit = indicator.unit if indicator else "number"
        percent = _is_percent_format(number_format)
        return number_text(value, percent, _format_decimals(number_format), unit)
    if isinstance(value, dt.date | dt.datetime):
        problems.append(
            Problem(
                "bad-value",
                f"value is a date ({value:%d/%m/%Y}), not a number",
                where,
                hint="format the cell as a number",
            )
        )
        return ""
    text = _text(value)
    return "" if text.lower() in NOT_REPORTED else text


def _to_csv(rows: list[tuple[int, dict[str, str]]]) -> str:
    used = [c for c in COLUMNS if c in ALWAYS or any(cells.get(c) for _, cells in rows)]
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(used)
    for _, cells in rows:
        writer.writerow([cells.get(c, "") for c in used])
    return stream.getvalue()


def _relocate(
    problem: Problem, sheet: str, columns: dict[str, int], line_to_row: dict[int, int]
) -> Problem:
    """Name the sheet cell instead of the line of the intermediate CSV."""
    row = line_to_row.get(problem.line or 0)
    column = columns.get(problem.column or "")
    if row is None or column is None:
        return Problem(**{**problem.__dict__, "file": sheet, "line": None})
    where = f"{sheet}!{_letter(column + 1)}{row}"
    return Problem(**{**problem.__dict__, "file": where, "line": None, "column": None})
