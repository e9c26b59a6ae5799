"""``barnet-rag import``: a quarter's results from an Excel workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook

from barnet_rag.cli import main

HEADER = ["ref", "value", "label", "comparable", "note", "comment", "published_rag"]
Q3 = "results/2017-18/Q3.csv"


def book(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return workbook


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["import", *args, "--root", str(root)])
    return result.exit_code, result.stdout, result.stderr


def test_a_sheet_with_results_columns_becomes_the_results_file(example_copy: Path) -> None:
    (example_copy / Q3).unlink()
    book(
        example_copy / "q3.xlsx",
        [HEADER, ["CG/S4", 60, "Autumn 2017", None, None, "Worse", "Red"], ["CG/C33", 69.4]],
    )
    code, out, err = run(example_copy, str(example_copy / "q3.xlsx"), "--period", "Q3-2017")
    assert (code, err) == (0, "")
    assert out == f"Wrote {Q3}: 2 results from q3.xlsx.\n"
    assert (example_copy / Q3).read_text() == (
        "ref,value,label,comment,published_rag\nCG/S4,60%,Autumn 2017,Worse,R\nCG/C33,69.4,,,\n"
    )


def test_percent_cells_merged_titles_dates_and_formulas(example_copy: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "Community Leadership Q3 2017/18"
    sheet.merge_cells("A1:C1")
    sheet.append(["ref", "value", "label"])
    sheet.append(["CG/C6", 0.74, dt.datetime(2017, 10, 1)])
    sheet["B3"].number_format = "0%"
    sheet.append(["CG/C3", 0.206, "x"])
    sheet["B4"].number_format = "0.0%"
    workbook.save(example_copy / "q.xlsx")
    code, _, err = run(example_copy, str(example_copy / "q.xlsx"), "--period", "Q3-2017", "--force")
    assert (code, err) == (0, "")
    assert (example_copy / Q3).read_text() == "ref,value,label\nCG/C6,74%,Oct 2017\nCG/C3,20.6%,x\n"
    assert (example_copy / (Q3 + ".bak")).exists()


def test_a_formula_without_a_saved_value_says_to_save_in_excel(example_copy: Path) -> None:
    book(example_copy / "f.xlsx", [["ref", "value"], ["CG/C33", "=1+1"]])
    code, _, err = run(example_copy, str(example_copy / "f.xlsx"), "--period", "Q3-2017", "--force")
    assert code == 2
    assert err == (
        "error: Sheet1!B2: formula =1+1 has no saved value "
        "(open the workbook in Excel and save it, so formulas are calculated)\n"
    )


def test_text_in_a_number_cell_names_the_sheet_and_cell(example_copy: Path) -> None:
    book(
        example_copy / "t.xlsx",
        [["ref", "label", "value"], ["CG/C33", "", 1], ["CG/S4", "A", "tbc"]],
    )
    code, _, err = run(example_copy, str(example_copy / "t.xlsx"), "--period", "Q3-2017", "--force")
    assert code == 2
    assert err == (
        "error: Sheet1!C3: value 'tbc' is not a number; write e.g. 60, 60%, 1,234 or 69.4, "
        "or leave it blank when not reported\n"
    )


def test_percent_out_of_range_and_unknown_refs_use_the_check_rules(example_copy: Path) -> None:
    book(example_copy / "r.xlsx", [["ref", "value"], ["CG/S4", 160], ["CG/S44", 1]], "Results")
    code, _, err = run(
        example_copy,
        str(example_copy / "r.xlsx"),
        "--period",
        "Q3-2017",
        "--sheet",
        "Results",
        "--force",
    )
    assert code == 2
    assert err == (
        "error: Results!B2: value '160%' is outside 0-100 for a percent indicator\n"
        "error: Results!A3: ref 'CG/S44' is not an indicator in any plan (did you mean CG/S4?)\n"
    )


def test_wrong_sheet_and_missing_column(example_copy: Path) -> None:
    book(example_copy / "w.xlsx", [["ref", "label"], ["CG/S4", "x"]])
    code, _, err = run(
        example_copy, str(example_copy / "w.xlsx"), "--period", "Q3-2017", "--sheet", "Nope"
    )
    assert (code, err) == (
        2,
        f"error: {example_copy / 'w.xlsx'}: no sheet 'Nope'; sheets: Sheet1\n",
    )
    code, _, err = run(example_copy, str(example_copy / "w.xlsx"), "--period", "Q3-2017")
    assert (code, err) == (
        2,
        "error: Sheet1!1:1: no 'value' column in the header row "
        "(the header needs at least ref and value)\n",
    )


def test_refuses_to_overwrite_without_force(example_copy: Path) -> None:
    before = (example_copy / Q3).read_bytes()
    book(example_copy / "q.xlsx", [["ref", "value"], ["CG/C33", 1]])
    code, _, err = run(example_copy, str(example_copy / "q.xlsx"), "--period", "Q3-2017")
    assert code == 2
    assert err == (
        f"error: {Q3} already exists; edit it instead, or pass --force to replace it "
        f"(the old file is kept as {Q3}.bak)\n"
    )
    assert (example_copy / Q3).read_bytes() == before


def test_not_a_workbook(example_copy: Path) -> None:
    (example_copy / "x.xlsx").write_text("ref,value\n")
    code, _, err = run(example_copy, str(example_copy / "x.xlsx"), "--period", "Q3-2017")
    assert code == 2
    assert err.startswith(
        f"error: {example_copy / 'x.xlsx'}: cannot be read as an Excel workbook ("
    )


def test_export_then_import_gives_back_the_shipped_results_file(example_copy: Path) -> None:
    original = (example_copy / Q3).read_bytes()
    workbook = example_copy / "q3.xlsx"
    runner = CliRunner()
    exported = runner.invoke(
        main,
        ["export", "Q3-2017", "--format", "xlsx", "-o", str(workbook), "--root", str(example_copy)],
    )
    assert exported.exit_code == 0, exported.stderr
    code, _, err = run(example_copy, str(workbook), "--period", "Q3-2017", "--force")
    assert (code, err) == (0, "")
    assert (example_copy / Q3).read_bytes() == original


def test_an_all_periods_export_imports_one_quarter_by_its_values(example_copy: Path) -> None:
    """Q2 2017/18 comes back with the same results; Excel keeps 22.0% as the number 22."""
    from barnet_rag.periods import Period
    from barnet_rag.project.loading import load_project

    before = load_project(example_copy).results[Period(2017, 2)].results
    workbook = example_copy / "all.xlsx"
    CliRunner().invoke(
        main,
        [
            "export",
            "--all-periods",
            "--format",
            "xlsx",
            "-o",
            str(workbook),
            "--root",
            str(example_copy),
        ],
    )
    code, _, err = run(example_copy, str(workbook), "--period", "Q2-2017", "--force")
    assert (code, err) == (0, "")
    after = load_project(example_copy).results[Period(2017, 2)].results
    keys = ("ref", "value", "label", "comparable", "note", "comment", "published_rag")
    assert [[getattr(r, k) for k in keys] for r in after.values()] == [
        [getattr(r, k) for k in keys] for r in before.values()
    ]
    assert "CG/C4,22%," in (example_copy / "results/2017-18/Q2.csv").read_text()
