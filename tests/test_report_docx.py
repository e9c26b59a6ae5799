"""``report PERIOD --format docx -o FILE``: the committee paper as a Word document.

Each test writes the document and reads it back with python-docx, as a clerk's Word would
see it: headings and list paragraphs by style, the tables' cells, the RAG cells' shading,
the repeated header rows, A4 sections and their orientation; ``--reference-docx`` builds
into the council's own template. One test converts the paper to PDF with LibreOffice when
it is installed.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from hypothesis import given, settings
from hypothesis import strategies as st

from barnet_rag.api import rate_project
from barnet_rag.cli import main
from barnet_rag.outputs.docx import build_docx
from barnet_rag.outputs.markdown_text import Block, ListBlock, parse, plain_text
from barnet_rag.outputs.reporting import build_report
from barnet_rag.outputs.word import clean
from barnet_rag.periods import Period
from barnet_rag.project.loading import load_project
from barnet_rag.project.models import Plan, RatedPeriod

REPO = Path(__file__).resolve().parent.parent
Q3 = "narrative/2017-18/Q3/community-leadership.md"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def write_docx(tmp_path: Path, *extra: str, root: Path = REPO) -> Document:
    out = tmp_path / "q3.docx"
    code, stdout, stderr = run(
        "report", "Q3-2017", "--root", str(root), "--format", "docx", "-o", str(out), *extra
    )
    assert (code, stdout, stderr) == (0, "", f"Wrote {out}\n")
    return docx.Document(str(out))


@pytest.fixture(scope="module")
def paper(tmp_path_factory: pytest.TempPathFactory) -> Document:
    """The shipped example's Q3 2017/18 paper."""
    return write_docx(tmp_path_factory.mktemp("docx"))


def styled(document: Document, prefix: str) -> list[tuple[str, str]]:
    return [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name is not None and p.style.name.startswith(prefix)
    ]


def fill(cell: _Cell) -> str | None:
    properties = cell._tc.tcPr
    shading = None if properties is None else properties.find(qn("w:shd"))
    return None if shading is None else shading.get(qn("w:fill"))


def row_texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def repeats(table: Table) -> list[bool]:
    return [
        row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None
        for row in table.rows
    ]


def test_headings_follow_the_seeds_sections(paper: Document) -> None:
    assert styled(paper, "Title") + styled(paper, "Heading") == [
        ("Title", "Community Leadership Committee"),
        ("Heading 1", "Summary"),
        ("Heading 1", "Performance indicators"),
        ("Heading 1", "Community Leadership Committee"),
        ("Heading 2", "Progress on key activities"),
        ("Heading 2", "Indicators that have not met target"),
        ("Heading 2", "Risk management"),
    ]
    assert styled(paper, "Subtitle") == [
        ("Subtitle", "Quarter 3 2017/18 Commissioning Plan Performance Report")
    ]
    assert paper.core_properties.title == (
        "Community Leadership Committee: Quarter 3 2017/18 Commissioning Plan Performance Report"
    )


