"""``barnet-rag rate``'s terminal tables fit the terminal and never cut a value short.

At any width from 60 columns up, every number, rating and arrow is printed whole: words
wrap, less important columns (Variation, Trend, Polarity) go first, then the ref is stacked
above the title and the two DOTs share a column; the summary turns so that committees are
columns, or becomes one small table per committee.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.api import rate_project
from barnet_rag.cli import main
from barnet_rag.cli.tablefit import Column, fit, minimum, widths
from barnet_rag.outputs.display import dot_words, format_target, rag_words, result_text
from barnet_rag.periods import Period

REPO = Path(__file__).resolve().parent.parent
WIDTHS = [60, 80, 100, 120, 150]
#: Below 60 columns too: at 40 each rating is labelled lines beside its indicator.
NARROW = [40, *WIDTHS]


def rate_at(root: Path, width: int) -> str:
    result = CliRunner().invoke(
        main, ["rate", "Q3-2017", "--root", str(root)], env={"COLUMNS": str(width)}
    )
    assert (result.exit_code, result.stderr) == (0, "")
    return result.stdout


def tables(output: str) -> list[list[list[str]]]:
    """Each boxed table's body as rows of cell lines: ``[[cell, cell, ...], ...]`` per line."""
    found: list[list[list[str]]] = []
    for line in output.splitlines():
        if line.startswith("┏"):
            found.append([])
        elif line.startswith("│"):
            found[-1].append([cell.strip() for cell in line.strip().strip("│").split("│")])
    return found


def records(lines: list[list[str]], starts: set[str]) -> list[list[str]]:
    """The table's rows, each cell's lines joined with spaces; a row starts on a line whose
    first cell is one of ``starts``."""
    rows: list[list[list[str]]] = []
    for cells in lines:
        if cells[0] in starts or not rows:
            rows.append([[] for _ in cells])
        for column, text in enumerate(cells):
            if text:
                rows[-1][column].append(text)
    return [[" ".join(parts) for parts in row] for row in rows]


