"""Writing output files atomically: a temp file in the same directory, then ``os.replace``.

An interrupted run (an exception while rendering, Ctrl-C, a full disk) leaves the previous
file byte-for-byte as it was, never a half-written one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from barnet_rag.errors import UserError


@contextlib.contextmanager
def atomic_open(path: Path, *, binary: bool = False, encoding: str = "utf-8") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` for writing; it replaces ``path`` only on success."""
    directory = path.parent
    if not directory.is_dir():
        raise UserError(
            f"cannot write {path}: directory {directory} does not exist (create it first)"
        )
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror}") from None
    temp_path = Path(temp)
    try:
        stream: IO[Any]
        if binary:
            stream = os.fdopen(handle, "wb")
        else:
            stream = os.fdopen(handle, "w", encoding=encoding, newline="")
        with stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        temp_path.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp_path.unlink()
        raise


def write_atomic(path: Path, content: str | bytes, encoding: str = "utf-8") -> None:
    """Write ``content`` to ``path`` atomically."""
    with atomic_open(path, binary=isinstance(content, bytes), encoding=encoding) as stream:
        stream.write(content)


def write_with(path: Path, render: Callable[[IO[Any]], None], *, binary: bool = False) -> None:
    """Let ``render`` write into a stream that becomes ``path`` only if it returns normally."""
    with atomic_open(path, binary=binary) as stream:
        render(stream)


BACKUP_SUFFIX = ".bak"


def write_new_file(
    path: Path, shown: str, content: str, *, force: bool, instead: str
) -> str | None:
    """Write a file that must not silently replace another: refuse unless ``force``.

    With ``force`` the old file is kept as ``<name>.bak`` first; returns that name shown
    to the user, or None. ``instead`` says what to do rather than overwrite, and how to
    force it.
    """
    backup = None
    if path.exists():
        if not force:
            raise UserError(
                f"{shown} already exists; {instead} "
                f"(the old file is kept as {shown}{BACKUP_SUFFIX})"
            )
        write_atomic(path.with_name(path.name + BACKUP_SUFFIX), path.read_bytes())
        backup = shown + BACKUP_SUFFIX
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"cannot create the directory of {shown}: {error.strerror}") from None
    write_atomic(path, content)
    return backup
