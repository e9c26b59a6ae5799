"""``barnet-rag report PERIOD``: the committee's exception report in Markdown, HTML or Word."""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

import click

from barnet_rag.cli.common import PERIOD, OutputPath, format_option, plan_option, root_option
from barnet_rag.periods import Period

if TYPE_CHECKING:
    from barnet_rag.engine.rated import RatedPeriod
    from barnet_rag.engine.rating import Counted
    from barnet_rag.engine.summary import Group
    from barnet_rag.outputs.reporting import ReportContext
    from barnet_rag.outputs.word import WordBody
    from barnet_rag.project.loading import Project

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
    from barnet_rag.project.loading import load_project

    options = ReportOptions(period, all_indicators, risk_threshold, output_format, reference_docx)
    if not plans and templates is None:
        in_parts = report_in_parts(root, options)
        if in_parts is not None:
            around, parts = in_parts
            _write(around, output_format, output, None, reference_docx, parts)
            return
    project = load_project(root)
    # Rated without detail (a national report peaked at 1.6 GB with every trace and SPC
    # point held): a section reads only each row's sparkline results, made per row from
    # the same history as the engine's, and its plan's scheme's SPC rules (``Undetailed``).
    rated = rate_project(root, period, plans, project=project, detail=False)
    with collector_skips_what_is_held():
        context = report_of(rated, project, plans, options)
        _write(context, output_format, output, templates, reference_docx)


@dataclass(frozen=True)
class ReportOptions:
    """What the report is of and how it is written."""

    period: Period
    all_indicators: bool
    risk_threshold: int
    output_format: Literal["md", "html", "docx"]
    reference_docx: Path | None = None


def report_of(
    rated: RatedPeriod, project: Project, plans: Sequence[str], options: ReportOptions
) -> ReportContext:
    """The report of ``plans`` (all with none) of ``project`` as rated, with their risk
    registers, narratives and actions."""
    from barnet_rag.outputs.reporting import Undetailed, build_report
    from barnet_rag.project.actions import load_all_actions
    from barnet_rag.project.narratives import read_narratives
    from barnet_rag.project.risks import load_registers

    root, period = project.root, options.period
    selected = project.select(plans)
    undetailed = Undetailed.of(project.results, project.schemes, selected, period)
    registers = load_registers(root, selected, project.plan_files)
    narratives = read_narratives(root, period, [p.plan for p in selected])
    return build_report(
        rated,
        period,
        selected,
        registers,
        all_indicators=options.all_indicators,
        risk_threshold=options.risk_threshold,
        narratives={plan: (n.shown, n.text) for plan, n in narratives.items()},
        actions=load_all_actions(root, selected),
        undetailed=undetailed,
    )


@dataclass(frozen=True)
class ReportPart:
    """What one part of a project gives ``report``: its plan sections as text (in pieces)
    or as a Word document's body, and its plans' Table 1 groups of counts."""

    pieces: list[bytes]
    groups: list[Group[Counted]]
    word: WordBody | None = None

    @classmethod
    def of(cls, options: ReportOptions, rated: RatedPeriod, project: Project) -> ReportPart:
        """The part's sections, written by the shipped template or the Word writer."""
        from barnet_rag.engine.rating import counted_groups

        groups = counted_groups(project.plans, rated.indicators, project.schemes)
        with collector_skips_what_is_held():
            context = report_of(rated, project, (), options)
            if options.output_format == "docx":
                from barnet_rag.outputs.docx import docx_body

                # Every part but the first is written as following a section break: the
                # parent checks that one came before it (``report_in_parts``). A reference
                # that does not open fails the part, and one process reports it.
                first = _holds_the_first_plan(project)
                word = docx_body(context.plans, options.reference_docx, after_break=not first)
                return cls([], groups, word)
            from barnet_rag.outputs.templating import plan_sections_text

            return cls(plan_sections_text(context, options.output_format), groups)


def _holds_the_first_plan(project: Project) -> bool:
    from barnet_rag.project.loading import plan_paths
    from barnet_rag.project.projectfiles import relative

    paths = plan_paths(project.root)
    shown = next(iter(project.plan_files.values()), None)
    return bool(paths) and relative(paths[0], project.root) == shown


def report_in_parts(
    root: Path, options: ReportOptions, processes: int | None = None
) -> tuple[ReportContext, list[ReportPart]] | None:
    """The report of a large project's plans rated in parts (shipped templates, or Word):
    the report around them, with Table 1 made from every part's counts by the same
    ``summary_rows``, and the parts; None when the project is not rated in parts (then it
    is reported from one). ``processes`` as for ``rate_in_parts``."""
    from barnet_rag.api import rate_in_parts
    from barnet_rag.engine.summary import summary_rows, tally
    from barnet_rag.outputs.reporting import report_context

    parts = rate_in_parts(
        root, options.period, partial(ReportPart.of, options), processes=processes
    )
    if parts is None or not _breaks_agree(parts):
        return None
    groups = [group for part in parts for group in part.groups]
    context = report_context(
        options.period,
        summary_rows(groups, tally),
        [group.committee for group in groups],
        [],
        all_indicators=options.all_indicators,
        risk_threshold=options.risk_threshold,
    )
    return context, parts


def _breaks_agree(parts: Sequence[ReportPart]) -> bool:
    """Whether each Word part was written as following a section break just when a plan
    before it started one (every part of a Markdown or HTML report agrees)."""
    started = False
    for part in parts:
        if part.word is not None:
            if part.word.after_break != started:
                return False
            started = started or part.word.breaks
    return True


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
    parts: Sequence[ReportPart] | None = None,
) -> None:
    """Write the report in its format to ``output`` (atomically), or to standard output;
    ``parts`` are a report rated in parts' plans."""
    from barnet_rag.errors import shown_name
    from barnet_rag.outputs.templating import render_report, write_report
    from barnet_rag.project.writing import write_with

    if output_format == "docx":
        from barnet_rag.outputs.docx import build_docx

        if output is None:  # refused above, before any file was read
            raise click.UsageError(DOCX_NEEDS_OUTPUT)

        bodies = None if parts is None else [part.word for part in parts if part.word]
        document = build_docx(context, reference_docx, bodies)
        try:
            write_with(output, document.save, binary=True)
        finally:
            document.close()
        click.echo(f"Wrote {output}", err=True)
        return
    sections = None if parts is None else [piece for part in parts for piece in part.pieces]
    if output is None and sections is not None:
        # The sections are written already, and the shipped template around them cannot
        # fail: stream them rather than hold the whole report twice over.
        write_report(context, output_format, sys.stdout, None, sections)
        return
    if output is None:  # written whole once rendered, so that a failing template prints nothing
        text = render_report(context, output_format, templates)
        sys.stdout.write(text)
        return

    def render(stream: IO[Any]) -> None:
        write_report(context, output_format, stream, templates, sections)

    write_with(output, render)
    click.echo(f"Wrote {shown_name(output)}", err=True)
