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
python-docx is imported only here, and only when a Word report is asked for.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from barnet_rag.errors import UserError
from barnet_rag.outputs.markdown_text import Block, Heading, ListBlock, Paragraph, Span
from barnet_rag.outputs.reporting import (
    DotCell,
    IndicatorRow,
    IndicatorTable,
    PlanSection,
    ReportContext,
)

if TYPE_CHECKING:
    from docx.document import Document
    from docx.shared import RGBColor
    from docx.table import Table, _Cell, _Row
    from docx.text.paragraph import Paragraph as WordParagraph
    from docx.text.run import Run

#: Fill and text colour per rating, as the HTML report's badges (text at AA contrast).
RAG_COLOURS: dict[str, tuple[str, str]] = {
    "G": ("00703C", "FFFFFF"),
    "GA": ("DFE87A", "0B0C0C"),
    "RA": ("F6A04D", "0B0C0C"),
    "R": ("B10E1E", "FFFFFF"),
}
#: Table 1's level columns, shaded as their rating.
LEVEL_HEADERS = {"Green": "G", "Green Amber": "GA", "Red Amber": "RA", "Red": "R"}
HEADER_FILL, HEADER_TEXT = "1D3A5C", "FFFFFF"
#: Word headings: Title for the committee, Heading 1 for sections, Heading 2 within a
#: plan; an officer's ``#`` in a narrative file is a Heading 3.
NARRATIVE_HEADING_OFFSET = 2
#: Shares of the text width for the indicator table's columns (in millimetres on landscape
#: A4 with 15 mm margins: 267 mm) and the risk table's.
INDICATOR_WIDTHS = (20, 38, 15, 17, 15, 22, 20, 21, 19, 21, 14, 20, 24)
RISK_WIDTHS = (16, 44, 26, 16, 14, 16, 38)
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """Text as Word can store it: characters XML 1.0 forbids dropped (never an error)."""
    return _XML_ILLEGAL.sub("", text)


def open_reference(path: Path) -> Document:
    """Open the council's reference document with its body cleared, or a clear error."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    shown = path.as_posix()
    save_as = "save the council's template from Word as a Word Document (.docx)"
    if not path.is_file():
        raise UserError(f"--reference-docx {shown}: does not exist (give the path of a .docx file)")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile):
        raise UserError(
            f"--reference-docx {shown}: not a Word document (a .docx file is a zip package, "
            f"and this is not one: a .doc, .odt or renamed file?); {save_as}"
        ) from None
    except KeyError:
        raise UserError(
            f"--reference-docx {shown}: a zip file, but not a Word document; {save_as}"
        ) from None
    except ValueError as error:
        raise UserError(f"--reference-docx {shown}: {_wrong_kind(str(error))}; {save_as}") from None
    except SyntaxError:  # lxml's XMLSyntaxError: a part that is not well-formed XML
        raise UserError(
            f"--reference-docx {shown}: a damaged Word document (part of it is not valid XML); "
            "open it in Word and save it again as a Word Document (.docx)"
        ) from None
    except OSError as error:
        raise UserError(f"--reference-docx {shown}: cannot be read: {error.strerror}") from None
    from docx.oxml.ns import qn

    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def _wrong_kind(message: str) -> str:
    """What python-docx's "content type is ..." error means, in words."""
    if "wordprocessingml.template" in message:
        return "a Word template (.dotx), not a document"
    if "macroEnabled" in message:
        return "a macro-enabled file (.docm/.dotm), not a plain Word document"
    if "spreadsheetml" in message:
        return "an Excel workbook, not a Word document"
    if "presentationml" in message:
        return "a PowerPoint file, not a Word document"
    return "not a Word document"


