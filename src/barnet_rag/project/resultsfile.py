"""Parsing one quarterly results CSV (docs/rules.md) into :class:`Result` rows.

Works on bytes, so the caller owns the I/O. Rows with problems are left out and every
problem is reported with its file, line and column; nothing is dropped silently.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import re
from collections import Counter
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from itertools import compress, repeat
from operator import itemgetter
from typing import TYPE_CHECKING

from barnet_rag.collector import collector_paused
from barnet_rag.engine.inputs import Result
from barnet_rag.errors import CappedProblems, Problem
from barnet_rag.project.numbers import MAX_MAGNITUDE as MAX_MAGNITUDE
from barnet_rag.project.numbers import NOT_REPORTED as NOT_REPORTED
from barnet_rag.project.numbers import CellError as CellError
from barnet_rag.project.numbers import parse_value as parse_value
from barnet_rag.terms import Rag

if TYPE_CHECKING:  # the models import pydantic
    from _csv import Reader

    from barnet_rag.project.models import Indicator

COLUMNS = ("ref", "value", "label", "comparable", "note", "comment", "published_rag")
REQUIRED = ("ref", "value")
#: The columns whose (quoted) cells may hold line breaks.
MULTILINE = ("note", "comment")
#: Unicode category Cc: no cell may hold one (bar line breaks in :data:`MULTILINE` cells).
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: Each byte mapped to 0 when it is a C0 control other than CR and LF, or DEL; else to 1.
_CONTROL_BYTES = bytes(0 if (b < 0x20 and b not in b"\r\n") or b == 0x7F else 1 for b in range(256))
#: The C1 controls U+0080-U+009F in UTF-8.
_C1 = re.compile(b"\xc2[\x80-\x9f]")


def has_control(data: bytes) -> bool:
    """True when UTF-8 ``data`` holds a character of category Cc other than CR and LF.

    A check of the bytes, without decoding, so that clean files (nearly all) cost little.
    """
    return 0 in data.translate(_CONTROL_BYTES) or (b"\xc2" in data and bool(_C1.search(data)))


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
    capped = CappedProblems()
    for name in header:
        if name not in COLUMNS:
            if capped.full("unknown-column"):
                capped.count("unknown-column", 1)
                continue
            import difflib

            close = difflib.get_close_matches(name, COLUMNS, n=1)
            capped.add(
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
    counts = Counter(header)
    for name in dict.fromkeys(n for n in header if counts[n] > 1):
        capped.add(
            Problem("duplicate-column", f"column {name!r} appears twice", shown, 1, column=name)
        )
    problems = capped.result()
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
    *,
    fast: bool = True,
    memo: CellMemo | None = None,
    foreign: Container[str] = frozenset(),
) -> tuple[dict[str, Result], list[Problem]]:
    """Parse a results file; unknown refs and out-of-range percents are problems.
    ``levels`` gives each ref's scheme's level codes, for ``published_rag`` (Barnet's by
    default; None for a ref whose scheme could not be read).

    A clean row (nearly all of them) takes a short way: its value cell and its other cells
    are read by the same functions as every row's, once per distinct text, and the result
    is reused. ``fast`` False reads every row the long way, so a test can compare the two.
    ``memo`` (made for the same ``indicators`` and ``levels``) carries those texts from one
    file to the next. A row of a ``foreign`` ref (another part's, rated in a process of its
    own: see :func:`barnet_rag.api.rate_in_parts`) is passed over, once its cells are seen
    to be whole.
    """
    with _rows_held_out_of_collector(len(data)):
        return _parse(data, shown, indicators, levels, fast=fast, memo=memo, foreign=foreign)


#: A file of this many bytes or more (some ten thousand rows) is read with the collector
#: paused and its rows frozen afterwards; smaller ones are not worth it.
HELD_BYTES = 256 * 1024


@contextlib.contextmanager
def _rows_held_out_of_collector(size: int) -> Iterator[None]:
    """For a file of ``size`` bytes of at least :data:`HELD_BYTES`: pause the cyclic
    collector while it is read, then move every object alive (its rows among them) into
    the collector's permanent generation, and restore the collector's state.

    A :class:`Result` is a tuple subclass, which the collector never untracks, so each of
    its full passes walked every row read so far (about 3 s on the national data's 1.2 M
    rows); the rows hold no cycle, and a frozen object is still freed when its count
    drops to zero."""
    if size < HELD_BYTES:
        yield
        return
    with collector_paused():
        yield
        gc.freeze()


def _parse(
    data: bytes,
    shown: str,
    indicators: Mapping[str, Indicator],
    levels: Mapping[str, Sequence[str] | None] | None,
    *,
    fast: bool,
    memo: CellMemo | None,
    foreign: Container[str],
) -> tuple[dict[str, Result], list[Problem]]:
    """:func:`parse_results`, without the collector's handling."""
    text, problems = _decode(data, shown)
    if text is None:
        return {}, problems
    # Most files hold no control character at all: then only a row over several lines
    # (a line break inside a quoted cell) needs its cells looked at.
    controlled = has_control(data)
    lines = _plain_lines(text) if fast and not controlled else None
    if lines is not None:
        header = [h.strip() for h in lines[0].split(",")]
    else:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            header = [h.strip() for h in next(reader, [])]
        except csv.Error as error:
            return {}, [
                Problem("csv-syntax", f"not valid CSV: {error}", shown, 1, hint=_QUOTE_HINT)
            ]
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
    capped = CappedProblems()
    ref_at = header.index("ref")
    width = len(header)
    suggest = RefSuggester(indicators)

    def long_way(row: list[str], start: int, line: int) -> None:
        """Read one row with every check; its problems go to ``capped``."""
        if not any(cell.strip() for cell in row) and not (
            controlled and any(CONTROL.search(cell) for cell in row)
        ):
            return
        if len(row) != width:
            capped.add(
                Problem(
                    "ragged-row",
                    f"the row has {_cells(len(row))} but the header has {_cells(width)}",
                    shown,
                    line,
                    hint="check for a missing or extra comma; quote cells that contain commas",
                )
            )
            return
        controls = control_problems(header, row, shown, start) if controlled or line > start else []
        if controls:
            capped.extend(controls)
            return
        if foreign and row[ref_at].strip() in foreign:
            return
        if capped.full("unknown-ref") and (ref := row[ref_at].strip()) and ref not in indicators:
            capped.count("unknown-ref", line)  # no did-you-mean search for each of a million rows
            return
        cells = {name: cell.strip() for name, cell in zip(header, row, strict=True)}
        codes = _BARNET_CODES if levels is None else levels.get(cells["ref"], _BARNET_CODES)
        result, found = _parse_row(cells, shown, line, indicators, suggest, codes)
        capped.extend(found)
        if result is None:
            return
        if result.ref in results:
            capped.add(
                _cell_problem(
                    "duplicate-row",
                    f"ref {result.ref!r} appears again (first on line {results[result.ref].line})",
                    shown,
                    line,
                    "ref",
                )
            )
            return
        results[result.ref] = result

    if fast and not controlled:
        memo = CellMemo(indicators, levels) if memo is None else memo
        if lines is not None:
            numbers: Sequence[int] = memo.line_numbers(len(lines))
            body: Sequence[str] = lines[1:]
            if foreign:
                numbers, body = _own_lines(numbers, body, foreign, ref_at, width)
            rows: Iterator[tuple[int, int, list[str]]] = zip(
                numbers, numbers, map(str.split, body, repeat(",")), strict=False
            )
        else:
            rows = _csv_rows(reader, capped, shown)
        memo.read(header, shown, rows, results, long_way, foreign)
    else:
        rows = _csv_rows(reader, capped, shown)
        for start, line, row in rows:
            long_way(row, start, line)
    return results, problems + capped.result()


