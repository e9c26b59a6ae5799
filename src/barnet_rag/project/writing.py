"""Writing output files atomically: a temp file in the same directory, then ``os.replace``.

An interrupted run (an exception while rendering, Ctrl-C, SIGTERM, a full disk) leaves the
previous file byte-for-byte as it was, never a half-written one, and no temp file behind.
A replaced file keeps its permissions; a new one gets those the umask allows. ``-o`` onto
a symlink writes the file the link points to, and anything that is not a regular file (a
directory, a named pipe, a device) is refused rather than replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import IO, Any

from barnet_rag.errors import Terminated, UserError, shown_name

#: Our own temp files: ``.Q3.csv.k2j4_x9a.tmp`` (tempfile's eight random characters).
TEMP_FILE = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")

BACKUP_SUFFIX = ".bak"

#: What a write that fails for lack of room says, whichever errno the system used.
_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def is_temp_file(name: str) -> bool:
    """Whether ``name`` is a temp file an interrupted barnet-rag write left behind."""
    return TEMP_FILE.match(name) is not None


def _umask_mode() -> int:
    """The permissions a new file gets under the current umask (0o644 under umask 022)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def target_of(path: Path) -> tuple[Path, int]:
    """The file a write to ``path`` replaces (through any symlinks) and the mode it gets.

    Refuses a target that exists and is not a regular file.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        info = target.stat()
    except FileNotFoundError:
        return target, _umask_mode()
    except OSError as error:
        raise UserError(f"cannot write {shown_name(path)}: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UserError(
            f"cannot write {shown_name(path)}: it is {_kind(info.st_mode)}, not a regular file "
            "(give the name of a file to write)"
        )
    return target, stat.S_IMODE(info.st_mode)


def write_error(path: Path, error: OSError) -> UserError:
    """A failed write as a user error: ``cannot write q3.html: No space left on device``."""
    reason = error.strerror or str(error)
    if error.errno in _NO_ROOM:
        reason = os.strerror(errno.ENOSPC) if error.errno == errno.EDQUOT else reason
    return UserError(f"cannot write {shown_name(path)}: {reason}")


@contextlib.contextmanager
def _removed_on_sigterm(temp: Path) -> Iterator[None]:
    """While the block runs, SIGTERM removes ``temp`` and ends the run (exit 143)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum: int, frame: FrameType | None) -> None:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def atomic_open(path: Path, *, binary: bool = False, encoding: str = "utf-8") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` for writing; it replaces ``path`` only on success."""
    if not str(path):
        raise UserError("cannot write to an empty file name (give a file, e.g. -o q3.html)")
    target, mode = target_of(path)
    directory = target.parent
    if not directory.is_dir():
        raise UserError(
            f"cannot write {shown_name(path)}: directory {shown_name(directory)} does not exist "
            "(create it first)"
        )
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise write_error(path, error) from None
    temp_path = Path(temp)
    try:
        with _removed_on_sigterm(temp_path):
            os.fchmod(handle, mode)
            stream: IO[Any]
            if binary:
                stream = os.fdopen(handle, "wb")
            else:
                stream = os.fdopen(handle, "w", encoding=encoding, newline="")
            try:
                with stream:
                    yield stream
                    stream.flush()
                    os.fsync(stream.fileno())
                temp_path.replace(target)
            except OSError as error:
                if error.filename is None or error.filename in (temp, str(target)):
                    raise write_error(path, error) from None
                raise
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


def backup_name(path: Path, number: int) -> Path:
    """``Q3.csv.bak``, then ``Q3.csv.1.bak``, ``Q3.csv.2.bak``, ...: all end in ``.bak``."""
    middle = "" if number == 0 else f".{number}"
    return path.with_name(f"{path.name}{middle}{BACKUP_SUFFIX}")


def next_backup(path: Path) -> Path:
    """The first backup name beside ``path`` that is not taken."""
    number = 0
    while os.path.lexists(backup_name(path, number)):
        number += 1
    return backup_name(path, number)


def keep_backup(path: Path) -> Path:
    """Copy ``path`` to a backup name that was free, never replacing an earlier backup.

    The copy is written to a temp file and then hard-linked to its name, which fails
    rather than replaces when another run took the name first; then the next is tried.
    """
    content = path.read_bytes()
    mode = stat.S_IMODE(path.stat().st_mode)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp_path = Path(temp)
    try:
        with _removed_on_sigterm(temp_path), os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), mode)
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        while True:
            backup = next_backup(path)
            try:
                os.link(temp_path, backup)
                return backup
            except FileExistsError:
                continue
    finally:
        with contextlib.suppress(OSError):
            temp_path.unlink()


def write_new_file(
    path: Path, shown: str, content: str, *, force: bool, instead: str
) -> str | None:
    """Write a file that must not silently replace another: refuse unless ``force``.

    With ``force`` the old file is kept first as the first free backup name (``Q3.csv.bak``,
    ``Q3.csv.1.bak``, ...; an earlier backup is never replaced); returns that name as shown
    to the user, or None. ``instead`` says what to do rather than overwrite, and how to
    force it.
    """
    backup = None
    if path.exists() and not path.is_file():  # copying a named pipe would hang
        kind = _kind(path.stat().st_mode)
        raise UserError(
            f"cannot write {shown_name(shown)}: it is {kind}, not a regular file "
            "(move it away first)"
        )
    if path.exists():
        kept = shown[: len(shown) - len(path.name)] + next_backup(path).name
        if not force:
            raise UserError(f"{shown} already exists; {instead} (the old file is kept as {kept})")
        try:
            made = keep_backup(path)
        except OSError as error:
            raise write_error(Path(kept), error) from None
        backup = shown[: len(shown) - len(path.name)] + made.name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(
            f"cannot create the directory of {shown_name(shown)}: {error.strerror}"
        ) from None
    write_atomic(path, content)
    return backup