def test_bullets_are_word_list_paragraphs_with_bold_lead_ins(paper: Document) -> None:
    bullets = [p for p in paper.paragraphs if p.style is not None and p.style.name == "List Bullet"]
    assert [p.text[:40] for p in bullets[:4]] == [
        "Community safety - Barnet remains one of",
        "Supporting those with multiple needs (do",
        "Co-ordinating a package of measures to s",
        "Emergency planning, preparedness and res",
    ]
    assert [p.text for p in bullets[4:]] == [
        "CG/S4 Public confidence in police and council in dealing with anti-social behaviour "
        "and crime issues that matter in their area (RAG rated RED) – 60% against a target of "
        "68%. This has fallen from the same time last year (67%). Generally, concern about "
        "anti-social behaviour and crime has increased.",
        "CG/S16 Percentage of residents who are satisfied with Barnet as a place to live (RAG "
        "rated GREEN AMBER) – 85% against a target of 90%. This is unchanged from the same "
        "time last year (85%).",
        "CG/C6 Percentage of residents who feel that there is not a problem with “people not "
        "treating each other with respect” (RAG rated GREEN AMBER) – 74% against a target of "
        "81%. This has significantly improved since it was last reported in Spring 2016 (60%). "
        "The spring 2016 result was considered to have been influenced by national events "
        "such as the Murder of Jo Cox MP; EU referendum campaign; Brexit; and recent terror "
        "attacks.",
    ]
    assert [(r.text, r.bold) for r in bullets[0].runs][:2] == [
        ("Community safety", True),
        (
            " - Barnet remains one of London's safest boroughs with a low crime rate. In the "
            "last 12 months (to November 2017) there were 69 crimes per 1,000 residents in "
            "Barnet, which was 7th lowest rate of total crime per person out of all 32 London "
            "boroughs and 25 per cent lower than the London average. The rate of violent crime "
            "is even lower: Barnet had the 3rd lowest rate of violent crime out of the 32 London "
            "boroughs, with 5.9 Violence with Injury offences per 1,000 population. This rate is "
            "33 per cent below the London average. In the current rolling 12 months (to "
            "November 2017) there were 3446 burglaries, which is a one per cent reduction on the "
            "previous year.",
            None,
        ),
    ]
    assert bullets[4].runs[0].bold and not bullets[4].runs[1].bold
    continuation = [p.text[:30] for p in paper.paragraphs if p.style.name == "List Continue"]
    assert continuation[:2] == ["To help communities feel safer", "An inter-agency working group "]


def test_table_1_is_a_word_table_with_level_columns_in_their_colours(paper: Document) -> None:
    summary = paper.tables[0]
    assert row_texts(summary) == [
        ["Theme Committee", "Green", "Green Amber", "Red Amber", "Red", "Improved/Same",
         "Worsened", "Monitored only", "No. indicators"],
        ["Community Leadership", "25% (1)", "50% (2)", "0% (0)", "25% (1)", "67% (4)",
         "33% (2)", "5", "9"],
    ]  # fmt: skip
    assert [fill(c) for c in summary.rows[0].cells] == [
        "1D3A5C", "00703C", "DFE87A", "F6A04D", "B10E1E", "1D3A5C", "1D3A5C", "1D3A5C", "1D3A5C",
    ]  # fmt: skip
    assert repeats(summary) == [True, False]


def test_indicator_tables_carry_the_seeds_cells(paper: Document) -> None:
    corporate, commissioning = paper.tables[1], paper.tables[2]
    assert row_texts(corporate)[0] == [
        "Ref", "Indicator", "Polarity", "2017/18 Annual Target", "2017/18 Q3 Target",
        "2017/18 Q3 Result", "2017/18 Q2 Result", "DOT Short Term (From Q2 2017/18)",
        "2016/17 Q3 Result", "DOT Long Term (From Q3 2016/17)", "Trend (last 8 quarters)†",
        "Variation / assurance‡", "Benchmarking",
    ]  # fmt: skip
    assert row_texts(corporate)[2] == [
        "CG/S4 (RPS – Annual)",
        "Public confidence in police and council in dealing with anti-social behaviour and "
        "crime issues that matter in their area2",
        "Bigger is Better", "68%", "68%", "60% (Autumn 2017)\nRed",
        "Not reported in Q2, as Autumn survey", "Not reported in Q2, as Autumn survey",
        "67% (Autumn 2016)", "▼ (Worsening)", "···█···▁", "Insufficient data",
        "No benchmark available",
    ]  # fmt: skip
    assert [r[0] for r in row_texts(commissioning)[1:]] == [
        "CG/C2", "CG/C3", "CG/C4", "CG/C27", "CG/C6 (RPS – Annual)",
    ]  # fmt: skip
    assert row_texts(commissioning)[4][5] == "1783"  # 178 with note 3 raised
    note = corporate.rows[2].cells[1].paragraphs[0].runs[-1]
    assert (note.text, note.font.superscript) == ("2", True)