def _own_lines(
    numbers: Sequence[int], lines: Sequence[str], foreign: Container[str], ref_at: int, width: int
) -> tuple[list[int], list[str]]:
    """The lines of a plain file (as :func:`_plain_lines` gives them) and their numbers,
    less lines that are a whole row of a ``foreign`` ref: :meth:`CellMemo.read` would pass
    such a row over once split, so it is passed over here without splitting. A row kept
    here that is one after all (its ref cell has spaces) is passed over there."""
    commas = width - 1
    if ref_at == 0:
        keep = [
            line[: line.find(",")] not in foreign or line.count(",") != commas for line in lines
        ]
    else:
        keep = [
            line.count(",") != commas or line.split(",", ref_at + 1)[ref_at] not in foreign
            for line in lines
        ]
    return list(compress(numbers, keep)), list(compress(lines, keep))


def _plain_lines(text: str) -> list[str] | None:
    """The file's lines when splitting at commas reads them as :mod:`csv` would: no quote
    character, line breaks all LF or CRLF, no cell over the csv module's size limit; else
    None (then the csv module reads the file)."""
    if '"' in text:
        return None
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return None
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if max(map(len, lines)) > csv.field_size_limit():
        return None
    return lines


def _csv_rows(
    reader: Reader, capped: CappedProblems, shown: str
) -> Iterator[tuple[int, int, list[str]]]:
    """Each row after the header as (first line, last line, cells); a CSV syntax error is
    added to ``capped`` and ends the rows."""
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            capped.add(
                Problem("csv-syntax", f"not valid CSV: {error}", shown, start, hint=_QUOTE_HINT)
            )
            return
        yield start, reader.line_num, row


