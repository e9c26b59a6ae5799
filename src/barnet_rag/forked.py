"""One piece of work in several forked processes, each on its own part, with one exchange of
names between them half way: the mechanics behind :func:`barnet_rag.api.rate_in_parts`.

Part 0 runs in this process, every other part in a child forked from it. Each part calls
its ``exchange`` once (it gives its own names and gets the union of the other parts'), then
returns a value, which reaches this process by pickling. If any part fails in any way (an
exception, a problem, a child that dies), every child is stopped and :func:`in_parts` returns
None: the caller then does the work in one process, which reports what went wrong as usual.
A child never writes to standard output or error and always leaves by ``os._exit``.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

T = TypeVar("T")
N = TypeVar("N")

#: A part's one exchange: its own names (None when it cannot go on) for the union of the
#: other parts' (None when any part cannot).
Exchange = Callable[[N | None], N | None]
#: What :func:`in_parts` calls in each process: its part's number and its exchange.
Work = Callable[[int, Exchange[N]], T]


def usable_cpus() -> int:
    """The processors this process may run on (1 where that cannot be told, or where a
    process cannot be forked)."""
    if not hasattr(os, "fork"):
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def in_parts(parts: int, work: Work[N, T], union: Callable[[Sequence[N]], N]) -> list[T] | None:
    """``work(part, exchange)`` for each part in ``range(parts)``, each in a process of its
    own; the values in part order, or None when any part failed.

    ``exchange(names)`` gives a part's names (None when it cannot go on) and returns the
    ``union`` of every other part's (None when any part gave None).
    """
    from multiprocessing.connection import Pipe

    children: list[tuple[int, Connection]] = []
    try:
        for part in range(1, parts):
            ours, theirs = Pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child's lines are measured in the child
                ours.close()
                for _, other in children:
                    other.close()
                _child(part, work, theirs)
            theirs.close()
            children.append((pid, ours))

        def exchange(names: N | None) -> N | None:
            given = [_receive(connection) for _, connection in children]
            if names is None or any(g is None or g[0] != "names" for g in given):
                return None
            theirs = [g[1] for g in given]
            everyone = [names, *theirs]
            for index, (_, connection) in enumerate(children, start=1):
                connection.send(("names", union(everyone[:index] + everyone[index + 1 :])))
            return union(theirs)

        try:
            own = work(0, exchange)
        except Exception:
            return None
        values: list[T] = [own]
        for _, connection in children:
            done = _receive(connection)
            if done is None or done[0] != "done":
                return None
            values.append(done[1])
        return values
    finally:
        for pid, connection in children:
            _stop(pid, connection)


def _child(part: int, work: Work[N, T], connection: Connection) -> None:  # pragma: no cover
    """Run one part in a forked child, send its value (or that it failed), and leave."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child at once

        def exchange(names: N | None) -> N | None:
            connection.send(("names", names) if names is not None else ("failed",))
            answer = _receive(connection)
            return answer[1] if answer is not None and answer[0] == "names" else None

        value = work(part, exchange)
        connection.send(("done", value))
        code = 0
    except BaseException:
        with contextlib.suppress(BaseException):
            connection.send(("failed",))
    finally:
        os._exit(code)


def _receive(connection: Connection) -> Any:
    """The next message from the other end, or None when it has gone."""
    try:
        return connection.recv()
    except (EOFError, OSError):
        return None


def _stop(pid: int, connection: Connection) -> None:
    """End a child (if it is still working) and reap it."""
    connection.close()
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
