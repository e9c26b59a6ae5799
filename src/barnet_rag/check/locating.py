"""Lines for the plan-target paths of ``check``'s warnings, read off the text's indentation.

:func:`~barnet_rag.project.loading.locate` composes a plan file with PyYAML to find the line
of a YAML path: right for any YAML, and about a third of a second a plan file. The
looks-like-fraction warnings of a large project can name most of its plan files, so for a
file whose every line is a complete one-line form of block YAML (``key: value``, ``- item``,
a one-line flow collection of plain scalars, a comment; no multi-line scalar, block scalar,
quoted key, directive or document marker) the tree is given by the indentation alone, and
the lines are read from it as PyYAML would give them. Any other file, or one whose
indicators do not match its plan's, is located by ``locate``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from barnet_rag.errors import InputError, Problem
from barnet_rag.project.loading import locate, read_text
from barnet_rag.project.models import Plan

_KEY = r"[A-Za-z0-9_][A-Za-z0-9_/.\-]{0,199}+"
#: A plain scalar inside a one-line flow collection.
_FLOW_VALUE = r"(?:-(?=[0-9.]))?[A-Za-z0-9_.+/][A-Za-z0-9_.+%/ \-]*+"
_FLOW_MAP = rf"\{{ *+(?:{_KEY}: ++{_FLOW_VALUE}(?:, *+{_KEY}: ++{_FLOW_VALUE})*+)?\}}"
_FLOW_SEQ = rf"\[ *+(?:{_FLOW_VALUE}(?:, *+{_FLOW_VALUE})*+)?\]"
_DOUBLE = r'"[^"\\\n]*+(?:\\[^\n][^"\\\n]*+)*+"'
_SINGLE = r"'[^'\n]*+(?:''[^'\n]*+)*+'"
#: A plain scalar in block context: no indicator first, no ``: `` or `` #`` inside.
_PLAIN = (
    r"(?:[^\s\-?:,\[\]{}#&*!|>'\"%@`]|-(?=[0-9.]))"
    r"[^\n:#]*+(?:(?::(?=\S)|(?<! )#)[^\n:#]*+)*+"
)
_VALUE = rf"(?:{_DOUBLE}|{_SINGLE}|{_FLOW_MAP}|{_FLOW_SEQ}|{_PLAIN})"
_TAIL = r" *+(?:(?<= )#[^\n]*+)?"
_LINE = (
    rf"(?: *+(?:- ++)?{_KEY}:(?: ++{_VALUE})?{_TAIL}"
    rf"| *+- ++{_VALUE}{_TAIL}"
    r"| *+(?:#[^\n]*+)?)"
)
#: A text every line of which is one of the one-line forms.
_SIMPLE = re.compile(rf"(?:{_LINE}\n)*+(?:{_LINE})?")
#: Characters PyYAML reads as line breaks or refuses, and the byte-order mark.
_AWKWARD = re.compile("[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_ENTRY = re.compile(rf" *+(?:- ++)?({_KEY}):(?= |$)")

Loc = tuple[str | int, ...]


def locate_targets(
    problems: Sequence[Problem], plans: Sequence[tuple[str, Plan]], root: Path
) -> list[Problem]:
    """:func:`~barnet_rag.project.loading.locate` for problems at
    ``indicators[i].targets.YEAR.KEY`` paths of the plans, in the same order."""
    by_file: dict[str, list[int]] = {}
    for index, problem in enumerate(problems):
        if problem.line is None and problem.file and problem.path:
            by_file.setdefault(problem.file, []).append(index)
    located = list(problems)
    known = dict(plans)
    for file, indexes in by_file.items():
        wanted = [problems[i] for i in indexes]
        plan = known.get(file)
        lines = None if plan is None else _lines(root, file, plan, [p.path or "" for p in wanted])
        if lines is None:
            found = locate(wanted, root)
        else:
            found = [replace(p, line=line) for p, line in zip(wanted, lines, strict=True)]
        for index, problem in zip(indexes, found, strict=True):
            located[index] = problem
    return located


def _loc(path: str) -> Loc:
    """A YAML path split as ``locate`` splits it: ``a[3].b`` -> (a, 3, b)."""
    return tuple(int(k) if k.isdigit() else k for k in re.split(r"\.|\[|\]\.?", path) if k)


def _lines(root: Path, file: str, plan: Plan, paths: Sequence[str]) -> list[int] | None:
    """The line of each path in the plan's file, or None when the file is not simple."""
    try:
        text = read_text(root / file, file)
    except InputError:
        return None
    if _AWKWARD.search(text) is not None or _SIMPLE.fullmatch(text) is None:
        return None
    items = _items(text)
    if items is None or len(items) != len(plan.indicators):
        return None
    lines = []
    for path in paths:
        loc = _loc(path)
        if len(loc) != 5 or loc[0] != "indicators" or not isinstance(loc[1], int):
            return None
        if not 0 <= loc[1] < len(items):
            return None
        start, end = items[loc[1]]
        at = _in_item(text, start, end, plan.indicators[loc[1]].ref, str(loc[3]), str(loc[4]))
        if at is None:
            return None
        lines.append(text.count("\n", 0, at) + 1)
    return lines


