"""``barnet-rag report PERIOD``: the committee's exception report in Markdown or HTML."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any, Literal

import click

from barnet_rag.cli.common import PERIOD, format_option, plan_option, root_option
from barnet_rag.periods import Period

#: The council's "high level risk" score; the same as risks.DEFAULT_THRESHOLD, repeated
#: here so that ``--help`` need not import pydantic.
DEFAULT_THRESHOLD = 15


@click.command(
    epilog="\b\nExamples:\n  barnet-rag report Q3-2017 > q3.md\n"
    "  barnet-rag report Q3-2017 --format html -o q3.html\n"
    "  barnet-rag report Q3-2017 --all-indicators --templates my-templates/"
)
@click.argument("period", type=PERIOD)
@root_option
@plan_option
@format_option(
    ["md", "html"],
    "Markdown for committee papers and git, or one standalone HTML file.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to FILE (atomically) instead of standard output.",
)
@click.option(
    "--all-indicators",
    is_flag=True,
    help="List every indicator, not only those that missed target (and Monitor ones).",
)
@click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="DIR",
    help="Use report.md.j2 / report.html.j2 from DIR instead of the shipped ones.",
)
@click.option(
    "--risk-threshold",
    type=click.IntRange(1, 25),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Residual risk score (likelihood x impact) from which a risk is reported.",
)
def report(
    period: Period,
    root: Path,
    plans: tuple[str, ...],
    output_format: Literal["md", "html"],
    output: Path | None,
    all_indicators: bool,
    templates: Path | None,
    risk_threshold: int,
) -> None:
    """Write the exception report for PERIOD (e.g. Q3-2017): Table 1, the indicators that
    missed target in words, indicator tables with footnotes, and high level risks."""
    from barnet_rag.api import rate_project
    from barnet_rag.outputs.reporting import build_report
    from barnet_rag.outputs.templating import render_report, write_report
    from barnet_rag.project.actions import load_all_actions
    from barnet_rag.project.loading import load_project
    from barnet_rag.project.risks import load_registers
    from barnet_rag.project.writing import write_with

    project = load_project(root)
    rated = rate_project(root, period, plans, project=project)
    selected = project.select(plans)
    registers = load_registers(root, selected, project.plan_files)
    context = build_report(
        rated,
        period,
        selected,
        registers,
        all_indicators=all_indicators,
        risk_threshold=risk_threshold,
        actions=load_all_actions(root, selected),
    )
    if output is None:
        text = render_report(context, output_format, templates)
        sys.stdout.write(text)
        return

    def render(stream: IO[Any]) -> None:
        write_report(context, output_format, stream, templates)

    write_with(output, render)
    click.echo(f"Wrote {output}", err=True)
