"""A spinner on stderr while a large project loads and rates; nothing when stderr is piped."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def busy(message: str, *, slow: bool) -> Iterator[None]:
    """Show ``message`` with a spinner while the block runs, when the work is ``slow``
    (a second or more) and stderr is a terminal; it disappears when the block ends."""
    if not (slow and sys.stderr.isatty()):
        yield
        return
    from barnet_rag.cli.terminal import console

    with console(stderr=True).status(message):
        yield
