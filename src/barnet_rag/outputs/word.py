"""A small writer of Word documents over python-docx: styles found or added, A4 sections,
spans with bold, italic, code and links, lists, and tables whose header rows repeat.

:mod:`barnet_rag.outputs.docx` lays the report out with it. python-docx is imported inside
the functions, so that nothing loads it unless a Word report is asked for. ``open_reference``
does what pandoc's ``--reference-doc`` does: the council's document, its body cleared.

The body is written as it goes. ``Writer.flush`` serializes what the body holds so far to
a spooled file and drops it from the tree, and ``Writer.save`` puts the spool back in the
document part's place. A national report's tables (75,000 rows of 13 cells) held as
python-docx's tree took 3 GB. Table rows written in bulk (``Writer.rows``) are XML text
(``row_xml``, ``cell_xml``, ``run_xml``) in the exact form python-docx gives the same
calls, which a test holds; building them cell by cell through python-docx took minutes.
"""

from __future__ import annotations

import io
import re
import secrets
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING
from xml.sax.saxutils import escape

from barnet_rag.errors import UserError
from barnet_rag.outputs.markdown_text import Block, Heading, ListBlock, Paragraph, Span

if TYPE_CHECKING:
    from docx.document import Document
    from docx.section import Section
    from docx.shared import Length, RGBColor
    from docx.table import Table, _Cell, _Row
    from docx.text.paragraph import Paragraph as WordParagraph
    from docx.text.run import Run
    from lxml.etree import _Comment

#: Table header cells: dark blue, white bold text (as the HTML report's).
HEADER_FILL, HEADER_TEXT = "1D3A5C", "FFFFFF"
#: Word headings: Title for the committee, Heading 1 for sections, Heading 2 within a
#: plan; an officer's ``#`` in a narrative file is a Heading 3.
NARRATIVE_HEADING_OFFSET = 2
#: Characters XML 1.0 cannot hold; python-docx would raise on them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: WordprocessingML's namespace, which the rows' text writes as ``w:``, and the
#: relationships' (``r:``), which a hyperlink's id is in.
W_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NAMESPACE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: A hyperlink's relationship id as a body's XML holds it (``Writer.link`` makes them).
_HYPERLINK_ID = re.compile(rb'<w:hyperlink r:id="(rId[0-9]+)"')
#: A run's tab and line breaks, which Word holds as elements of their own.
_RUN_BREAKS = re.compile(r"([\t\r\n])")
#: Table text is 8 pt: ``w:sz`` counts half points.
TABLE_TEXT_SIZE = 16
#: What a part's serialized body may be this large before the spool goes to disk.
SPOOL_IN_MEMORY = 1 << 24


def clean(text: str) -> str:
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
    body.get_or_add_sectPr()  # a document without page setup gets an empty one
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


@dataclass(frozen=True)
class WordBody:
    """Some plans' part of a Word report, written in a process of their own (see
    :meth:`Writer.body`): their body's XML (zlib-compressed, a piece a flush), the styles
    they asked for (first use first), the hyperlinks they made (id, target), whether they
    start a section, and whether they were written as following one."""

    pieces: list[bytes]
    styles: list[str]
    links: list[tuple[str, str]]
    breaks: bool
    after_break: bool