def test_rag_cells_are_shaded_and_spelled_out(paper: Document) -> None:
    results = {
        row.cells[0].text.split(" ")[0]: row.cells[5]
        for table in paper.tables[1:]
        for row in table.rows[1:]
    }
    assert {ref: (fill(cell), cell.paragraphs[-1].text) for ref, cell in results.items()} == {
        "CG/C33": (None, "69.4"),
        "CG/S4": ("B10E1E", "Red"),
        "CG/S5": ("00703C", "Green"),
        "CG/S16": ("DFE87A", "Green Amber"),
        "CG/C2": (None, "5.4%"),
        "CG/C3": (None, "20.6%"),
        "CG/C4": (None, "20.2%"),
        "CG/C27": (None, "1783"),
        "CG/C6": ("DFE87A", "Green Amber"),
    }
    words = results["CG/S4"].paragraphs[-1].runs[0]
    assert words.bold and words.font.color.rgb == RGBColor(0xFF, 0xFF, 0xFF)
    assert results["CG/S16"].paragraphs[-1].runs[0].font.color.rgb == RGBColor(0x0B, 0x0C, 0x0C)


def test_header_rows_repeat_on_every_page_and_rows_do_not_split(paper: Document) -> None:
    for table in paper.tables:
        assert repeats(table) == [True] + [False] * (len(table.rows) - 1)
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)


def test_a4_with_the_indicator_tables_in_a_landscape_section(paper: Document) -> None:
    assert [
        (s.orientation, round(s.page_width.mm), round(s.page_height.mm)) for s in paper.sections
    ] == [
        (WD_ORIENT.PORTRAIT, 210, 297),
        (WD_ORIENT.LANDSCAPE, 297, 210),
        (WD_ORIENT.PORTRAIT, 210, 297),
    ]
    body = paper.element.body
    # the landscape section ends after the second indicator table and its notes
    breaks = [
        i for i, el in enumerate(body) if el.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
    ]
    tables = [i for i, el in enumerate(body) if el.tag == qn("w:tbl")]
    assert len(breaks) == 2
    assert breaks[0] < tables[1] < tables[2] < breaks[1]


def test_notes_follow_the_tables(paper: Document) -> None:
    texts = [p.text for p in paper.paragraphs]
    assert "1 The Monitor indicators have been included for information." in texts
    assert any(t.startswith("2 There is a +/-4.4%pts tolerance on the results") for t in texts)
    assert any(t.startswith("3 Result for September to November 2017.") for t in texts)
    assert any(t.startswith("† Trend: the results of the last 8 quarters") for t in texts)
    assert any(t.startswith("‡ Variation / assurance:") for t in texts)
    assert (
        "No risk register is named for the Community Leadership Commissioning Plan, so no "
        "risks are reported." in texts
    )


def test_high_level_risks_are_a_table(tmp_path: Path) -> None:
    root = tmp_path / "project"
    for name in ("plans", "results"):
        shutil.copytree(REPO / name, root / name)
    plan = root / "plans/community-leadership.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace(
            "title: Community Leadership", "risks: csca\ntitle: Community Leadership", 1
        ),
        encoding="utf-8",
    )
    (root / "risks").mkdir()
    (root / "risks/csca.yaml").write_text(
        "name: CSCA\ntitle: CSCA service risk register\nrisks:\n"
        "  - {id: CSCA001, title: Failure to respond to a major incident, owner: Head of EP, "
        "likelihood: 3, impact: 5, mitigations: [Tested plans]}\n"
        "  - {id: CSCA002, title: A small one, owner: X, likelihood: 1, impact: 2}\n",
        encoding="utf-8",
    )
    paper = write_docx(tmp_path, root=root)
    assert row_texts(paper.tables[-1]) == [
        ["ID", "Risk", "Owner", "Likelihood", "Impact", "Residual score", "Mitigations"],
        ["CSCA001", "Failure to respond to a major incident", "Head of EP", "3", "5", "15",
         "Tested plans"],
    ]  # fmt: skip


