"""Issue 15 item 15: exit codes say the truth.

A closed pipe ends every command quietly with 141 (never 1, which CI reads as "problems
found"); output that does not fit (``> /dev/full``) is "No space left on device", exit 2;
a dangling plan symlink, a plan name that is not UTF-8, an empty ``-o``, a template that
raises or is not UTF-8, a ``--templates`` directory without templates and the import of a
named pipe are located errors, exit 2; the bug message points to a README section that
exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.cli import main
from barnet_rag.outputs.exporting import write_xlsx_export, xlsx_text

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "tests" / "bad_inputs" / "_base"
SCRIPT = Path(sys.executable).parent / "barnet-rag"

needs_posix = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a POSIX system")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    return root


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def run_into(stdout: int, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real console script with ``stdout`` as its standard output."""
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=cwd,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
    )


COMMANDS = [
    ["rate", "Q3-2017"],
    ["rate", "Q3-2017", "--format", "json"],
    ["rate", "Q3-2017", "--format", "csv"],
    ["check"],
    ["check", "--format", "json"],
    ["explain", "Q3-2017", "SC/1"],
    ["report", "Q3-2017"],
    ["export", "Q3-2017"],
    ["export", "Q3-2017", "--format", "json"],
    ["chart", "Q3-2017", "SC/1"],
    ["new-quarter", "Q4-2017"],
    ["--help"],
    ["rate", "--help"],
    ["--version"],
]


@needs_posix
@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed")
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_closed_pipe_ends_every_command_quietly_with_141(args: list[str], project: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first byte: `| head -0`
    try:
        done = run_into(write, args, project)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (141, "")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed")
@pytest.mark.parametrize(
    "args", [["rate", "Q3-2017"], ["check", "--format", "json"], ["report", "Q3-2017"], ["--help"]]
)
def test_a_full_device_is_no_space_left_exit_2(args: list[str], project: Path) -> None:
    with open("/dev/full", "w") as full:  # noqa: PTH123
        done = run_into(full.fileno(), args, project)
    assert (done.returncode, done.stderr) == (
        2,
        "error: cannot write the output: No space left on device\n",
    )


def test_o_onto_a_device_is_refused(project: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    assert invoke("report", "Q3-2017", "--root", str(project), "-o", "/dev/full") == (
        2,
        "",
        "error: cannot write /dev/full: it is a device, not a regular file "
        "(give the name of a file to write)\n",
    )


def test_a_dangling_plan_symlink_is_a_located_error(project: Path) -> None:
    (project / "plans" / "gone.yaml").symlink_to("elsewhere.yaml")
    for args in (["rate", "Q3-2017"], ["report", "Q3-2017"]):
        assert invoke(*args, "--root", str(project)) == (
            2,
            "",
            "error: plans/gone.yaml: is a symbolic link to elsewhere.yaml, which does not "
            "exist (point the link at the file, or remove it)\n",
        )


@needs_posix
def test_a_plan_file_name_that_is_not_utf8_is_a_located_error(project: Path) -> None:
    name = os.fsdecode(b"caf\xe9.yaml")
    try:
        shutil.copyfile(project / "plans/safer.yaml", project / "plans" / name)
    except (UnicodeEncodeError, OSError):
        pytest.skip("this file system refuses names that are not UTF-8")
    message = (
        "'plans/caf\\udce9.yaml': the file name is not UTF-8 text "
        "(rename the file using letters, digits, - and _)"
    )
    assert invoke("rate", "Q3-2017", "--root", str(project)) == (2, "", f"error: {message}\n")
    code, out, _ = invoke("check", "--format", "github", "--root", str(project))
    assert code == 1
    assert "::error file='plans/caf\\udce9.yaml'::the file name is not UTF-8 text" in out


def test_an_empty_output_name_is_a_usage_error(project: Path) -> None:
    for command in (["report", "Q3-2017"], ["export", "Q3-2017"]):
        code, _, err = invoke(*command, "--root", str(project), "-o", "")
        assert code == 2
        assert err.endswith(
            "Error: Invalid value for '-o' / '--output': the file name is empty "
            "(give a file, e.g. -o q3.html)\n"
        )


def templates(tmp_path: Path, content: bytes) -> Path:
    directory = tmp_path / "my-templates"
    directory.mkdir()
    (directory / "report.md.j2").write_bytes(content)
    return directory


def test_a_template_that_raises_names_its_line(project: Path, tmp_path: Path) -> None:
    directory = templates(tmp_path, b"# Report\n{{ 1 / 0 }}\n")
    assert invoke("report", "Q3-2017", "--root", str(project), "--templates", str(directory)) == (
        2,
        "",
        f"error: {directory}/report.md.j2:2: the template failed: ZeroDivisionError: "
        "division by zero (fix the expression on that line)\n",
    )


def test_a_template_that_is_not_utf8_is_refused(project: Path, tmp_path: Path) -> None:
    directory = templates(tmp_path, b"# R\xe9port\n")
    assert invoke("report", "Q3-2017", "--root", str(project), "--templates", str(directory)) == (
        2,
        "",
        f"error: {directory}/report.md.j2: is not UTF-8 text (byte 3); save the template "
        "as UTF-8\n",
    )


def test_a_templates_directory_without_templates_is_not_a_silent_fallback(
    project: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert invoke("report", "Q3-2017", "--root", str(project), "--templates", str(empty)) == (
        2,
        "",
        f"error: --templates {empty}: holds neither report.md.j2 nor report.html.j2 "
        "(put your templates there under these names)\n",
    )
    code, _, err = invoke("report", "Q3-2017", "--root", str(project), "--templates", "nowhere")
    assert code == 2
    assert err.endswith(
        "Error: Invalid value for '--templates': Directory 'nowhere' does not exist.\n"
    )


def test_one_template_overridden_keeps_the_shipped_other(project: Path, tmp_path: Path) -> None:
    directory = templates(tmp_path, b"# Mine\n")
    code, out, _ = invoke(
        "report", "Q3-2017", "--root", str(project), "--templates", str(directory),
        "--format", "html",
    )  # fmt: skip
    assert code == 0
    assert out.startswith("<!DOCTYPE html>")


@needs_posix
def test_importing_a_named_pipe_is_refused_without_hanging(project: Path) -> None:
    pipe = project / "q3.xlsx"
    os.mkfifo(pipe)
    assert invoke("import", str(pipe), "--period", "Q3-2017", "--root", str(project)) == (
        2,
        "",
        f"error: {pipe}: is not a regular file (a named pipe or device?); give the .xlsx "
        "file itself\n",
    )


def test_control_characters_reach_xlsx_as_visible_escapes(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    assert xlsx_text("ALL\x1b[32m GREEN\x07\tok\n") == "ALL\\x1b[32m GREEN\\x07\tok\n"
    assert xlsx_text(3.5) == 3.5
    target = tmp_path / "out.xlsx"
    with target.open("wb") as stream:
        write_xlsx_export([{"ref": "X/1", "title": "bad\x1b]0;t\x07", "note": "\x00"}], stream)
    sheet = load_workbook(target).active
    assert sheet is not None
    values = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert "bad\\x1b]0;t\\x07" in values
    assert "\\x00" in values


def test_the_bug_message_points_to_a_section_the_readme_has() -> None:
    from barnet_rag.cli import REPORTING, bug_message

    assert bug_message("RuntimeError").endswith(
        'Please report it with the command you ran (see "Reporting problems" in README.md); '
        "add --debug for the full traceback."
    )
    assert REPORTING == 'see "Reporting problems" in README.md'
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "\n## Reporting problems\n" in readme
