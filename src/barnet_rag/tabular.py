"""Rated indicators as flat rows for CSV, with spreadsheet formula injection neutralised."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

from barnet_rag.models import RatedIndicator

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Text that is just a number, such as an annual target of ``-5``: a number, not a formula.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def neutralise(cell: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with ``'``; numbers stay numbers."""
    if (
        isinstance(cell, str)
        and cell.startswith(_FORMULA_START)
        and not _PLAIN_NUMBER.fullmatch(cell)
    ):
        return "'" + cell
    return cell


def indicator_fields() -> list[str]:
    """The CSV columns: the JSON field names of a rated indicator, in order."""
    return [name for name, field in RatedIndicator.model_fields.items() if not field.exclude]


def indicator_rows(indicators: Iterable[RatedIndicator]) -> list[dict[str, Any]]:
    """One dict per indicator, keyed by the JSON field names."""
    return [i.model_dump(mode="json") for i in indicators]


def write_csv(rows: Sequence[dict[str, Any]], fields: Sequence[str], stream: IO[str]) -> None:
    """Write rows as CSV; blanks for None; every text cell neutralised."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(fields)
    start = _FORMULA_START
    writer.writerows(
        [
            ""
            if cell is None
            else _text_cell(cell)
            if isinstance(cell, str) and (cell.startswith(start) or "\r" in cell)
            else cell
            for cell in map(row.get, fields)
        ]
        for row in rows
    )


def _text_cell(text: str) -> str:
    """Neutralised, with carriage returns as newlines: the csv module quotes a cell holding
    "\\n" but not one holding a lone "\\r", and an unquoted "\\r" splits the row in two."""
    return str(neutralise(text)).replace("\r\n", "\n").replace("\r", "\n")