def control_problems(header: list[str], row: list[str], shown: str, start: int) -> list[Problem]:
    """A problem for each cell of the row (which starts on line ``start``) holding a control
    character: a line break outside a note or comment cell, or anything else of category Cc.

    Such characters are invisible in a spreadsheet, and in a terminal they can move the
    cursor, clear the screen or recolour the text that follows.
    """
    problems = []
    line = start
    for name, cell in zip(header, row, strict=True):
        for match in CONTROL.finditer(cell):
            char = match.group()
            at = line + cell.count("\n", 0, match.start())
            if char in "\r\n":
                if name in MULTILINE:
                    continue
                message = (
                    f"a line break in the {name} cell; only note and comment cells may hold one"
                )
                hint = "put the text on one line"
            else:
                message = f"the control character U+{ord(char):04X} is not allowed in a cell"
                hint = "delete it; it often comes with text pasted from another program"
            problems.append(
                Problem("control-character", message, shown, at, column=name, hint=hint)
            )
            break
        line += cell.count("\n")
    return problems


#: Characters that are easily read or typed for one another, after case folding.
_LOOKALIKES = str.maketrans({"l": "1", "i": "1", "|": "1", "o": "0"})


def _one_edit_apart(a: str, b: str) -> bool:
    """True when one substitution, insertion, deletion or swap of neighbours turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) < len(b):
        return a[start:] == b[start + 1 :]
    swapped = a[start + 1 : start + 2] + a[start : start + 1]
    return a[start + 1 :] == b[start + 1 :] or (
        swapped == b[start : start + 2] and a[start + 2 :] == b[start + 2 :]
    )


class RefSuggester:
    """The known ref a mistyped one most likely means, for "did you mean" hints.

    Slips are tried before :mod:`difflib`'s fuzzy match: the same ref in another case
    (``sc/2``), then with a look-alike character (``SC/l`` for SC/1, ``O`` for 0), then
    one character added, dropped, changed or swapped, in any case. The indexes are built
    on the first unknown ref only.
    """

    def __init__(self, known: Mapping[str, object]) -> None:
        self.known = known
        self._folded: dict[str, str] | None = None
        self._alike: dict[str, str] = {}

    def __call__(self, ref: str) -> str | None:
        """The best suggestion for ``ref``, or None when nothing is close."""
        if self._folded is None:
            self._folded, self._alike = {}, {}
            for name in self.known:
                self._folded.setdefault(name.casefold(), name)
                self._alike.setdefault(name.casefold().translate(_LOOKALIKES), name)
        folded = ref.casefold()
        found = self._folded.get(folded) or self._alike.get(folded.translate(_LOOKALIKES))
        if found is not None:
            return found
        near = [name for key, name in self._folded.items() if _one_edit_apart(folded, key)]
        import difflib  # only for a ref no plan has: not on every run's start-up

        close = difflib.get_close_matches(
            ref, near or list(self.known), n=1, cutoff=0 if near else 0.6
        )
        return close[0] if close else None


def _cells(count: int) -> str:
    return f"{count} cell" if count == 1 else f"{count} cells"


def _parse_row(
    cells: dict[str, str],
    shown: str,
    line: int,
    indicators: Mapping[str, Indicator],
    suggest: RefSuggester,
    codes: Sequence[str] | None = _BARNET_CODES,
) -> tuple[Result | None, list[Problem]]:
    ref = cells["ref"]
    if not ref:
        return None, [_cell_problem("missing-ref", "ref is blank", shown, line, "ref")]
    indicator = indicators.get(ref)
    if indicator is None:
        close = suggest(ref)
        return None, [
            Problem(
                "unknown-ref",
                f"ref {ref!r} is not an indicator in any plan",
                shown,
                line,
                column="ref",
                hint=f"did you mean {close}?" if close else "add it to a plan or remove the row",
            )
        ]
    try:
        value, decimals, problems = _value_cell(cells["value"], ref, indicator.unit, shown, line)
    except CellError as error:
        return None, [_cell_problem("bad-value", str(error), shown, line, "value")]
    other, found = _other_cells(cells, codes, shown, line)
    problems += found
    if problems:
        return None, problems
    label, comparable, note, comment, rag = other
    return Result(ref, value, label, comparable, note, comment, rag, line, decimals), []


def _value_cell(
    text: str, ref: str, unit: str, shown: str, line: int
) -> tuple[float | None, int, list[Problem]]:
    """The value cell (stripped) of ``ref``'s row, whose indicator has ``unit``, as (value,
    decimals written, problems); raises :class:`CellError` when it is not a number at all."""
    value, decimals = parse_value(text)
    problems = []
    if value is not None and unit != "percent" and text.endswith("%"):
        problems.append(
            Problem(
                "percent-on-number",
                f"value {text!r} has a % sign but {ref} is a number indicator",
                shown,
                line,
                column="value",
                hint="if it is a percentage, set unit: percent on the indicator in its plan; "
                "else remove the %",
            )
        )
    if value is not None and unit == "percent" and not 0 <= value <= 100:
        problems.append(
            _cell_problem(
                "percent-range",
                f"value {text!r} is outside 0-100 for a percent indicator",
                shown,
                line,
                "value",
            )
        )
    return value, decimals, problems


#: A row's label, comparable, note, comment and published_rag, as a :class:`Result` holds them.
_Other = tuple[str | None, bool, str | None, str | None, Rag | None]


def _other_cells(
    cells: Mapping[str, str], codes: Sequence[str] | None, shown: str, line: int
) -> tuple[_Other, list[Problem]]:
    """A row's cells (stripped) other than ref and value, read, with their problems."""
    problems = []
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
    other = (
        cells.get("label") or None,
        comparable != "no",
        cells.get("note") or None,
        cells.get("comment") or None,
        rag,
    )
    return other, problems


