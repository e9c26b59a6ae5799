"""The results files of a large project as plain columns, for :mod:`barnet_rag.outputs.fastpath`.

A clean file becomes a :class:`Quarter` of lists; anything :func:`~barnet_rag.project.resultsfile.
parse_results` would report raises :class:`Declined`, and the scalar engine runs instead.
Each clean file is parsed once per content: :class:`Quarters` keeps its columns in
:mod:`barnet_rag.project.resultscache`.
"""

from __future__ import annotations

import csv
import io
from itertools import compress
from operator import itemgetter, methodcaller
from typing import Any

from barnet_rag.engine.spc import scaled_all
from barnet_rag.errors import BarnetRagError
from barnet_rag.periods import Period
from barnet_rag.project import resultscache
from barnet_rag.project.plancache import PlanTable
from barnet_rag.project.projectfiles import ResultFiles, read_bytes
from barnet_rag.project.resultsfile import (
    _RAGS,
    COLUMNS,
    MAX_MAGNITUDE,
    MULTILINE,
    REQUIRED,
    CellError,
    has_control,
    parse_value,
)
from barnet_rag.terms import Rag

_PLAIN_CHARS = frozenset("0123456789.+-")


def _optional(column: list[str] | None, count: int) -> list[str | None]:
    """A text column with blanks as None (all None when the file has no such column)."""
    if column is None or not any(column):
        return [None] * count
    return [t or None for t in column]


class Quarter:
    """One clean results file as columns, with each ref's row number."""

    def __init__(
        self,
        refs: list[str],
        index: dict[str, int],
        values: list[float | None],
        texts: tuple[list[str | None], list[str | None], list[str | None]],
        breaks: set[str],
        rags: list[Rag | None],
        decimals: list[int],
    ) -> None:
        self.refs = refs
        self.index = index
        self.values = values
        self.decimals = decimals
        self.labels, self.notes, self.comments = texts
        self.breaks = breaks
        self.rags = rags
        self._aligned: list[int | None] | None = None

    @classmethod
    def of(
        cls,
        refs: list[str],
        index: dict[str, int],
        columns: dict[str, list[str]],
        values: tuple[list[float | None], list[int]],
    ) -> Quarter:
        """The quarter of a file's stripped text columns and parsed values with the
        decimals each was written with."""
        count = len(refs)
        rags = columns.get("published_rag")
        return cls(
            refs,
            index,
            values[0],
            (
                _optional(columns.get("label"), count),
                _optional(columns.get("note"), count),
                _optional(columns.get("comment"), count),
            ),
            set(compress(refs, columns.get("comparable", ()))),
            [_RAGS[t.lower()] if t else None for t in rags]
            if rags is not None and any(rags)
            else [None] * count,
            values[1],
        )

    def aligned(self, refs: list[str]) -> list[int | None]:
        """Each of ``refs``' value in millionths (:func:`~barnet_rag.engine.spc.scaled`), None where
        not reported; ``refs`` is always the project's table of refs."""
        if self._aligned is None:
            values = scaled_all(self.values)
            if self.refs is not refs and self.refs != refs:
                index = self.index
                values = [None if (j := index.get(ref)) is None else values[j] for ref in refs]
            self._aligned = values
        return self._aligned

    def stored(self, refs: list[str]) -> dict[str, Any]:
        """The quarter as plain lists for :mod:`~barnet_rag.project.resultscache`; ``refs`` is the
        project's table of refs, stored as None when the file lists exactly those."""
        return {
            "refs": None if self.refs is refs else self.refs,
            "values": self.values,
            "label": _packed(self.labels),
            "note": _packed(self.notes),
            "comment": _packed(self.comments),
            "breaks": sorted(self.breaks),
            "rags": _packed(self.rags),
            "decimals": self.decimals if any(self.decimals) else None,
            "aligned": self.aligned(refs),
        }

    @classmethod
    def restore(
        cls, stored: dict[str, Any], refs: list[str], index: dict[str, int]
    ) -> Quarter | None:
        """The quarter :meth:`stored` gave, or None when ``stored`` is not one for a table
        of ``refs`` (whose row numbers are ``index``)."""
        own = stored.get("refs", refs) or refs
        if stored.keys() != _STORED or not isinstance(own, list):
            return None
        count = len(own)
        columns = [stored[name] for name in (*_TEXTS, "rags", "decimals")]
        if (
            not isinstance(stored["values"], list)
            or len(stored["values"]) != count
            or not isinstance(stored["breaks"], list)
            or not isinstance(stored["aligned"], list)
            or len(stored["aligned"]) != len(refs)
            or any(c is not None and (not isinstance(c, list) or len(c) != count) for c in columns)
        ):
            return None
        if own is not refs:
            index = dict(zip(own, range(count), strict=True))
        labels, notes, comments, rags = (_unpacked(c, count) for c in columns[:4])
        decimals = [0] * count if columns[4] is None else columns[4]
        quarter = cls(
            own,
            index,
            stored["values"],
            (labels, notes, comments),
            set(stored["breaks"]),
            rags,
            decimals,
        )
        quarter._aligned = stored["aligned"]
        return quarter


