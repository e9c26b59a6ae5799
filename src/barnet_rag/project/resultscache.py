"""Parsed results files for the columnar path, cached by content beside the plan cache.

Parsing a national results file (100,000 rows) costs about 0.18 s, and rating a quarter
with SPC fields reads all twelve. The columnar path (:mod:`barnet_rag.outputs.fastpath`) saves
the columns of each file that parsed without any problem as plain lists with
:mod:`marshal` (numbers, strings, None and containers only, so an entry cannot run code).
An entry is named by a hash of the file's bytes, the plan cache key (which covers every
ref and unit the parse checked against), the package and Python versions and
:data:`CACHE_FORMAT`, so an edit, upgrade or format change misses and never reuses. Each
entry starts with a hash of its own body: a damaged or unreadable entry is ignored and
rebuilt, never an error. ``BARNET_RAG_NO_CACHE=1`` neither reads nor writes entries.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any

from barnet_rag import __version__
from barnet_rag.project.plancache import NO_CACHE_ENV, cache_directory

#: Bump when the stored layout of a parsed file changes.
CACHE_FORMAT = 2
#: Files smaller than this parse faster than an entry is hashed, read and checked.
MIN_BYTES = 256 * 1024

_MAGIC = b"barnet-rag results\n"
_DIGEST = 32


def enabled(size: int) -> bool:
    """Whether a results file of ``size`` bytes should use the cache."""
    return size >= MIN_BYTES and os.environ.get(NO_CACHE_ENV) != "1"


def entry_key(data: bytes, plan_key: str) -> str:
    """The hash naming the entry of a results file's bytes parsed against the plans
    whose cache key is ``plan_key``."""
    digest = hashlib.sha256(f"{CACHE_FORMAT} {__version__} {sys.version}\0{plan_key}\0".encode())
    digest.update(data)
    return digest.hexdigest()


def entry_path(key: str) -> Path:
    """Where the entry named ``key`` lives."""
    return cache_directory() / f"results-{key}.marshal"


def read_entry(key: str) -> dict[str, Any] | None:
    """The stored columns, or None when there is no entry or it is damaged."""
    try:
        blob = entry_path(key).read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + _DIGEST
    body = blob[head:]
    if blob[: len(_MAGIC)] != _MAGIC or hashlib.sha256(body).digest() != blob[len(_MAGIC) : head]:
        return None
    try:
        stored = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None
    return stored if isinstance(stored, dict) else None


def write_entry(key: str, columns: dict[str, Any]) -> None:
    """Store ``columns`` (plain lists and values) atomically; failures only cost time."""
    from barnet_rag.errors import UserError
    from barnet_rag.project.writing import write_atomic

    body = marshal.dumps(columns)
    path = entry_path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, _MAGIC + hashlib.sha256(body).digest() + body)
    except (OSError, UserError):
        pass
