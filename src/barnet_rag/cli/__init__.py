"""The ``barnet-rag`` command line: a click group and the one place errors become exit codes.

Each command lives in its own module and only parses options, calls the library and
formats the result. Heavy modules (pandas, jinja2, openpyxl) are imported inside the
commands that need them, so ``--help`` and ``rate`` start fast.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import sys
from typing import Any

import click

from barnet_rag import __version__
from barnet_rag.errors import BarnetRagError, InputError, Terminated, printable

# barnet-rag uses no pydantic plugins. Without this, building the first model scans every
# installed distribution's entry points for them (a few ms of each command's start-up);
# setdefault keeps a user's own PYDANTIC_DISABLE_PLUGINS. Set before any model is imported.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

#: Where the bug message sends people: a section of the README that exists (a test checks).
REPORTING = 'see "Reporting problems" in README.md'
BUG_EXIT = 3
#: What a shell reports for a process stopped by SIGPIPE: the reader of our output went away.
BROKEN_PIPE_EXIT = 141
#: Output that cannot be written for lack of room: the user's to fix.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


#: Each command's module under ``barnet_rag.cli`` and the command in it. A command's module
#: is imported when the command is asked for, so ``rate`` loads no other command's.
COMMANDS = {
    "chart": ("chart", "chart"),
    "check": ("check", "check"),
    "explain": ("explain", "explain"),
    "export": ("export", "export"),
    "import": ("import_results", "import_results"),
    "new-quarter": ("new_quarter", "new_quarter"),
    "rate": ("rate", "rate"),
    "report": ("report", "report"),
    "schema": ("schema", "schema"),
}


class RagGroup(click.Group):
    """A click group that turns barnet-rag errors into messages and exit codes, and loads
    each command's module only when the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, name = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(f"barnet_rag.cli.{module}"), name)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # ``barnet-rag --help | head`` or ``--version > /dev/full``: options that print
        # while the command line is parsed, before :meth:`invoke`.
        try:
            return super().make_context(info_name, args, parent, **extra)
        except OSError as error:
            code = output_failure(error)
            if code is None:
                raise
            raise click.exceptions.Exit(code) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BarnetRagError as error:
            report_error(error)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except Terminated:
            click.echo("Terminated.", err=True)
            ctx.exit(Terminated.exit_code)
        except Exception as error:
            code = output_failure(error) if isinstance(error, OSError) else None
            if code is not None:
                ctx.exit(code)
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(bug_message(type(error).__name__), err=True)
            ctx.exit(BUG_EXIT)


def bug_message(name: str) -> str:
    """The one line an unexpected exception prints (exit 3)."""
    return (
        f"barnet-rag {__version__} hit a bug ({name}). Please report it with the command "
        f"you ran ({REPORTING}); add --debug for the full traceback."
    )


def output_failure(error: OSError) -> int | None:
    """The exit code for output that could not be written, or None for another OSError.

    ``barnet-rag rate ... | head``: the reader stopped; 141 and no message, as for other
    tools. ``> /dev/full`` or a full disk: a message and 2, as it is the user's to fix.
    """
    if isinstance(error, BrokenPipeError):
        quiet_stdout()
        return BROKEN_PIPE_EXIT
    if error.errno in _WRITE_ERRNOS:
        quiet_stdout()
        with contextlib.suppress(OSError, ValueError):
            click.echo(f"error: cannot write the output: {os.strerror(error.errno)}", err=True)
        return 2
    return None


def quiet_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's last flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def run() -> None:
    """The ``barnet-rag`` console script: the CLI, then an exit that skips the interpreter's
    teardown. Freeing a national project's millions of objects one by one takes a fifth of
    its rating time and does nothing the operating system would not do at once; the output
    streams are flushed first, and nothing of barnet-rag's runs at exit."""
    try:
        main(prog_name="barnet-rag")
        code: Any = 0
    except SystemExit as done:
        code = done.code
    if code is not None and not isinstance(code, int):
        click.echo(code, err=True)
        code = 1
    code = flush_streams(code or 0)
    os._exit(code)


def flush_streams(code: int) -> int:
    """Flush stdout and stderr: the exit code, changed when output could not be written
    (141 for a closed pipe, 2 with a message for a full disk)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            code = BROKEN_PIPE_EXIT
        except OSError as error:
            if stream is sys.stdout and code in (0, 1):
                with contextlib.suppress(OSError, ValueError):
                    sys.stderr.write(f"error: cannot write the output: {error.strerror}\n")
                    sys.stderr.flush()
                code = 2
            quiet_stdout()
        except ValueError:
            pass
    return code


def report_error(error: BarnetRagError) -> None:
    """Print a user error on stderr: one line per located problem. A control character
    that came from a file or its name is escaped, so that no message splits into a line
    of its own (``::add-mask::Red`` for GitHub Actions)."""
    if isinstance(error, InputError):
        for problem in error.problems:
            click.echo(f"error: {printable(str(problem))}", err=True)
    else:
        click.echo(f"error: {printable(str(error))}", err=True)


@click.group(
    cls=RagGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Examples:\n\n\b\n  barnet-rag rate Q3-2017\n  barnet-rag rate Q3-2017 --format json\n"
    "  barnet-rag report Q3-2017 --format html -o q3.html\n"
    "  barnet-rag check --format github\n"
    "  barnet-rag explain Q3-2017 CG/S4",
)
@click.version_option(__version__, "-V", "--version", prog_name="barnet-rag")
@click.option("--debug", is_flag=True, help="Show the full traceback of unexpected errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Rate council performance indicators: RAG against target and Direction of Travel.

    Run in a project directory holding plans/ and results/ (or pass --root DIR to a command).
    """
    ctx.obj = {"debug": debug}