class Writer:
    """Builds one report into a document: styles looked up (or added) once each."""

    def __init__(self, document: Document, reference: bool, *, in_pieces: bool = False) -> None:
        self.document = document
        self.reference = reference
        #: With ``in_pieces``, each flush keeps its XML as a piece (for :meth:`body`)
        #: rather than spool it.
        self.pieces: list[bytes] | None = [] if in_pieces else None
        #: Hyperlinks made, by relationship id; whether a section was started, and whether
        #: the body was begun as following one (:meth:`follow_a_break`).
        self.links: dict[str, str] = {}
        self.breaks = False
        self.after_break = False
        self.added: set[str] = set()
        self.resolved: dict[str, str] = {}
        self.style_ids: dict[str, str | None] = {}
        #: The first section's margins, read once: the sections before the one being
        #: written are flushed from the tree.
        self.first_margins: tuple[Length | None, ...] | None = None
        #: The body written so far, as UTF-8 XML (made at the first flush), and the rows
        #: not yet in it, by marker.
        self.spool: IO[bytes] | None = None
        self.pending: list[str] = []
        self.mark = f"barnet-rag {secrets.token_hex(8)}"

    # styles ---------------------------------------------------------------------------

    def style(self, name: str) -> str:
        """``name`` if the document has that paragraph style; else it is added, plainly."""
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Mm, Pt

        styles = self.document.styles
        if name in self.resolved:
            return self.resolved[name]
        paragraph = {s.name for s in styles if s.type == WD_STYLE_TYPE.PARAGRAPH and s.name}
        if name in paragraph:
            self.resolved[name] = name
            return name
        # A character or table style may have the name: ours then gets a name of its own.
        taken = {s.name for s in styles if s.name}
        actual = name if name not in taken else f"{name} (report)"
        style = styles.add_style(actual, WD_STYLE_TYPE.PARAGRAPH)
        if "Normal" in paragraph:
            style.base_style = styles["Normal"]
        self.resolved[name] = actual
        self.added.add(actual)
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
        return actual

    def heading(self, text: str, level: int) -> WordParagraph:
        return self.paragraph(text, "Title" if level == 0 else f"Heading {min(level, 9)}")

    def paragraph(self, text: str = "", style: str | None = None) -> WordParagraph:
        """A paragraph at the end of the body, in ``style`` (found or added)."""
        paragraph = self.document.add_paragraph(clean(text))
        if style is not None:
            # What ``paragraph.style = name`` sets, looked up once per style: python-docx
            # reads every style in the document for each paragraph.
            paragraph._p.style = self.style_id(style)
        return paragraph

    def style_id(self, name: str) -> str | None:
        """The id a paragraph in style ``name`` refers to (None for the default style)."""
        from docx.enum.style import WD_STYLE_TYPE

        if name not in self.style_ids:
            actual = self.style(name)
            part = self.document.part
            self.style_ids[name] = part.get_style_id(actual, WD_STYLE_TYPE.PARAGRAPH)  # type: ignore[no-untyped-call]
        return self.style_ids[name]

    # page setup ---------------------------------------------------------------------

    def page(self, landscape: bool, new: bool) -> None:
        """A4, portrait or landscape; ``new`` starts a section on a new page."""
        from docx.enum.section import WD_ORIENT, WD_SECTION
        from docx.shared import Mm

        section = (
            self.document.add_section(WD_SECTION.NEW_PAGE) if new else self.document.sections[0]
        )
        self.breaks = self.breaks or new
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        section.page_width, section.page_height = width, height
        left, right, top, bottom = self.first_margins or _margins(section)
        if self.reference and None not in (left, right):
            # the council's margins, in every section
            section.left_margin, section.right_margin = left, right
            section.top_margin, section.bottom_margin = top, bottom
        else:
            margin = Mm(15) if landscape else Mm(20)
            section.left_margin = section.right_margin = margin
            section.top_margin = section.bottom_margin = margin
        if self.first_margins is None:  # the first section, now set up
            self.first_margins = _margins(section)

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
            run = paragraph.add_run(clean(span.text))
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
        self.links.setdefault(r_id, span.href)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), r_id)
        run = paragraph.add_run(clean(span.text))
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
            borders(table)
        row = table.rows[0]
        repeat_header(row)
        for cell, header in zip(row.cells, headers, strict=True):
            shade(cell, HEADER_FILL)
            run = cell.paragraphs[0].add_run(clean(header))
            run_style(run, bold=True, colour=HEADER_TEXT)
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
        keep_row_together(row)
        if widths is not None:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Mm(width)
        return row

    def rows(self, table: Table, rows: Sequence[str]) -> None:
        """Add rows written as XML text (``row_xml``) at the end of ``table``: held as text
        until the table is flushed, where they take a marker's place."""
        from lxml import etree

        table._tbl.append(etree.Comment(f"{self.mark} rows {len(self.pending)}"))
        self.pending.append("".join(rows))

    def flush(self) -> None:
        """Write the body so far (all but its last section's properties) to the spool, and
        drop it from the tree."""
        from lxml import etree

        root = self.document.element
        body = root.body
        children = [child for child in body if child is not body.sectPr]
        if not children:
            return
        # A copy of the document's root and body, so that the children are written with
        # the namespace prefixes they have in the document, and nothing declared again.
        wrapper = etree.Element(root.tag, nsmap=root.nsmap)
        inner = etree.SubElement(wrapper, body.tag, nsmap=body.nsmap)
        start, end = (etree.Comment(f"{self.mark} {edge}") for edge in ("start", "end"))
        inner.append(start)
        inner.extend(children)
        inner.append(end)
        text = etree.tostring(wrapper, encoding="UTF-8")
        written = text.split(_comment(start))[1].split(_comment(end))[0]
        pieces = re.split(re.escape(f"<!--{self.mark} rows ").encode() + rb"(\d+)-->", written)
        declared = "" if body.nsmap.get("w") == W_NAMESPACE else f' xmlns:w="{W_NAMESPACE}"'
        out: list[bytes] = []
        for index, piece in enumerate(pieces):
            if index % 2 == 0:
                out.append(piece)
            else:
                rows = self.pending[int(piece)]
                if declared:
                    rows = rows.replace("<w:tr>", f"<w:tr{declared}>")
                out.append(rows.encode())
        self.pending.clear()
        if self.pieces is not None:
            self.pieces.append(zlib.compress(b"".join(out), 1))
        else:
            self.spooled().writelines(out)

    def spooled(self) -> IO[bytes]:
        """The spool of the body written so far, made when first written to."""
        if self.spool is None:
            self.spool = tempfile.SpooledTemporaryFile(SPOOL_IN_MEMORY)  # noqa: SIM115
        return self.spool

    def follow_a_break(self) -> None:
        """Set the last section up as a plan's tables leave it (a section break made, and
        its paragraph dropped): a part's plans after the report's first section break are
        written from here, and the whole report ends so."""
        had_breaks = self.breaks
        self.flush()
        self.page(landscape=False, new=True)
        body = self.document.element.body
        for child in [child for child in body if child is not body.sectPr]:
            body.remove(child)
        self.breaks, self.after_break = had_breaks, True

    def body(self) -> WordBody:
        """What this writer's plans give the report's own writer (``in_pieces``)."""
        self.flush()
        assert self.pieces is not None, "a writer in pieces"
        if self.links and not _standard_prefixes(self.document):
            raise ValueError("hyperlinks in a document with prefixes of its own")
        links = list(self.links.items())
        return WordBody(self.pieces, list(self.resolved), links, self.breaks, self.after_break)

    def extend(self, part: WordBody) -> None:
        """Add a part's plans (:meth:`body`) at the end of the body: its styles, its
        hyperlinks (their ids made this document's), its XML."""
        from docx.opc.constants import RELATIONSHIP_TYPE

        self.flush()
        for name in part.styles:
            self.style(name)
        ids: dict[bytes, bytes] = {}
        for r_id, href in part.links:
            ours = self.document.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
            self.links.setdefault(ours, href)
            ids[r_id.encode()] = ours.encode()
        renamed = any(theirs != ours for theirs, ours in ids.items())
        spool = self.spooled()
        for piece in part.pieces:
            data = zlib.decompress(piece)
            if renamed:
                data = _HYPERLINK_ID.sub(lambda found: _renamed(found, ids), data)
            spool.write(data)
        if part.breaks and not self.breaks:
            self.follow_a_break()
            self.breaks = True

    def save(self, stream: IO[bytes]) -> None:
        """Write the whole document as a .docx package to ``stream``: python-docx's package,
        with the spooled body in the document part."""
        from lxml import etree

        self.flush()
        spool = self.spool if self.spool is not None else io.BytesIO()
        body = self.document.element.body
        marker = etree.Comment(f"{self.mark} body")
        body.insert(0, marker)
        package = io.BytesIO()
        try:
            self.document.save(package)
        finally:
            body.remove(marker)
        document_part = self.document.part.partname.membername
        with zipfile.ZipFile(package) as source, zipfile.ZipFile(stream, "w") as target:
            for info in source.infolist():
                member = zipfile.ZipInfo(info.filename, info.date_time)
                member.compress_type, member.external_attr = info.compress_type, info.external_attr
                data = source.read(info)
                if info.filename != document_part:
                    target.writestr(member, data)
                    continue
                head, tail = data.split(_comment(marker))
                member.file_size = len(head) + spool.tell() + len(tail)
                with target.open(member, "w") as part:
                    part.write(head)
                    spool.seek(0)
                    shutil.copyfileobj(spool, part, 1 << 20)
                    part.write(tail)
        self.close()

    def close(self) -> None:
        """Let the spool go (its file, if it grew to one, is deleted)."""
        if self.spool is not None:
            self.spool.close()
            self.spool = None

    def caption(self, text: str, notes: Sequence[int] = ()) -> None:
        paragraph = self.paragraph(style="Caption")
        paragraph.add_run(clean(text)).bold = True
        marks(paragraph, notes)
        paragraph.paragraph_format.keep_with_next = True