def new_document() -> Document:
    """python-docx's blank document in the report's house style (Arial, 10 pt)."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    font = normal.font
    font.name = "Arial"
    font.size = Pt(10)
    return document


class _Writer:
    """Builds one report into a document: styles looked up (or added) once each."""

    def __init__(self, document: Document, reference: bool) -> None:
        self.document = document
        self.reference = reference
        self.added: set[str] = set()

    # styles ---------------------------------------------------------------------------

    def style(self, name: str) -> str:
        """``name`` if the document has that paragraph style; else it is added, plainly."""
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Mm, Pt

        styles = self.document.styles
        if name in [s.name for s in styles if s.type == WD_STYLE_TYPE.PARAGRAPH]:
            return name
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        self.added.add(name)
        font = style.font
        form = style.paragraph_format
        if name.startswith(("Heading", "Title")):
            font.bold = True
            size = 20 if name == "Title" else max(16 - 2 * int(name[-1]), 10)
            font.size = Pt(size)
            form.space_before = Pt(12)
            form.keep_with_next = True
        elif name.startswith("List"):
            depth = int(name[-1]) if name[-1].isdigit() else 1
            form.left_indent = Mm(6 * depth)
            if "Continue" not in name:
                form.first_line_indent = Mm(-4)
        elif name == "Caption":
            font.bold = True
            form.keep_with_next = True
        return name

    def heading(self, text: str, level: int) -> WordParagraph:
        name = "Title" if level == 0 else f"Heading {min(level, 9)}"
        return self.document.add_paragraph(_clean(text), style=self.style(name))

    def paragraph(self, text: str = "", style: str | None = None) -> WordParagraph:
        return self.document.add_paragraph(_clean(text), style=self.style(style) if style else None)

    # page setup ---------------------------------------------------------------------

    def page(self, landscape: bool, new: bool) -> None:
        """A4, portrait or landscape; ``new`` starts a section on a new page."""
        from docx.enum.section import WD_ORIENT, WD_SECTION
        from docx.shared import Mm

        section = (
            self.document.add_section(WD_SECTION.NEW_PAGE) if new else self.document.sections[0]
        )
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        section.page_width, section.page_height = width, height
        if self.reference:  # the council's margins, in every section
            first = self.document.sections[0]
            section.left_margin, section.right_margin = first.left_margin, first.right_margin
            section.top_margin, section.bottom_margin = first.top_margin, first.bottom_margin
        else:
            margin = Mm(15) if landscape else Mm(20)
            section.left_margin = section.right_margin = margin
            section.top_margin = section.bottom_margin = margin

    def text_width(self) -> float:
        """The current section's width between its margins, in millimetres."""
        section = self.document.sections[-1]
        width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
        return float(width) / 36000

    # text ---------------------------------------------------------------------------

    def spans(self, paragraph: WordParagraph, spans: Sequence[Span]) -> None:
        for span in spans:
            if span.href:
                self.link(paragraph, span)
                continue
            run = paragraph.add_run(_clean(span.text))
            run.bold = span.bold or None
            run.italic = span.italic or None
            if span.code:
                run.font.name = "Courier New"

    def link(self, paragraph: WordParagraph, span: Span) -> None:
        """A real hyperlink (blue, underlined) to ``span.href``."""
        from docx.opc.constants import RELATIONSHIP_TYPE
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import RGBColor

        assert span.href is not None
        r_id = paragraph.part.relate_to(span.href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), r_id)
        run = paragraph.add_run(_clean(span.text))
        run.bold = span.bold or None
        run.italic = span.italic or None
        run.font.underline = True
        run.font.color.rgb = RGBColor(0x1D, 0x70, 0xB8)
        hyperlink.append(run._r)
        paragraph._p.append(hyperlink)

    def blocks(self, blocks: Sequence[Block], depth: int = 0) -> None:
        """An officer's Markdown blocks: headings, paragraphs, (nested) lists."""
        for block in blocks:
            if isinstance(block, Heading):
                level = block.level + NARRATIVE_HEADING_OFFSET
                self.spans(self.heading("", level), block.spans)
            elif isinstance(block, Paragraph):
                style = f"List Continue{_depth(depth)}" if depth else None
                self.spans(self.paragraph(style=style), block.spans)
            else:
                self.list_block(block, depth + 1)

    def item(self, *, ordered: bool, number: int, depth: int) -> WordParagraph:
        """A list item's first paragraph: "List Bullet" (or "List Bullet 2", ...).

        Numbered items, and bullets in a reference document without list styles, are
        written out ("3. ", "• ") in a "List Continue" paragraph: Word's list styles share
        one numbering, which would run on from one list to the next.
        """
        style = self.style(f"List Bullet{_depth(depth)}")
        if ordered or style in self.added:
            paragraph = self.paragraph(style=f"List Continue{_depth(depth)}")
            paragraph.add_run(f"{number}. " if ordered else "• ")
            return paragraph
        return self.paragraph(style=style)

    def list_block(self, block: ListBlock, depth: int) -> None:
        for number, item in enumerate(block.items, start=block.start):
            first, rest = (item[0], item[1:]) if item else (Paragraph(()), ())
            if not isinstance(first, Paragraph):
                first, rest = Paragraph(()), item
            paragraph = self.item(ordered=block.ordered, number=number, depth=depth)
            self.spans(paragraph, first.spans)
            self.blocks(rest, depth)

    # tables -------------------------------------------------------------------------

    def table(self, headers: Sequence[str], widths: Sequence[float] | None = None) -> Table:
        """A bordered table with one header row that repeats at the top of each page."""
        from docx.shared import Mm

        table: Table = self.document.add_table(rows=1, cols=len(headers))
        if "Table Grid" in [s.name for s in self.document.styles]:
            table.style = self.document.styles["Table Grid"]
        else:
            _borders(table)
        row = table.rows[0]
        _repeat_header(row)
        for cell, header in zip(row.cells, headers, strict=True):
            _shade(cell, HEADER_FILL)
            run = cell.paragraphs[0].add_run(_clean(header))
            _run_style(run, bold=True, colour=HEADER_TEXT)
        if widths is not None:
            table.autofit = False
            for column, width in zip(table.columns, widths, strict=True):
                column.width = Mm(width)
                for cell in column.cells:
                    cell.width = Mm(width)
        return table

    def widths(self, shares: Sequence[int]) -> list[float]:
        """Column widths in millimetres: ``shares`` of the text width."""
        total = sum(shares)
        return [self.text_width() * share / total for share in shares]

    def row(self, table: Table, widths: Sequence[float] | None = None) -> _Row:
        from docx.shared import Mm

        row: _Row = table.add_row()  # type: ignore[no-untyped-call]
        _keep_row_together(row)
        if widths is not None:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Mm(width)
        return row

    def caption(self, text: str, notes: Sequence[int] = ()) -> None:
        paragraph = self.paragraph(style="Caption")
        paragraph.add_run(_clean(text)).bold = True
        _marks(paragraph, notes)
        paragraph.paragraph_format.keep_with_next = True


