"""Titles and comments render as text: ``<script>``, ``&`` and Markdown syntax are not markup."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from barnet_rag.cli import main
from barnet_rag.outputs.templating import markdown_escape

COMMITTEE = '<script>alert("x")</script> & Co'
TITLE = "Fish &amp; Chips <b>bold</b> *stars* _under_ | pipe [link](http://x) `code`"
COMMENT = "<img src=x onerror=alert(1)> & more ~~struck~~"

PLAN = f"""\
plan: odd
committee: '{COMMITTEE}'
title: Odd Committee Commissioning Plan
indicators:
  - ref: O/1
    title: '{TITLE}'
    type: SPI
    polarity: bigger
    unit: percent
    targets:
      2017/18: {{annual: 50}}
"""


@pytest.fixture
def odd_project(make_tree: Callable[[dict[str, str | bytes]], Path]) -> Path:
    return make_tree(
        {
            "plans/odd.yaml": PLAN,
            "results/2017-18/Q3.csv": f'ref,value,comment\nO/1,40%,"{COMMENT}"\n',
        }
    )


def report(root: Path, fmt: str) -> str:
    result = CliRunner().invoke(
        main, ["report", "Q3-2017", "--root", str(root), "--format", fmt], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


def text_of(markup: str) -> str:
    """The text a reader sees: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_html_escapes_titles_and_comments(odd_project: Path) -> None:
    page = report(odd_project, "html")
    assert "<script" not in page
    assert "<img" not in page
    assert "<b>" not in page
    assert (
        '<h2 id="odd">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co Committee</h2>'
        in page
    )
    assert f"{TITLE} (RAG rated RED) – 40% against a target of 50%." in text_of(page)
    assert COMMENT in text_of(page)


def test_markdown_renders_titles_and_comments_as_the_same_text(odd_project: Path) -> None:
    source = report(odd_project, "md")
    rendered = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(source)
    for tag in ("<script", "<img", "<b>", "<em>", "<strong>bold", "<a ", "<code>", "<s>"):
        assert tag not in rendered
    seen = text_of(rendered)
    assert f"{COMMITTEE} Committee" in seen
    assert f"O/1 {TITLE} (RAG rated RED) – 40% against a target of 50%." in seen
    assert COMMENT in seen


def test_markdown_table_rows_keep_their_cells_when_a_title_has_a_pipe(odd_project: Path) -> None:
    rendered = MarkdownIt("commonmark").enable("table").render(report(odd_project, "md"))
    row = rendered.split("<td>O/1</td>")[1].split("</tr>")[0]
    assert row.count("<td>") == 12  # the 12 columns after Ref
    assert text_of(row.split("</td>")[0]).strip() == TITLE


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Racist & Religious Hate Crime", "Racist & Religious Hate Crime"),
        ("Fish &amp; Chips &#169; &copy;", "Fish \\&amp; Chips \\&#169; \\&copy;"),
        ("<script>", "\\<script\\>"),
        ("a | b", "a \\| b"),
        ("*a* _b_ `c` [d] ~e~ \\", "\\*a\\* \\_b\\_ \\`c\\` \\[d\\] \\~e\\~ \\\\"),
        ("line one\nline two", "line one line two"),
        ("60% (Autumn 2017) – ▼", "60% (Autumn 2017) – ▼"),
    ],
)
def test_markdown_escape(text: str, escaped: str) -> None:
    assert markdown_escape(text) == escaped
