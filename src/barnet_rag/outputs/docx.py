"""The exception report as a Word document (``report --format docx``), with python-docx.

Built from the same :class:`~barnet_rag.outputs.reporting.ReportContext` as the Markdown
and HTML reports, so every figure and sentence is the same. A committee clerk drops it into
the council's template: real headings and list styles, Table 1 and the indicator tables as
Word tables whose header rows repeat on each page, RAG cells shaded in the rating's colour
and spelled out in words, notes under the tables, A4 pages with the wide indicator tables
in a landscape section.

``--reference-docx FILE`` works as pandoc's ``--reference-doc``: FILE is opened, its body
cleared, and the report built into it, so its styles, page margins, headers and footers
are the paper's. A style the reference lacks is added, plainly, so that nothing fails.
python-docx is imported only here and in :mod:`barnet_rag.outputs.word` (the document
writer this module lays the report out with), and only when a Word report is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from barnet_rag.outputs.reporting import (
    DotCell,
    IndicatorRow,
    IndicatorTable,
    PlanSection,
    ReportContext,
)
from barnet_rag.outputs.word import (
    HEADER_TEXT,
    WordBody,
    Writer,
    cell_text,
    cell_xml,
    clean,
    new_document,
    open_reference,
    rgb,
    row_xml,
    run_style,
    run_xml,
    shade,
    twips,
)

#: Fill and text colour per rating, as the HTML report's badges (text at AA contrast).
RAG_COLOURS: dict[str, tuple[str, str]] = {
    "G": ("00703C", "FFFFFF"),
    "GA": ("DFE87A", "0B0C0C"),
    "RA": ("F6A04D", "0B0C0C"),
    "R": ("B10E1E", "FFFFFF"),
}
#: Table 1's level columns, shaded as their rating.
LEVEL_HEADERS = {"Green": "G", "Green Amber": "GA", "Red Amber": "RA", "Red": "R"}

#: Shares of the text width for the indicator table's columns (in millimetres on landscape
#: A4 with 15 mm margins: 267 mm) and the risk table's.
INDICATOR_WIDTHS = (20, 38, 15, 17, 15, 22, 20, 21, 19, 21, 14, 20, 24)
RISK_WIDTHS = (16, 44, 26, 16, 14, 16, 38)


def _dot_text(cell: DotCell) -> str:
    return f"{cell.arrow} ({cell.text})" if cell.arrow else cell.text


def _indicator_row(row: IndicatorRow, widths: Sequence[int]) -> str:
    """One indicator's row as XML text (``widths`` in twips): the ref in bold, notes
    raised, the result's cell shaded in its rating's colour with the rating in words."""
    ref = run_xml(row.ref, bold=True)
    if row.ref_detail:
        ref += run_xml(f" ({row.ref_detail})")
    result = [_with_notes(row.result, row.result_notes)]
    fill = None
    if row.rag_letter is not None and row.rag_letter in RAG_COLOURS:
        fill, ink = RAG_COLOURS[row.rag_letter]
        result = [
            _with_notes(row.result, row.result_notes, ink),
            run_xml(row.rag_words, bold=True, colour=ink),
        ]
    texts = (row.polarity, row.annual_target, row.target)
    rest = (
        row.previous,
        _dot_text(row.dot_short),
        row.last_year,
        _dot_text(row.dot_long),
        row.trend,
        row.spc,
        row.benchmark,
    )
    cells = [
        cell_xml(widths[0], [ref]),
        cell_xml(widths[1], [_with_notes(row.title, row.title_notes)]),
        *(cell_xml(width, [run_xml(text)]) for width, text in zip(widths[2:5], texts, strict=True)),
        cell_xml(widths[5], result, fill),
        *(cell_xml(width, [run_xml(text)]) for width, text in zip(widths[6:], rest, strict=True)),
    ]
    return row_xml(cells)


def _with_notes(text: str, notes: Sequence[int], colour: str | None = None) -> str:
    """A cell's text with its note numbers raised after it, as ``cell_text`` writes them."""
    return run_xml(text, colour=colour) + "".join(
        run_xml(str(note), colour=colour, superscript=True) for note in notes
    )


def _indicator_table(writer: Writer, table: IndicatorTable) -> None:
    writer.caption(table.caption, table.caption_notes)
    widths = writer.widths(INDICATOR_WIDTHS)
    word = writer.table(table.headers, widths)
    for cell, note in zip(word.rows[0].cells, table.header_notes, strict=True):
        if note is not None:
            run = cell.paragraphs[0].add_run(note.mark)
            run_style(run, bold=True, colour=HEADER_TEXT)
    columns = twips(widths)
    writer.rows(word, [_indicator_row(row, columns) for row in table.rows])
    writer.paragraph()