def test_narrative_headings_lists_and_links_become_word_ones(tmp_path: Path) -> None:
    root = tmp_path / "project"
    for name in ("plans", "results"):
        shutil.copytree(REPO / name, root / name)
    (root / Q3).parent.mkdir(parents=True)
    (root / Q3).write_text(
        "# Safety <b>first</b>\n\nSee [the portal](https://open.barnet.gov.uk/dataset) "
        "*now*.\n\n1. One\n2. Two\n   - nested\n",
        encoding="utf-8",
    )
    paper = write_docx(tmp_path, root=root)
    assert ("Heading 3", "Safety <b>first</b>") in styled(paper, "Heading")
    texts = [(p.style.name, p.text) for p in paper.paragraphs]
    start = texts.index(("Heading 3", "Safety <b>first</b>"))
    assert texts[start + 1 : start + 5] == [
        ("Normal", "See the portal now."),
        ("List Continue", "1. One"),
        ("List Continue", "2. Two"),
        ("List Bullet 2", "nested"),
    ]
    link = paper.paragraphs[start + 1]._p.find(qn("w:hyperlink"))
    assert link is not None
    target = paper.part.rels[link.get(qn("r:id"))]
    assert (target.target_ref, target.is_external) == ("https://open.barnet.gov.uk/dataset", True)
    assert [r.italic for r in paper.paragraphs[start + 1].runs][-2:] == [True, None]


def test_text_from_files_is_literal(tmp_path: Path) -> None:
    """Markup in a comment is printed as typed (a control character never gets this far:
    the results reader refuses it, and build_docx's own test feeds it any text)."""
    root = tmp_path / "project"
    for name in ("plans", "results"):
        shutil.copytree(REPO / name, root / name)
    q3 = root / "results/2017-18/Q3.csv"
    text = q3.read_text(encoding="utf-8")
    q3.write_text(
        text.replace("Generally, concern", "**Not bold** <i>x</i> Generally, concern"),
        encoding="utf-8",
    )
    paper = write_docx(tmp_path, root=root)
    bullet = next(p.text for p in paper.paragraphs if p.text.startswith("CG/S4"))
    assert bullet.endswith("(67%). **Not bold** <i>x</i> Generally, concern about anti-social "
                           "behaviour and crime has increased.")  # fmt: skip


# --reference-docx ----------------------------------------------------------------------


def make_reference(path: Path) -> Path:
    """A council template: its own Heading 1, a custom style, a header, and body text."""
    reference = docx.Document()
    heading = reference.styles["Heading 1"]
    heading.font.size = Pt(21)
    heading.font.color.rgb = RGBColor(0x80, 0x00, 0x80)
    reference.styles.add_style("Council Note", 1)
    reference.sections[0].header.paragraphs[0].text = "London Borough of Barnet"
    reference.sections[0].left_margin = Mm(25)
    reference.add_paragraph("Template body text that must not be kept.")
    reference.add_table(rows=1, cols=1).cell(0, 0).text = "Template table"
    reference.save(str(path))
    return path


def test_reference_docx_gives_its_styles_header_and_margins(tmp_path: Path) -> None:
    reference = make_reference(tmp_path / "council.docx")
    paper = write_docx(tmp_path, "--reference-docx", str(reference))
    heading = paper.styles["Heading 1"]
    assert (heading.font.size, heading.font.color.rgb) == (Pt(21), RGBColor(0x80, 0x00, 0x80))
    assert "Council Note" in [s.name for s in paper.styles]
    assert all(s.header.paragraphs[0].text == "London Borough of Barnet" for s in paper.sections)
    assert round(paper.sections[0].left_margin.mm) == 25
    texts = [p.text for p in paper.paragraphs]
    assert texts[0] == "Community Leadership Committee"
    assert "Template body text that must not be kept." not in texts
    assert "Template table" not in [c.text for t in paper.tables for r in t.rows for c in r.cells]
    assert (round(paper.sections[0].page_width.mm), round(paper.sections[0].page_height.mm)) == (
        210,
        297,
    )


