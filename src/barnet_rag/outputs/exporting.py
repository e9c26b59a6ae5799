"""Open-data export: every indicator's rating, one row per indicator and period.

Rows carry the public JSON field names of a rated indicator (docs/rules.md) after
``financial_year`` and ``quarter``. They are written as CSV (UTF-8 with a BOM, as Excel
saves "CSV UTF-8"), JSON (an array of row objects) or XLSX. Text that a spreadsheet would
run as a formula is neutralised in CSV and XLSX alike.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from barnet_rag.engine.inputs import BARNET_LEVELS, LevelRule
from barnet_rag.errors import UserError
from barnet_rag.outputs.display import is_barnet_level, level_for
from barnet_rag.outputs.tabular import (
    indicator_fields,
    indicator_rows,
    neutralise,
    write_csv,
    write_csv_columns,
)
from barnet_rag.periods import Period
from barnet_rag.terms import RAG_WORDS

if TYPE_CHECKING:
    from barnet_rag.project.models import RatedIndicator

EXPORT_FORMATS = ("csv", "json", "xlsx")
BOM = "\ufeff"

#: Columns holding a value in the indicator's own unit (``%`` for percent indicators).
UNIT_COLUMNS = frozenset(
    {"value", "previous_value", "last_year_value", "target", "counted_value", "last_reported_value"}
)
#: Columns holding a RAG, spelled out and coloured in XLSX.
RAG_COLUMNS = frozenset({"rag", "published_rag"})
#: Fill and font colours per RAG (white or black text with at least AA contrast).
RAG_COLOURS: dict[str, tuple[str, str]] = {
    "G": ("00703C", "FFFFFF"),
    "GA": ("FFD966", "000000"),
    "RA": ("F4B183", "000000"),
    "R": ("C00000", "FFFFFF"),
    "Monitor": ("DDEBF7", "000000"),
    "Not reported": ("E7E6E6", "000000"),
}
#: Indicators turned into rows at a time when streaming CSV and JSON: bounds the memory of
#: the row dicts (a national export's 100,000 would take hundreds of megabytes).
CHUNK_ROWS = 10_000
#: Rows looked at when sizing XLSX columns; enough to see every kind of value.
WIDTH_SAMPLE = 2000
MAX_WIDTH = 60
#: The header row and the columns up to ``ref`` stay in view when scrolling.
FREEZE_AT = "E2"
#: Control characters an XLSX cell cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE): tab,
#: newline and carriage return are allowed.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_text(value: Any) -> Any:
    """Text an XLSX cell can hold: a control character is written as its escape
    (``\\x1b``), visibly, rather than crashing the export or being dropped unseen."""
    if not isinstance(value, str):
        return value
    return _XLSX_ILLEGAL.sub(lambda m: f"\\x{ord(m[0]):02x}", value)


def export_fields() -> list[str]:
    """The export's columns: the period, then every JSON field of a rated indicator."""
    return ["financial_year", "quarter", *indicator_fields()]


def export_periods(
    available: Iterable[Period], period: Period | None, all_periods: bool
) -> list[Period]:
    """The periods to export: ``period`` alone, or with ``all_periods`` every period that
    has a results file (up to ``period`` when one is given)."""
    if not all_periods:
        if period is None:
            raise UserError("give a PERIOD to export, e.g. Q3-2017, or --all-periods")
        return [period]
    periods = sorted(p for p in available if period is None or p <= period)
    if not periods:
        raise UserError(
            "no results files to export: add results/<yyyy-yy>/Q<n>.csv, "
            "e.g. results/2017-18/Q3.csv"
        )
    return periods


