"""The collection workbook: ``new-quarter PERIOD --format xlsx -o FILE [--owner NAME]``.

One sheet, ``Results``, with a row per result expected that quarter: the known facts (ref,
title, owner, unit, polarity, target, the last result with its period and label) filled in
and locked by sheet protection; the cells an officer fills in (value, label, comparable,
note, comment) unlocked, shaded and validated by Excel (decimal numbers, 0-100 for percent
indicators, yes or no for comparable). A second sheet says how to fill it in. The header
names are the results file's own, so ``barnet-rag import FILE --period P`` reads it back
as it is; the protection has no password, because it guards against slips, not people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from barnet_rag.engine.rating import choose_target
from barnet_rag.errors import UsageError
from barnet_rag.outputs.display import format_target
from barnet_rag.outputs.exporting import number_format
from barnet_rag.outputs.new_quarter import expected_in, new_quarter_rows
from barnet_rag.outputs.tabular import neutralise
from barnet_rag.periods import Period
from barnet_rag.project.collection import Expected, last_reported, store_reader
from barnet_rag.project.excel_import import FACT_COLUMNS
from barnet_rag.project.loading import Project, load_project
from barnet_rag.project.models import QuarterResults, Result
from barnet_rag.project.writing import write_with

SHEET = "Results"
INSTRUCTIONS = "Instructions"
#: Locked columns (facts) then the open ones, with their widths in characters.
LOCKED = (
    ("ref", 10),
    ("title", 60),
    ("owner", 22),
    ("unit", 9),
    ("polarity", 9),
    ("target", 18),
    ("last_result", 12),
    ("last_period", 12),
    ("last_label", 14),
)
OPEN = (("value", 12), ("label", 16), ("comparable", 12), ("note", 40), ("comment", 40))
COLUMNS = tuple(name for name, _ in (*LOCKED, *OPEN))
assert set(COLUMNS) == {"ref", *FACT_COLUMNS, *(n for n, _ in OPEN)}  # what import reads past
#: Bounds for a number indicator's value: Excel's decimal rule needs two.
NUMBER_BOUND = 1e15
INPUT_FILL = "FFF2CC"
HEADER_FILL = "D9D9D9"


@dataclass(frozen=True)
class WorkbookRow:
    """One expected result as the workbook shows it."""

    expected: Expected
    target: str
    last: tuple[Period, Result] | None
    label: str


@dataclass(frozen=True)
class CollectionWorkbook:
    """What was written: the file, the period, the owner filter and the rows."""

    path: Path
    period: Period
    owner: str | None
    rows: list[WorkbookRow]


def _target_text(expected: Expected, period: Period) -> str:
    choice = choose_target(expected.indicator, period)
    if choice.source == "no targets":
        return "No target"
    if choice.source == "text annual":
        return str(choice.annual)
    return format_target(choice.value, expected.indicator.unit)


def workbook_rows(project: Project, period: Period, owner: str | None) -> list[WorkbookRow]:
    """The rows for ``period`` (only ``owner``'s when given), in plan order."""
    expected = expected_in(project, period)
    if owner is not None:
        owners = sorted({e.owner for e in expected if e.owner is not None}, key=str.casefold)
        if owner not in owners:
            known = ", ".join(owners) or "none (set owner: in the plans)"
            raise UsageError(
                f"no results expected in {period} from owner {owner!r}; owners: {known}"
            )
        expected = [e for e in expected if e.owner == owner]
    cache: dict[Period, QuarterResults | None] = {}
    reader = store_reader(project.results.read)  # an unreadable earlier file is skipped

    def read(at: Period) -> QuarterResults | None:
        if at not in cache:
            cache[at] = reader(at) if at in project.results.files else None
        return cache[at]

    lasts = last_reported([e.indicator.ref for e in expected], period, project.results, read)
    labels = [r["label"] for r in new_quarter_rows(project, period, expected)]
    rows = []
    for item, label in zip(expected, labels, strict=True):
        at = lasts.get(item.indicator.ref)
        quarter = None if at is None else read(at)
        result = None if quarter is None else quarter.results.get(item.indicator.ref)
        rows.append(
            WorkbookRow(
                expected=item,
                target=_target_text(item, period),
                last=None if at is None or result is None else (at, result),
                label=label,
            )
        )
    return rows


def instructions(period: Period, owner: str | None, count: int) -> list[str]:
    """The instructions sheet, one paragraph per row."""
    whose = f" for {owner}" if owner else ""
    return [
        f"Results for {period} ({period.months}){whose}: {count} expected.",
        "",
        f"Fill in the shaded cells of the {SHEET} sheet, one row per indicator:",
        "value: the result as a number (74 for 74%); leave it blank if it was not reported.",
        "Percent indicators take 0 to 100.",
        "label: how the period is named in reports, e.g. Autumn 2017 for a survey wave.",
        "comparable: 'no' when the method changed with this result (no direction of travel "
        "across the break); otherwise leave it blank.",
        "note: a footnote shown under the report's table. comment: your commentary for the "
        "report's narrative on indicators that missed target.",
        "",
        "The other columns (target, last result) are locked: they come from the plans and "
        "earlier results. Review > Unprotect Sheet unlocks them (no password), but changes "
        "there are not read back.",
        "",
        f"Then save the workbook and run: barnet-rag import FILE.xlsx --period {period.cli_form}",
        f"and: barnet-rag check --period {period.cli_form} --strict",
    ]


def render_workbook(
    rows: Sequence[WorkbookRow], period: Period, owner: str | None, stream: IO[bytes]
) -> None:
    """Write the workbook: the Results sheet first (``import`` reads the first sheet)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import MultiCellRange
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    bold, header_fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    for cell in sheet[1]:
        cell.font, cell.fill = bold, header_fill
    for index, (_, width) in enumerate((*LOCKED, *OPEN), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    percent = _validation(DataValidation, "decimal", "0", "100", "a number from 0 to 100")
    number = _validation(
        DataValidation, "decimal", f"{-NUMBER_BOUND:.0f}", f"{NUMBER_BOUND:.0f}", "a number"
    )
    comparable = _validation(DataValidation, "list", '"yes,no"', None, "yes or no")
    open_fill = PatternFill("solid", fgColor=INPUT_FILL)
    first_open = len(LOCKED) + 1
    percent_rows: list[int] = []
    number_rows: list[int] = []
    for row_number, row in enumerate(rows, start=2):
        indicator = row.expected.indicator
        facts: list[Any] = [
            indicator.ref,
            indicator.title,
            row.expected.owner or "",
            indicator.unit,
            indicator.polarity,
            row.target,
            None if row.last is None else row.last[1].value,
            "" if row.last is None else str(row.last[0]),
            "" if row.last is None or not row.last[1].label else row.last[1].label,
        ]
        sheet.append(
            [neutralise(c) for c in facts] + [None, neutralise(row.label), None, None, None]
        )
        sheet.cell(row_number, 2).alignment = Alignment(wrap_text=True, vertical="top")
        last = sheet.cell(row_number, 7)
        if isinstance(last.value, float):
            last.number_format = number_format("value", last.value, indicator.unit)
        for column in range(first_open, len(COLUMNS) + 1):
            cell = sheet.cell(row_number, column)
            cell.protection = Protection(locked=False)
            cell.fill = open_fill
        (percent_rows if indicator.unit == "percent" else number_rows).append(row_number)
    value_column = get_column_letter(first_open)
    percent.sqref = MultiCellRange(cell_ranges(value_column, percent_rows))
    number.sqref = MultiCellRange(cell_ranges(value_column, number_rows))
    if rows:
        letter = get_column_letter(first_open + 2)
        comparable.sqref = MultiCellRange(f"{letter}2:{letter}{len(rows) + 1}")
    for validation in (percent, number, comparable):
        if validation.sqref.ranges:  # a validation of no cells is one Excel calls corrupt
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "B2"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # officers may still widen columns and rows
    sheet.protection.formatRows = False
    notes = book.create_sheet(INSTRUCTIONS)
    notes.column_dimensions["A"].width = 100
    for line in instructions(period, owner, len(rows)):
        notes.append([line])
    notes["A1"].font = bold
    book.save(stream)


def cell_ranges(column: str, rows: Sequence[int]) -> str:
    """Rows of one column as few ranges as they allow: ``J2:J4 J7``. A validation is given
    its cells at once, since adding them one by one takes time quadratic in the rows."""
    ranges: list[str] = []
    start = previous = None
    for row in [*rows, None]:
        if start is not None and previous is not None and row != previous + 1:
            ranges.append(f"{column}{start}" + (f":{column}{previous}" if previous > start else ""))
            start = None
        if start is None:
            start = row
        previous = row
    return " ".join(ranges)


def _validation(kind: Any, type_: str, first: str, second: str | None, what: str) -> Any:
    validation = kind(
        type=type_,
        operator="between" if second is not None else None,
        formula1=first,
        formula2=second,
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle="Not accepted",
        error=f"Enter {what}, or leave the cell blank.",
        promptTitle="Enter",
        prompt=f"{what.capitalize()}; blank if not reported."
        if type_ == "decimal"
        else "no if the method changed; else blank.",
    )
    return validation


def write_workbook(
    root: Path, period: Period, output: Path, owner: str | None = None
) -> CollectionWorkbook:
    """Write the collection workbook for ``period`` to ``output`` atomically."""
    project = load_project(root)
    rows = workbook_rows(project, period, owner)
    write_with(output, lambda stream: render_workbook(rows, period, owner, stream), binary=True)
    return CollectionWorkbook(path=output, period=period, owner=owner, rows=rows)