def test_a_reference_without_the_styles_used_still_builds(tmp_path: Path) -> None:
    reference = docx.Document()
    styles = reference.styles.element
    for style in list(styles):
        name = style.find(qn("w:name"))
        if name is not None and name.get(qn("w:val")) not in ("Normal", "Default Paragraph Font"):
            styles.remove(style)
    reference.save(str(tmp_path / "bare.docx"))
    paper = write_docx(tmp_path, "--reference-docx", str(tmp_path / "bare.docx"))
    assert styled(paper, "Heading 1")[0] == ("Heading 1", "Summary")
    assert paper.styles["Heading 1"].font.bold
    bullets = [p.text for p in paper.paragraphs if p.text.startswith("• CG/")]
    assert [b[:8] for b in bullets] == ["• CG/S4 ", "• CG/S16", "• CG/C6 "]
    borders = paper.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None


def test_a_reference_with_a_character_style_of_a_used_name_still_builds(tmp_path: Path) -> None:
    reference = docx.Document()
    caption = reference.styles["Caption"]
    reference.styles.element.remove(caption.element)
    reference.styles.add_style("Caption", WD_STYLE_TYPE.CHARACTER)
    reference.save(str(tmp_path / "odd.docx"))
    paper = write_docx(tmp_path, "--reference-docx", str(tmp_path / "odd.docx"))
    assert styled(paper, "Caption")[0] == (
        "Caption (report)",
        "Table 1: Theme Committee Indicators (Q3 2017/18)",
    )


def test_a_reference_without_page_setup_gets_a4_and_margins(tmp_path: Path) -> None:
    reference = docx.Document()
    for setup in reference.element.body.findall(qn("w:sectPr")):
        reference.element.body.remove(setup)
    reference.save(str(tmp_path / "bare.docx"))
    paper = write_docx(tmp_path, "--reference-docx", str(tmp_path / "bare.docx"))
    assert [
        (round(s.page_width.mm), round(s.page_height.mm), round(s.left_margin.mm))
        for s in paper.sections
    ] == [(210, 297, 20), (297, 210, 20), (210, 297, 20)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"not a zip at all",
            "not a Word document (a .docx file is a zip package, and this is not one: a .doc, "
            ".odt or renamed file?)",
        ),
        ("zip", "a zip file, but not a Word document"),
        ("xlsx", "an Excel workbook, not a Word document"),
    ],
)
def test_a_bad_reference_is_a_clear_error_and_writes_nothing(
    tmp_path: Path, content: bytes | str, message: str
) -> None:
    reference = tmp_path / "council.docx"
    if content == "zip":
        import zipfile

        with zipfile.ZipFile(reference, "w") as package:
            package.writestr("readme.txt", "hello")
    elif content == "xlsx":
        import openpyxl

        openpyxl.Workbook().save(reference)
    else:
        assert isinstance(content, bytes)
        reference.write_bytes(content)
    out = tmp_path / "q3.docx"
    out.write_bytes(b"previous paper")
    args = ["report", "Q3-2017", "--root", str(REPO), "--format", "docx", "-o", str(out)]
    assert run(*args, "--reference-docx", str(reference)) == (
        2,
        "",
        f"error: --reference-docx {reference.as_posix()}: {message}; save the council's "
        "template from Word as a Word Document (.docx)\n",
    )
    assert out.read_bytes() == b"previous paper"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["council.docx", "q3.docx"]


def test_a_missing_reference_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.docx"
    args = ["report", "Q3-2017", "--root", str(REPO), "--format", "docx"]
    assert run(*args, "-o", str(tmp_path / "q3.docx"), "--reference-docx", str(missing)) == (
        2,
        "",
        f"error: --reference-docx {missing.as_posix()}: does not exist (give the path of a "
        ".docx file)\n",
    )


