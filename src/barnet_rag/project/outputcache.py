"""A command's output kept for the next identical run, and served only while every file the
run read, every directory it listed and every path it looked for is as it was.

An entry holds what the run wrote on standard output and what it saw
(:class:`~barnet_rag.project.seen.Seen`: each file's size and SHA-256 digest *of the bytes
it parsed*, each directory's entries, each path's kind), under a key made of the command's
options, the working directory, the Python and the code (barnet-rag's own source, and the
installed parsers and validators). A later run with the same key reads every one of those
files again, and serves the entry only if each is byte for byte what was parsed: the
output is then the one those bytes give, whoever asks. Anything else (a file changed,
added or removed, an entry damaged or from another version) is a miss: the command runs
as if there were no cache, and its output replaces the entry.

The cache directory (``$XDG_CACHE_HOME/barnet-rag``, else ``~/.cache/barnet-rag``) is used
only when it is a real directory owned by this user that no one else can write, and an
entry only when it is a regular file owned by this user that no one else can write: one
planted by someone else is never read. Entries are opened without following links and
without blocking, written to a temp file and renamed into place. ``BARNET_RAG_CACHE=off``
turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import secrets
import stat
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from barnet_rag.project import seen

#: Set to ``off`` (or ``0``, ``no``) to turn the cache off.
SWITCH = "BARNET_RAG_CACHE"
#: The entries kept; the least recently written go first.
MAX_ENTRIES = 32
#: An output larger than this is not kept.
MAX_OUTPUT_BYTES = 1 << 30
#: The end of an entry: this mark, the header's length in 16 digits, a newline.
_MARK = b"\nbarnet-rag output cache 1 "
_TRAILER = len(_MARK) + 17
_FORMAT = 1
#: The installed packages whose code decides what a run's files parse to.
_PARSERS = ("pydantic", "pydantic_core", "yaml_rs", "yaml")


@contextlib.contextmanager
def kept_output(command: Sequence[str]) -> Iterator[bool]:
    """Serve ``command``'s output from the cache (True: the block does nothing), or run
    the block (False), recording what it reads and writes on standard output, and keep
    that when the block ends without an exception."""
    buffer = getattr(sys.stdout, "buffer", None)  # none: standard output is not a file
    directory = None if buffer is None else _open_directory()
    if buffer is None or directory is None:
        yield False
        return
    try:
        found = _key(command)
        if found is None:
            yield False
            return
        key, material = found
        name = f"{key[:40]}.out"
        if _serve(buffer, directory, name, material):
            yield True
            return
        with _kept(buffer, directory, name, material):
            yield False
    finally:
        os.close(directory)


def cache_directory() -> Path:
    """Where entries are kept: ``$XDG_CACHE_HOME/barnet-rag`` (an absolute one), else
    ``~/.cache/barnet-rag``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "barnet-rag"


def _open_directory() -> int | None:
    """The cache directory, opened; None when the cache is off or the directory is not
    this user's alone (or cannot be made)."""
    if os.environ.get(SWITCH, "").strip().lower() in ("off", "0", "no", "false"):
        return None
    if not hasattr(os, "geteuid") or not hasattr(os, "O_NOFOLLOW"):
        return None
    try:
        path = cache_directory()
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except (OSError, RuntimeError):  # RuntimeError: no home directory to be found
        return None
    if not _ours(os.fstat(handle), stat.S_ISDIR):
        os.close(handle)
        return None
    return handle


