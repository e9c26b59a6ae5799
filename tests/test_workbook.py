"""The collection workbook: ``new-quarter PERIOD --format xlsx``, filled in, imported back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from barnet_rag.cli import main
from barnet_rag.outputs.workbook import COLUMNS, cell_ranges

HEADER = [
    "ref",
    "title",
    "owner",
    "unit",
    "polarity",
    "target",
    "last_result",
    "last_period",
    "last_label",
    "value",
    "label",
    "comparable",
    "note",
    "comment",
]


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "--root", str(root)])
    return result.exit_code, result.stdout, result.stderr


def test_one_sheet_of_expected_results_with_the_facts_locked(example_copy: Path) -> None:
    book_path = example_copy / "q3.xlsx"
    assert run(
        example_copy, "new-quarter", "Q3-2018", "--format", "xlsx", "-o", str(book_path)
    ) == (
        0,
        f"Wrote {book_path}: 9 results expected in Q3 2018/19.\n"
        "When it is filled in, run: barnet-rag import q3.xlsx --period Q3-2018\n",
        "",
    )
    book = load_workbook(book_path)
    assert book.sheetnames == ["Results", "Instructions"]
    sheet = book["Results"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER == list(COLUMNS)
    assert [r[0] for r in rows[1:]] == [
        "CG/C33",
        "CG/S4",
        "CG/S5",
        "CG/S16",
        "CG/C2",
        "CG/C3",
        "CG/C4",
        "CG/C27",
        "CG/C6",
    ]
    s4 = rows[2]
    assert s4[:12] == [
        "CG/S4",
        "Public confidence in police and council in dealing with anti-social behaviour and "
        "crime issues that matter in their area",
        "Community Safety",
        "percent",
        "bigger",
        "No target",  # no 2018/19 targets in the plan yet
        60,
        "Q3 2017/18",
        "Autumn 2017",
        None,
        "Autumn 2017",
        None,
    ]
    assert rows[5][6:9] == [5.4, "Q3 2017/18", None]  # CG/C2's last result, no label
    assert sheet["G6"].number_format == '#,##0.0"%"'
    assert sheet.freeze_panes == "B2"
    assert sheet.protection.sheet is True
    locked = {c.column_letter: c.protection.locked for c in sheet[3]}
    assert [k for k, v in locked.items() if not v] == ["J", "K", "L", "M", "N"]
    assert sheet["J3"].fill.fgColor.rgb.endswith("FFF2CC")
    assert sheet.column_dimensions["B"].width == 60
    validations = {
        (v.type, v.formula1, v.formula2): str(v.sqref)
        for v in sheet.data_validations.dataValidation
    }
    assert validations == {
        ("decimal", "0", "100"): "J3:J8 J10",
        ("decimal", "-1000000000000000", "1000000000000000"): "J2 J9",
        ("list", '"yes,no"', None): "L2:L10",
    }
    text = [c.value for c in book["Instructions"]["A"]]
    assert text[0] == "Results for Q3 2018/19 (Oct-Dec): 9 expected."
    assert text[-2:] == [
        "Then save the workbook and run: barnet-rag import FILE.xlsx --period Q3-2018",
        "and: barnet-rag check --period Q3-2018 --strict",
    ]


def test_the_round_trip_fill_import_check_strict(example_copy: Path) -> None:
    book_path = example_copy / "q4.xlsx"
    assert (
        run(example_copy, "new-quarter", "Q4-2017", "--format", "xlsx", "-o", str(book_path))[0]
        == 0
    )
    book = load_workbook(book_path)
    sheet = book["Results"]
    by_ref = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    assert list(by_ref) == ["CG/C33", "CG/C2", "CG/C3", "CG/C4", "CG/C27"]
    filled = {
        "CG/C33": (71.2, None, None, None, None),
        "CG/C2": (9, None, None, "Provisional", None),
        "CG/C3": (25.5, None, None, None, "Up on Q3."),
        "CG/C4": (None, None, None, None, None),
        "CG/C27": (190, "Dec 2017", "no", None, None),
    }
    for ref, values in filled.items():
        for offset, value in enumerate(values):
            sheet.cell(by_ref[ref], 10 + offset).value = value
    book.save(book_path)
    code, out, err = run(example_copy, "import", str(book_path), "--period", "Q4-2017")
    assert (code, out, err) == (
        0,
        "Wrote results/2017-18/Q4.csv: 5 results (1 not reported) from q4.xlsx, sheet 'Results'.\n",
        "",
    )
    assert (example_copy / "results/2017-18/Q4.csv").read_text(encoding="utf-8") == (
        "ref,value,label,comparable,note,comment\n"
        "CG/C33,71.2,,,,\n"
        "CG/C2,9%,,,Provisional,\n"
        "CG/C3,25.5%,,,,Up on Q3.\n"
        "CG/C4,,,,,\n"
        "CG/C27,190,Dec 2017,no,,\n"
    )
    assert run(example_copy, "check", "--period", "Q4-2017", "--strict") == (
        0,
        "No problems found in 6 files.\n",
        "",
    )
    assert run(example_copy, "check", "--period", "Q4-2017", "--missing")[1].startswith(
        "Q4 2017/18: 1 of 5 expected results missing (results/2017-18/Q4.csv).\n"
    )


def test_owner_filters_the_rows(example_copy: Path) -> None:
    book_path = example_copy / "safety.xlsx"
    code, out, _ = run(
        example_copy,
        "new-quarter",
        "Q4-2017",
        "--format",
        "xlsx",
        "-o",
        str(book_path),
        "--owner",
        "Community Safety",
    )
    assert (code, out.splitlines()[0]) == (
        0,
        f"Wrote {book_path}: 4 results expected in Q4 2017/18 for Community Safety.",
    )
    sheet = load_workbook(book_path)["Results"]
    assert [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)] == [
        "CG/C2",
        "CG/C3",
        "CG/C4",
        "CG/C27",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--format", "xlsx"],
            "error: --format xlsx writes a workbook: give a file with -o, e.g. -o q4.xlsx\n",
        ),
        (
            ["-o", "q4.xlsx"],
            "error: -o is for the collection workbook: add --format xlsx (the results file "
            "is always results/<yyyy-yy>/Q<n>.csv)\n",
        ),
        (
            ["--owner", "Community Safety"],
            "error: --owner is for the collection workbook: add --format xlsx (the results "
            "file is always results/<yyyy-yy>/Q<n>.csv)\n",
        ),
        (
            ["--format", "xlsx", "-o", "q4.xlsx", "--owner", "Nobody"],
            "error: no results expected in Q4 2017/18 from owner 'Nobody'; owners: Community "
            "Safety\n",
        ),
    ],
)
def test_usage_errors(example_copy: Path, args: list[str], message: str) -> None:
    assert run(example_copy, "new-quarter", "Q4-2017", *args) == (2, "", message)
    assert not (example_copy / "q4.xlsx").exists()
    assert not (example_copy / "results/2017-18/Q4.csv").exists()


@pytest.mark.parametrize(
    ("rows", "ranges"),
    [([], ""), ([2], "J2"), ([2, 3, 4], "J2:J4"), ([2, 4, 5, 9], "J2 J4:J5 J9")],
)
def test_validated_cells_are_given_as_ranges(rows: list[int], ranges: str) -> None:
    assert cell_ranges("J", rows) == ranges


def test_a_workbook_of_only_number_indicators_has_no_empty_validation(example_copy: Path) -> None:
    book_path = example_copy / "q4.xlsx"
    plan = example_copy / "plans/community-leadership.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("unit: percent", "unit: number"))
    for results in (example_copy / "results").glob("*/*.csv"):  # no % on a number indicator
        results.write_text(results.read_text(encoding="utf-8").replace("%", ""), encoding="utf-8")
    assert (
        run(example_copy, "new-quarter", "Q4-2017", "--format", "xlsx", "-o", str(book_path))[0]
        == 0
    )
    sheet = load_workbook(book_path)["Results"]
    assert [(v.type, str(v.sqref)) for v in sheet.data_validations.dataValidation] == [
        ("decimal", "J2:J6"),
        ("list", "L2:L6"),
    ]


def test_an_unreadable_earlier_file_only_loses_its_last_results(example_copy: Path) -> None:
    (example_copy / "results/2017-18/Q3.csv").write_bytes(b"ref,value\nCG/C2,5\xff\n")
    book_path = example_copy / "q4.xlsx"
    code, _, err = run(
        example_copy, "new-quarter", "Q4-2017", "--format", "xlsx", "-o", str(book_path)
    )
    assert (code, err) == (0, "")
    sheet = load_workbook(book_path)["Results"]
    c2 = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "CG/C2")
    assert c2[6:9] == (14, "Q2 2017/18", None)  # Q3 cannot be read: Q2's result is the last


def test_the_installed_script_round_trips_the_workbook(example_copy: Path) -> None:
    # Real processes, which leave with os._exit: the workbook must be whole when they exit.
    script = Path(sys.executable).with_name("barnet-rag")
    if not script.exists():
        pytest.skip("the barnet-rag script is not installed beside this Python")

    def run_script(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(script), *args, "--root", str(example_copy)],
            capture_output=True,
            text=True,
            check=False,
        )

    book_path = example_copy / "q4.xlsx"
    made = run_script("new-quarter", "Q4-2017", "--format", "xlsx", "-o", str(book_path))
    assert (made.returncode, made.stderr) == (0, "")
    book = load_workbook(book_path)
    for row in range(2, book["Results"].max_row + 1):
        book["Results"].cell(row, 10).value = 10 + row
    book.save(book_path)
    imported = run_script("import", str(book_path), "--period", "Q4-2017")
    assert (imported.returncode, imported.stderr) == (0, "")
    missing = run_script("check", "--period", "Q4-2017", "--missing")
    assert (missing.returncode, missing.stdout) == (
        0,
        "Q4 2017/18: all 5 expected results are in results/2017-18/Q4.csv.\n",
    )