def test_docx_needs_an_output_file() -> None:
    code, out, err = run("report", "Q3-2017", "--root", str(REPO), "--format", "docx")
    assert (code, out) == (2, "")
    assert err.endswith(
        "Error: --format docx needs -o FILE: a Word document is binary, not for the terminal "
        "(e.g. -o q3.docx)\n"
    )


def test_reference_docx_only_applies_to_docx(tmp_path: Path) -> None:
    reference = make_reference(tmp_path / "council.docx")
    code, _, err = run("report", "Q3-2017", "--root", str(REPO), "--reference-docx", str(reference))
    assert code == 2
    assert err.endswith("Error: --reference-docx only applies with --format docx\n")


def test_templates_do_not_apply_to_word(tmp_path: Path) -> None:
    args = ["report", "Q3-2017", "--root", str(REPO), "--format", "docx", "-o", "x.docx"]
    code, _, err = run(*args, "--templates", str(tmp_path))
    assert code == 2
    assert err.endswith(
        "Error: --templates applies to md and html; a Word report takes its styles from "
        "--reference-docx FILE\n"
    )


# LibreOffice -------------------------------------------------------------------------


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_paper_to_a_pdf(tmp_path: Path) -> None:
    assert SOFFICE is not None
    write_docx(tmp_path)
    profile = tmp_path / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "q3.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = (tmp_path / "q3.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    pages = pdf.count(b"/Type /Page\n") + pdf.count(b"/Type/Page/") + pdf.count(b"/Type /Page/")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(tmp_path / "q3.pdf"), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert "Progress on key activities" in text
        assert "CG/S4" in text and "Green Amber" in text
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(tmp_path / "q3.pdf")], check=True, capture_output=True, text=True
        ).stdout
        assert "(A4)" in info
        pages = int(
            next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
        )
    assert pages >= 3


# Any text -----------------------------------------------------------------------------


Example = tuple[RatedPeriod, Period, list[Plan]]


@pytest.fixture(scope="module")
def rated_example() -> Example:
    """The shipped example rated once, for building many reports from it."""
    project = load_project(REPO)
    period = Period(2017, 3)
    return rate_project(REPO, period, (), project=project), period, list(project.select(()))


@settings(max_examples=25)
@given(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=80
    )
)
def test_any_narrative_text_builds_a_document_that_says_it(
    rated_example: Example, text: str
) -> None:
    """Whatever an officer types (control characters included, which ``check`` reports),
    the Word paper is built and carries the words as text."""
    rated, period, plans = rated_example
    line = " ".join(text.split())
    narratives = {"community-leadership": (Q3, line)}
    context = build_report(rated, period, plans, {}, narratives=narratives)
    buffer = io.BytesIO()
    build_docx(context).save(buffer)
    blocks = parse(line)
    if not blocks:
        return
    paragraphs = [p.text for p in docx.Document(io.BytesIO(buffer.getvalue())).paragraphs]
    start = paragraphs.index("Progress on key activities") + 1
    end = paragraphs.index("Indicators that have not met target")
    written = " ".join(paragraphs[start:end])
    for words in block_texts(blocks):
        assert clean_words(words) in clean_words(written)


def block_texts(blocks: tuple[Block, ...]) -> list[str]:
    """The words of every heading and paragraph, lists included."""
    texts = []
    for block in blocks:
        if isinstance(block, ListBlock):
            texts += [t for item in block.items for t in block_texts(item)]
        else:
            texts.append(plain_text(block.spans))
    return texts


def clean_words(text: str) -> str:
    """Text as Word holds it: XML-illegal characters dropped, spaces folded."""
    return " ".join(clean(text).split())


def test_a_real_process_writes_a_paper_word_opens(tmp_path: Path) -> None:
    out = tmp_path / "q3.docx"
    done = subprocess.run(
        [sys.executable, "-m", "barnet_rag", "report", "Q3-2017", "--root", str(REPO)]
        + ["--format", "docx", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", f"Wrote {out}\n")
    assert docx.Document(str(out)).paragraphs[0].text == "Community Leadership Committee"
