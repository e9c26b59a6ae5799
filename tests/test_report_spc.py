"""The report's Trend and Variation / assurance columns (issue 9): a unicode sparkline per
row in Markdown, an inline accessible SVG sparkline per row in HTML, the SPC reading in
words, and the notes that say how to read both."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.api import rate_project
from barnet_rag.cli import main
from barnet_rag.outputs.narrative import trend_description
from barnet_rag.outputs.reporting_spc import trend_cells, trend_periods
from barnet_rag.periods import Period
from spc_fixture import write_spc_project

SVG = "{http://www.w3.org/2000/svg}"

TREND_NOTE_MD = (
    "† Trend: the results of the last 8 quarters, oldest first, from ▁ (the lowest of them) "
    "to █ (the highest); · is a quarter with no result."
)
TREND_NOTE_HTML = (
    "Trend: the results of the last 8 quarters, oldest first. The dashed line is the "
    "quarter's target and the latest result is coloured by its RAG rating; a gap is a quarter "
    "with no result."
)
SPC_NOTE = (
    "Variation / assurance: a statistical process control reading (an XmR chart, as in the "
    "NHS's Making Data Count) of the indicator's comparable results, with process limits "
    "calculated from at least 12 of them (docs/spc.md explains the rules). Variation: common "
    "cause is the ordinary ups and downs; special cause improving or special cause concerning "
    "means the latest result is part of a pattern unlikely to be chance, in the good or the "
    "bad direction; insufficient data means fewer than 12 comparable results. Assurance "
    "compares the target with the limits: the process consistently meets it, consistently "
    "fails it, or is hit and miss (the target lies between the limits)."
)


def report(root: Path, period: str, *args: str) -> str:
    result = CliRunner().invoke(
        main, ["report", period, "--root", str(root), *args], catch_exceptions=False
    )
    assert (result.exit_code, result.stderr) == (0, "")
    return result.stdout


@pytest.fixture
def spc_project(tmp_path: Path) -> Path:
    """Twelve quarters, Q1 2015/16 to Q4 2017/18 (tests/spc_fixture.py)."""
    return write_spc_project(tmp_path / "spc")


def markdown_rows(text: str) -> dict[str, list[str]]:
    """Indicator table rows (13 cells) by ref: the cells, stripped."""
    return {
        cells[0]: cells
        for line in text.splitlines()
        if line.startswith("| ") and not line.startswith(("| Ref", "| ---"))
        for cells in [[c.strip() for c in line.strip("|").split(" | ")]]
        if len(cells) == 13
    }


class IndicatorRows(HTMLParser):
    """Collects each indicator table row: its ref, its cells' text and its SVGs' titles."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, object]] = []
        self.in_table = self.in_body = self.in_title = False
        self.row: dict[str, object] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.in_table = ("class", "indicators") in attrs
        elif self.in_table and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.row = {"cells": [], "svgs": [], "titles": []}
        elif self.row is not None and tag in ("th", "td"):
            self.text = []
        elif self.row is not None and tag == "svg":
            self.row["svgs"].append(dict(attrs))  # type: ignore[attr-defined]
        elif self.row is not None and tag == "title":
            self.in_title = True
            self.text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.in_table = False
        elif self.row is not None and tag == "title":
            self.row["titles"].append("".join(self.text))  # type: ignore[attr-defined]
            self.in_title = False
        elif self.row is not None and tag in ("th", "td"):
            self.row["cells"].append(" ".join("".join(self.text).split()))  # type: ignore[attr-defined]
        elif self.row is not None and tag == "tr":
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def html_rows(text: str) -> list[dict[str, object]]:
    parser = IndicatorRows()
    parser.feed(text)
    return parser.rows


