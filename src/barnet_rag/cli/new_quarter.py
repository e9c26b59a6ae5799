"""``barnet-rag new-quarter PERIOD``: start a quarter's results file, ready to fill."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from barnet_rag.cli.common import PERIOD, root_option
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
    "  barnet-rag new-quarter Q4-2017 --force",
)
@click.argument("period", type=PERIOD)
@root_option
@click.option("--force", is_flag=True, help="Replace an existing file, keeping it as Q<n>.csv.bak.")
def new_quarter(period: Period, root: Path, force: bool) -> None:
    """Write results/<yyyy-yy>/Q<n>.csv for PERIOD: a blank row per active indicator; and
    each plan's narrative/<yyyy-yy>/Q<n>/<plan>.md with last quarter's headings."""
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
