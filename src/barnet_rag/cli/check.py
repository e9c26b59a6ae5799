"""``barnet-rag check``: validate the whole project for CI and pre-commit.

Prints every problem as a table grouped by file, as JSON, or as GitHub Actions workflow
commands that annotate the pull request; exits 0 clean, 1 with problems, 2 when the
directory is not a project.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from barnet_rag.cli.common import PERIOD, format_option, root_option
from barnet_rag.errors import Problem, UsageError, shown_name
from barnet_rag.periods import Period

if TYPE_CHECKING:  # checking imports the models (pydantic): only when the command runs
    from barnet_rag.check.checking import CheckReport

#: Table width when output is piped (no terminal to measure); COLUMNS overrides it.
PIPED_WIDTH = 150


@click.command(
    epilog="\b\nExamples:\n  barnet-rag check\n  barnet-rag check --period Q3-2017 --strict\n"
    "  barnet-rag check --format github     # annotations in a GitHub Actions run\n"
    "  barnet-rag check --period Q4-2017 --missing   # the chase list, by owner"
)
@root_option
@format_option(
    ["text", "json", "github", "csv"],
    "A table by file, the report as JSON, or GitHub Actions annotations; "
    "with --missing: text, JSON or CSV.",
)
@click.option("--period", type=PERIOD, help="Check only this quarter's results file.")
@click.option("--strict", is_flag=True, help="Rows missing for indicators with targets are errors.")
@click.option(
    "--missing",
    is_flag=True,
    help="List the results still missing for --period, by owner; exit 1 if any.",
)
@click.pass_context
def check(
    ctx: click.Context,
    root: Path,
    output_format: str,
    period: Period | None,
    strict: bool,
    missing: bool,
) -> None:
    """Check plans, schemes and results files; exit 1 if anything is wrong (for CI)."""
    if missing:
        from barnet_rag.cli.missing import print_missing

        ctx.exit(print_missing(root, period, output_format))
    if output_format == "csv":
        raise UsageError("--format csv is for the chase list: add --missing --period PERIOD")
    from barnet_rag import api

    report = api.check(root, period, strict)
    if output_format == "json":
        click.echo(_escape_surrogates(json.dumps(report.to_dict(), indent=2, ensure_ascii=False)))
    elif output_format == "github":
        for line in github_lines(report):
            click.echo(line)
    else:
        print_report(report)
    ctx.exit(report.exit_code)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogates(text: str) -> str:
    """JSON whose file names hold bytes that are not UTF-8 (read as lone surrogates):
    each written as its ``\\udcff`` escape, so the output stays valid UTF-8."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def _utf8_name(name: str) -> str:
    """The file name itself, which GitHub can match to the repository's file, unless it
    holds bytes that are not UTF-8: then quoted with escapes."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return shown_name(name)
    return name


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def message_text(problem: Problem) -> str:
    """The problem's message with its YAML path in front and its hint after."""
    text = f"{problem.path}: {problem.message}" if problem.path else problem.message
    return f"{text} ({problem.hint})" if problem.hint else text


def github_lines(report: CheckReport) -> list[str]:
    """One GitHub Actions workflow command per problem: ``::error file=..,line=..,col=..::``."""
    lines = []
    for problem in report.problems:
        properties = []
        if problem.file is not None:
            properties.append(f"file={_escape_property(_utf8_name(problem.file))}")
            if problem.line is not None:
                properties.append(f"line={problem.line}")
                col = report.column_number(problem)
                if col is not None:
                    properties.append(f"col={col}")
        head = f"::{problem.severity}"
        if properties:
            head += " " + ",".join(properties)
        lines.append(f"{head}::{_escape_data(message_text(problem))}")
    return lines


def summary_line(report: CheckReport) -> str:
    """'2 errors, 1 warning.' or the all-clear naming what was checked."""
    errors, warnings = len(report.errors), len(report.warnings)
    if not report.problems:
        return f"No problems found in {report.checked_files} files."

    def count(n: int, word: str) -> str:
        return f"{n} {word}" + ("" if n == 1 else "s")

    text = f"{count(errors, 'error')}, {count(warnings, 'warning')}"
    if report.strict and warnings and not errors:
        text += " (--strict: warnings fail the check)"
    return text + "."


def print_report(report: CheckReport) -> None:
    """A rich table per file with problems, then a one-line summary."""
    from rich.table import Table
    from rich.text import Text

    from barnet_rag.cli.terminal import console as literal_console

    console = literal_console(piped_width=PIPED_WIDTH)
    files: dict[str, list[Problem]] = {}
    for problem in report.problems:
        files.setdefault(problem.file or "(project)", []).append(problem)
    for name, problems in files.items():
        table = Table(title=shown_name(name), title_justify="left")
        table.add_column("Line", justify="right", no_wrap=True)
        table.add_column("Where", no_wrap=True)
        table.add_column("Severity", no_wrap=True)
        table.add_column("Code", no_wrap=True)
        table.add_column("Problem", ratio=1)
        for p in problems:
            style = "bold red" if p.severity == "error" else "yellow"
            text = p.message + (f"\n{p.hint}" if p.hint else "")
            table.add_row(
                "" if p.line is None else str(p.line),
                p.path or p.column or "",
                Text(p.severity, style=style),
                p.code,
                text,
            )
        console.print(table)
    console.print(summary_line(report))
