"""Issue 15 item 20: bounded work on hostile or mistaken inputs.

The first 20 problems of a kind are listed and the rest counted in one more line; a
results file or workbook far bigger than any quarter's results is refused before it is
parsed, saying the limit. Inputs are generated here; each test takes a second or two.
"""

from __future__ import annotations

import shutil
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.cli import main
from barnet_rag.errors import CappedProblems, Problem
from barnet_rag.project.projectfiles import (
    MAX_RESULTS_BYTES,
    MAX_WORKBOOK_BYTES,
    MAX_WORKBOOK_ROWS,
)

BASE = Path(__file__).resolve().parent / "bad_inputs" / "_base"
Q3 = "results/2017-18/Q3.csv"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    return root


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_capped_problems_keep_twenty_of_a_kind_and_count_the_rest() -> None:
    capped = CappedProblems()
    for line in range(2, 32):
        capped.add(Problem("unknown-ref", f"ref {line}", "r.csv", line))
    capped.add(Problem("bad-value", "v", "r.csv", 40))
    found = capped.result()
    assert [p.line for p in found[:20]] == list(range(2, 22))
    assert found[20:] == [
        Problem("bad-value", "v", "r.csv", 40),
        Problem(
            "unknown-ref",
            "... and 10 more unknown refs",
            "r.csv",
            22,
            hint="only the first 20 are listed; fix them and run again",
        ),
    ]


def test_a_header_of_100000_unknown_columns_is_quick_and_short(project: Path) -> None:
    columns = ",".join(f"x{i}" for i in range(100_000))
    (project / Q3).write_text(f"ref,value,{columns}\nSC/1,60%\n", encoding="utf-8")
    started = time.perf_counter()
    code, _, err = invoke("rate", "Q3-2017", "--root", str(project))
    assert time.perf_counter() - started < 10  # 73 s before
    lines = err.splitlines()
    assert code == 2
    assert len(lines) == 21
    assert lines[0] == (
        f"error: {Q3}:1: x0: unknown column 'x0' (columns: ref, value, label, comparable, "
        "note, comment, published_rag)"
    )
    assert lines[-1] == (
        f"error: {Q3}:1: ... and 99,980 more unknown columns (only the first 20 are listed; "
        "fix them and run again)"
    )


def test_many_unknown_refs_are_counted_not_listed(project: Path) -> None:
    rows = "".join(f"ZZ/{i},{i % 100}\n" for i in range(50_000))
    (project / Q3).write_text(f"ref,value\n{rows}", encoding="utf-8")
    started = time.perf_counter()
    code, _, err = invoke("rate", "Q3-2017", "--root", str(project))
    assert time.perf_counter() - started < 20  # minutes and gigabytes at 200 MB before
    lines = err.splitlines()
    assert code == 2
    assert len(lines) == 21
    assert lines[0] == (
        f"error: {Q3}:2: ref: ref 'ZZ/0' is not an indicator in any plan "
        "(add it to a plan or remove the row)"
    )
    assert lines[-1] == (
        f"error: {Q3}:22: ... and 49,980 more unknown refs (only the first 20 are listed; "
        "fix them and run again)"
    )
    code, out, _ = invoke("check", "--format", "github", "--root", str(project))
    assert code == 1
    assert out.count("::error") == 21


def test_a_results_file_far_bigger_than_any_quarter_is_refused_unread(project: Path) -> None:
    with (project / Q3).open("wb") as stream:
        stream.write(b"ref,value\n")
        stream.truncate(MAX_RESULTS_BYTES + 1)  # sparse: no time or disk to write it
    expected = (
        f"error: {Q3}: is {MAX_RESULTS_BYTES + 1:,} bytes, far more than a quarter's results "
        f"(the limit is {MAX_RESULTS_BYTES:,} bytes) (check that it is the right file)\n"
    )
    assert invoke("rate", "Q3-2017", "--root", str(project)) == (2, "", expected)
    code, out, _ = invoke("check", "--format", "github", "--root", str(project))
    assert code == 1
    assert f"::error file={Q3}::is {MAX_RESULTS_BYTES + 1:,} bytes" in out


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(project: Path) -> None:
    bomb = project / "bomb.xlsx"
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book,
        book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
    ):
        block = b" " * (1 << 20)
        for _ in range(MAX_WORKBOOK_BYTES // len(block) + 1):
            member.write(block)
    assert bomb.stat().st_size < 1_000_000
    code, _, err = invoke("import", str(bomb), "--period", "Q4-2017", "--root", str(project))
    assert (code, err) == (
        2,
        f"error: {bomb}: unpacks to 100,663,296 bytes, more than the limit of "
        f"{MAX_WORKBOOK_BYTES:,} for a quarter's results; import a workbook holding only "
        "the quarter's sheet\n",
    )
    assert not (project / "results/2017-18/Q4.csv").exists()


def test_a_workbook_with_too_many_rows_is_refused_before_openpyxl_reads_it(
    project: Path,
) -> None:
    rows = b"".join(b'<row r="%d"/>' % i for i in range(1, MAX_WORKBOOK_ROWS + 2))
    book_path = project / "huge.xlsx"
    with zipfile.ZipFile(book_path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(
            "xl/worksheets/sheet1.xml",
            b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>",
        )
    code, _, err = invoke("import", str(book_path), "--period", "Q4-2017", "--root", str(project))
    assert (code, err) == (
        2,
        f"error: {book_path}: a sheet has more than {MAX_WORKBOOK_ROWS:,} rows, far more than "
        "a quarter's results; import a workbook holding only the quarter's sheet\n",
    )


def test_a_workbook_of_ordinary_size_is_not_refused(project: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["ref", "value"], ["SC/1", 61], ["SC/2", 390], ["SC/3", 5]):
        sheet.append(row)
    book.save(project / "q4.xlsx")
    code, out, _ = invoke(
        "import", str(project / "q4.xlsx"), "--period", "Q4-2017", "--root", str(project)
    )
    assert (code, out) == (0, "Wrote results/2017-18/Q4.csv: 3 results from q4.xlsx.\n")