def _depth(depth: int) -> str:
    return "" if depth <= 1 else f" {min(depth, 3)}"


def _shade(cell: _Cell, fill: str) -> None:
    """Shade a cell: ``<w:shd w:val="clear" w:fill="RRGGBB"/>``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_header(row: _Row) -> None:
    """Mark a row as the table's header: Word repeats it at the top of each page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
    _keep_row_together(row)


def _keep_row_together(row: _Row) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _borders(table: Table) -> None:
    """Single borders on every cell, for a reference document without "Table Grid"."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:color"), "B1B4B6")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _run_style(run: Run, *, bold: bool = False, colour: str | None = None) -> None:
    from docx.shared import Pt, RGBColor

    run.bold = bold or None
    run.font.size = Pt(8)
    if colour is not None:
        run.font.color.rgb = RGBColor.from_string(colour)


def _marks(paragraph: WordParagraph, notes: Sequence[int | str]) -> None:
    """Footnote markers as superscript runs: ``¹`` in the text, ``2`` raised in Word."""
    for note in notes:
        run = paragraph.add_run(str(note))
        run.font.superscript = True


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, notes: Sequence[int] = ()) -> None:
    paragraph = cell.paragraphs[0]
    _run_style(paragraph.add_run(_clean(text)), bold=bold)
    for note in notes:
        run = paragraph.add_run(str(note))
        run.font.superscript = True
        _run_style(run)
        run.font.superscript = True


def _dot_text(cell: DotCell) -> str:
    return f"{cell.arrow} ({cell.text})" if cell.arrow else cell.text


def _indicator_row(
    writer: _Writer, table: Table, row: IndicatorRow, widths: Sequence[float]
) -> None:
    cells = writer.row(table, widths).cells
    _cell_text(cells[0], row.ref, bold=True)
    if row.ref_detail:
        _run_style(cells[0].paragraphs[0].add_run(f" ({_clean(row.ref_detail)})"))
    _cell_text(cells[1], row.title, notes=row.title_notes)
    for cell, text in zip(cells[2:5], (row.polarity, row.annual_target, row.target), strict=True):
        _cell_text(cell, text)
    _cell_text(cells[5], row.result, notes=row.result_notes)
    if row.rag_letter is not None and row.rag_letter in RAG_COLOURS:
        fill, ink = RAG_COLOURS[row.rag_letter]
        _shade(cells[5], fill)
        for run in cells[5].paragraphs[0].runs:
            run.font.color.rgb = _rgb(ink)
        words = cells[5].add_paragraph()
        _run_style(words.add_run(_clean(row.rag_words)), bold=True, colour=ink)
    rest = (
        row.previous,
        _dot_text(row.dot_short),
        row.last_year,
        _dot_text(row.dot_long),
        row.trend,
        row.spc,
        row.benchmark,
    )
    for cell, text in zip(cells[6:], rest, strict=True):
        _cell_text(cell, text)


def _rgb(colour: str) -> RGBColor:
    from docx.shared import RGBColor

    return RGBColor.from_string(colour)


def _indicator_table(writer: _Writer, table: IndicatorTable) -> None:
    writer.caption(table.caption, table.caption_notes)
    widths = writer.widths(INDICATOR_WIDTHS)
    word = writer.table(table.headers, widths)
    for cell, note in zip(word.rows[0].cells, table.header_notes, strict=True):
        if note is not None:
            run = cell.paragraphs[0].add_run(note.mark)
            _run_style(run, bold=True, colour=HEADER_TEXT)
    for row in table.rows:
        _indicator_row(writer, word, row, widths)
    writer.paragraph()


def _plan(writer: _Writer, plan: PlanSection) -> None:
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
        paragraph.add_run(_clean(lead_in)).bold = True
        sentence = f" – {bullet.sentence}" + (f" {bullet.comment}" if bullet.comment else "")
        paragraph.add_run(_clean(sentence))
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
            _cell_text(cells[0], risk.id, bold=True)
            for cell, value in zip(cells[1:6], values, strict=True):
                _cell_text(cell, str(value))
            _cell_text(cells[6], mitigations)


def _notes(writer: _Writer, plan: PlanSection) -> None:
    """The numbered notes, then the † and ‡ notes on the column headers."""
    from docx.shared import Pt

    notes = [(str(n.number), n.text) for n in plan.footnotes]
    for mark, text in [*notes, *((k.mark, k.text) for k in plan.key_notes)]:
        paragraph = writer.paragraph()
        marker = paragraph.add_run(mark)
        marker.font.superscript = mark.isdigit()
        marker.font.size = paragraph.add_run(" " + _clean(text)).font.size = Pt(8)


def build_docx(context: ReportContext, reference: Path | None = None) -> Document:
    """The whole report as a python-docx document, built into ``reference`` if given."""
    document = open_reference(reference) if reference is not None else new_document()
    writer = _Writer(document, reference=reference is not None)
    writer.page(landscape=False, new=False)
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
            _shade(cell, fill)
            for run in cell.paragraphs[0].runs:
                run.font.color.rgb = _rgb(ink)
    for line in context.summary.rows:
        cells = writer.row(summary).cells
        _cell_text(cells[0], line.committee, bold=line.total)
        for cell, text in zip(cells[1:], line.cells, strict=True):
            _cell_text(cell, text, bold=line.total)
    for plan in context.plans:
        _plan(writer, plan)
    return document