_TEXTS = ("label", "note", "comment")
_STORED = {"refs", "values", *_TEXTS, "breaks", "rags", "decimals", "aligned"}


def _packed(column: list[Any]) -> list[Any] | None:
    """None for a column of only None, else the column."""
    return column if any(v is not None for v in column) else None


def _unpacked(column: list[Any] | None, count: int) -> list[Any]:
    return [None] * count if column is None else column


class Declined(Exception):
    """The input is not the plain, clean kind this path handles; use the scalar engine."""


def _values(texts: list[str]) -> tuple[list[float | None], list[int]]:
    """Parse the value column as :func:`~barnet_rag.project.resultsfile.parse_value` does: the
    values, and the decimals each was written with.

    Over the characters ``0-9 . + -`` :func:`float` accepts exactly the plain numbers that
    function accepts, so a column of only those characters is parsed in one sweep.
    """
    joined = "".join(texts)
    if set(joined) <= _PLAIN_CHARS:
        try:
            values: list[float | None] = [float(t) if t else None for t in texts]
        except ValueError:
            pass
        else:
            present = [v for v in values if v is not None]
            if not present or -MAX_MAGNITUDE <= min(present) <= max(present) <= MAX_MAGNITUDE:
                if "." not in joined:
                    return values, [0] * len(texts)
                return values, [len(t) - t.index(".") - 1 if "." in t else 0 for t in texts]
    try:
        parsed = [parse_value(t) for t in texts]
    except CellError:
        raise Declined from None
    return [value for value, _ in parsed], [decimals for _, decimals in parsed]


def _has_control(data: bytes, text: str, rows: list[list[str]]) -> bool:
    """A control character in a cell, or a line break outside a note or comment cell:
    what :func:`~barnet_rag.project.resultsfile.control_problems` reports."""
    if has_control(data):
        return True
    if len(rows) >= text.count("\n") + text.count("\r") - text.count("\r\n"):
        return False  # no line break inside a cell
    header = [h.strip() for h in rows[0]]
    return any(
        ("\n" in cell or "\r" in cell) and name not in MULTILINE
        for row in rows
        for name, cell in zip(header, row, strict=False)
    )


def _column(body: list[list[str]], at: int) -> list[str]:
    """One column of the rows, each cell stripped."""
    return list(map(str.strip, map(itemgetter(at), body)))