def with_period(period: Period, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Export rows: each rated indicator's row after the period's year and quarter."""
    first = {"financial_year": period.financial_year, "quarter": period.quarter_label}
    return [{**first, **row} for row in rows]


def export_rows(
    periods: Sequence[Period], rated: Sequence[Sequence[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """One row per indicator and period, oldest period first; ``rated`` holds each
    period's indicator rows (:func:`barnet_rag.outputs.tabular.indicator_rows`)."""
    rows: list[dict[str, Any]] = []
    for period, period_rows in zip(periods, rated, strict=True):
        rows.extend(with_period(period, period_rows))
    return rows


def export_chunks(
    periods: Sequence[Period], rated: Sequence[Sequence[RatedIndicator]]
) -> Iterator[list[dict[str, Any]]]:
    """:func:`export_rows` a chunk of :data:`CHUNK_ROWS` at a time, each made only when the
    writer asks for it, so that the rows of a national export are never all held at once;
    ``rated`` holds each period's rated indicators."""
    for period, indicators in zip(periods, rated, strict=True):
        for start in range(0, len(indicators), CHUNK_ROWS):
            yield with_period(period, indicator_rows(indicators[start : start + CHUNK_ROWS]))


def export_columns(
    periods: Sequence[Period], rated: Sequence[Sequence[RatedIndicator]]
) -> Iterator[list[list[Any]]]:
    """The cells of :func:`export_chunks` as columns in :func:`export_fields` order, a chunk
    at a time: for CSV, which writes a column at a time, without making a dict per row."""
    from barnet_rag.engine.rated import RatedIndicator

    for period, indicators in zip(periods, rated, strict=True):
        for start in range(0, len(indicators), CHUNK_ROWS):
            chunk = indicators[start : start + CHUNK_ROWS]
            columns = RatedIndicator.public_columns(chunk)
            size = len(chunk)
            yield [[period.financial_year] * size, [period.quarter_label] * size, *columns]


def write_csv_columns_export(chunks: Iterable[list[list[Any]]], stream: IO[str]) -> None:
    """:func:`write_csv_chunks` of the rows of ``chunks`` given as columns
    (:func:`export_columns`): the same bytes."""
    stream.write(BOM)
    fields = export_fields()
    write_csv([], fields, stream)  # the header
    for columns in chunks:
        if columns[0]:
            write_csv_columns(columns, stream)


def export_csv_rows(period: Period, indicators: Sequence[RatedIndicator]) -> str:
    """The CSV rows (no BOM, no header) that :func:`write_csv_columns_export` writes for
    ``indicators`` rated in ``period``: one part of a project rated in parts."""
    import io

    text = io.StringIO()
    for columns in export_columns([period], [indicators]):
        if columns[0]:
            write_csv_columns(columns, text)
    return text.getvalue()


def write_csv_parts_export(parts: Iterable[str], stream: IO[str]) -> None:
    """The BOM, the header, then each part's :func:`export_csv_rows`: the bytes of
    :func:`write_csv_columns_export` for the parts' indicators in order."""
    stream.write(BOM)
    write_csv([], export_fields(), stream)
    for text in parts:
        stream.write(text)


def write_csv_export(rows: Sequence[dict[str, Any]], stream: IO[str]) -> None:
    """CSV with a BOM, so Excel reads it as UTF-8; formula-like text neutralised."""
    write_csv_chunks([rows], stream)


def write_csv_chunks(chunks: Iterable[Sequence[dict[str, Any]]], stream: IO[str]) -> None:
    """:func:`write_csv_export` of the rows of ``chunks``, one chunk after another: the same
    bytes as for all the rows at once (a CSV row does not depend on the others)."""
    stream.write(BOM)
    fields = export_fields()
    header = True
    for rows in chunks:
        write_csv(rows, fields, stream, header=header)
        header = False
    if header:  # no rows at all: the header alone
        write_csv([], fields, stream)


def write_json_export(rows: Sequence[dict[str, Any]], stream: IO[str]) -> None:
    """A JSON array of row objects, one per line; values as in ``rate --format json``."""
    write_json_chunks([rows], stream)


def write_json_chunks(chunks: Iterable[Sequence[dict[str, Any]]], stream: IO[str]) -> None:
    """:func:`write_json_export` of the rows of ``chunks``, one chunk after another."""
    fields = export_fields()
    stream.write("[")
    separator = "\n"
    for rows in chunks:
        for row in rows:
            stream.write(separator)
            separator = ",\n"
            record = {k: _finite(row.get(k)) for k in fields}
            stream.write(json.dumps(record, ensure_ascii=False, allow_nan=False))
    stream.write("]\n" if separator == "\n" else "\n]\n")


def _finite(value: Any) -> Any:
    """JSON has no infinity: a missed target of zero (infinite shortfall) is null, as in
    ``rate --format json``."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _decimals(value: float) -> int:
    text = f"{value:.9f}".rstrip("0")
    return len(text.split(".")[1])


def number_format(column: str, value: float, unit: str | None) -> str:
    """The XLSX number format of a numeric cell: values keep their number, formats add
    ``%`` for percent indicators; a shortfall is a fraction shown as a percent."""
    if column == "shortfall":
        return "0.0%"
    decimals = _decimals(value)
    text = "#,##0" + ("." + "0" * decimals if decimals else "")
    if column in UNIT_COLUMNS and unit == "percent":
        text += '"%"'
    return text


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return len(RAG_WORDS.get(value, value))
    return len(f"{value:,}") + 1 if isinstance(value, float | int) else len(str(value))


def column_widths(rows: Sequence[dict[str, Any]], fields: Sequence[str]) -> list[int]:
    """Widths that fit the header and the values of the first rows, capped for long text."""
    sample = rows[:WIDTH_SAMPLE]
    return [
        min(MAX_WIDTH, max([len(name), *(_width(row.get(name)) for row in sample)]) + 2)
        for name in fields
    ]


def rag_cell_style(value: Any, levels: Sequence[LevelRule]) -> tuple[str, str, str] | None:
    """The words, fill and font colour (RRGGBB) of a RAG cell: Barnet's levels, Monitor and
    Not reported in the workbook's own colours, another scheme's levels in its colours and
    labels; None for a cell that is no rating."""
    if not isinstance(value, str):
        return None
    level = level_for(value, levels)
    if level is not None and not is_barnet_level(level):
        return level.label, level.colour[1:].upper(), level.text_colour[1:].upper()
    if value in RAG_COLOURS and (level is not None or value not in ("G", "GA", "RA", "R")):
        fill, font = RAG_COLOURS[value]
        return RAG_WORDS[value], fill, font
    return None


def write_xlsx_export(
    rows: Sequence[dict[str, Any]],
    stream: IO[bytes],
    levels: Mapping[str, Sequence[LevelRule]] | None = None,
) -> None:
    """An XLSX workbook: bold frozen header, sized columns, numbers as numbers with formats,
    RAG cells spelled out and coloured by each plan's scheme (``levels`` by plan slug;
    Barnet's by default), text neutralised."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fields = export_fields()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("ratings")
    sheet.freeze_panes = FREEZE_AT
    for index, width in enumerate(column_widths(rows, fields), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="D9D9D9")
    header = []
    for name in fields:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="top")
        header.append(cell)
    sheet.append(header)
    styles: dict[tuple[str, str], tuple[PatternFill, Font]] = {}
    by_plan = levels or {}
    for row in rows:
        cells: list[Any] = []
        unit = row.get("unit")
        plan_levels = by_plan.get(str(row.get("plan")), BARNET_LEVELS)
        for name in fields:
            value = row.get(name)
            style = rag_cell_style(value, plan_levels) if name in RAG_COLUMNS else None
            if style is not None:
                words, fill, font = style
                if (fill, font) not in styles:
                    styles[fill, font] = (
                        PatternFill("solid", fgColor=fill),
                        Font(bold=True, color=font),
                    )
                cell = WriteOnlyCell(sheet, value=words)
                cell.fill, cell.font = styles[fill, font]
                cells.append(cell)
            elif isinstance(value, float | int) and not isinstance(value, bool):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format(name, value, unit)
                cells.append(cell)
            else:
                cells.append(xlsx_text(neutralise(value)))
        sheet.append(cells)
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(fields))}{len(rows) + 1}"
    book.save(stream)


