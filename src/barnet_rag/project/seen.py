"""What a run saw of a project's files, for :mod:`barnet_rag.project.outputcache` to check
on a later run: each file's bytes as they were parsed (size and digest), each directory's
entries as they were listed, and the kind of each path looked for.

The loaders list directories and look for paths through :func:`entries` and :func:`kind`,
and :func:`~barnet_rag.project.projectfiles.read_bytes` reports the bytes it returns to
:func:`saw_bytes`: what is recorded is what the run read, not a second look at the disk.
Nothing is recorded outside :func:`recording`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

#: What a path is, following symbolic links; ``none`` when there is nothing there.
Kind = Literal["file", "dir", "other", "none"]


class Seen:
    """The files, directories and paths one run saw, by path as the run named them (a
    plain class: a dataclass would cost every run's start-up a few milliseconds)."""

    def __init__(
        self,
        files: dict[str, tuple[int, str]] | None = None,
        dirs: dict[str, list[tuple[str, Kind]]] | None = None,
        paths: dict[str, Kind] | None = None,
    ) -> None:
        #: Each file read: its size and SHA-256 digest.
        self.files = files or {}
        #: Each directory listed: its entries' names and kinds, in name order.
        self.dirs = dirs or {}
        #: Each path looked for: its kind.
        self.paths = paths or {}
        #: False when the run saw one file, directory or path two ways (it changed while
        #: the run read it): then its output is not kept.
        self.consistent = True

    def _note(self, table: dict[str, Any], path: Path, value: Any) -> None:
        key = os.fspath(path)
        if table.setdefault(key, value) != value:
            self.consistent = False

    def merge(self, other: Seen) -> None:
        """Add what another part of the same run saw."""
        self.consistent &= other.consistent
        for table, theirs in (
            (self.files, other.files),
            (self.dirs, other.dirs),
            (self.paths, other.paths),
        ):
            for key, value in theirs.items():
                self._note(table, Path(key), value)

    def as_data(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"files": self.files, "dirs": self.dirs, "paths": self.paths}

    @classmethod
    def from_data(cls, data: Any) -> Seen:
        """The inverse of :meth:`as_data` (a ValueError, KeyError or TypeError on damage)."""
        files = {str(k): (int(v[0]), str(v[1])) for k, v in data["files"].items()}
        dirs = {str(k): [(str(n), _kind(k2)) for n, k2 in v] for k, v in data["dirs"].items()}
        paths = {str(k): _kind(v) for k, v in data["paths"].items()}
        return cls(files, dirs, paths)

    def still_holds(self) -> bool:
        """Whether every directory, path and file is as this run saw it now."""
        try:
            return self._holds()
        except OSError:  # unreadable now: not as it was
            return False

    def _holds(self) -> bool:
        for directory, listed in self.dirs.items():
            if _listing(Path(directory)) != listed:
                return False
        for path, was in self.paths.items():
            if kind_now(Path(path)) != was:
                return False
        for path, (size, digest) in self.files.items():
            if not _file_is(Path(path), size, digest):
                return False
        return True


_recording: Seen | None = None


@contextlib.contextmanager
def recording() -> Iterator[Seen]:
    """Record what the block sees."""
    global _recording
    outer, _recording = _recording, Seen()
    try:
        yield _recording
    finally:
        _recording = outer


def current() -> Seen | None:
    """What is being recorded (a forked part sends its own back), or None."""
    return _recording


def saw_bytes(path: Path, data: bytes) -> None:
    """Note the bytes read from ``path``, as they are parsed."""
    if _recording is not None:
        import hashlib  # only while recording: its import is a start-up cost

        _recording._note(_recording.files, path, (len(data), hashlib.sha256(data).hexdigest()))


def entries(directory: Path) -> list[tuple[Path, Kind]]:
    """The entries of ``directory`` in name order, each with its kind; none when it is not
    a directory."""
    listed = _listing(directory)
    if _recording is not None:
        _recording._note(_recording.dirs, directory, listed)
    return [(directory / name, kind) for name, kind in listed]


def kind(path: Path) -> Kind:
    """What ``path`` is (following links), as the run sees it."""
    found = kind_now(path)
    if _recording is not None:
        _recording._note(_recording.paths, path, found)
    return found


def kind_now(path: Path) -> Kind:
    """What ``path`` is, following links: ``none`` for nothing there (or a dangling link)."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "none"
    except OSError as error:
        if error.errno in _MISSING:
            return "none"
        raise
    return _kind_of(mode)


#: The errors :meth:`pathlib.Path.exists` reads as "nothing there".
_MISSING = {errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP}


def _kind_of(mode: int) -> Kind:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "dir"
    return "other"


def _kind(value: Any) -> Kind:
    if value not in ("file", "dir", "other", "none"):
        raise ValueError(f"not a kind: {value!r}")
    kinds: dict[str, Kind] = {"file": "file", "dir": "dir", "other": "other", "none": "none"}
    return kinds[str(value)]


def _listing(directory: Path) -> list[tuple[str, Kind]]:
    """Names and kinds in ``directory``, in name order ([] when it is not a directory)."""
    try:
        with os.scandir(directory) as found:
            listed = [(entry.name, _entry_kind(entry)) for entry in found]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(listed)


def _entry_kind(entry: os.DirEntry[str]) -> Kind:
    """An entry's kind, following a link (a dangling one is ``other``, as it is neither)."""
    if entry.is_dir():
        return "dir"
    if entry.is_file():
        return "file"
    return "other"


def _file_is(path: Path, size: int, digest: str) -> bool:
    """Whether ``path`` is a regular file of ``size`` bytes with SHA-256 ``digest``; it is
    read only when its size is right."""
    data = read_regular(path, lambda status: status.st_size == size)
    if data is None:
        return False
    import hashlib

    return len(data) == size and hashlib.sha256(data).hexdigest() == digest


def read_regular(
    path: Path | str,
    accept: Callable[[os.stat_result], bool],
    *,
    directory: int | None = None,
    follow: bool = True,
) -> bytes | None:
    """The bytes of ``path`` (relative to the open ``directory``, if given) when it is a
    regular file whose status ``accept`` takes, else None. It is opened without blocking,
    so a named pipe cannot hang the run, and without following a link unless ``follow``."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= os.O_NOFOLLOW
    try:
        handle = os.open(path, flags, dir_fd=directory)
    except OSError:
        return None
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode) or not accept(status):
            return None
        with os.fdopen(os.dup(handle), "rb") as stream:
            return stream.read(status.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(handle)
