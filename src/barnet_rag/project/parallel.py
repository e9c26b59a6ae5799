"""Independent parts of one large job run side by side in forked processes, in order.

Rating a national project is a loop over 100,000 independent indicators; on a machine with
two or more processors the columnar path splits it into contiguous parts. Part 0 runs in
this process and every other part in a child made with :func:`os.fork`, which inherits the
loaded project without copying it; each child sends its result back pickled through a
pipe. Where ``fork`` does not exist (Windows) or one worker is asked for, the parts run
one after another here. A part that fails in a child is run again here, so that its error
is raised and reported exactly as in a single process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import TypeVar

from barnet_rag.errors import UsageError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows, which also has no fork
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")

#: Set to a whole number of worker processes (``1`` runs everything in one process).
WORKERS_ENV = "BARNET_RAG_WORKERS"
#: More processes than this gain nothing: the parent still encodes and writes the output.
MAX_WORKERS = 8
#: The pipe buffer asked for on Linux (the default 64 KiB makes a switch per 64 KiB).
PIPE_BYTES = 1 << 20


def worker_count() -> int:
    """Processes to use: :data:`WORKERS_ENV` if set, else the processors this process may
    run on (at most :data:`MAX_WORKERS`); 1 where :func:`os.fork` is unavailable."""
    text = os.environ.get(WORKERS_ENV, "").strip()
    if text:
        if not text.isdigit() or int(text) < 1:
            raise UsageError(f"{WORKERS_ENV}={text!r}: give a whole number of processes, 1 or more")
        wanted = int(text)
    elif hasattr(os, "sched_getaffinity"):
        wanted = len(os.sched_getaffinity(0))
    else:  # pragma: no cover - macOS
        wanted = os.cpu_count() or 1
    return min(wanted, MAX_WORKERS) if hasattr(os, "fork") else 1


def map_parts(job: Callable[[int], T], parts: int) -> list[T]:
    """``[job(0), job(1), ...]`` for ``parts`` parts, part 0 here and the rest in forked
    children running meanwhile; results in part order."""
    if parts <= 1 or not hasattr(os, "fork"):
        return [job(k) for k in range(parts)]
    sys.stdout.flush()
    sys.stderr.flush()
    children: list[tuple[int, int]] = []
    try:
        for k in range(1, parts):
            try:
                children.append(_start(job, k))
            except OSError:  # no more processes to be had: the other parts run here
                break
        results = [job(0)]
        for k, (pid, reader) in enumerate(children, start=1):
            try:
                data = _read_all(reader)
            finally:
                os.close(reader)
                children[k - 1] = (pid, -1)
            os.waitpid(pid, 0)
            children[k - 1] = (0, -1)
            ok, result = pickle.loads(data) if data else (False, None)
            results.append(result if ok else job(k))  # type: ignore[arg-type]
        results += [job(k) for k in range(len(children) + 1, parts)]
        return results
    finally:
        for pid, reader in children:  # only after an error or an interrupt: stop them
            if pid:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            if reader >= 0:
                os.close(reader)


def _start(job: Callable[[int], T], k: int) -> tuple[int, int]:
    """Fork a child that runs ``job(k)`` and writes ``(ok, result)`` pickled to a pipe."""
    reader, writer = os.pipe()
    with contextlib.suppress(AttributeError, OSError):  # Linux: 1 MiB pipes, fewer switches
        fcntl.fcntl(writer, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        raise
    if pid:
        os.close(writer)
        return pid, reader
    # The child: never returns into the caller's code, never flushes inherited buffers.
    status = 1
    try:
        os.close(reader)
        try:
            payload = pickle.dumps((True, job(k)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - the parent runs the part again and reports
            payload = pickle.dumps((False, None), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writer, "wb") as stream:
            stream.write(payload)
        status = 0
    finally:
        os._exit(status)


def _read_all(reader: int) -> bytes:
    """Everything a child writes to its pipe, until it closes it."""
    chunks = []
    while chunk := os.read(reader, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)
