"""``barnet-rag export PERIOD``: every indicator's rating as open data (CSV, JSON or XLSX)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import click

from barnet_rag.cli.common import PERIOD, OutputPath, format_option, plan_option, root_option
from barnet_rag.errors import UsageError
from barnet_rag.periods import Period

STDOUT = Path("-")


@click.command(
    epilog="\b\nExamples:\n  barnet-rag export Q3-2017 -o q3-2017.csv\n"
    "  barnet-rag export Q3-2017 --all-periods --format xlsx -o ratings.xlsx\n"
    "  barnet-rag export Q3-2017 --format json | jq '.[0]'\n"
    "  barnet-rag export --actions -o actions.csv     # the plans' actions and milestones"
)
@click.argument("period", type=PERIOD, required=False)
@click.option(
    "--all-periods",
    is_flag=True,
    help="Every period that has a results file (up to PERIOD, if given).",
)
@format_option(
    ["csv", "json", "xlsx"],
    "CSV (UTF-8 with BOM), a JSON array of rows, or an Excel workbook.",
)
@click.option(
    "-o",
    "--output",
    type=OutputPath(),
    default=STDOUT,
    show_default="stdout",
    help="File to write (atomically); XLSX needs one.",
)
@click.option(
    "--actions",
    is_flag=True,
    help="Export the plans' actions and milestones (actions/<plan>.yaml) instead.",
)
@root_option
@plan_option
def export(
    period: Period | None,
    all_periods: bool,
    output_format: str,
    output: Path,
    actions: bool,
    root: Path,
    plans: tuple[str, ...],
) -> None:
    """Export every indicator (not just exceptions) with every computed field, one row per
    indicator and period: open data for the council's website."""
    if output_format == "xlsx" and output == STDOUT:
        raise UsageError(
            "--format xlsx writes a binary workbook: give a file with -o, e.g. -o ratings.xlsx"
        )
    if actions:
        if all_periods:
            raise UsageError("--actions exports the current actions files: drop --all-periods")
        _export_actions(root, plans, output_format, output)
        return
    from barnet_rag.api import rate_in_parts, rate_project
    from barnet_rag.cli.progress import busy
    from barnet_rag.cli.report import collector_skips_what_is_held
    from barnet_rag.outputs.exporting import (
        CHUNK_WRITERS,
        export_chunks,
        export_columns,
        export_csv_rows,
        export_periods,
        export_rows,
        write_csv_columns_export,
        write_csv_parts_export,
        write_xlsx_export,
    )
    from barnet_rag.outputs.tabular import indicator_rows
    from barnet_rag.project.loading import ResultsStore, load_project
    from barnet_rag.project.projectfiles import is_large

    if output_format == "csv" and period is not None and not (all_periods or plans):
        # A large project's parts rated at once, each writing its own rows.
        with busy("Rating...", slow=is_large(root)):
            parts = rate_in_parts(
                root, period, lambda rated, _: export_csv_rows(period, rated.indicators)
            )
        if parts is not None:
            _write(functools.partial(write_csv_parts_export, parts), output, binary=False)
            return
    with busy("Rating...", slow=is_large(root)):
        project = load_project(root)
        available = ResultsStore(root, {}).files if all_periods else ()
        periods = export_periods(available, period, all_periods)
        # No format carries the trace, SPC points or sparkline: rated without them, the
        # indicators take a third of the memory (a national export peaked at 1.6 GB).
        rated = [
            rate_project(root, p, plans, project=project, detail=False).indicators for p in periods
        ]
    with collector_skips_what_is_held():  # the rated indicators, while rows are made
        writer: Callable[[IO[Any]], None]
        if output_format == "xlsx":  # RAG cells in each plan's scheme's colours
            rows = export_rows(periods, [indicator_rows(indicators) for indicators in rated])
            levels = {i.plan: i.levels for indicators in rated for i in indicators}
            writer = functools.partial(write_xlsx_export, rows, levels=levels)
        elif output_format == "csv":  # a chunk of rows at a time, never all rows at once
            writer = functools.partial(write_csv_columns_export, export_columns(periods, rated))
        else:  # JSON likewise
            writer = functools.partial(CHUNK_WRITERS[output_format], export_chunks(periods, rated))
        _write(writer, output, binary=output_format == "xlsx")


def _write(writer: Callable[[IO[Any]], None], output: Path, *, binary: bool) -> None:
    """Write to standard output, or to ``output`` atomically."""
    from barnet_rag.project.writing import write_with

    if output == STDOUT:
        writer(sys.stdout)  # a closed pipe (| head) ends with 141, as for every command
        sys.stdout.flush()
    else:
        write_with(output, writer, binary=binary)


def _export_actions(root: Path, plans: tuple[str, ...], output_format: str, output: Path) -> None:
    """One row per action and milestone, in the export's formats."""
    from barnet_rag.outputs.exporting import ACTION_WRITERS
    from barnet_rag.project.actions import action_rows, load_all_actions
    from barnet_rag.project.loading import load_project
    from barnet_rag.project.writing import write_with

    project = load_project(root)
    rows = action_rows(load_all_actions(root, project.select(plans)))
    writer = ACTION_WRITERS[output_format]
    if output == STDOUT:
        writer(rows, sys.stdout)
    else:
        write_with(output, lambda stream: writer(rows, stream), binary=output_format == "xlsx")
