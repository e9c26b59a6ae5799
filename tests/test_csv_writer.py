"""tabular.write_csv writes, byte for byte, what csv.writer writes for the neutralised cells."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from barnet_rag.outputs import tabular
from barnet_rag.outputs.tabular import neutralise, write_csv


def reference_csv(rows: Sequence[dict[str, Any]], fields: Sequence[str]) -> str:
    """The csv.writer-based writer: None blank, text neutralised, "\\r" written as "\\n"."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        cells = []
        for cell in map(row.get, fields):
            if cell is None:
                cells.append("")
            elif isinstance(cell, str) and (
                cell.startswith(("=", "+", "-", "@", "\t", "\r")) or "\r" in cell
            ):
                cells.append(str(neutralise(cell)).replace("\r\n", "\n").replace("\r", "\n"))
            else:
                cells.append(cell)
        writer.writerow(cells)
    return stream.getvalue()


def written(rows: Sequence[dict[str, Any]], fields: Sequence[str]) -> str:
    stream = io.StringIO()
    write_csv(rows, fields, stream)
    return stream.getvalue()


TRICKY = st.text(
    alphabet=st.sampled_from(list('ab ,"\n\r=+-@\t.0123456789\x00é')), max_size=8
) | st.sampled_from(["", "-5", "+3.5", "=SUM(A1)", "@x", "\tx", "\r\n", '"', ",", "-"])
FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, -0.0, 1.0, 60.5])
CELLS = st.one_of(st.none(), TRICKY, FLOATS, st.integers(-(10**20), 10**20), st.booleans())
#: Columns that keep to one kind, as real rows do, so that each fast encoding is used.
COLUMNS = st.sampled_from(
    [CELLS, st.none() | TRICKY, st.none() | FLOATS, st.none() | st.booleans(), TRICKY]
)
NAMES = st.lists(st.sampled_from(["a", "b,c", 'd"e', "=f", "g\nh", "i"]), unique=True, max_size=5)


@st.composite
def tables(draw: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows of random cells, some keys missing, now and then a cell of another type."""
    fields = draw(NAMES)
    columns = {name: draw(COLUMNS) for name in fields}
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        row = {}
        for name in fields:
            if draw(st.integers(0, 15)) == 0:
                continue  # a missing key is a blank cell
            odd = draw(st.integers(0, 30)) == 0
            row[name] = Decimal("1.5") if odd else draw(columns[name])
        rows.append(row)
    return rows, fields


@contextlib.contextmanager
def chunks_of(size: int) -> Iterator[None]:
    """Encode ``size`` rows at a time meanwhile (hypothesis examples cannot use a fixture)."""
    before = tabular.CHUNK_ROWS
    tabular.CHUNK_ROWS = size
    try:
        yield
    finally:
        tabular.CHUNK_ROWS = before


@settings(max_examples=400, deadline=None)
@given(tables(), st.sampled_from([1, 2, 5, 10_000]))
def test_write_csv_equals_the_csv_writer_reference(
    table: tuple[list[dict[str, Any]], list[str]], chunk: int
) -> None:
    rows, fields = table
    with chunks_of(chunk):
        assert written(rows, fields) == reference_csv(rows, fields)


def test_formulas_are_neutralised_numbers_kept_and_carriage_returns_quoted() -> None:
    rows = [
        {"a": "=SUM(A1)", "b": -5.0, "c": "-5", "d": "two\rlines", "e": None},
        {"a": "plain, text", "b": 1e16, "c": '"quoted"', "d": True, "e": "@x"},
    ]
    assert written(rows, ["a", "b", "c", "d", "e"]) == (
        'a,b,c,d,e\n\'=SUM(A1),-5.0,-5,"two\nlines",\n"plain, text",1e+16,"""quoted""",True,\'@x\n'
    )