WRITERS: dict[str, Callable[[Sequence[dict[str, Any]], Any], None]] = {
    "csv": write_csv_export,
    "json": write_json_export,
    "xlsx": write_xlsx_export,
}


def write_actions_csv(rows: Sequence[dict[str, Any]], stream: IO[str]) -> None:
    """``export --actions``: CSV with a BOM, one row per action and milestone."""
    from barnet_rag.project.actions import ACTION_FIELDS

    stream.write(BOM)
    write_csv(rows, list(ACTION_FIELDS), stream)


def write_actions_json(rows: Sequence[dict[str, Any]], stream: IO[str]) -> None:
    """``export --actions --format json``: a JSON array of the same rows."""
    stream.write(json.dumps(list(rows), ensure_ascii=False, indent=1) + "\n")


def write_actions_xlsx(rows: Sequence[dict[str, Any]], stream: IO[bytes]) -> None:
    """``export --actions --format xlsx``: one sheet, ``actions``, bold frozen header."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from barnet_rag.project.actions import ACTION_FIELDS

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "actions"
    sheet.append(list(ACTION_FIELDS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutralise(row.get(name)) for name in ACTION_FIELDS])
    for index, width in enumerate(column_widths(rows, ACTION_FIELDS), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    book.save(stream)


#: The formats that are written a chunk of rows at a time (:func:`export_chunks`).
CHUNK_WRITERS: dict[str, Callable[[Iterable[Sequence[dict[str, Any]]], IO[str]], None]] = {
    "csv": write_csv_chunks,
    "json": write_json_chunks,
}


ACTION_WRITERS: dict[str, Callable[[Sequence[dict[str, Any]], Any], None]] = {
    "csv": write_actions_csv,
    "json": write_actions_json,
    "xlsx": write_actions_xlsx,
}
