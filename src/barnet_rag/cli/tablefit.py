"""Terminal tables that fit the terminal without cutting a value short.

Rich narrows a table that is too wide by squeezing its widest columns and, as a last resort,
every column, ending values with ``…``: a result of ``69.4`` became ``69…``. Here each column
says how it may break (never, between words, or anywhere in long text) and the widths are
worked out so that no column is narrower than its longest unbreakable piece. A layout that
cannot fit is reported as ``None``, so that the caller can try a smaller one (fewer columns,
or columns stacked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

#: How a column's cells may break: ``whole`` never (codes, numbers, sparklines), ``words``
#: only between words (ratings, arrows), ``text`` anywhere in a long word (titles, labels).
Kind = Literal["whole", "words", "text"]

#: ``text`` columns are not made wider than this for their longest word: a longer word is
#: folded onto the next line (nothing is lost), as long as a cell's first word is whole.
TEXT_FLOOR = 10


@dataclass
class Column:
    """One column of a table to fit: its header, its cells and how they may break."""

    header: str
    kind: Kind = "words"
    justify: Literal["left", "right"] = "left"
    cells: list[str | Text] = field(default_factory=list)
    #: Long text that takes the room the values leave (titles), rather than values that
    #: should keep to one line when there is room.
    roomy: bool = False


def _plain(cell: str | Text) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _words(text: str) -> list[int]:
    return [cell_len(word) for word in text.split()] or [0]


def minimum(column: Column) -> int:
    """The narrowest the column may be: its header's longest word, and per cell the whole
    cell (``whole``), its longest word (``words``) or its first word and up to
    :data:`TEXT_FLOOR` (``text``)."""
    widths = [max(_words(column.header))]
    for cell in map(_plain, column.cells):
        if column.kind == "whole":
            widths.append(max(cell_len(line) for line in cell.split("\n")))
        elif column.kind == "words":
            widths.append(max(_words(cell)))
        else:
            first = [cell_len(line.split()[0]) for line in cell.split("\n") if line.split()]
            widths.append(max([min(max(_words(cell)), TEXT_FLOOR), *first]))
    return max(widths)


def maximum(column: Column) -> int:
    """The widest the column needs: its longest line."""
    lines = [line for cell in [column.header, *column.cells] for line in _plain(cell).split("\n")]
    return max(cell_len(line) for line in lines)


def overhead(columns: int) -> int:
    """Characters a boxed table with one space of padding adds to its columns' widths."""
    return 3 * columns + 1


def _fill(low: list[int], high: list[int], room: int) -> list[int]:
    """Widths from ``low`` towards ``high`` within ``room``, the narrowest served first."""
    cap = 0
    while (
        cap < max(high, default=0)
        and sum(max(lo, min(hi, cap + 1)) for lo, hi in zip(low, high, strict=True)) <= room
    ):
        cap += 1
    fitted = [max(lo, min(hi, cap)) for lo, hi in zip(low, high, strict=True)]
    spare = room - sum(fitted)
    for index, (now, hi) in enumerate(zip(fitted, high, strict=True)):
        if spare > 0 and now < hi:
            fitted[index] += 1
            spare -= 1
    return fitted


def widths(columns: list[Column], width: int) -> list[int] | None:
    """Column widths that fit ``width`` without going under any column's minimum; None when
    even the minimums do not fit. Values get the room they need first, so that they stay on
    one line; long text (``roomy`` columns) takes what is left."""
    room = width - overhead(len(columns))
    low = [minimum(c) for c in columns]
    high = [max(lo, maximum(c)) for lo, c in zip(low, columns, strict=True)]
    if sum(low) > room:
        return None
    fitted = list(low)
    for roomy in (False, True):
        chosen = [i for i, c in enumerate(columns) if c.roomy is roomy]
        left = room - sum(fitted) + sum(fitted[i] for i in chosen)
        grown = _fill([low[i] for i in chosen], [high[i] for i in chosen], left)
        for index, size in zip(chosen, grown, strict=True):
            fitted[index] = size
    return fitted


def fit(title: str, columns: list[Column], width: int, *, force: bool = False) -> Table | None:
    """A Rich table of ``columns`` no wider than ``width``, or None when it cannot fit; with
    ``force``, the table at its minimum widths whatever the width, long values folded onto
    further lines rather than cut (for terminals too narrow for any layout)."""
    sizes = widths(columns, width)
    if sizes is None:
        if not force:
            return None
        sizes = [minimum(c) for c in columns]
    table = Table(title=Text(title), title_justify="left")
    for column, size in zip(columns, sizes, strict=True):
        table.add_column(Text(column.header), justify=column.justify, width=size, overflow="fold")
    rows = max((len(c.cells) for c in columns), default=0)
    for index in range(rows):
        table.add_row(*(_cell(c, c.cells[index], force) for c in columns))
    return table


def _cell(column: Column, cell: str | Text, force: bool) -> Text:
    """A cell as literal text (text from files is never markup, and is measured as it is
    printed); a ``whole`` column's cell kept to its lines (the header may still wrap)."""
    text = cell.copy() if isinstance(cell, Text) else Text(cell)
    if column.kind == "whole" and not force:
        text.no_wrap = True
    return text


def first_fit(title: str, layouts: list[list[Column]], width: int) -> Table:
    """The first of ``layouts`` (richest first) that fits ``width``; the last one folded
    when none does."""
    for columns in layouts:
        table = fit(title, columns, width)
        if table is not None:
            return table
    forced = fit(title, layouts[-1], width, force=True)
    assert forced is not None
    return forced
