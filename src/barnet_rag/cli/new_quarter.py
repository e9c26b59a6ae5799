"""``barnet-rag new-quarter PERIOD``: start a quarter's results file, or the collection
workbook officers fill in, with a row per result expected that quarter."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from barnet_rag.cli.common import PERIOD, format_option, root_option
from barnet_rag.errors import UsageError
from barnet_rag.periods import Period

if TYPE_CHECKING:
    from barnet_rag.outputs.new_quarter import NewNarrative


def narrative_line(narrative: NewNarrative) -> str:
    """What happened to one plan's "Progress on key activities" file."""
    if narrative.kept:
        return f"Kept {narrative.shown} as it is (progress on key activities)."
    if narrative.source is None:
        return f"Wrote {narrative.shown}: progress on key activities, empty; write it in Markdown."
    headings = "1 heading" if narrative.headings == 1 else f"{narrative.headings} headings"
    return (
        f"Wrote {narrative.shown}: progress on key activities, with {headings} "
        f"from {narrative.source}; write the update under each."
    )


@click.command(
    "new-quarter",
    epilog="\b\nExamples:\n  barnet-rag new-quarter Q4-2017     # writes results/2017-18/Q4.csv\n"
    "  barnet-rag new-quarter Q4-2017 --force\n"
    "  barnet-rag new-quarter Q4-2017 --format xlsx -o q4.xlsx\n"
    '  barnet-rag new-quarter Q4-2017 --format xlsx -o q4-safety.xlsx --owner "Community Safety"',
)
@click.argument("period", type=PERIOD)
@root_option
@format_option(
    ["csv", "xlsx"],
    "The quarter's results file, or a collection workbook to send to officers (needs -o).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The workbook to write (atomically), with --format xlsx.",
)
@click.option("--owner", metavar="NAME", help="Only this owner's results (with --format xlsx).")
@click.option("--force", is_flag=True, help="Replace an existing file, keeping it as Q<n>.csv.bak.")
def new_quarter(
    period: Period,
    root: Path,
    output_format: str,
    output: Path | None,
    owner: str | None,
    force: bool,
) -> None:
    """Write results/<yyyy-yy>/Q<n>.csv for PERIOD: a blank row per expected result; and
    each plan's narrative/<yyyy-yy>/Q<n>/<plan>.md with last quarter's headings."""
    if output_format == "xlsx":
        _workbook(period, root, output, owner)
        return
    if output is not None or owner is not None:
        option = "-o" if output is not None else "--owner"
        raise UsageError(
            f"{option} is for the collection workbook: add --format xlsx "
            "(the results file is always results/<yyyy-yy>/Q<n>.csv)"
        )
    from barnet_rag.outputs.new_quarter import write_new_quarter

    written = write_new_quarter(root, period, force)
    labels = sum(1 for row in written.rows if row["label"])
    click.echo(
        f"Wrote {written.shown}: {len(written.rows)} indicators, "
        f"{labels} survey labels carried over; fill in the values."
    )
    if written.backup:
        click.echo(f"The previous file is kept as {written.backup}.")
    for narrative in written.narratives:
        click.echo(narrative_line(narrative))
    click.echo(f"Then run: barnet-rag check --period {period.cli_form}")


def _workbook(period: Period, root: Path, output: Path | None, owner: str | None) -> None:
    if output is None:
        raise UsageError("--format xlsx writes a workbook: give a file with -o, e.g. -o q4.xlsx")
    from barnet_rag.outputs.workbook import write_workbook

    written = write_workbook(root, period, output, owner)
    whose = f" for {owner}" if owner else ""
    click.echo(f"Wrote {output}: {len(written.rows)} results expected in {period}{whose}.")
    click.echo(
        f"When it is filled in, run: barnet-rag import {output.name} --period {period.cli_form}"
    )
