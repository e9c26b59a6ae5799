"""``barnet-rag export``: every indicator as open data in CSV, JSON and XLSX."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from barnet_rag.api import rate_project
from barnet_rag.cli import main
from barnet_rag.outputs.exporting import export_fields
from barnet_rag.outputs.tabular import indicator_fields
from barnet_rag.periods import Period

REPO = Path(__file__).resolve().parent.parent

INJECTION_PLAN = """\
plan: tricky
committee: Tricky
title: Tricky Plan
indicators:
  - ref: T/1
    title: "=HYPERLINK(\\"http://evil.example\\", \\"click\\")"
    type: CPI
    polarity: bigger
    unit: percent
    targets:
      2017/18: {annual: 50}
  - ref: "-T2"
    title: "@SUM(A1:A2)"
    type: SPI
    polarity: smaller
    unit: number
    targets:
      2017/18: {annual: 10}
"""
INJECTION_RESULTS = "ref,value,comment\nT/1,40%,+1 more\n-T2,12,fine\n"


def export(*args: str, root: Path = REPO) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["export", *args, "--root", str(root)])
    return result.exit_code, result.stdout, result.stderr


def csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_columns_are_the_period_then_the_json_fields_of_a_rated_indicator() -> None:
    code, out, _ = export("Q3-2017")
    assert code == 0
    header = next(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    assert header == ["financial_year", "quarter", *indicator_fields()]
    assert header == export_fields()
    rated = json.loads(rate_project(REPO, Period(2017, 3)).model_dump_json())
    assert header[2:] == list(rated["indicators"][0])


def test_every_indicator_is_exported_not_just_exceptions() -> None:
    rows = csv_rows(export("Q3-2017")[1])
    rated = rate_project(REPO, Period(2017, 3))
    assert [r["ref"] for r in rows] == [i.ref for i in rated.indicators]
    assert {r["rag"] for r in rows} >= {"G", "Monitor"}
    assert {(r["financial_year"], r["quarter"]) for r in rows} == {("2017/18", "Q3")}
    s4 = next(r for r in rows if r["ref"] == "CG/S4")
    assert (s4["value"], s4["target"], s4["rag"], s4["dot_long"]) == (
        "60.0",
        "68.0",
        "R",
        "worsening",
    )


def test_json_rows_equal_the_library_ratings() -> None:
    code, out, _ = export("Q3-2017", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    rated = json.loads(rate_project(REPO, Period(2017, 3)).model_dump_json())
    assert rows == [
        {"financial_year": "2017/18", "quarter": "Q3", **indicator}
        for indicator in rated["indicators"]
    ]


def test_all_periods_gives_one_row_per_indicator_and_period_with_results() -> None:
    rows = csv_rows(export("--all-periods")[1])
    periods = [Period(2016, 1), Period(2016, 3), Period(2017, 2), Period(2017, 3)]
    expected = [
        (p.financial_year, p.quarter_label, i.ref)
        for p in periods
        for i in rate_project(REPO, p).indicators
    ]
    assert [(r["financial_year"], r["quarter"], r["ref"]) for r in rows] == expected


def test_all_periods_up_to_a_period() -> None:
    rows = csv_rows(export("Q3-2016", "--all-periods")[1])
    assert sorted({(r["financial_year"], r["quarter"]) for r in rows}) == [
        ("2016/17", "Q1"),
        ("2016/17", "Q3"),
    ]


def test_a_period_or_all_periods_is_required() -> None:
    code, out, err = export()
    assert (code, out) == (2, "")
    assert err == "error: give a PERIOD to export, e.g. Q3-2017, or --all-periods\n"


def test_xlsx_needs_an_output_file() -> None:
    code, out, err = export("Q3-2017", "--format", "xlsx")
    assert (code, out) == (2, "")
    assert err == (
        "error: --format xlsx writes a binary workbook: give a file with -o, e.g. -o ratings.xlsx\n"
    )


def test_csv_to_a_file_is_utf8_with_bom(tmp_path: Path) -> None:
    target = tmp_path / "q3.csv"
    code, out, _ = export("Q3-2017", "-o", str(target))
    assert (code, out) == (0, "")
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Barnet – Total Notifiable Offences" in data.decode("utf-8-sig")
    assert list(tmp_path.iterdir()) == [target]  # no temp file left behind


def test_csv_formula_injection_is_neutralised(
    make_tree: Callable[[dict[str, str | bytes]], Path],
) -> None:
    root = make_tree(
        {"plans/tricky.yaml": INJECTION_PLAN, "results/2017-18/Q3.csv": INJECTION_RESULTS}
    )
    code, out, _ = export("Q3-2017", root=root)
    assert code == 0
    rows = csv_rows(out)
    assert [(r["ref"], r["title"], r["comment"]) for r in rows] == [
        ("T/1", '\'=HYPERLINK("http://evil.example", "click")', "'+1 more"),
        ("'-T2", "'@SUM(A1:A2)", "fine"),
    ]
    assert rows[0]["value"] == "40.0"  # numbers are never prefixed


def test_xlsx_contents_read_back(tmp_path: Path) -> None:
    target = tmp_path / "ratings.xlsx"
    code, out, _ = export("Q3-2017", "--format", "xlsx", "-o", str(target))
    assert (code, out) == (0, "")
    sheet = load_workbook(target).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header == export_fields()
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "E2"
    rated = rate_project(REPO, Period(2017, 3)).indicators
    assert sheet.max_row == len(rated) + 1
    column = {name: index for index, name in enumerate(header)}
    rows = {row[column["ref"]].value: row for row in sheet.iter_rows(min_row=2)}
    s4 = rows["CG/S4"]
    assert s4[column["value"]].value == 60
    assert isinstance(s4[column["value"]].value, int | float)
    assert s4[column["value"]].number_format == '#,##0"%"'
    assert s4[column["target"]].value == 68
    assert s4[column["shortfall"]].number_format == "0.0%"
    assert s4[column["rag"]].value == "Red"
    assert s4[column["rag"]].fill.fgColor.rgb == "00C00000"
    assert s4[column["published_rag"]].value == "Red"
    s16 = rows["CG/S16"]
    assert s16[column["rag"]].value == "Green Amber"
    assert s16[column["rag"]].fill.fgColor.rgb == "00FFD966"
    c33 = rows["CG/C33"]
    assert c33[column["value"]].value == 69.4
    assert c33[column["value"]].number_format == "#,##0.0"
    assert c33[column["rag"]].value == "Monitor"
    assert sheet.column_dimensions["E"].width == 60  # long titles are capped
    assert sheet.column_dimensions["D"].width == len("CG/C33") + 2


def test_xlsx_text_is_neutralised(
    tmp_path: Path, make_tree: Callable[[dict[str, str | bytes]], Path]
) -> None:
    root = make_tree(
        {"plans/tricky.yaml": INJECTION_PLAN, "results/2017-18/Q3.csv": INJECTION_RESULTS}
    )
    target = root / "out.xlsx"
    assert export("Q3-2017", "--format", "xlsx", "-o", str(target), root=root)[0] == 0
    sheet = load_workbook(target).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    title = sheet.cell(2, header.index("title") + 1)
    assert title.data_type == "s"
    assert title.value == '\'=HYPERLINK("http://evil.example", "click")'
    assert sheet.cell(3, header.index("ref") + 1).value == "'-T2"


def test_unknown_plan_is_a_usage_error() -> None:
    code, _, err = export("Q3-2017", "--plan", "nope")
    assert code == 2
    assert err == "error: no plan 'nope' in plans; plans: community-leadership\n"


def test_rows_written_a_chunk_at_a_time_are_the_rows_written_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from barnet_rag.outputs import exporting

    whole = {fmt: export("--all-periods", "--format", fmt)[1] for fmt in ("csv", "json")}
    monkeypatch.setattr(exporting, "CHUNK_ROWS", 3)  # many chunks, across periods
    for fmt, text in whole.items():
        code, out, _ = export("--all-periods", "--format", fmt)
        assert code == 0
        assert out == text
    rows = exporting.export_rows([Period(2017, 3)], [[]])
    for write in (exporting.write_csv_export, exporting.write_json_export):
        at_once, chunked = io.StringIO(), io.StringIO()
        write(rows, at_once)
        exporting.CHUNK_WRITERS["csv" if write is exporting.write_csv_export else "json"](
            iter([]), chunked
        )
        assert chunked.getvalue() == at_once.getvalue()  # no rows: header alone, or []


def test_csv_written_from_columns_is_the_csv_of_the_row_dicts(
    monkeypatch: pytest.MonkeyPatch, repo_root: Path
) -> None:
    from barnet_rag.api import rate_project
    from barnet_rag.outputs import exporting
    from barnet_rag.outputs.tabular import indicator_rows
    from barnet_rag.project.loading import ResultsStore, load_project

    monkeypatch.setattr(exporting, "CHUNK_ROWS", 4)  # many chunks, across periods
    project = load_project(repo_root)
    periods = exporting.export_periods(ResultsStore(repo_root, {}).files, None, True)
    rated = [rate_project(repo_root, p, (), project=project).indicators for p in periods]
    rows = exporting.export_rows(periods, [indicator_rows(i) for i in rated])
    from_rows, from_columns = io.StringIO(), io.StringIO()
    exporting.write_csv_export(rows, from_rows)
    exporting.write_csv_columns_export(exporting.export_columns(periods, rated), from_columns)
    assert from_columns.getvalue() == from_rows.getvalue()
    empty = io.StringIO()
    exporting.write_csv_columns_export(iter([]), empty)
    assert empty.getvalue() == exporting.BOM + ",".join(exporting.export_fields()) + "\n"
