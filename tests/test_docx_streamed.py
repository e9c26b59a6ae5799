"""The Word report is written as it goes, and its indicator rows as XML text.

A national report's tables held as python-docx's tree took 3 GB and twelve minutes. The
writer now flushes the body to a spool after each plan and writes the indicator rows as
text. These tests hold that what it writes is, byte for byte, the document python-docx
writes when every row is built through its API (the oracle: the code the report had) and
the whole tree is held: for any text in any cell, any order of paragraphs, sections and
tables, and flushes anywhere.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.table import Table
from hypothesis import given, settings
from hypothesis import strategies as st

from barnet_rag.outputs import docx as word_report
from barnet_rag.outputs.docx import INDICATOR_WIDTHS, RAG_COLOURS, _dot_text, _indicator_row
from barnet_rag.outputs.reporting import DotCell, IndicatorRow
from barnet_rag.outputs.word import (
    W_NAMESPACE,
    Writer,
    cell_text,
    clean,
    new_document,
    rgb,
    run_style,
    shade,
    twips,
)

REPO = Path(__file__).resolve().parent.parent
DOCUMENT_PART = "word/document.xml"

#: Any text a file may hold: tabs, line breaks, edge spaces, markup, XML-illegal characters.
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


def oracle_row(writer: Writer, table: Table, row: IndicatorRow, widths: Sequence[float]) -> None:
    """The indicator row as the report built it through python-docx, cell by cell."""
    cells = writer.row(table, widths).cells
    cell_text(cells[0], row.ref, bold=True)
    if row.ref_detail:
        run_style(cells[0].paragraphs[0].add_run(f" ({clean(row.ref_detail)})"))
    cell_text(cells[1], row.title, notes=row.title_notes)
    for cell, text in zip(cells[2:5], (row.polarity, row.annual_target, row.target), strict=True):
        cell_text(cell, text)
    cell_text(cells[5], row.result, notes=row.result_notes)
    if row.rag_letter is not None and row.rag_letter in RAG_COLOURS:
        fill, ink = RAG_COLOURS[row.rag_letter]
        shade(cells[5], fill)
        for run in cells[5].paragraphs[0].runs:
            run.font.color.rgb = rgb(ink)
        words = cells[5].add_paragraph()
        run_style(words.add_run(clean(row.rag_words)), bold=True, colour=ink)
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
        cell_text(cell, text)


@st.composite
def indicator_rows(draw: st.DrawFn) -> IndicatorRow:
    notes = st.lists(st.integers(1, 30), max_size=2)

    def dot() -> DotCell:
        return DotCell.model_construct(
            dot=None, arrow=draw(st.sampled_from(["", "▲"])), text=draw(TEXT)
        )

    return IndicatorRow.model_construct(
        ref=draw(TEXT),
        ref_detail=draw(st.none() | TEXT),
        title=draw(TEXT),
        title_notes=draw(notes),
        polarity=draw(TEXT),
        annual_target=draw(TEXT),
        target=draw(TEXT),
        result=draw(TEXT),
        result_notes=draw(notes),
        rag_letter=draw(st.sampled_from([None, "G", "GA", "RA", "R", "M"])),
        rag_words=draw(TEXT),
        previous=draw(TEXT),
        dot_short=dot(),
        last_year=draw(TEXT),
        dot_long=dot(),
        trend=draw(TEXT),
        spc=draw(TEXT),
        benchmark=draw(TEXT),
    )


#: What a document is built of: paragraphs in a style, headings, sections, indicator
#: tables, and flushes of the body so far.
BLOCKS = st.lists(
    st.one_of(
        st.tuples(st.just("paragraph"), TEXT, st.sampled_from([None, "Caption", "List Bullet"])),
        st.tuples(st.just("heading"), TEXT, st.integers(0, 3)),
        st.tuples(st.just("page"), st.booleans()),
        st.tuples(st.just("table"), st.lists(indicator_rows(), max_size=3)),
        st.tuples(st.just("flush")),
    ),
    max_size=12,
)


def build(document: Document, blocks: Sequence[tuple[object, ...]], streamed: bool) -> Writer:
    """The blocks written into ``document``: streamed, as the report now does, or with
    every row built through python-docx and nothing flushed."""
    writer = Writer(document, reference=False)
    writer.page(landscape=False, new=False)
    for block in blocks:
        kind = block[0]
        if kind == "paragraph":
            writer.paragraph(str(block[1]), block[2])  # type: ignore[arg-type]
        elif kind == "heading":
            writer.heading(str(block[1]), block[2])  # type: ignore[arg-type]
        elif kind == "page":
            writer.page(landscape=bool(block[1]), new=True)
        elif kind == "table":
            widths = writer.widths(INDICATOR_WIDTHS)
            table = writer.table([f"H{i}" for i in range(len(widths))], widths)
            rows: list[IndicatorRow] = block[1]  # type: ignore[assignment]
            if streamed:
                writer.rows(table, [_indicator_row(row, twips(widths)) for row in rows])
            else:
                for row in rows:
                    oracle_row(writer, table, row, widths)
            writer.paragraph()
        elif streamed:
            writer.flush()
    return writer


def package(save: object) -> dict[str, bytes]:
    buffer = io.BytesIO()
    save(buffer)  # type: ignore[operator]
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@settings(max_examples=150, deadline=None)
@given(blocks=BLOCKS)
def test_a_streamed_document_is_the_one_python_docx_writes(
    blocks: list[tuple[object, ...]],
) -> None:
    """Every part of the package, document.xml included, is byte for byte the same."""
    held = build(new_document(), blocks, streamed=False)
    streamed = build(new_document(), blocks, streamed=True)
    expected, written = package(held.document.save), package(streamed.save)
    assert list(written) == list(expected)
    assert written == expected


def _saved(writer: Writer, streamed: bool) -> bytes:
    buffer = io.BytesIO()
    (writer.save if streamed else writer.document.save)(buffer)
    return buffer.getvalue()


def test_a_reference_with_another_prefix_gets_rows_that_declare_theirs(tmp_path: Path) -> None:
    """A council template whose WordprocessingML prefix is not ``w``: the rows written as
    text declare ``w`` themselves, and the paper opens with their cells."""
    blank = io.BytesIO()
    docx.Document().save(blank)
    reference = tmp_path / "prefixed.docx"
    with zipfile.ZipFile(blank) as source, zipfile.ZipFile(reference, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == DOCUMENT_PART:
                data = data.replace(b"xmlns:w=", b"xmlns:wx=").replace(b"<w:", b"<wx:")
                data = data.replace(b"</w:", b"</wx:").replace(b" w:", b" wx:")
                assert b"xmlns:wx" in data
            target.writestr(info, data)
    document = word_report.open_reference(reference)
    assert document.element.body.nsmap.get("w") != W_NAMESPACE
    writer = Writer(document, reference=True)
    writer.page(landscape=True, new=False)
    row = IndicatorRow.model_construct(
        ref="CG/S4", ref_detail="RPS – Annual", title="Public confidence", title_notes=[2],
        polarity="Bigger is Better", annual_target="68%", target="68%", result="60%",
        result_notes=[], rag_letter="R", rag_words="Red", previous="Not reported",
        dot_short=DotCell.model_construct(dot=None, arrow="", text="Not reported"),
        last_year="67%", dot_long=DotCell.model_construct(dot=None, arrow="▼", text="Worsening"),
        trend="···█···▁", spc="Insufficient data", benchmark="No benchmark available",
    )  # fmt: skip
    widths = writer.widths(INDICATOR_WIDTHS)
    table = writer.table([f"H{i}" for i in range(len(widths))], widths)
    writer.rows(table, [_indicator_row(row, twips(widths))])
    paper = docx.Document(io.BytesIO(_saved(writer, streamed=True)))
    assert [c.text for c in paper.tables[0].rows[1].cells] == [
        "CG/S4 (RPS – Annual)", "Public confidence2", "Bigger is Better", "68%", "68%",
        "60%\nRed", "Not reported", "Not reported", "67%", "▼ (Worsening)", "···█···▁",
        "Insufficient data", "No benchmark available",
    ]  # fmt: skip


def test_the_tree_holds_one_plan_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The body is flushed after the summary and after each plan: what the tree holds at
    a flush is never more than one plan's part."""
    from barnet_rag.api import rate_project
    from barnet_rag.outputs.reporting import build_report
    from barnet_rag.periods import Period
    from barnet_rag.project.loading import load_project

    project = load_project(REPO)
    period = Period(2017, 3)
    plans = list(project.select(()))
    context = build_report(rate_project(REPO, period, (), project=project), period, plans, {})
    context = context.model_copy(update={"plans": list(context.plans) * 3})
    held: list[int] = []
    flush = Writer.flush

    def counted(writer: Writer) -> None:
        held.append(len(writer.document.element.body))
        flush(writer)

    monkeypatch.setattr(Writer, "flush", counted)
    writer = word_report.build_docx(context)
    assert len(held) == 1 + 3
    assert held[1] == held[2] == held[3]  # each plan's part alone, none carried over
    assert len(writer.document.element.body) == 1  # the last section's properties
    paper = docx.Document(io.BytesIO(_saved(writer, streamed=True)))
    assert [p.text for p in paper.paragraphs].count("Community Leadership Committee") == 1 + 3