def _standard_prefixes(document: Document) -> bool:
    """Whether the document writes WordprocessingML as ``w:`` and relationships as ``r:``
    (python-docx's own template and Word's documents do)."""
    names = document.element.nsmap
    return bool(names.get("w") == W_NAMESPACE and names.get("r") == R_NAMESPACE)


def _renamed(found: re.Match[bytes], ids: dict[bytes, bytes]) -> bytes:
    return b'<w:hyperlink r:id="' + ids[found[1]] + b'"'


def _margins(section: Section) -> tuple[Length | None, ...]:
    return section.left_margin, section.right_margin, section.top_margin, section.bottom_margin


def _comment(comment: _Comment) -> bytes:
    """A comment element as the document's XML writes it."""
    from lxml import etree

    return etree.tostring(comment)


def run_xml(
    text: str, *, bold: bool = False, colour: str | None = None, superscript: bool = False
) -> str:
    """An 8 pt run of table text (cleaned), as python-docx writes ``run_style``'s run:
    each tab and line break an element of its own, edge spaces kept."""
    properties = (
        ("<w:b/>" if bold else "")
        + (f'<w:color w:val="{colour}"/>' if colour is not None else "")
        + f'<w:sz w:val="{TABLE_TEXT_SIZE}"/>'
        + ('<w:vertAlign w:val="superscript"/>' if superscript else "")
    )
    content = []
    for piece in _RUN_BREAKS.split(clean(text)):
        if piece == "\t":
            content.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            content.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            content.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return f"<w:r><w:rPr>{properties}</w:rPr>{''.join(content)}</w:r>"


