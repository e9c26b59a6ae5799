"""``barnet-rag chart PERIOD REF``: an accessible SVG XmR chart of one indicator."""

from __future__ import annotations

from pathlib import Path

import click

from barnet_rag.cli.common import PERIOD, root_option
from barnet_rag.periods import Period


@click.command(
    epilog="\b\nExamples:\n  barnet-rag chart Q3-2017 CG/C2 -o cg-c2.svg\n"
    "  barnet-rag chart Q3-2017 CG/S4 > cg-s4.svg"
)
@click.argument("period", type=PERIOD)
@click.argument("ref")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the SVG to this file (atomically) instead of standard output.",
)
@root_option
def chart(period: Period, ref: str, output: Path | None, root: Path) -> None:
    """Draw indicator REF's XmR chart up to PERIOD as SVG: results, centre line, process
    limits, target and special-cause points (docs/spc.md explains how to read it)."""
    from barnet_rag.outputs.charting import indicator_chart
    from barnet_rag.project.loading import load_project

    svg = indicator_chart(load_project(root), period, ref)
    if output is None:
        click.echo(svg, nl=False)
    else:
        from barnet_rag.errors import shown_name
        from barnet_rag.project.writing import write_atomic

        write_atomic(output, svg)
        click.echo(f"wrote {shown_name(output)}", err=True)
