"""The ``barnet-rag`` command line: a click group and the one place errors become exit codes.

Each command lives in its own module and only parses options, calls the library and
formats the result. Heavy modules (pandas, jinja2, openpyxl) are imported inside the
commands that need them, so ``--help`` and ``rate`` start fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

import click

from barnet_rag import __version__
from barnet_rag.errors import BarnetRagError, InputError

# barnet-rag uses no pydantic plugins. Without this, building the first model scans every
# installed distribution's entry points for them (a few ms of each command's start-up);
# setdefault keeps a user's own PYDANTIC_DISABLE_PLUGINS. Set before any model is imported.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

ISSUES_URL = "https://github.com/barnet-rag/barnet-rag/issues"
BUG_EXIT = 3
#: What a shell reports for a process stopped by SIGPIPE: the reader of our output went away.
BROKEN_PIPE_EXIT = 141


class RagGroup(click.Group):
    """A click group that turns barnet-rag errors into messages and exit codes."""

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
        except BrokenPipeError:
            # `barnet-rag rate ... | head`: the reader stopped; no message, as for other tools.
            # Point stdout at /dev/null so the interpreter's last flush cannot fail again.
            with contextlib.suppress(OSError, ValueError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(BROKEN_PIPE_EXIT)
        except Exception:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            kind = sys.exc_info()[0]
            name = kind.__name__ if kind else "error"
            click.echo(
                f"barnet-rag {__version__} hit a bug ({name}). Please report it at "
                f"{ISSUES_URL} with the command you ran; add --debug for the full traceback.",
                err=True,
            )
            ctx.exit(BUG_EXIT)


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
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            code = BROKEN_PIPE_EXIT
        except (OSError, ValueError):
            pass
    os._exit(code or 0)


def report_error(error: BarnetRagError) -> None:
    """Print a user error on stderr: one line per located problem."""
    if isinstance(error, InputError):
        for problem in error.problems:
            click.echo(f"error: {problem}", err=True)
    else:
        click.echo(f"error: {error}", err=True)


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


from barnet_rag.cli import rate as _rate  # noqa: E402

main.add_command(_rate.rate)

from barnet_rag.cli import chart as _chart  # noqa: E402

main.add_command(_chart.chart)

from barnet_rag.cli import report as _report  # noqa: E402

main.add_command(_report.report)

from barnet_rag.cli import check as _check  # noqa: E402

main.add_command(_check.check)

from barnet_rag.cli import explain as _explain  # noqa: E402

main.add_command(_explain.explain)

from barnet_rag.cli import new_quarter as _new_quarter  # noqa: E402

main.add_command(_new_quarter.new_quarter)

from barnet_rag.cli import import_results as _import_results  # noqa: E402

main.add_command(_import_results.import_results)

from barnet_rag.cli import export as _export  # noqa: E402

main.add_command(_export.export)

from barnet_rag.cli import schema as _schema  # noqa: E402

main.add_command(_schema.schema)