def test_markdown_trend_is_a_unicode_sparkline_of_the_last_eight_quarters(
    spc_project: Path,
) -> None:
    rows = markdown_rows(report(spc_project, "Q4-2017"))
    # Bars run ▁ (index 0) to █ (7): index = round-half-up((v - low) / (high - low) * 7).
    # SPC/1, Q1 2016/17 to Q4 2017/18: 58 65 66 64 67 68 66 67; low 58, high 68.
    #   58 -> 0; 65 -> 4.9 -> 5; 66 -> 5.6 -> 6; 64 -> 4.2 -> 4; 67 -> 6.3 -> 6; 68 -> 7.
    assert rows["SPC/1"][10] == "▁▆▇▅▇█▇▇"
    # SPC/2: 51 46 53 50 48 54 49 71; low 46, high 71 (span 25).
    #   51 -> 1.4 -> 1; 53 -> 1.96 -> 2; 50 -> 1.12 -> 1; 48 -> 0.56 -> 1; 54 -> 2.24 -> 2.
    assert rows["SPC/2"][10] == "▂▁▃▂▂▃▂█"
    # SPC/3: 34 30 31 32 12 14 13 15 (the break at 12 does not hide earlier results here).
    assert rows["SPC/3"][10] == "█▇▇▇▁▂▁▂"


def test_markdown_trend_marks_quarters_without_a_result(repo_root: Path) -> None:
    rows = markdown_rows(report(repo_root, "Q3-2017"))
    # CG/S4 is an annual survey: 67% in Q3 2016/17, 60% in Q3 2017/18, nothing between.
    assert rows["CG/S4 (RPS – Annual)"][10] == "···█···▁"
    # CG/C6 was last reported in Spring 2016 (Q1 2016/17): 60%, then 74%.
    assert rows["CG/C6 (RPS – Annual)"][10] == "·▁·····█"


def test_twelve_quarters_give_a_variation_and_assurance_in_both_reports(
    spc_project: Path,
) -> None:
    md = report(spc_project, "Q4-2017")
    assert (
        "| SPC/1 | Percentage of residents satisfied with street cleansing | Bigger is Better | "
        "70% | 70% | 67% (GA) | 66% | ▲ (Improving) | 64% | ▲ (Improving) | ▁▆▇▅▇█▇▇ | "
        "Special cause improving; hit and miss | No benchmark available |\n"
    ) in md
    spc = {ref: cells[11] for ref, cells in markdown_rows(md).items()}
    assert spc == {
        "SPC/1": "Special cause improving; hit and miss",
        "SPC/2": "Special cause concerning; hit and miss",
        "SPC/3": "Insufficient data",
    }
    html = {
        row["cells"][0]: row["cells"][11]
        for row in html_rows(report(spc_project, "Q4-2017", "--format", "html"))
    }  # type: ignore[index]
    assert html == spc


def test_too_few_quarters_read_insufficient_data(repo_root: Path) -> None:
    rows = markdown_rows(report(repo_root, "Q3-2017", "--all-indicators"))
    assert {cells[11] for cells in rows.values()} == {"Insufficient data"}
    assert len(rows) == 9


def test_markdown_notes_say_how_to_read_the_new_columns(spc_project: Path) -> None:
    md = report(spc_project, "Q4-2017")
    assert "| Trend (last 8 quarters)† | Variation / assurance‡ | Benchmarking |\n" in md
    notes = [line for line in md.splitlines() if line[:1] in ("†", "‡")]
    assert notes == [TREND_NOTE_MD, f"‡ {SPC_NOTE}"]


def test_html_has_one_accessible_sparkline_per_indicator_row(spc_project: Path) -> None:
    html = report(spc_project, "Q4-2017", "--format", "html")
    rows = html_rows(html)
    assert [row["cells"][0] for row in rows] == ["SPC/1", "SPC/2", "SPC/3"]  # type: ignore[index]
    for row in rows:
        (svg,) = row["svgs"]  # type: ignore[misc]
        (title,) = row["titles"]  # type: ignore[misc]
        assert svg["role"] == "img"
        assert svg["aria-label"] == title
        assert title.startswith(f"{row['cells'][0]} trend, last 8 quarters: ")  # type: ignore[index]
    titles = [row["titles"][0] for row in rows]  # type: ignore[index]
    assert titles == [
        "SPC/1 trend, last 8 quarters: 58% in Q1 2016/17, 65% in Q2 2016/17, 66% in Q3 2016/17, "
        "64% in Q4 2016/17, 67% in Q1 2017/18, 68% in Q2 2017/18, 66% in Q3 2017/18, 67% in "
        "Q4 2017/18 (Green Amber); target 70%",
        "SPC/2 trend, last 8 quarters: 51 in Q1 2016/17, 46 in Q2 2016/17, 53 in Q3 2016/17, "
        "50 in Q4 2016/17, 48 in Q1 2017/18, 54 in Q2 2017/18, 49 in Q3 2017/18, 71 in "
        "Q4 2017/18 (Red); target 40",
        "SPC/3 trend, last 8 quarters: 34 in Q1 2016/17, 30 in Q2 2016/17, 31 in Q3 2016/17, "
        "32 in Q4 2016/17, 12 in Q1 2017/18, 14 in Q2 2017/18, 13 in Q3 2017/18, 15 in "
        "Q4 2017/18 (Monitor); no numeric target",
    ]
    svgs = re.findall(r"<svg .*?</svg>", html)
    assert len(svgs) == 3
    red = ET.fromstring(svgs[1])
    (target,) = red.findall(f"{SVG}line")
    assert target.get("stroke-dasharray") == "3 2"
    assert red.findall(f"{SVG}circle")[-1].get("fill") == "#c62828"  # Red, the last point
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


