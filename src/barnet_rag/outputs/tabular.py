"""Rated indicators as flat rows for CSV, with spreadsheet formula injection neutralised."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import IO, TYPE_CHECKING, Any

from barnet_rag.collector import collector_paused

if TYPE_CHECKING:  # the models import pydantic; the columnar path writes without them
    from barnet_rag.project.models import RatedIndicator

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
    from barnet_rag.engine.rated import RatedIndicator

    return RatedIndicator.public_fields()


def indicator_rows(indicators: Iterable[RatedIndicator]) -> list[dict[str, Any]]:
    """One dict per indicator, keyed by the JSON field names (what ``model_dump`` gives)."""
    from barnet_rag.engine.rated import RatedIndicator

    fields = RatedIndicator.public_fields()
    columns = RatedIndicator.public_columns(list(indicators))
    return [dict(zip(fields, cells, strict=True)) for cells in zip(*columns, strict=True)]


def write_indicators_csv(
    indicators: Sequence[RatedIndicator], stream: IO[str], *, header: bool = True
) -> None:
    """Write rated indicators as :func:`write_csv` writes :func:`indicator_rows` of them,
    byte for byte, but straight from their values: no dict per indicator, and the cells of
    :data:`CHUNK_ROWS` indicators at a time."""
    from barnet_rag.engine.rated import RatedIndicator

    fields = indicator_fields()
    writer = csv.writer(stream, lineterminator="\n")
    if header:
        writer.writerow(fields)
    with collector_paused():
        for start in range(0, len(indicators), CHUNK_ROWS):
            chunk = indicators[start : start + CHUNK_ROWS]
            _write_columns(RatedIndicator.public_columns(chunk), writer, stream)


#: Rows encoded at a time: bounds the memory of the encoded cells.
CHUNK_ROWS = 10_000
#: Text that needs :func:`_text_cell` or quoting: a formula start at the beginning of a
#: cell (cells are joined with NUL) or a character the csv module quotes or we rewrite.
_NEEDS_WORK = re.compile('(?:^|\0)[=+\\-@\t\r]|[\r\n",]')


def write_csv(
    rows: Sequence[dict[str, Any]], fields: Sequence[str], stream: IO[str], *, header: bool = True
) -> None:
    """Write rows as CSV, after a header row of ``fields`` unless ``header`` is false;
    blanks for None; every text cell neutralised.

    The output is byte for byte what :class:`csv.writer` writes for the neutralised cells
    (a hypothesis test proves it), but encoded a column of :data:`CHUNK_ROWS` rows at a
    time: half the time for the 100,000 rows of a national project. The cyclic garbage
    collector is paused meanwhile: the tuples of cells are acyclic, and collections
    triggered by them find nothing.
    """
    writer = csv.writer(stream, lineterminator="\n")
    if header:
        writer.writerow(fields)
    if len(fields) < 2:  # a lone blank cell is written as "", which the columns skip
        writer.writerows(_neutralised(map(row.get, fields)) for row in rows)
        return
    with collector_paused():
        for start in range(0, len(rows), CHUNK_ROWS):
            _write_chunk(rows[start : start + CHUNK_ROWS], fields, writer, stream)


def write_csv_columns(columns: list[list[Any]], stream: IO[str]) -> None:
    """Write rows given as columns of cells (no header): the bytes :func:`write_csv` writes
    for the same rows, without a dict per row (``export`` writes its chunks so)."""
    with collector_paused():
        _write_columns(columns, csv.writer(stream, lineterminator="\n"), stream)


def _write_chunk(
    rows: Sequence[dict[str, Any]], fields: Sequence[str], writer: Any, stream: IO[str]
) -> None:
    try:
        cells = list(map(itemgetter(*fields), rows))
    except KeyError:
        cells = [tuple(map(row.get, fields)) for row in rows]
    _write_columns([list(column) for column in zip(*cells, strict=True)], writer, stream)


def _write_columns(columns: list[list[Any]], writer: Any, stream: IO[str]) -> None:
    encoded = [_encoded(column) for column in columns]
    if any(column is None for column in encoded):
        writer.writerows(_neutralised(cells) for cells in zip(*columns, strict=True))
    else:
        stream.write("\n".join(map(",".join, zip(*encoded, strict=True))) + "\n")


def _neutralised(cells: Iterable[Any]) -> list[Any]:
    """A row's cells as :func:`write_csv` hands them to :class:`csv.writer`."""
    return [
        ""
        if cell is None
        else _text_cell(cell)
        if isinstance(cell, str) and (cell.startswith(_FORMULA_START) or "\r" in cell)
        else cell
        for cell in cells
    ]


_NUMBERS = {int, float, type(None)}
_FLAGS = {True: "True", False: "False", None: ""}
_BLANK: dict[Any, str] = {None: ""}


def _encoded(column: list[Any]) -> list[str] | None:
    """A column's cells as CSV text, or None when it holds a type not handled here."""
    kinds = set(map(type, column))
    if kinds <= {str, type(None)}:
        distinct = set(column)
        distinct.discard(None)
        if not _NEEDS_WORK.search("\0".join(distinct)):
            return list(map(_BLANK.get, column, column))
        memo = {text: _quoted(_neutralised_text(text)) for text in distinct}
        memo[None] = ""
        return list(map(memo.__getitem__, column))
    if kinds <= _NUMBERS:  # str() of an int or float never needs quotes
        return ["" if v is None else str(v) for v in column]
    if kinds <= {bool, type(None)}:
        return list(map(_FLAGS.__getitem__, column))
    return None


def _neutralised_text(text: str) -> str:
    return _text_cell(text) if text.startswith(_FORMULA_START) or "\r" in text else text


def _quoted(text: str) -> str:
    """``text`` quoted as :class:`csv.writer` quotes it (minimal quoting, "\\n" lines)."""
    if "," in text or '"' in text or "\n" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _text_cell(text: str) -> str:
    """Neutralised, with carriage returns as newlines: the csv module quotes a cell holding
    "\\n" but not one holding a lone "\\r", and an unquoted "\\r" splits the row in two."""
    return str(neutralise(text)).replace("\r\n", "\n").replace("\r", "\n")
