"""The one way the CLI builds a rich console: file text printed literally, and a closed
pipe reported as one (exit 141), not as rich's own ``SystemExit(1)``."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich is imported only by the commands that draw tables
    from rich.console import Console


def console(*, piped_width: int | None = None, stderr: bool = False) -> Console:
    """A console that reads no markup, emoji codes or highlighting in what it prints.

    Titles, labels and column names come from council files: ``[/]``, ``[link=...]`` or
    ``Autumn 2017 [provisional]`` must show as typed. ``piped_width`` is the width used
    when the output is not a terminal (and COLUMNS is unset).
    """
    from rich.console import Console

    class LiteralConsole(Console):
        def on_broken_pipe(self) -> None:
            """The reader went away (``| head``): let the CLI end quietly with 141."""
            self.quiet = True
            raise BrokenPipeError

    stream = sys.stderr if stderr else sys.stdout
    piped = not stream.isatty() and "COLUMNS" not in os.environ
    width = piped_width if piped else None
    return LiteralConsole(stderr=stderr, width=width, markup=False, emoji=False, highlight=False)