def test_html_sparklines_in_the_example_speak_its_results(repo_root: Path) -> None:
    rows = html_rows(report(repo_root, "Q3-2017", "--format", "html"))
    assert len(rows) == 9
    assert all(len(row["svgs"]) == 1 for row in rows)  # type: ignore[arg-type]
    titles = {row["cells"][0]: row["titles"][0] for row in rows}  # type: ignore[index]
    assert titles["CG/S4 (RPS – Annual)"] == (
        "CG/S4 trend, last 8 quarters: 67% in Q3 2016/17, 60% in Q3 2017/18 (Red); "
        "no result in the other 6; target 68%"
    )
    # Previous-quarter and last-year results keep the decimals the results file gave them.
    assert titles["CG/C27"] == (
        "CG/C27 trend, last 8 quarters: 655.0 in Q3 2016/17, 667 in Q2 2017/18, "
        "178 in Q3 2017/18 (Monitor); no result in the other 5; no numeric target"
    )
    assert titles["CG/C4"].startswith(
        "CG/C4 trend, last 8 quarters: 21.5% in Q3 2016/17, 22.0% in Q2 2017/18, "
    )


def test_html_headers_link_to_notes_on_how_to_read_them(spc_project: Path) -> None:
    html = report(spc_project, "Q4-2017", "--format", "html")
    assert (
        '<th scope="col">Trend (last 8 quarters)<sup class="note-ref"><a '
        'href="#spc-demo-note-trend"><span class="visually-hidden">note </span>†</a></sup></th>'
    ) in html
    assert (
        '<th scope="col">Variation / assurance<sup class="note-ref"><a '
        'href="#spc-demo-note-spc"><span class="visually-hidden">note </span>‡</a></sup></th>'
    ) in html
    quote = "&#39;"
    assert (
        '<li id="spc-demo-note-trend"><span class="mark" aria-hidden="true">†</span>'
        f"{TREND_NOTE_HTML.replace(chr(39), quote)}</li>"
    ) in html
    assert (
        '<li id="spc-demo-note-spc"><span class="mark" aria-hidden="true">‡</span>'
        f"{SPC_NOTE.replace(chr(39), quote)}</li>"
    ) in html


def test_trend_periods_count_back_from_the_rated_quarter() -> None:
    assert trend_periods(Period(2017, 3), 8) == [
        "Q4 2015/16", "Q1 2016/17", "Q2 2016/17", "Q3 2016/17",
        "Q4 2016/17", "Q1 2017/18", "Q2 2017/18", "Q3 2017/18",
    ]  # fmt: skip


def test_trend_description_without_results_or_target() -> None:
    periods = ["Q2 2017/18", "Q3 2017/18"]
    assert trend_description("X/1", [None, None], periods, "Red", None) == (
        "X/1 trend, last 2 quarters: no results; no numeric target"
    )
    assert trend_description("X/1", ["5", None], periods, "Red", "4") == (
        "X/1 trend, last 2 quarters: 5 in Q2 2017/18; no result in the other 1; target 4"
    )


def test_the_svg_title_is_escaped(repo_root: Path) -> None:
    rated = rate_project(repo_root, Period(2017, 3))
    indicator = rated.indicators[1].model_copy(update={"ref": "A<&>B"})
    line, svg, text = trend_cells(indicator, Period(2017, 3))
    assert line == "···█···▁"
    assert text.startswith("A<&>B trend, last 8 quarters: ")
    parsed = ET.fromstring(svg)
    assert parsed.findtext(f"{SVG}title") == text
    assert parsed.get("aria-label") == text
