"""JSON text as ``json.dumps(value, indent=2, ensure_ascii=False)`` writes it, byte for
byte, but written to a stream piece by piece and fast for many rated indicators.

With an indent, the standard library encodes in pure Python, a generator per level: for
the 100,000 indicators of a national project that is most of ``rate --format json``'s
output time, and the whole text is held in memory twice (as text and as bytes). Here a
list of rated indicators is encoded from their columns (:meth:`Plain.public_columns`) with
the standard library's own C string encoder, a few thousand indicators at a time; any
value this module does not know is handed to :func:`json.dumps` itself.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import IO, Any

from barnet_rag.collector import collector_paused
from barnet_rag.engine.rated import Plain

#: Indicators encoded at a time: bounds the memory of the encoded text.
CHUNK = 5_000
#: Characters handed on at a time.
PIECE = 1 << 20
_INDENT = 2
_LITERALS: dict[Any, str] = {None: "null", True: "true", False: "false"}


def write_json(value: Any, stream: IO[str]) -> None:
    """Write ``value`` as indented JSON and a newline (what ``click.echo(json.dumps(value,
    indent=2, ensure_ascii=False))`` writes). ``value`` may hold rated objects
    (:class:`Plain`): each is written as its ``model_dump()``."""
    for text in json_texts(value):
        stream.write(text)
    stream.write("\n")


def json_texts(value: Any) -> Iterator[str]:
    """The text :func:`write_json` writes (without its newline), in pieces of about
    :data:`PIECE` characters."""
    pending: list[str] = []
    size = 0
    with collector_paused():  # the pieces are acyclic: collections would find nothing
        for piece in _pieces(value, 0):
            pending.append(piece)
            size += len(piece)
            if size >= PIECE:
                yield "".join(pending)
                pending, size = [], 0
    if pending:
        yield "".join(pending)


@dataclass(frozen=True)
class ItemTexts:
    """An array written from its items' JSON text, made elsewhere by :func:`item_texts` at
    the array's nesting (the parts of a project rated in parts): each part's pieces."""

    texts: Sequence[Sequence[str]]


def item_texts(items: Sequence[Plain], level: int) -> list[str]:
    """The items of ``items``' JSON array at nesting ``level``, as written between its
    brackets, in pieces of :data:`CHUNK` items (none for no items): what
    :class:`ItemTexts` puts back together. (One string would be copied whole on its way
    out: some 110 MB for half of a twice-national project.)"""
    return list(_rated_items(items, level)) if items else []


def _pieces(value: Any, level: int) -> Iterator[str]:
    """The JSON text of ``value`` at nesting ``level``, in pieces."""
    if isinstance(value, ItemTexts):
        bodies = [pieces for pieces in value.texts if pieces]
        if not bodies:
            yield "[]"
            return
        yield "["
        for index, pieces in enumerate(bodies):  # each part's pieces as they are
            yield "," + pieces[0] if index else pieces[0]
            yield from pieces[1:]
        yield _closing(level)
        return
    if isinstance(value, Plain):
        value = value.model_dump()
    kind = type(value)
    if kind is dict and all(type(key) is str for key in value):
        yield from _object(value, level)
    elif kind is list and value and all(isinstance(item, Plain) for item in value):
        yield from _rated(value, level)
    elif kind is list or kind is tuple:
        yield from _array(value, level)
    else:
        yield _scalar(value, level)


def _object(value: dict[str, Any], level: int) -> Iterator[str]:
    if not value:
        yield "{}"
        return
    inner = "\n" + " " * (_INDENT * (level + 1))
    first = True
    for key, item in value.items():
        yield ("{" if first else ",") + inner + encode_basestring(key) + ": "
        first = False
        yield from _pieces(item, level + 1)
    yield "\n" + " " * (_INDENT * level) + "}"


def _array(value: Sequence[Any], level: int) -> Iterator[str]:
    if not value:
        yield "[]"
        return
    yield "["
    yield from _array_items(value, level)
    yield _closing(level)


def _array_items(value: Sequence[Any], level: int) -> Iterator[str]:
    """What goes between a non-empty array's brackets: each item after its separator."""
    inner = "\n" + " " * (_INDENT * (level + 1))
    for index, item in enumerate(value):
        yield "," + inner if index else inner
        yield from _pieces(item, level + 1)


def _closing(level: int) -> str:
    """The line that closes an array at nesting ``level``."""
    return "\n" + " " * (_INDENT * level) + "]"


def _rated(items: Sequence[Plain], level: int) -> Iterator[str]:
    """A list of rated objects of one class, encoded from their public columns."""
    yield "["
    yield from _rated_items(items, level)
    yield _closing(level)


def _rated_items(items: Sequence[Plain], level: int) -> Iterator[str]:
    """What goes between the brackets of :func:`_rated`'s array, a chunk of items at a time."""
    kind = type(items[0])
    if any(type(item) is not kind for item in items):
        yield from _array_items([item.model_dump() for item in items], level)
        return
    inner = "\n" + " " * (_INDENT * (level + 1))
    fields = kind.public_fields()
    if not fields:
        yield from _array_items([{} for _ in items], level)
        return
    # Each item is its fields' texts put into one template: '{\n      "plan": %s,\n ...}'.
    template = (
        "{"
        + ",".join(
            "\n" + " " * (_INDENT * (level + 2)) + encode_basestring(f).replace("%", "%%") + ": %s"
            for f in fields
        )
        + "\n"
        + " " * (_INDENT * (level + 1))
        + "}"
    )
    for begin in range(0, len(items), CHUNK):
        chunk = items[begin : begin + CHUNK]
        columns = [_encoded(column, level + 2) for column in kind.public_columns(chunk)]
        texts = [template % cells for cells in zip(*columns, strict=True)]
        yield ("," if begin else "") + inner + ("," + inner).join(texts)


def _encoded(column: list[Any], level: int) -> list[str]:
    """Each value of a column of JSON data as JSON text at nesting ``level``."""
    kinds = set(map(type, column))
    if kinds <= {str, type(None)}:
        return [_LITERALS[v] if v is None else encode_basestring(v) for v in column]
    if kinds <= {float, type(None)} and all(map(_finite, filter(None, column))):
        text = float.__repr__  # what json.dumps writes for a finite float
        return ["null" if v is None else text(v) for v in column]
    if kinds <= {int, float, type(None)}:
        return [_LITERALS[v] if v is None else _number(v) for v in column]
    if kinds <= {bool, type(None)}:
        return [_LITERALS[v] for v in column]
    return ["".join(_pieces(v, level)) for v in column]


def _number(value: float) -> str:
    if type(value) is float:
        return json.dumps(value) if value != value or value in _INFINITE else repr(value)
    return int.__repr__(value)


_INFINITE = (float("inf"), float("-inf"))
_finite = math.isfinite


def _scalar(value: Any, level: int) -> str:
    """A value that is not a dict of text keys, a list or a tuple: the standard library's
    own text for it, re-indented to ``level``."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None or kind is bool:
        return _LITERALS[value]
    if kind is int or kind is float:
        return _number(value)
    text = json.dumps(value, indent=_INDENT, ensure_ascii=False)
    return text.replace("\n", "\n" + " " * (_INDENT * level)) if level else text
