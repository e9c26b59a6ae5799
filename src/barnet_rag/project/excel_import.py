"""Reading a quarter's results from an Excel workbook into a results CSV (the import half).

Accepts a sheet laid out as ``export --format xlsx`` writes it, or one whose header row
uses the results-file column names. Cells are read as an officer sees them: percent-
formatted cells (0.74 shown as 74%) become 74, formulas give their cached values, merged
title rows above the header are skipped. The CSV produced is then checked by the same
parser that reads results files, so the rules are the same as ``check``; every problem
names the sheet and cell (``Sheet1!C7``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from barnet_rag.errors import InputError, Problem, UserError
from barnet_rag.periods import Period
from barnet_rag.project.models import Indicator
from barnet_rag.project.resultsfile import COLUMNS, parse_results
from barnet_rag.terms import RAG_WORDS

#: Result columns always written, so files keep the shape officers expect.
ALWAYS = ("ref", "value", "label")
_WORDS_TO_RAG = {word.lower(): code for code, word in RAG_WORDS.items()}
_QUOTED = re.compile(r'"[^"]*"')


def _cell_name(sheet: str, row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{sheet}!{get_column_letter(column)}{row}"


def _is_percent_format(number_format: str) -> bool:
    """A real percent format (``0%``, ``0.0%``), not a literal ``0"%"``."""
    return "%" in _QUOTED.sub("", number_format)


def _format_decimals(number_format: str) -> int | None:
    match = re.search(r"0\.(0+)", _QUOTED.sub("", number_format))
    return len(match[1]) if match else None


def number_text(value: float, decimals: int | None, unit: str) -> str:
    """A number as a results file writes it: ``60%``, ``20.6%``, ``1234``."""
    text = f"{value:.{decimals}f}" if decimals is not None else f"{value:.10f}".rstrip("0")
    text = text.rstrip(".")
    return f"{text}%" if unit == "percent" else text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%b %Y")  # a label Excel turned into a date: "Oct 2017"
    if isinstance(value, bool):
        return "" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _find_header(rows: list[tuple[Any, ...]]) -> int | None:
    for index, row in enumerate(rows[:20]):
        if any(isinstance(c, str) and c.strip().lower() == "ref" for c in row):
            return index
    return None


def read_sheet(
    path: Path,
    period: Period,
    indicators: Mapping[str, Indicator],
    sheet: str | None = None,
) -> str:
    """The results CSV text for ``period`` from a workbook, or an InputError naming cells."""
    from openpyxl import load_workbook

    try:
        values_book = load_workbook(path, data_only=True)
        formula_book = load_workbook(path, data_only=False)
    except FileNotFoundError:
        raise UserError(f"{path}: does not exist") from None
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise UserError(
            f"{path}: cannot be read as an Excel workbook ({type(error).__name__}); "
            "save it from Excel as .xlsx"
        ) from None
    name = sheet or values_book.sheetnames[0]
    if name not in values_book.sheetnames:
        raise UserError(f"{path}: no sheet {name!r}; sheets: {', '.join(values_book.sheetnames)}")
    values, formulas = values_book[name], formula_book[name]
    rows = [tuple(c.value for c in row) for row in values.iter_rows()]
    header_index = _find_header(rows)
    if header_index is None:
        raise UserError(f"{path}: sheet {name!r} has no header row with a 'ref' column")
    header = [_text(c).lower() for c in rows[header_index]]
    problems: list[Problem] = []
    for column in ("ref", "value"):
        if column not in header:
            problems.append(
                Problem(
                    "missing-column",
                    f"no {column!r} column in the header row",
                    f"{name}!{header_index + 1}:{header_index + 1}",
                    hint="the header needs at least ref and value",
                )
            )
    if problems:
        raise InputError(problems)
    columns = {c: header.index(c) for c in (*COLUMNS, "financial_year", "quarter") if c in header}
    out_rows: list[tuple[int, dict[str, str]]] = []
    for offset, row in enumerate(rows[header_index + 1 :]):
        row_number = header_index + 2 + offset
        if not any(_text(c) for c in row):
            continue
        if not _in_period(row, columns, period):
            continue
        cells: dict[str, str] = {}
        for column, index in columns.items():
            if column in ("financial_year", "quarter"):
                continue
            cell = values.cell(row=row_number, column=index + 1)
            where = _cell_name(name, row_number, index + 1)
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
            ref = cells.get("ref", "")
            cells[column] = _cell_text(column, cell, ref, indicators, where, problems)
        out_rows.append((row_number, cells))
    if problems:
        raise InputError(problems)
    text = _to_csv(out_rows)
    _, found = parse_results(text.encode("utf-8"), str(path), indicators)
    if found:
        line_to_row = {line: row for line, (row, _) in enumerate(out_rows, start=2)}
        raise InputError([_relocate(p, name, columns, line_to_row) for p in found])
    return text


def _in_period(row: tuple[Any, ...], columns: dict[str, int], period: Period) -> bool:
    """Rows of an --all-periods export belong to one period each; keep this one's."""
    if "financial_year" not in columns or "quarter" not in columns:
        return True
    year = _text(row[columns["financial_year"]])
    quarter = _text(row[columns["quarter"]]).upper().removeprefix("Q")
    return year in ("", period.financial_year) and quarter in ("", str(period.quarter))


def _cell_text(
    column: str,
    cell: Any,
    ref: str,
    indicators: Mapping[str, Indicator],
    where: str,
    problems: list[Problem],
) -> str:
    value = cell.value
    if column == "value" and isinstance(value, int | float) and not isinstance(value, bool):
        indicator = indicators.get(ref)
        unit = indicator.unit if indicator else "number"
        number = float(value)
        if _is_percent_format(cell.number_format):
            number *= 100
            decimals = _format_decimals(cell.number_format) or 0
            return number_text(round(number, decimals), decimals, unit)
        return number_text(number, _format_decimals(cell.number_format), unit)
    if column == "value" and isinstance(value, dt.date | dt.datetime):
        problems.append(
            Problem(
                "bad-value",
                f"value is a date ({value:%d/%m/%Y}), not a number",
                where,
                hint="format the cell as a number",
            )
        )
        return ""
    if column == "published_rag":
        text = _text(value)
        return _WORDS_TO_RAG.get(text.lower(), text)
    if column == "comparable":
        text = _text(value)
        return "" if text.lower() in ("true", "yes") else text
    return _text(value)


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
    from openpyxl.utils import get_column_letter

    row = line_to_row.get(problem.line or 0)
    column = columns.get(problem.column or "")
    if row is None or column is None:
        return Problem(**{**problem.__dict__, "file": sheet, "line": None})
    where = f"{sheet}!{get_column_letter(column + 1)}{row}"
    return Problem(**{**problem.__dict__, "file": where, "line": None, "column": None})