def _items(text: str) -> list[tuple[int, int]] | None:
    """Where each item of the top-level ``indicators`` block sequence starts and ends."""
    at = 0 if text.startswith("indicators:") else text.find("\nindicators:") + 1
    if at == 0 and not text.startswith("indicators:"):
        return None
    head_end = text.find("\n", at)
    if head_end < 0 or _value(text[at:head_end]):
        return None  # a value on the key's own line: not a block sequence
    first = _next_content(text, head_end + 1)
    if first is None:
        return None
    indent = _indent(text, first)
    if text[first + indent : first + indent + 2] != "- ":
        return None
    ending = re.compile(r"\n[^ \n#]" if indent else r"\n[^ \n#\-]")
    stop = ending.search(text, first)
    end = len(text) if stop is None else stop.start() + 1
    marker = "\n" + " " * indent + "- "
    starts = [first]
    at = text.find(marker, first, end)
    while at >= 0:
        starts.append(at + 1)
        at = text.find(marker, at + 1, end)
    return list(zip(starts, [*starts[1:], end], strict=True))


def _next_content(text: str, at: int) -> int | None:
    """The start of the first line from ``at`` that is neither blank nor a comment."""
    while at < len(text):
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        stripped = text[at:end].strip(" ")
        if stripped and not stripped.startswith("#"):
            return at
        at = end + 1
    return None


def _indent(text: str, at: int) -> int:
    """The indentation of the line starting at ``at``."""
    end = text.find("\n", at)
    line = text[at:] if end < 0 else text[at:end]
    return len(line) - len(line.lstrip(" "))


Lines = Sequence[tuple[int, int, str]]


def _block_lines(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The content lines of ``text[start:end]``: (offset, indentation, line)."""
    found = []
    at = start
    for line in text[start:end].split("\n"):
        stripped = line.lstrip(" ")
        if stripped and not stripped.startswith("#"):
            found.append((at, len(line) - len(stripped), line))
        at += len(line) + 1
    return found


def _entries(lines: Lines, column: int) -> dict[str, int] | None:
    """The first line of each key of the block mapping whose keys are at ``column`` and
    whose first key is on ``lines[0]`` (after a ``- `` there); None when unsure."""
    keys: dict[str, int] = {}
    for index, (_, indent, line) in enumerate(lines):
        if index and indent > column:
            continue  # inside an entry's value
        if index and (indent < column or line[indent] == "-"):
            if indent < column:
                return None
            continue  # an item of a sequence written at the key's indentation
        match = _ENTRY.match(line)
        if match is None or match.start(1) != column:
            return None
        keys.setdefault(match.group(1), index)
    return keys


def _nested(lines: Lines, at: int, column: int) -> list[tuple[int, int, str]]:
    """The lines under entry ``at``: those after it indented past ``column``."""
    inner = []
    for index in range(at + 1, len(lines)):
        if lines[index][1] <= column:
            break
        inner.append(lines[index])
    return inner


def _in_item(text: str, start: int, end: int, ref: str, year: str, key: str) -> int | None:
    """The offset of the line PyYAML gives ``targets.YEAR.KEY`` in the item (None: unsure)."""
    lines = _block_lines(text, start, end)
    head = _ENTRY.match(lines[0][2])
    if head is None:
        return None
    column = head.start(1)
    keys = _entries(lines, column)
    if keys is None or "ref" not in keys or _scalar(lines[keys["ref"]][2]) != ref:
        return None
    if "targets" not in keys:
        return lines[0][0]
    at = keys["targets"]
    if _value(lines[at][2]):
        return None
    years = _nested(lines, at, column)
    if not years or years[0][2][years[0][1]] == "-":
        return None
    found = _entries(years, years[0][1])
    if found is None:
        return None
    if year not in found:
        return lines[at][0]
    year_at = found[year]
    if _value(years[year_at][2]):
        return years[year_at][0]  # on the year's line: a one-line flow mapping, or no key
    quarters = _nested(years, year_at, years[year_at][1])
    if not quarters or quarters[0][2][quarters[0][1]] == "-":
        return years[year_at][0]
    inner = _entries(quarters, quarters[0][1])
    if inner is None:
        return None
    return years[year_at][0] if key not in inner else quarters[inner[key]][0]


def _value(line: str) -> str:
    """What follows ``key:`` on an entry's line, less a comment."""
    match = _ENTRY.match(line)
    rest = line[match.end() :].strip(" ") if match else ""
    return "" if rest.startswith("#") else rest


def _scalar(line: str) -> str | None:
    """The entry's value as text: plain, or quoted without escapes (None otherwise)."""
    value = _value(line)
    quoted = _QUOTED.match(value)
    if quoted is not None:
        inner = quoted.group()[1:-1]
        if value.startswith("'"):
            return inner.replace("''", "'")
        return None if "\\" in inner else inner
    if value.startswith(("{", "[", '"', "'")):
        return None
    comment = value.find(" #")
    return (value if comment < 0 else value[:comment]).strip(" ")


_QUOTED = re.compile(f"{_DOUBLE}|{_SINGLE}")