def parse_quarter(
    data: bytes, units: dict[str, str], table: tuple[list[str], dict[str, int]] = ([], {})
) -> Quarter:
    """A clean results file as a :class:`Quarter`; :class:`Declined` on anything
    :func:`~barnet_rag.project.resultsfile.parse_results` would report. ``units`` maps each known
    ref to its unit; a file listing exactly the refs of ``table`` (the project's refs and
    their row numbers) shares them."""
    try:
        text = data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except (UnicodeDecodeError, csv.Error):
        raise Declined from None
    if not rows or _has_control(data, text, rows):
        raise Declined
    header = [h.strip() for h in rows[0]]
    if (
        any(h not in COLUMNS for h in header)
        or len(set(header)) != len(header)
        or any(r not in header for r in REQUIRED)
    ):
        raise Declined
    body = rows[1:]
    width = len(header)
    ref_at = header.index("ref")
    uniform = not set(map(len, body)) - {width}
    refs = _column(body, ref_at) if uniform else []
    if not uniform or not all(refs):
        body = [row for row in body if any(cell.strip() for cell in row)]
        if any(len(row) != width for row in body):
            raise Declined
        refs = _column(body, ref_at)
    columns = {name: refs if i == ref_at else _column(body, i) for i, name in enumerate(header)}
    if refs == table[0]:
        refs, index = table
    else:
        index = dict(zip(refs, range(len(refs)), strict=True))
        if len(index) != len(refs) or not index.keys() <= units.keys():
            raise Declined  # a ref twice, or a ref no plan has
    values, decimals = _values(columns["value"])
    if "%" in "".join(columns["value"]):
        marked = compress(refs, map(methodcaller("endswith", "%"), columns["value"]))
        if set(map(units.__getitem__, marked)) != {"percent"}:
            raise Declined  # a % sign on a number indicator
    present = [v for v in values if v is not None]
    if present and not 0 <= min(present) <= max(present) <= 100:
        for ref, value in zip(refs, values, strict=True):
            if value is not None and not 0 <= value <= 100 and units[ref] == "percent":
                raise Declined
    comparable = {c.lower() for c in set(columns.get("comparable", ()))}
    rags = {t.lower() for t in set(columns.get("published_rag", ())) if t}
    if not comparable <= {"", "no"} or not rags <= _RAGS.keys():
        raise Declined
    return Quarter.of(refs, index, columns, (values, decimals))


class Quarters:
    """The results files of a project, each read once and only when first asked for, and
    parsed once per content (:mod:`~barnet_rag.project.resultscache`) when the plans came from
    the plan cache's key."""

    def __init__(self, store: ResultFiles, table: PlanTable) -> None:
        self.store = store
        self.refs: list[str] = table.columns["ref"]
        self.index = dict(zip(self.refs, range(len(self.refs)), strict=False))
        self.units = dict(zip(self.refs, table.columns["unit"], strict=True))
        self.plan_key = table.key
        self.read: dict[Period, Quarter | None] = {}

    def get(self, period: Period) -> Quarter | None:
        """The period's rows, or ``None`` when it has no results file."""
        if period not in self.read:
            path = self.store.files.get(period)
            if path is None:
                self.read[period] = None
            else:
                try:
                    data = read_bytes(path, str(path))
                except BarnetRagError:
                    raise Declined from None
                self.read[period] = self._parse(data)
        return self.read[period]

    def _parse(self, data: bytes) -> Quarter:
        if not self.plan_key or not resultscache.enabled(len(data)):
            return parse_quarter(data, self.units, (self.refs, self.index))
        key = resultscache.entry_key(data, self.plan_key)
        stored = resultscache.read_entry(key)
        quarter = None if stored is None else Quarter.restore(stored, self.refs, self.index)
        if quarter is None:
            quarter = parse_quarter(data, self.units, (self.refs, self.index))
            resultscache.write_entry(key, quarter.stored(self.refs))
        return quarter

    def breaks(self, start: Period, end: Period) -> set[str]:
        """Refs with a ``comparable: no`` result after ``start`` up to ``end``."""
        found: set[str] = set()
        period = start.next()
        while period <= end:
            quarter = self.get(period)
            if quarter is not None:
                found |= quarter.breaks
            period = period.next()
        return found