def cell_xml(width: int, paragraphs: Sequence[str], fill: str | None = None) -> str:
    """A table cell ``width`` twips wide holding ``paragraphs`` (each its runs' XML),
    shaded ``fill`` if given."""
    shading = "" if fill is None else f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    written = "".join(f"<w:p>{runs}</w:p>" if runs else "<w:p/>" for runs in paragraphs)
    return f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{shading}</w:tcPr>{written}</w:tc>'


def row_xml(cells: Sequence[str]) -> str:
    """A table row that Word keeps on one page, as ``Writer.row`` makes it."""
    return f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>"


def twips(widths: Sequence[float]) -> list[int]:
    """Column widths in millimetres as the twips python-docx writes for them."""
    from docx.shared import Mm

    return [Mm(width).twips for width in widths]


def _depth(depth: int) -> str:
    return "" if depth <= 1 else f" {min(depth, 3)}"


def shade(cell: _Cell, fill: str) -> None:
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


def repeat_header(row: _Row) -> None:
    """Mark a row as the table's header: Word repeats it at the top of each page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
    keep_row_together(row)


def keep_row_together(row: _Row) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def borders(table: Table) -> None:
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


def run_style(run: Run, *, bold: bool = False, colour: str | None = None) -> None:
    from docx.shared import Pt, RGBColor

    run.bold = bold or None
    run.font.size = Pt(8)
    if colour is not None:
        run.font.color.rgb = RGBColor.from_string(colour)


def marks(paragraph: WordParagraph, notes: Sequence[int | str]) -> None:
    """Footnote markers as superscript runs: ``¹`` in the text, ``2`` raised in Word."""
    for note in notes:
        run = paragraph.add_run(str(note))
        run.font.superscript = True


def cell_text(cell: _Cell, text: str, *, bold: bool = False, notes: Sequence[int] = ()) -> None:
    paragraph = cell.paragraphs[0]
    run_style(paragraph.add_run(clean(text)), bold=bold)
    for note in notes:
        run = paragraph.add_run(str(note))
        run.font.superscript = True
        run_style(run)
        run.font.superscript = True


def rgb(colour: str) -> RGBColor:
    from docx.shared import RGBColor

    return RGBColor.from_string(colour)
