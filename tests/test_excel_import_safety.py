"""``barnet-rag import`` never writes wrong data: every workbook here is built with openpyxl,
and each test asserts the whole message, the exit code and that nothing was written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from barnet_rag.cli import main
from barnet_rag.project.excel_import import number_text

Q4 = "results/2017-18/Q4.csv"


def sheet_of(book: Workbook, title: str, rows: list[list[object]]) -> None:
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)


def save(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet_of(book, title, rows)
    book.save(path)
    return path


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["import", *args, "--root", str(root)])
    return result.exit_code, result.stdout, result.stderr


def test_a_sheet_exported_for_another_quarter_is_refused(example_copy: Path) -> None:
    workbook = example_copy / "exp.xlsx"
    exported = CliRunner().invoke(
        main,
        ["export", "Q3-2017", "--format", "xlsx", "-o", str(workbook), "--root", str(example_copy)],
    )
    assert exported.exit_code == 0, exported.stderr
    code, out, err = run(example_copy, str(workbook), "--period", "Q4-2017")
    assert (code, out) == (2, "")
    assert err == (
        f"error: {workbook}: sheet 'ratings' holds results for Q3 2017/18, not Q4 2017/18 "
        "(--period Q4-2017); import it with --period Q3-2017\n"
    )
    assert not (example_copy / Q4).exists()


def test_a_sheet_of_several_quarters_none_of_them_asked_for(example_copy: Path) -> None:
    header = ["financial_year", "quarter", "ref", "value"]
    rows = [header, ["2017/18", "Q2", "CG/C33", 66], ["2017/18", "Q3", "CG/C33", 69.4]]
    path = save(example_copy / "all.xlsx", {"Sheet1": rows})
    code, _, err = run(example_copy, str(path), "--period", "Q4-2017")
    assert (code, err) == (
        2,
        f"error: {path}: sheet 'Sheet1' holds results for Q2 2017/18, Q3 2017/18, not "
        "Q4 2017/18 (--period Q4-2017); pass the --period of one of them\n",
    )
    assert not (example_copy / Q4).exists()


def test_a_period_cell_that_names_no_quarter_is_an_error_not_a_skipped_row(
    example_copy: Path,
) -> None:
    header = ["financial_year", "quarter", "ref", "value"]
    rows = [
        header,
        ["2017/18", "Q4", "CG/C33", 66],
        ["n/a", "Q5", "CG/S4", 61],
        ["", "", "CG/C2", 5],
    ]
    path = save(example_copy / "p.xlsx", {"Sheet1": rows})
    code, _, err = run(example_copy, str(path), "--period", "Q4-2017")
    assert code == 2
    assert err == (
        "error: Sheet1!A3: financial_year 'n/a' is not a financial year "
        "(write it as 2017/18; each row of the sheet says which quarter it is for)\n"
        "error: Sheet1!B3: quarter 'Q5' is not a quarter "
        "(write Q1, Q2, Q3 or Q4; each row of the sheet says which quarter it is for)\n"
        "error: Sheet1!A4: financial_year '' is not a financial year "
        "(write it as 2017/18; each row of the sheet says which quarter it is for)\n"
        "error: Sheet1!B4: quarter '' is not a quarter "
        "(write Q1, Q2, Q3 or Q4; each row of the sheet says which quarter it is for)\n"
    )
    assert not (example_copy / Q4).exists()


def test_a_sheet_with_no_results_writes_nothing(example_copy: Path) -> None:
    path = save(example_copy / "e.xlsx", {"Sheet1": [["Q4 results"], ["ref", "value"], [None]]})
    code, _, err = run(example_copy, str(path), "--period", "Q4-2017")
    assert (code, err) == (
        2,
        f"error: {path}: sheet 'Sheet1' has no results below its header row (row 2); "
        "nothing was written\n",
    )
    assert not (example_copy / Q4).exists()


def test_not_reported_spellings_are_read_as_not_reported_and_counted(example_copy: Path) -> None:
    rows = [["ref", "value"], ["CG/C33", "n/a"], ["CG/S4", "N/A"], ["CG/C2", "-"], ["CG/C3", "–"]]
    rows.append(["CG/C4", 0.202])
    path = save(example_copy / "n.xlsx", {"Sheet1": rows})
    code, out, err = run(example_copy, str(path), "--period", "Q4-2017")
    assert (code, err) == (0, "")
    assert out == f"Wrote {Q4}: 5 results (4 not reported) from n.xlsx.\n"
    assert (example_copy / Q4).read_text() == (
        "ref,value,label\nCG/C33,,\nCG/S4,,\nCG/C2,,\nCG/C3,,\nCG/C4,0.202%,\n"
    )


def test_other_text_in_a_value_cell_is_reported_at_its_cell(example_copy: Path) -> None:
    path = save(example_copy / "t.xlsx", {"Sheet1": [["ref", "value"], ["CG/C33", "n.a."]]})
    code, _, err = run(example_copy, str(path), "--period", "Q4-2017")
    assert (code, err) == (
        2,
        "error: Sheet1!B2: value 'n.a.' is not a number; write e.g. 60, 60%, 1,234 or 69.4, "
        "or leave it blank when not reported\n",
    )
    assert not (example_copy / Q4).exists()


@pytest.mark.parametrize(("cell", "shown"), [(True, "TRUE"), (False, "FALSE")])
def test_true_or_false_in_a_value_cell_is_an_error(
    example_copy: Path, cell: bool, shown: str
) -> None:
    path = save(example_copy / "b.xlsx", {"Sheet1": [["ref", "value"], ["CG/C33", cell]]})
    code, _, err = run(example_copy, str(path), "--period", "Q4-2017")
    assert (code, err) == (
        2,
        f"error: Sheet1!B2: value is {shown} (a true/false cell), not a number "
        "(type the figure, or leave the cell blank when not reported)\n",
    )
    assert not (example_copy / Q4).exists()


def test_a_row_holding_only_true_is_not_skipped_as_blank(example_copy: Path) -> None:
    path = save(example_copy / "b.xlsx", {"Sheet1": [["ref", "value"], [None, True]]})
    code, _, err = run(example_copy, str(path), "--period", "Q4-2017")
    assert code == 2
    assert err.startswith("error: Sheet1!B2: value is TRUE (a true/false cell), not a number")


def test_two_value_columns_are_refused(example_copy: Path) -> None:
    rows = [["ref", "value", "label", "Value"], ["CG/C33", 1, "x", 69.4]]
    path = save(example_copy / "v.xlsx", {"Sheet1": rows})
    code, _, err = run(example_copy, str(path), "--period", "Q4-2017")
    assert (code, err) == (
        2,
        "error: Sheet1!D1: column 'value' appears twice (also in Sheet1!B1) "
        "(keep one of them: delete or rename the other)\n",
    )
    assert not (example_copy / Q4).exists()


def test_a_near_miss_of_a_column_name_is_an_error_other_columns_are_named(
    example_copy: Path,
) -> None:
    rows = [["ref", "value", "coment"], ["CG/C33", 1, "Worse"]]
    path = save(example_copy / "c.xlsx", {"Sheet1": rows})
    code, _, err = run(example_copy, str(path), "--period", "Q4-2017")
    assert (code, err) == (
        2,
        "error: Sheet1!C1: unknown column 'coment' (did you mean 'comment'? columns: ref, "
        "value, label, comparable, note, comment, published_rag)\n",
    )
    rows = [["Ref", "Indicator", "Value", "Owner"], ["CG/C33", "Crime", 69.4, "J. Smith"]]
    path = save(example_copy / "o.xlsx", {"Sheet1": rows})
    code, out, err = run(example_copy, str(path), "--period", "Q4-2017")
    assert (code, err) == (0, "")
    assert out == (
        f"Wrote {Q4}: 1 results from o.xlsx.\n"
        "Not imported (not results columns): 'Indicator' (B), 'Owner' (D).\n"
    )


def test_a_cell_under_no_header_is_an_error(example_copy: Path) -> None:
    rows = [["ref", "value", None], ["CG/C33", 69.4, "see note"]]
    path = save(example_copy / "h.xlsx", {"Sheet1": rows})
    code, _, err = run(example_copy, str(path), "--period", "Q4-2017")
    assert (code, err) == (
        2,
        "error: Sheet1!C2: 'see note' is in a column with no header "
        "(give the column a header (e.g. comment) or delete the cell)\n",
    )


def test_a_hidden_first_sheet_is_passed_over_for_the_visible_one(example_copy: Path) -> None:
    book = Workbook()
    hidden = book.active
    assert hidden is not None
    hidden.title = "Lookup"
    for row in [["ref", "value"], ["CG/C33", 1], ["CG/S4", 1]]:
        hidden.append(row)
    hidden.sheet_state = "hidden"
    sheet_of(book, "Q4", [["ref", "value"], ["CG/C33", 70.2], ["CG/S4", 59]])
    sheet_of(book, "Notes", [["Compiled by the performance team"]])
    book.active = 1
    book.save(example_copy / "h.xlsx")
    code, out, err = run(example_copy, str(example_copy / "h.xlsx"), "--period", "Q4-2017")
    assert (code, err) == (0, "")
    assert out == f"Wrote {Q4}: 2 results from h.xlsx, sheet 'Q4'.\n"
    assert (example_copy / Q4).read_text() == "ref,value,label\nCG/C33,70.2,\nCG/S4,59%,\n"
    code, out, _ = run(
        example_copy,
        str(example_copy / "h.xlsx"),
        "--period",
        "Q4-2017",
        "--sheet",
        "Lookup",
        "--force",
    )
    assert code == 0
    assert out.startswith(f"Wrote {Q4}: 2 results from h.xlsx, sheet 'Lookup'.\n")


def test_several_sheets_of_results_stop_and_list_them(example_copy: Path) -> None:
    rows = [["ref", "value"], ["CG/C33", 70.2]]
    path = save(example_copy / "s.xlsx", {"Q3": rows, "Q4": rows, "Notes": [["x"]]})
    code, out, err = run(example_copy, str(path), "--period", "Q4-2017")
    assert (code, out) == (2, "")
    assert err == (
        f"error: {path}: several sheets have a header row with a 'ref' column ('Q3', 'Q4'); "
        "choose one with --sheet NAME\n"
    )
    assert not (example_copy / Q4).exists()
    code, out, _ = run(example_copy, str(path), "--period", "Q4-2017", "--sheet", "Q4")
    assert (code, out) == (0, f"Wrote {Q4}: 1 results from s.xlsx, sheet 'Q4'.\n")


def test_no_visible_sheet_with_a_header(example_copy: Path) -> None:
    path = save(example_copy / "x.xlsx", {"A": [["x"]], "B": [["y"]]})
    code, _, err = run(example_copy, str(path), "--period", "Q4-2017")
    assert (code, err) == (
        2,
        f"error: {path}: no visible sheet has a header row with a 'ref' column; sheets: A, B "
        "(choose one with --sheet NAME)\n",
    )


def test_percent_cells_come_in_with_their_full_value(example_copy: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [["ref", "value"], ["CG/S4", 0.205], ["CG/S5", 0.6], ["CG/C2", 0.0545]]:
        sheet.append(row)
    sheet["B2"].number_format = "0%"  # shown as 21% (Excel) or 20% (Python's round())
    sheet["B3"].number_format = "0.0%"  # shown as 60.0%
    sheet["B4"].number_format = "0%"  # shown as 5%
    book.save(example_copy / "p.xlsx")
    code, _, err = run(example_copy, str(example_copy / "p.xlsx"), "--period", "Q4-2017")
    assert (code, err) == (0, "")
    assert (example_copy / Q4).read_text() == (
        "ref,value,label\nCG/S4,20.5%,\nCG/S5,60.0%,\nCG/C2,5.45%,\n"
    )


@pytest.mark.parametrize(
    ("value", "percent", "decimals", "unit", "text"),
    [
        (0.205, True, 0, "percent", "20.5%"),
        (0.1 + 0.2, False, 0, "number", "0.3"),
        (0.74, True, 0, "percent", "74%"),
        (60, False, 1, "percent", "60.0%"),
        (69.44, False, 1, "number", "69.44"),
        (1234567, False, 0, "number", "1234567"),
        (1e-7, False, 0, "number", "0.0000001"),
        (0.206, True, 1, "number", "20.6%"),
    ],
)
def test_number_text_never_rounds(
    value: float, percent: bool, decimals: int, unit: str, text: str
) -> None:
    assert number_text(value, percent, decimals, unit) == text


def test_a_quarter_column_without_a_financial_year_column_is_an_error(example_copy: Path) -> None:
    rows = [["quarter", "ref", "value"], ["Q3", "CG/C33", 69.4]]
    path = save(example_copy / "q.xlsx", {"Sheet1": rows})
    code, _, err = run(example_copy, str(path), "--period", "Q4-2017")
    assert (code, err) == (
        2,
        "error: Sheet1!A1: a 'quarter' column but no 'financial_year' column (the period "
        "columns go together (as export writes them); add the other or delete this one)\n",
    )


def test_hidden_rows_and_columns_would_be_imported_unseen_so_are_errors(
    example_copy: Path,
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [["ref", "value", "comment"], ["CG/C33", 69.4, ""], ["CG/S4", 1, "old"]]:
        sheet.append(row)
    sheet.row_dimensions[3].hidden = True
    sheet.column_dimensions["C"].hidden = True
    book.save(example_copy / "h.xlsx")
    code, _, err = run(example_copy, str(example_copy / "h.xlsx"), "--period", "Q4-2017")
    assert (code, err) == (
        2,
        "error: Sheet!C1: column 'comment' is hidden (unhide it to check it, or delete it: "
        "a hidden column would be imported unseen)\n"
        "error: Sheet!3:3: row 3 is hidden (or filtered out) (unhide it or clear the filter "
        "to check it, or delete it: a hidden row would be imported unseen)\n",
    )
    assert not (example_copy / Q4).exists()