#: A ref's text as its plan holds it, its unit's memo of value texts, its unit, its scheme's
#: level codes and their number in :attr:`CellMemo.codes`.
_Known = tuple[str, dict[str, tuple[float | None, int] | None], str, Sequence[str] | None, int]


class CellMemo:
    """Clean rows read from memos of what :func:`_value_cell` and :func:`_other_cells`
    made of each distinct cell text; a text with a problem (None in the memo) sends its row
    the long way, as does a row over several lines, a ragged row, an unknown or blank ref
    and a ref seen before.

    Only successes are kept, so every problem is still built by the long way, with its own
    row's line and ref. The rows share the memos' floats and labels, the plan's copy of each
    ref and one int per line number. One memo serves every file read for the same
    ``indicators`` and ``levels``; it holds at most :data:`MEMO_TEXTS` value texts.
    """

    def __init__(
        self,
        indicators: Mapping[str, Indicator],
        levels: Mapping[str, Sequence[str] | None] | None,
    ) -> None:
        self.indicators = indicators
        self.levels = levels
        #: Per unit, each value cell's (value, decimals).
        self.values: dict[str, dict[str, tuple[float | None, int] | None]] = {}
        #: Per header's other columns and set of level codes (numbered in :attr:`codes`),
        #: what each tuple of other cells holds.
        self.other: dict[tuple[str, ...], dict[int, dict[tuple[str, ...], _Other | None]]] = {}
        self.codes: dict[tuple[str, ...] | None, int] = {}
        #: Per ref seen: :meth:`_about` it.
        self.refs: dict[str, _Known] = {}
        self.numbers: list[int] = []

    def line_numbers(self, lines: int) -> list[int]:
        """2 up to at least ``lines`` (the first row's line on), shared by every file."""
        if len(self.numbers) < lines:
            self.numbers = list(range(2, lines + 2))
        return self.numbers

    def read(
        self,
        header: list[str],
        shown: str,
        rows: Iterator[tuple[int, int, list[str]]],
        results: dict[str, Result],
        long_way: Callable[[list[str], int, int], None],
        foreign: Container[str] = frozenset(),
    ) -> None:
        """Add each row's result to ``results``, passing to ``long_way`` every row that is
        not clean; a whole row of a ``foreign`` ref is passed over."""
        others = [at for at, name in enumerate(header) if name not in ("ref", "value")]
        names = tuple(header[at] for at in others)
        width, ref_at, value_at = len(header), header.index("ref"), header.index("value")
        # The other cells of a row as a tuple (itemgetter gives one cell bare, so not then).
        pick: Callable[[list[str]], tuple[str, ...]] = (
            itemgetter(*others) if len(others) > 1 else lambda row: tuple(row[at] for at in others)
        )
        if sum(map(len, self.values.values())) > MEMO_TEXTS:
            for unit_memo in self.values.values():
                unit_memo.clear()
        refs, about = self.refs, self._about
        by_codes = self.other.setdefault(names, {})
        new, get = tuple.__new__, self.indicators.get
        for start, line, row in rows:
            if line != start or len(row) != width:
                long_way(row, start, line)
                continue
            ref = row[ref_at].strip()
            known = refs.get(ref)
            if known is None:
                indicator = get(ref)
                if indicator is None:
                    if ref not in foreign:
                        long_way(row, start, line)
                    continue
                known = about(ref, indicator)
            if ref in results:
                long_way(row, start, line)
                continue
            ref, values, unit, codes, codes_key = known
            text = row[value_at]
            try:
                value = values[text]
            except KeyError:
                value = values[text] = _value(text, unit, ref, shown, line)
            texts = pick(row)
            try:
                other = by_codes[codes_key][texts]
            except KeyError:
                other = by_codes.setdefault(codes_key, {})[texts] = _other(
                    names, texts, codes, shown, line
                )
            if value is None or other is None:
                long_way(row, start, line)
                continue
            label, comparable, note, comment, rag = other
            fields = (ref, value[0], label, comparable, note, comment, rag, line, value[1])
            results[ref] = new(Result, fields)

    def _about(self, ref: str, indicator: Indicator) -> _Known:
        """What the rows of ``ref`` need of its indicator and scheme, kept for the next."""
        codes = self.levels.get(ref, _BARNET_CODES) if self.levels is not None else _BARNET_CODES
        codes_key = self.codes.setdefault(None if codes is None else tuple(codes), len(self.codes))
        values = self.values.setdefault(indicator.unit, {})
        # The plan's copy of the ref's text, so that the rows of every quarter share it.
        shared = indicator.ref if indicator.ref == ref else ref
        known = self.refs[ref] = (shared, values, indicator.unit, codes, codes_key)
        return known


#: The most value texts a :class:`CellMemo` keeps: a file of distinct values must not hold
#: a second copy of itself for the rest of the run (it is emptied when over this).
MEMO_TEXTS = 100_000


def _other(
    names: tuple[str, ...],
    texts: tuple[str, ...],
    codes: Sequence[str] | None,
    shown: str,
    line: int,
) -> _Other | None:
    """What a row's other cells hold, or None when they have a problem."""
    cells = {name: cell.strip() for name, cell in zip(names, texts, strict=True)}
    other, problems = _other_cells(cells, codes, shown, line)
    return None if problems else other


def _value(
    text: str, unit: str, ref: str, shown: str, line: int
) -> tuple[float | None, int] | None:
    """The value and decimals of a value cell, or None when it has a problem."""
    try:
        value, decimals, problems = _value_cell(text.strip(), ref, unit, shown, line)
    except CellError:
        return None
    return None if problems else (value, decimals)