def _plan(writer: Writer, plan: PlanSection) -> None:
    writer.heading(f"{plan.committee} Committee", 1)
    if plan.progress is not None:
        writer.heading("Progress on key activities", 2)
        writer.blocks(plan.progress.blocks)
    writer.heading("Indicators that have not met target", 2)
    lead = writer.paragraph()
    lead.add_run("Commissioning Plan performance is reported by exception only").bold = True
    lead.add_run(
        ", for example where indicators have not met the quarterly target (RAG rated as "
        "Amber and Red). Comments on performance are provided below."
    )
    writer.paragraph(plan.intro)
    for bullet in plan.bullets:
        paragraph = writer.item(ordered=False, number=1, depth=1)
        lead_in = f"{bullet.ref} {bullet.title} (RAG rated {bullet.rag_phrase})"
        paragraph.add_run(clean(lead_in)).bold = True
        sentence = f" – {bullet.sentence}" + (f" {bullet.comment}" if bullet.comment else "")
        paragraph.add_run(clean(sentence))
    if plan.tables:
        writer.page(landscape=True, new=True)
        for table in plan.tables:
            _indicator_table(writer, table)
        _notes(writer, plan)
        writer.page(landscape=False, new=True)
    writer.heading("Risk management", 2)
    writer.paragraph(" ".join(plan.risks.sentences))
    if plan.risks.risks:
        writer.caption(plan.risks.caption)
        headers = ["ID", "Risk", "Owner", "Likelihood", "Impact", "Residual score", "Mitigations"]
        widths = writer.widths(RISK_WIDTHS)
        risk_table = writer.table(headers, widths)
        for risk in plan.risks.risks:
            cells = writer.row(risk_table, widths).cells
            mitigations = "; ".join(risk.mitigations) if risk.mitigations else "None recorded"
            values = (risk.title, risk.owner, risk.likelihood, risk.impact, risk.score)
            cell_text(cells[0], risk.id, bold=True)
            for cell, value in zip(cells[1:6], values, strict=True):
                cell_text(cell, str(value))
            cell_text(cells[6], mitigations)


def _notes(writer: Writer, plan: PlanSection) -> None:
    """The numbered notes, then the † and ‡ notes on the column headers."""
    from docx.shared import Pt

    notes = [(str(n.number), n.text) for n in plan.footnotes]
    for mark, text in [*notes, *((k.mark, k.text) for k in plan.key_notes)]:
        paragraph = writer.paragraph()
        marker = paragraph.add_run(mark)
        marker.font.superscript = mark.isdigit()
        marker.font.size = paragraph.add_run(" " + clean(text)).font.size = Pt(8)


def _writer(reference: Path | None, *, in_pieces: bool = False) -> Writer:
    """A writer over python-docx's blank document or the council's reference, its first
    section set up."""
    document = open_reference(reference) if reference is not None else new_document()
    writer = Writer(document, reference=reference is not None, in_pieces=in_pieces)
    writer.page(landscape=False, new=False)
    return writer


def docx_body(
    plans: Sequence[PlanSection], reference: Path | None, *, after_break: bool
) -> WordBody:
    """Some plans' part of the Word report, written in a process of their own (a report in
    parts): as :func:`build_docx` writes them, after a section break when ``after_break``
    (as every plan after the first plan with tables is)."""
    writer = _writer(reference, in_pieces=True)
    if after_break:
        writer.follow_a_break()
    for plan in plans:
        _plan(writer, plan)
        writer.flush()
    return writer.body()


def build_docx(
    context: ReportContext,
    reference: Path | None = None,
    parts: Sequence[WordBody] | None = None,
) -> Writer:
    """The whole report as a Word document, built into ``reference`` if given: its
    ``save`` writes the .docx. Each plan's part is written out as it is finished; with
    ``parts``, the plans are theirs (:func:`docx_body`), in order."""
    writer = _writer(reference)
    document = writer.document
    if reference is None:  # python-docx's template says "generated by python-docx"
        document.core_properties.author = "barnet-rag"
        document.core_properties.comments = ""
    document.core_properties.title = f"{context.heading}: {context.title}"
    document.core_properties.subject = context.period_long
    writer.heading(context.heading, 0)
    writer.paragraph(context.title, "Subtitle")
    writer.paragraph(f"Period: {context.period_long}")
    writer.heading("Summary", 1)
    intro = writer.paragraph("The report provides an overview of performance for ")
    intro.add_run(context.period_long).bold = True
    intro.add_run(
        ": indicators that have not met target and high level risks in relation to the "
        "Commissioning Plan."
    )
    scope = writer.paragraph()
    if context.all_indicators:
        scope.add_run("Every indicator is listed in the tables below").bold = True
        scope.add_run(
            "; the commentary covers the indicators that have not met target, and high level "
            f"risks (scoring {context.risk_threshold} or above)."
        )
    else:
        scope.add_run("Performance and risk information is reported by exception only").bold = True
        scope.add_run(
            ", for example where indicators have not met target and high level risks "
            f"(scoring {context.risk_threshold} or above)."
        )
    writer.heading("Performance indicators", 1)
    writer.paragraph(
        f"The {context.period} position for the basket of indicators in the Commissioning "
        f"Plan is set out in Table 1 below. {context.summary.sentence}"
    )
    writer.caption(context.summary.caption)
    summary = writer.table(context.summary.headers)
    for cell, header in zip(summary.rows[0].cells, context.summary.headers, strict=True):
        code = LEVEL_HEADERS.get(header)
        if code is not None:
            fill, ink = RAG_COLOURS[code]
            shade(cell, fill)
            for run in cell.paragraphs[0].runs:
                run.font.color.rgb = rgb(ink)
    for line in context.summary.rows:
        cells = writer.row(summary).cells
        cell_text(cells[0], line.committee, bold=line.total)
        for cell, text in zip(cells[1:], line.cells, strict=True):
            cell_text(cell, text, bold=line.total)
    writer.flush()
    if parts is not None:
        for part in parts:
            writer.extend(part)
        return writer
    for plan in context.plans:
        _plan(writer, plan)
        writer.flush()
    return writer
