"""``barnet-rag report PERIOD``: the committee's exception report in Markdown, HTML or Word."""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

import click

from barnet_rag.cli.common import PERIOD, OutputPath, format_option, plan_option, root_option
from barnet_rag.periods import Period

if TYPE_CHECKING:
    from barnet_rag.outputs.reporting import ReportContext

#: The council's "high level risk" score; the same as risks.DEFAULT_THRESHOLD, repeated
#: here so that ``--help`` need not import pydantic.
DEFAULT_THRESHOLD = 15
DOCX_NEEDS_OUTPUT = (
    "--format docx needs -o FILE: a Word document is binary, not for the terminal (e.g. -o q3.docx)"
)


@click.command(
    epilog="\b\nExamples:\n  barnet-rag report Q3-2017 > q3.md\n"
    "  barnet-rag report Q3-2017 --format html -o q3.html\n"
    "  barnet-rag report Q3-2017 --format docx -o q3.docx --reference-docx council.docx\n"
    "  barnet-rag report Q3-2017 --all-indicators --templates my-templates/"
)
@click.argument("period", type=PERIOD)
@root_option
@plan_option
@format_option(
    ["md", "html", "docx"],
    "Markdown for committee papers and git, one standalone HTML file, or a Word document "
    "(docx needs -o FILE).",
)
@click.option(
    "-o",
    "--output",
    type=OutputPath(),
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
@click.option(
    "--reference-docx",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="With --format docx: take the styles, page setup, headers and footers of FILE "
    "(the council's Word template saved as .docx); its text is not kept.",
)
def report(
    period: Period,
    root: Path,
    plans: tuple[str, ...],
    output_format: Literal["md", "html", "docx"],
    output: Path | None,
    all_indicators: bool,
    templates: Path | None,
    risk_threshold: int,
    reference_docx: Path | None,
) -> None:
    """Write the exception report for PERIOD (e.g. Q3-2017): Table 1, the indicators that
    missed target in words, indicator tables with footnotes, and high level risks."""
    if output_format == "docx" and output is None:
        raise click.UsageError(DOCX_NEEDS_OUTPUT)
    if reference_docx is not None and output_format != "docx":
        raise click.UsageError("--reference-docx only applies with --format docx")
    if templates is not None and output_format == "docx":
        raise click.UsageError(
            "--templates applies to md and html; a Word report takes its styles from "
            "--reference-docx FILE"
        )
    from barnet_rag.api import rate_project
    from barnet_rag.outputs.reporting import Undetailed, build_report
    from barnet_rag.project.actions import load_all_actions
    from barnet_rag.project.loading import load_project
    from barnet_rag.project.narratives import read_narratives
    from barnet_rag.project.risks import load_registers

    project = load_project(root)
    # Rated without detail (a national report peaked at 1.6 GB with every trace and SPC
    # point held): a section reads only each row's sparkline results, made per row from
    # the same history as the engine's, and its plan's scheme's SPC rules (``Undetailed``).
    rated = rate_project(root, period, plans, project=project, detail=False)
    selected = project.select(plans)
    undetailed = Undetailed.of(project.results, project.schemes, selected, period)
    registers = load_registers(root, selected, project.plan_files)
    narratives = read_narratives(root, period, [p.plan for p in selected])
    with collector_skips_what_is_held():
        context = build_report(
            rated,
            period,
            selected,
            registers,
            all_indicators=all_indicators,
            risk_threshold=risk_threshold,
            narratives={plan: (n.shown, n.text) for plan, n in narratives.items()},
            actions=load_all_actions(root, selected),
            undetailed=undetailed,
        )
        _write(context, output_format, output, templates, reference_docx)


@contextlib.contextmanager
def collector_skips_what_is_held() -> Iterator[None]:
    """Keep every object alive now (the project read and rated: millions of objects on a
    national project) out of the cyclic collector's walks until the block ends. Without
    it, each collection that the report's rows or the export's row dicts trigger walks them
    all again: almost half the time of writing a national report."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _write(
    context: ReportContext,
    output_format: Literal["md", "html", "docx"],
    output: Path | None,
    templates: Path | None,
    reference_docx: Path | None,
) -> None:
    """Write the report in its format to ``output`` (atomically), or to standard output."""
    from barnet_rag.errors import shown_name
    from barnet_rag.outputs.templating import render_report, write_report
    from barnet_rag.project.writing import write_with

    if output_format == "docx":
        from barnet_rag.outputs.docx import build_docx

        if output is None:  # refused above, before any file was read
            raise click.UsageError(DOCX_NEEDS_OUTPUT)

        document = build_docx(context, reference_docx)
        write_with(output, document.save, binary=True)
        click.echo(f"Wrote {output}", err=True)
        return
    if output is None:
        text = render_report(context, output_format, templates)
        sys.stdout.write(text)
        return

    def render(stream: IO[Any]) -> None:
        write_report(context, output_format, stream, templates)

    write_with(output, render)
    click.echo(f"Wrote {shown_name(output)}", err=True)
