"""Progress on key activities: ``narrative/<yyyy-yy>/Q<n>/<plan>.md``, officers' Markdown.

The report places it in the plan's section in every format, keeping headings, lists, bold
and links and never passing raw HTML through; ``check`` validates the files with their
locations; ``new-quarter`` starts next quarter's file with this quarter's headings.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from barnet_rag.check.checking import check_project
from barnet_rag.cli import main
from barnet_rag.errors import Problem
from barnet_rag.outputs import markdown_text
from barnet_rag.outputs.markdown_text import Heading, ListBlock, Paragraph, Span
from barnet_rag.periods import Period

REPO = Path(__file__).resolve().parent.parent
Q3 = "narrative/2017-18/Q3/community-leadership.md"

OFFICER_TEXT = """\
# Community safety

Barnet remains one of **London's safest** boroughs; see [the portal](https://open.barnet.gov.uk/dataset).

- **OWL app** - residents <b>sign up</b> & get <script>alert(1)</script> advice.

  A second paragraph of the item.
- [a trap](ftp://example.org/x) stays words, [this](javascript:alert(1)) is text

## Next steps

1. First
2. Second
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the shipped example with its narrative, plans and results."""
    for name in ("plans", "results", "narrative"):
        shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path


def write(root: Path, name: str, content: str | bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# Parsing ------------------------------------------------------------------------------


def test_markdown_becomes_safe_blocks() -> None:
    assert markdown_text.parse(OFFICER_TEXT) == (
        Heading(1, (Span("Community safety"),)),
        Paragraph(
            (
                Span("Barnet remains one of "),
                Span("London's safest", bold=True),
                Span(" boroughs; see "),
                Span("the portal", href="https://open.barnet.gov.uk/dataset"),
                Span("."),
            )
        ),
        ListBlock(
            False,
            1,
            (
                (
                    Paragraph(
                        (
                            Span("OWL app", bold=True),
                            Span(
                                " - residents <b>sign up</b> & get <script>alert(1)</script> "
                                "advice."
                            ),
                        )
                    ),
                    Paragraph((Span("A second paragraph of the item."),)),
                ),
                (Paragraph((Span("a trap stays words, [this](javascript:alert(1)) is text"),)),),
            ),
        ),
        Heading(2, (Span("Next steps"),)),
        ListBlock(True, 1, ((Paragraph((Span("First"),)),), (Paragraph((Span("Second"),)),))),
    )


def test_a_blank_file_has_nothing_to_print() -> None:
    assert markdown_text.parse("\n  \n") == ()
    assert markdown_text.progress("x.md", "\n") is None


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))))
def test_markdown_output_reads_back_as_the_same_text(text: str) -> None:
    """Whatever the words, the Markdown report shows them as they are: nothing becomes
    emphasis, a link, a heading, a list or HTML."""
    words = " ".join(text.split())
    if not words:
        return
    written = markdown_text.to_markdown((Paragraph((Span(words),)),))
    assert markdown_text.parse(written) == (Paragraph((Span(words),)),)


# Placing it in the reports -------------------------------------------------------------


def test_the_shipped_example_opens_its_section_with_the_seeds_key_activities() -> None:
    code, out, err = run("report", "Q3-2017", "--root", str(REPO))
    assert (code, err) == (0, "")
    section = out.split("## Community Leadership Committee\n\n", 1)[1]
    assert section.startswith(
        "### Progress on key activities\n\nThe council's vision for the community is to ensure "
        "crime levels remain low"
    )
    progress = section.split("### Indicators that have not met target", 1)[0]
    assert [line[:40] for line in progress.splitlines() if line.startswith("- **")] == [
        "- **Community safety** - Barnet remains ",
        "- **Supporting those with multiple needs",
        "- **Co-ordinating a package of measures ",
        "- **Emergency planning, preparedness and",
    ]
    assert "Barnet has maintained its Green rating against the Minimum Standards for London." in (
        progress
    )


def test_markdown_report_keeps_structure_and_escapes_html(project: Path) -> None:
    write(project, Q3, OFFICER_TEXT)
    code, out, err = run("report", "Q3-2017", "--root", str(project))
    assert (code, err) == (0, "")
    progress = out.split("### Progress on key activities\n\n", 1)[1].split(
        "\n\n### Indicators that have not met target", 1
    )[0]
    assert progress == (
        "#### Community safety\n\n"
        "Barnet remains one of **London's safest** boroughs; see "
        "[the portal](https://open.barnet.gov.uk/dataset).\n\n"
        "- **OWL app** - residents \\<b\\>sign up\\</b\\> & get "
        "\\<script\\>alert(1)\\</script\\> advice.\n\n"
        "  A second paragraph of the item.\n\n"
        "- a trap stays words, \\[this\\](javascript:alert(1)) is text\n\n"
        "##### Next steps\n\n"
        "1. First\n2. Second"
    )


def test_html_report_keeps_structure_and_escapes_html(project: Path) -> None:
    write(project, Q3, OFFICER_TEXT)
    code, out, err = run("report", "Q3-2017", "--root", str(project), "--format", "html")
    assert (code, err) == (0, "")
    progress = out.split('<div class="progress">\n', 1)[1].split("\n  </div>", 1)[0]
    assert progress == (
        "<h4>Community safety</h4>\n"
        "<p>Barnet remains one of <strong>London's safest</strong> boroughs; see "
        '<a href="https://open.barnet.gov.uk/dataset">the portal</a>.</p>\n'
        "<ul>\n"
        "<li><p><strong>OWL app</strong> - residents &lt;b&gt;sign up&lt;/b&gt; &amp; get "
        "&lt;script&gt;alert(1)&lt;/script&gt; advice.</p>\n"
        "<p>A second paragraph of the item.</p></li>\n"
        "<li>a trap stays words, [this](javascript:alert(1)) is text</li>\n"
        "</ul>\n"
        "<h5>Next steps</h5>\n"
        "<ol>\n<li>First</li>\n<li>Second</li>\n</ol>"
    )
    assert "<script>" not in out and 'href="javascript:' not in out and "ftp:" not in out
    assert out.index('id="community-leadership-progress"') < out.index(
        "Three Community Leadership indicators"
    )


def test_without_a_narrative_file_there_is_no_progress_section(project: Path) -> None:
    (project / Q3).unlink()
    code, out, _ = run("report", "Q3-2017", "--root", str(project))
    assert code == 0
    assert "Progress on key activities" not in out
    assert "### Indicators that have not met target" not in out
    write(project, Q3, "\n")
    assert "Progress on key activities" not in run("report", "Q3-2017", "--root", str(project))[1]


def test_a_narrative_for_another_plan_is_not_in_this_report(project: Path) -> None:
    write(project, "narrative/2017-18/Q2/community-leadership.md", "Last quarter's words.\n")
    code, out, _ = run("report", "Q3-2017", "--root", str(project))
    assert code == 0 and "Last quarter's words." not in out


@pytest.mark.parametrize(
    ("content", "stderr"),
    [
        (
            b"Progress\n\nCaf\xe9 opened.\n",
            f"error: {Q3}:3: not UTF-8: byte 0xe9 at offset 13 (save the file as UTF-8)\n",
        ),
        (
            b"Progress\n\nA form feed\x0c from a PDF.\n",
            f"error: {Q3}:3: control character U+000C at column 12 (delete it: it is invisible "
            "in most editors, and often comes from copying out of a PDF)\n",
        ),
    ],
)
def test_a_bad_narrative_file_stops_the_report_with_its_location(
    project: Path, content: bytes, stderr: str
) -> None:
    write(project, Q3, content)
    assert run("report", "Q3-2017", "--root", str(project)) == (2, "", stderr)


# check ------------------------------------------------------------------------------


def test_check_accepts_the_shipped_narrative() -> None:
    assert check_project(REPO).problems == []


def test_check_reports_every_narrative_problem_with_its_location(project: Path) -> None:
    write(project, "narrative/2017/Q3/community-leadership.md", "x\n")
    write(project, "narrative/2017-18/Q5/community-leadership.md", "x\n")
    write(project, "narrative/2017-18/notes.md", "x\n")
    write(project, "narrative/2017-18/Q2/notes.txt", "x\n")
    write(project, "narrative/2017-18/Q2/comunity-leadership.md", "x\n")
    write(project, "narrative/2017-18/Q1/community-leadership.md", "ok\n\nbad\x00 byte\n")
    write(project, "narrative/2016-17/Q4/community-leadership.md", b"\xff\xfe")
    write(project, "narrative/README.md", "x\n")
    assert check_project(project).problems == [
        Problem(
            "encoding",
            "not UTF-8: byte 0xff at offset 0",
            "narrative/2016-17/Q4/community-leadership.md",
            1,
            hint="save the file as UTF-8",
        ),
        Problem(
            "narrative-layout",
            "directory name '2017' is not a financial year",
            "narrative/2017",
            hint="name it like 2017-18",
        ),
        Problem(
            "narrative-control",
            "control character U+0000 at column 4",
            "narrative/2017-18/Q1/community-leadership.md",
            3,
            hint="delete it: it is invisible in most editors, and often comes from copying "
            "out of a PDF",
        ),
        Problem(
            "narrative-unknown-plan",
            "no plan has the slug 'comunity-leadership'",
            "narrative/2017-18/Q2/comunity-leadership.md",
            hint="did you mean community-leadership.md? rename it <slug>.md after one of the "
            "plans: community-leadership",
        ),
        Problem(
            "narrative-layout",
            "'notes.txt' is not a plan's narrative file",
            "narrative/2017-18/Q2/notes.txt",
            hint="name it <plan>.md after a plan's slug, e.g. community-leadership.md",
        ),
        Problem(
            "narrative-layout",
            "'Q5' is not a quarter's directory",
            "narrative/2017-18/Q5",
            hint="use Q1, Q2, Q3 or Q4: narrative/<yyyy-yy>/Q<n>/<plan>.md, e.g. "
            "narrative/2017-18/Q3/<plan>.md",
        ),
        Problem(
            "narrative-layout",
            "'notes.md' is not a quarter's directory",
            "narrative/2017-18/notes.md",
            hint="use Q1, Q2, Q3 or Q4: narrative/<yyyy-yy>/Q<n>/<plan>.md, e.g. "
            "narrative/2017-18/Q3/<plan>.md",
        ),
        Problem(
            "narrative-layout",
            "narrative files belong in a quarter's directory",
            "narrative/README.md",
            hint="move it to narrative/<yyyy-yy>/Q<n>/<plan>.md, e.g. "
            "narrative/2017-18/Q3/<plan>.md",
        ),
    ]
    code, out, _ = run("check", "--root", str(project), "--format", "json")
    assert code == 1


def test_check_with_a_period_looks_only_at_that_quarters_narratives(project: Path) -> None:
    write(project, "narrative/2017/Q3/x.md", "x\n")
    write(project, "narrative/2017-18/Q3/safer.md", "x\n")
    assert check_project(project, Period(2017, 3)).problems == [
        Problem(
            "narrative-unknown-plan",
            "no plan has the slug 'safer'",
            "narrative/2017-18/Q3/safer.md",
            hint="rename it <slug>.md after one of the plans: community-leadership",
        )
    ]


def test_a_plan_that_fails_to_load_is_not_also_an_unknown_narrative_plan(project: Path) -> None:
    plan = project / "plans/community-leadership.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    codes = {p.code for p in check_project(project).problems}
    assert "narrative-unknown-plan" not in codes
    assert "schema" in codes


# new-quarter -------------------------------------------------------------------------


def test_new_quarter_starts_the_narrative_with_last_quarters_headings(project: Path) -> None:
    code, out, err = run("new-quarter", "Q4-2017", "--root", str(project))
    assert (code, err) == (0, "")
    assert out == (
        "Wrote results/2017-18/Q4.csv: 5 indicators, 0 survey labels carried over; fill in "
        "the values.\n"
        "Wrote narrative/2017-18/Q4/community-leadership.md: progress on key activities, with "
        f"4 headings from {Q3}; write the update under each.\n"
        "Then run: barnet-rag check --period Q4-2017\n"
    )
    assert (project / "narrative/2017-18/Q4/community-leadership.md").read_text(
        encoding="utf-8"
    ) == (
        "- **Community safety** –\n\n"
        "- **Supporting those with multiple needs (domestic violence, mental health, and "
        "substance misuse)** –\n\n"
        "- **Co-ordinating a package of measures to support community activity** –\n\n"
        "- **Emergency planning, preparedness and response** –\n"
    )
    assert check_project(project, Period(2017, 4), strict=True).problems == []


def test_new_quarter_keeps_markdown_headings_and_drops_the_prose(project: Path) -> None:
    write(project, "narrative/2017-18/Q4/community-leadership.md", OFFICER_TEXT)
    assert run("new-quarter", "Q1-2018", "--root", str(project))[0] == 0
    written = project / "narrative/2018-19/Q1/community-leadership.md"
    assert written.read_text(encoding="utf-8") == (
        "# Community safety\n\n- **OWL app** –\n\n## Next steps\n"
    )


def test_new_quarter_never_replaces_a_narrative_even_with_force(project: Path) -> None:
    before = (project / Q3).read_bytes()
    code, out, _ = run("new-quarter", "Q3-2017", "--root", str(project), "--force")
    assert code == 0
    assert f"Kept {Q3} as it is (progress on key activities).\n" in out
    assert (project / Q3).read_bytes() == before


def test_new_quarter_without_a_previous_narrative_writes_an_empty_file(project: Path) -> None:
    code, out, _ = run("new-quarter", "Q2-2016", "--root", str(project))
    assert code == 0
    assert (
        "Wrote narrative/2016-17/Q2/community-leadership.md: progress on key activities, "
        "empty; write it in Markdown.\n"
    ) in out
    assert (project / "narrative/2016-17/Q2/community-leadership.md").read_text() == ""


def test_new_quarter_writes_no_narrative_when_the_results_file_is_refused(project: Path) -> None:
    (project / Q3).unlink()
    assert run("new-quarter", "Q3-2017", "--root", str(project))[0] == 2
    assert not (project / Q3).exists()


TWO_PLANS = {
    f"plans/{slug}.yaml": (
        f"plan: {slug}\ncommittee: {committee}\ntitle: {committee} Commissioning Plan\n"
        f"indicators:\n  - ref: {ref}\n    title: A measure\n    type: SPI\n"
        "    polarity: bigger\n    targets:\n      2017/18: {annual: 50}\n"
    )
    for slug, committee, ref in (("housing", "Housing", "H/1"), ("adults", "Adults", "A/1"))
}


def test_each_plan_gets_its_own_narrative_in_every_format(tmp_path: Path) -> None:
    for name, content in TWO_PLANS.items():
        write(tmp_path, name, content)
    write(tmp_path, "results/2017-18/Q3.csv", "ref,value\nH/1,40\nA/1,55\n")
    write(tmp_path, "narrative/2017-18/Q3/housing.md", "Homes **started** on two sites.\n")
    write(tmp_path, "narrative/2017-18/Q3/adults.md", "A new day centre opened.\n")
    code, out, _ = run("report", "Q3-2017", "--root", str(tmp_path))
    assert code == 0
    adults, housing = out.split("## Adults Committee")[1].split("## Housing Committee")
    assert "### Progress on key activities\n\nA new day centre opened.\n" in adults
    assert "### Progress on key activities\n\nHomes **started** on two sites.\n" in housing
    code, page, _ = run("report", "Q3-2017", "--root", str(tmp_path), "--format", "html")
    assert code == 0
    assert page.index("<p>A new day centre opened.</p>") < page.index('id="housing"')
    assert page.index('id="housing"') < page.index("<strong>started</strong>")
    only = run("report", "Q3-2017", "--root", str(tmp_path), "--plan", "housing")[1]
    assert "A new day centre opened." not in only and "Homes **started**" in only