def project_with_committees(tmp_path: Path, names: list[str]) -> Path:
    """The shipped example with a copy of its plan (refs CG/ -> X<n>/) per extra committee."""
    for name in ("plans", "results"):
        shutil.copytree(REPO / name, tmp_path / name)
    plan = (REPO / "plans" / "community-leadership.yaml").read_text(encoding="utf-8")
    results = tmp_path / "results" / "2017-18" / "Q3.csv"
    rows = results.read_text(encoding="utf-8").splitlines(keepends=True)
    for number, name in enumerate(names, start=1):
        prefix = f"X{number}/"
        copy = plan.replace("CG/", prefix)
        copy = copy.replace("plan: community-leadership", f"plan: extra-{number}")
        copy = copy.replace("committee: Community Leadership", f"committee: {name}")
        (tmp_path / "plans" / f"extra-{number}.yaml").write_text(copy, encoding="utf-8")
        rows += [row.replace("CG/", prefix) for row in rows[1:] if row.startswith("CG/")]
    results.write_text("".join(rows), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("width", NARROW)
def test_every_value_of_every_indicator_is_printed_whole(width: int) -> None:
    output = rate_at(REPO, width)
    assert "…" not in output
    assert max(len(line) for line in output.splitlines()) <= width
    rated = rate_project(REPO, Period(2017, 3)).indicators
    refs = {i.ref for i in rated}
    plan_table = tables(output)[0]
    rows = records(plan_table, refs)
    assert len(rows) == len(rated)
    one_line_cells = {cell for cells in plan_table for cell in cells}
    for indicator, row in zip(rated, rows, strict=True):
        joined = " | ".join(row)
        assert row[0].startswith(indicator.ref)
        value = result_text(indicator)
        assert value in joined, (width, value, row)
        number = re.compile(rf"(^|\s){re.escape(value.split()[0])}(\s|$)")
        assert any(number.search(c) for c in one_line_cells), (width, value)  # on one line
        assert format_target(indicator.target, indicator.unit) in joined
        assert rag_words(indicator.rag) in joined
        assert dot_words(indicator.dot_short) in joined
        assert dot_words(indicator.dot_long) in joined


@pytest.mark.parametrize("width", NARROW)
def test_the_summary_shows_every_cell_and_the_committee_whole(width: int) -> None:
    output = rate_at(REPO, width)
    summary = rate_project(REPO, Period(2017, 3)).summary
    table = tables(output)[-1]
    cells = {cell for line in table for cell in line}
    for row in summary:
        for share in (row.green, row.green_amber, row.red_amber, row.red):
            assert f"{share.percent}% ({share.count})" in cells
        for share in (row.improved_same, row.worsened):
            assert f"{share.percent}% ({share.count})" in cells
    assert "Community Leadership" in re.sub(r"\s+", " ", output.replace("│", " "))
    header = output[output.index("Summary - Q3 2017/18") :]
    for word in ("Green", "Amber", "Improved/Same", "Worsened", "Monitored", "indicators"):
        assert re.search(rf"(?<![\w/]){re.escape(word)}(?![\w/])", header), (width, word)


@pytest.mark.parametrize("width", [60, 80])
def test_narrow_terminals_lose_trend_and_variation_not_values(width: int) -> None:
    output = rate_at(REPO, width)
    assert "Trend" not in output
    assert "Variation" not in output
    assert "Insufficient data" not in output


@pytest.mark.parametrize("width", [120, 150])
def test_a_wide_terminal_keeps_every_column_and_the_committee_on_one_line(width: int) -> None:
    output = rate_at(REPO, width)
    for header in ("Polarity", "Trend", "Variation", "DOT short", "DOT long"):
        assert header in output
    assert "│ Community Leadership │ 25% (1) │" in output  # headers wrap before the name does


@pytest.mark.parametrize("width", WIDTHS)
def test_several_committees_with_long_names_stay_whole(tmp_path: Path, width: int) -> None:
    names = ["Adults and Safeguarding", "Children, Education, Libraries and Safeguarding"]
    root = project_with_committees(tmp_path, names)
    output = rate_at(root, width)
    assert "…" not in output
    assert max(len(line) for line in output.splitlines()) <= width
    flat = re.sub(r"\s+", " ", re.sub(r"[│┃┏┓┗┛┡┩└┘━─┳╇┴]", " ", output))
    for name in names:
        assert f"{name} - Q3 2017/18" in flat or all(word in flat for word in name.split())
    summary = rate_project(root, Period(2017, 3)).summary
    cells = {cell for table in tables(output) for line in table for cell in line}
    for row in summary:
        assert f"{row.red.percent}% ({row.red.count})" in cells
        assert f"{row.improved_same.percent}% ({row.improved_same.count})" in cells


def test_many_committees_get_a_small_table_each_on_a_narrow_terminal(tmp_path: Path) -> None:
    names = [f"Committee number {n}" for n in range(1, 6)]
    root = project_with_committees(tmp_path, names)
    output = rate_at(root, 60)
    assert "…" not in output
    summary = output[output.index("Summary - Q3 2017/18") :]
    heads = [line for line in summary.splitlines() if line.startswith("┃ Measure")]
    assert [h.split("┃")[2].strip() for h in heads] == [
        "Community Leadership",
        *names,
        "Total",
    ]
    assert summary.count("│ Monitored only │") == len(names) + 2


def test_a_column_is_never_narrower_than_its_longest_unbreakable_piece() -> None:
    columns = [
        Column("Ref", "whole", cells=["CG/C33"]),
        Column("Result", "text", cells=["69.4 (an-extraordinarily-long-label)"]),
        Column("RAG", "words", cells=["Green Amber"]),
    ]
    assert [minimum(c) for c in columns] == [6, 10, 5]
    assert widths(columns, 31) == [6, 10, 5]  # 21 for the values, 10 for borders and padding
    assert widths(columns, 30) is None
    assert fit("t", columns, 30) is None
    assert widths(columns, 35) == [6, 10, 9]  # the narrowest are served first
    assert widths(columns, 200) == [6, 36, 11]


def test_text_from_files_is_printed_as_it_is_and_measured_so(tmp_path: Path) -> None:
    root = project_with_committees(tmp_path, ["Scrutiny [bold]and[/] Audit"])
    for width in (60, 150):
        output = rate_at(root, width)
        flat = re.sub(r"\s+", " ", re.sub(r"[│┃]", " ", output))
        assert "Scrutiny [bold]and[/] Audit - Q3 2017/18" in flat
        assert max(len(line) for line in output.splitlines()) <= width