def _ours(status: os.stat_result, is_kind: Any) -> bool:
    """Of the kind, owned by this user, and writable by no one else."""
    return (
        bool(is_kind(status.st_mode))
        and status.st_uid == os.geteuid()
        and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def _key(command: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
    """The entry's key and what it is made of; None when barnet-rag's own files cannot be
    read (then nothing is kept)."""
    stdout = sys.stdout
    try:
        code = _code()
    except OSError:
        return None
    material = {
        "format": _FORMAT,
        "command": list(command),
        "cwd": str(Path.cwd()),
        "python": sys.version,
        "code": code,
        "stdout": [getattr(stdout, "encoding", None), getattr(stdout, "errors", None)],
    }
    text = json.dumps(material, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest(), material


def _code() -> str:
    """A digest of barnet-rag's source files and of the files of the installed parsers and
    validators (names, sizes and times): another version gives another key."""
    import importlib.util

    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode("utf-8", "surrogateescape"))
        digest.update(b"\0" + path.read_bytes() + b"\0")
    for name in _PARSERS:
        spec = importlib.util.find_spec(name)
        origin = None if spec is None else spec.origin
        digest.update(f"{name}:{origin}\n".encode("utf-8", "surrogateescape"))
        if origin is None:
            continue
        for entry in sorted(os.scandir(Path(origin).parent), key=lambda e: e.name):
            if entry.is_file():
                status = entry.stat()
                digest.update(f"{entry.name}:{status.st_size}:{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _serve(buffer: IO[bytes], directory: int, name: str, material: dict[str, Any]) -> bool:
    """Write the entry's output to ``buffer`` (standard output's) if it is sound, ours, of
    this key, and everything it saw still holds; False (nothing written) otherwise."""
    output = _entry_output(directory, name, material)
    if output is None:
        return False
    sys.stdout.flush()
    buffer.write(output)
    buffer.flush()
    return True


def _entry_output(directory: int, name: str, material: dict[str, Any]) -> memoryview | None:
    """The entry's output when it may be served, else None."""
    data = seen.read_regular(
        name,
        lambda status: _ours(status, stat.S_ISREG) and status.st_size >= _TRAILER,
        directory=directory,
        follow=False,
    )
    if data is None:
        return None
    header = _header(data)
    if header is None or header.get("material") != material:
        return None
    output = memoryview(data)[: header["output_bytes"]]
    if hashlib.sha256(output).hexdigest() != header["output_sha256"]:
        return None
    try:
        saw = seen.Seen.from_data(header["seen"])
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None
    return output if saw.still_holds() else None


def _header(data: bytes) -> dict[str, Any] | None:
    """An entry's header (its key, what its run saw, its output's size and digest), or
    None when the entry is damaged."""
    trailer = data[-_TRAILER:]
    if len(data) < _TRAILER or not trailer.startswith(_MARK) or not trailer.endswith(b"\n"):
        return None
    length = trailer[len(_MARK) : -1]
    if not length.isdigit():
        return None
    start = len(data) - _TRAILER - int(length)
    if start < 0:
        return None
    try:
        header = json.loads(data[start : len(data) - _TRAILER].decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(header, dict):
        return None
    size = header.get("output_bytes")
    if not isinstance(size, int) or size != start or not isinstance(header.get("seen"), dict):
        return None
    if not isinstance(header.get("output_sha256"), str):
        return None
    return header


@contextlib.contextmanager
def _kept(buffer: IO[bytes], directory: int, name: str, material: dict[str, Any]) -> Iterator[None]:
    """Run the block recording what it reads, with standard output (whose bytes go to
    ``buffer``) written to a temp entry as well; keep the entry when the block ends well."""
    temp = f".{name}.{secrets.token_hex(6)}.tmp"
    try:
        handle = os.open(
            temp,
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
            0o600,
            dir_fd=directory,
        )
    except OSError:
        handle = None
    if handle is None:  # nowhere to keep it: run the block as it is
        yield
        return
    kept = _Tee(buffer, os.fdopen(handle, "wb", buffering=1 << 20))
    original = sys.stdout
    sys.stdout.flush()
    tee = io.TextIOWrapper(
        io.BufferedWriter(kept, 1 << 16),
        encoding=original.encoding,
        errors=original.errors,
        newline="\n",
    )
    done = False
    try:
        with seen.recording() as saw:
            sys.stdout = tee
            try:
                yield
                tee.flush()
            finally:
                sys.stdout = original
        done = saw.consistent and kept.size <= MAX_OUTPUT_BYTES and kept.ok
        if done:
            _finish(kept, saw, material)
    finally:
        with contextlib.suppress(OSError):
            kept.entry.close()
        if done:
            try:
                os.replace(temp, name, src_dir_fd=directory, dst_dir_fd=directory)
            except OSError:
                _remove(temp, directory)
            else:
                _prune(directory)
        else:
            _remove(temp, directory)


class _Tee(io.RawIOBase):
    """Bytes written to standard output, and to the entry being made."""

    def __init__(self, out: IO[bytes], entry: IO[bytes]) -> None:
        super().__init__()
        self.out = out
        self.entry = entry
        self.digest = hashlib.sha256()
        self.size = 0
        self.ok = True

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = memoryview(data)
        written = self.out.write(chunk)
        if self.ok:
            try:
                self.entry.write(chunk)
            except OSError:  # the cache's disk is full: the output still goes out
                self.ok = False
            self.digest.update(chunk)
            self.size += chunk.nbytes
        return chunk.nbytes if written is None else written

    def flush(self) -> None:
        self.out.flush()


def _finish(kept: _Tee, saw: seen.Seen, material: dict[str, Any]) -> None:
    """Write the header after the output, and the trailer that finds it."""
    header = {
        "material": material,
        "output_bytes": kept.size,
        "output_sha256": kept.digest.hexdigest(),
        "seen": saw.as_data(),
    }
    kept.entry.write(header_bytes(header))
    kept.entry.flush()


def header_bytes(header: dict[str, Any]) -> bytes:
    """An entry's header and the trailer that finds it, as they follow its output (what
    :func:`_header` reads back)."""
    text = json.dumps(header, ensure_ascii=True).encode("ascii")
    return text + _MARK + f"{len(text):016d}\n".encode("ascii")


def _remove(name: str, directory: int) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name, dir_fd=directory)


def _prune(directory: int) -> None:
    """Keep the :data:`MAX_ENTRIES` entries written last, and no temp file older than a
    day (one a killed run left)."""
    import time

    entries: list[tuple[float, str]] = []
    with contextlib.suppress(OSError), os.scandir(directory) as found:
        for entry in found:
            with contextlib.suppress(OSError):
                status = entry.stat(follow_symlinks=False)
                if entry.name.endswith(".out"):
                    entries.append((status.st_mtime, entry.name))
                elif entry.name.endswith(".tmp") and status.st_mtime < time.time() - 86400:
                    _remove(entry.name, directory)
    for _, old in sorted(entries, reverse=True)[MAX_ENTRIES:]:
        _remove(old, directory)
