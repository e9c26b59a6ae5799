"""``barnet-rag new-quarter PERIOD``: start a quarter's results file, ready to fill."""

from __future__ import annotations

from pathlib import Path

import click

from barnet_rag.cli.common import PERIOD, root_option
from barnet_rag.periods import Period


@click.command(
    "new-quarter",
    epilog="\b\nExamples:\n  barnet-rag new-quarter Q4-2017     # writes results/2017-18/Q4.csv\n"
    "  barnet-rag new-quarter Q4-2017 --force",
)
@click.argument("period", type=PERIOD)
@root_option
@click.option("--force", is_flag=True, help="Replace an existing file, keeping it as Q<n>.csv.bak.")
def new_quarter(period: Period, root: Path, force: bool) -> None:
    """Write results/<yyyy-yy>/Q<n>.csv for PERIOD: a blank row per active indicator."""
    from barnet_rag.outputs.new_quarter import write_new_quarter

    written = write_new_quarter(root, period, force)
    labels = sum(1 for row in written.rows if row["label"])
    click.echo(
        f"Wrote {written.shown}: {len(written.rows)} indicators, "
        f"{labels} survey labels carried over; fill in the values."
    )
    if written.backup:
        click.echo(f"The previous file is kept as {written.backup}.")
    click.echo(f"Then run: barnet-rag check --period {period.cli_form}")
