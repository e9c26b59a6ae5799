"""Issue 15 items 16-19: nothing is lost when barnet-rag writes a file.

Backups are numbered and never replaced; a replaced file keeps its mode and a new one gets
the umask's; ``-o`` writes through a symlink and refuses what is not a regular file;
SIGTERM during a write removes the temp file (exit 143), and a temp file left by a harder
kill is passed over by the loader and noted by ``check``.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from click.testing import CliRunner

from barnet_rag.check.checking import check_project
from barnet_rag.cli import main
from barnet_rag.errors import Problem, UserError
from barnet_rag.project.writing import (
    backup_name,
    is_temp_file,
    next_backup,
    write_atomic,
    write_with,
)

BASE = Path(__file__).resolve().parent / "bad_inputs" / "_base"
Q3 = "results/2017-18/Q3.csv"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    return root


@pytest.fixture
def umask_002() -> Iterator[None]:
    previous = os.umask(0o002)
    yield
    os.umask(previous)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


# 16: numbered backups ---------------------------------------------------------------------


def test_new_quarter_force_twice_keeps_both_backups(project: Path) -> None:
    q3 = project / Q3
    filled = q3.read_bytes()
    code, out, _ = invoke("new-quarter", "Q3-2017", "--force", "--root", str(project))
    assert code == 0
    assert f"The previous file is kept as {Q3}.bak.\n" in out
    blank = q3.read_bytes()
    code, out, _ = invoke("new-quarter", "Q3-2017", "--force", "--root", str(project))
    assert code == 0
    assert "The previous file is kept as results/2017-18/Q3.csv.1.bak.\n" in out
    assert (project / f"{Q3}.bak").read_bytes() == filled  # the filled-in file survives
    assert (project / "results/2017-18/Q3.csv.1.bak").read_bytes() == blank
    code, _, err = invoke("new-quarter", "Q3-2017", "--root", str(project))
    assert (code, err) == (
        2,
        f"error: {Q3} already exists; edit it, or pass --force to replace it with a blank "
        "one (the old file is kept as results/2017-18/Q3.csv.2.bak)\n",
    )


def test_check_warns_about_numbered_backups_and_rate_ignores_them(project: Path) -> None:
    for _ in range(2):
        assert invoke("new-quarter", "Q2-2017", "--force", "--root", str(project))[0] == 0
    backups = [p for p in check_project(project).problems if p.code == "backup-file"]
    assert [p.file for p in backups] == [
        "results/2017-18/Q2.csv.1.bak",
        "results/2017-18/Q2.csv.bak",
    ]
    assert invoke("rate", "Q3-2017", "--format", "csv", "--root", str(project))[0] == 0


def test_import_force_twice_keeps_both_backups(project: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["ref", "value"], ["SC/1", 61], ["SC/2", 390], ["SC/3", 5]):
        sheet.append(row)
    book.save(project / "q3.xlsx")
    filled = (project / Q3).read_bytes()
    args = ["import", str(project / "q3.xlsx"), "--period", "Q3-2017", "--force"]
    first = invoke(*args, "--root", str(project))
    assert first[0] == 0 and f"The previous file is kept as {Q3}.bak." in first[1]
    second = invoke(*args, "--root", str(project))
    assert second[0] == 0 and f"The previous file is kept as {Q3}.1.bak." in second[1]
    assert (project / f"{Q3}.bak").read_bytes() == filled


def test_backup_names_are_numbered_and_all_end_in_bak(tmp_path: Path) -> None:
    path = tmp_path / "Q3.csv"
    assert [backup_name(path, n).name for n in range(3)] == [
        "Q3.csv.bak",
        "Q3.csv.1.bak",
        "Q3.csv.2.bak",
    ]
    (tmp_path / "Q3.csv.bak").write_text("x", encoding="utf-8")
    (tmp_path / "Q3.csv.1.bak").symlink_to("nowhere")  # even a dangling link is taken
    assert next_backup(path).name == "Q3.csv.2.bak"


# 17: modes --------------------------------------------------------------------------------


def test_a_new_file_gets_the_umask_mode(tmp_path: Path, umask_002: None) -> None:
    target = tmp_path / "report.md"
    write_atomic(target, "# report\n")
    assert mode(target) == 0o664


def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask_002: None) -> None:
    target = tmp_path / "report.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert (target.read_text(encoding="utf-8"), mode(target)) == ("new", 0o640)


def test_new_quarter_and_its_backup_are_readable_by_colleagues(
    project: Path, umask_002: None
) -> None:
    (project / Q3).chmod(0o664)
    assert invoke("new-quarter", "Q4-2017", "--root", str(project))[0] == 0
    assert mode(project / "results/2017-18/Q4.csv") == 0o664
    assert invoke("new-quarter", "Q3-2017", "--force", "--root", str(project))[0] == 0
    assert (mode(project / Q3), mode(project / f"{Q3}.bak")) == (0o664, 0o664)


# 18: symlinks and files that are not regular ----------------------------------------------


def test_o_onto_a_symlink_writes_the_file_it_points_to(project: Path, tmp_path: Path) -> None:
    real = tmp_path / "shared" / "q3.md"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    real.chmod(0o644)
    link = tmp_path / "q3.md"
    link.symlink_to(real)
    assert invoke("report", "Q3-2017", "--root", str(project), "-o", str(link)) == (
        0,
        "",
        f"Wrote {link}\n",
    )
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("# Safer Communities")
    assert mode(real) == 0o644
    assert sorted(p.name for p in real.parent.iterdir()) == ["q3.md"]  # no temp file left


def test_o_onto_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "out.md"
    link.symlink_to("made.md")
    write_atomic(link, "text")
    assert link.is_symlink()
    assert (tmp_path / "made.md").read_text(encoding="utf-8") == "text"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a POSIX system")
def test_targets_that_are_not_regular_files_are_refused(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    directory = tmp_path / "dir"
    directory.mkdir()
    for target, kind in ((pipe, "a named pipe"), (directory, "a directory")):
        with pytest.raises(UserError) as caught:
            write_atomic(target, "x")
        assert str(caught.value) == (
            f"cannot write {target}: it is {kind}, not a regular file "
            "(give the name of a file to write)"
        )
    assert pipe.exists() and directory.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir", "pipe"]


def test_a_full_disk_is_a_user_error_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "q3.md"
    target.write_text("old", encoding="utf-8")

    def render(stream: IO[Any]) -> None:
        stream.write("half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(UserError) as caught:
        write_with(target, render)
    assert str(caught.value) == f"cannot write {target}: No space left on device"
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q3.md"]


# 19: SIGTERM and leftover temp files ------------------------------------------------------

SLOW_REPORT = textwrap.dedent(
    """
    import sys, time
    import barnet_rag.outputs.templating as templating
    from barnet_rag.cli import run

    def write_report(context, fmt, stream, templates=None, sections=None):
        stream.write("half a report")
        stream.flush()
        print("writing", flush=True)
        time.sleep(60)

    templating.write_report = write_report
    sys.argv = ["barnet-rag", *sys.argv[1:]]
    run()
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is a POSIX signal")
def test_sigterm_during_a_write_removes_the_temp_file(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "q3.md"
    target.write_text("the previous report", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_REPORT, "report", "Q3-2017", "-o", str(target)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "writing\n"
    assert any(is_temp_file(p.name) for p in tmp_path.iterdir())
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert (process.returncode, err) == (143, "Terminated.\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "q3.md"]
    assert target.read_text(encoding="utf-8") == "the previous report"


def test_the_sigterm_handler_is_only_there_during_a_write(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGTERM)
    seen: list[Any] = []
    write_with(tmp_path / "x.txt", lambda stream: seen.append(signal.getsignal(signal.SIGTERM)))
    assert seen[0] is not before
    assert signal.getsignal(signal.SIGTERM) is before


def test_our_temp_file_names_are_recognised() -> None:
    assert is_temp_file(".Q3.csv.k2j4_x9a.tmp")
    assert is_temp_file(".q3.html.abcdefgh.tmp")
    assert not is_temp_file("Q3.csv")
    assert not is_temp_file(".Q3.csv.tmp")
    assert not is_temp_file("notes.tmp")


def test_a_leftover_temp_file_is_passed_over_and_noted_by_check(project: Path) -> None:
    leftover = project / "results/2017-18/.Q3.csv.k2j4_x9a.tmp"
    leftover.write_text("ref,val", encoding="utf-8")
    code, out, err = invoke("rate", "Q3-2017", "--format", "csv", "--root", str(project))
    assert (code, err) == (0, "")
    assert "SC/1" in out
    report = check_project(project)
    assert report.problems == [
        Problem(
            "leftover-temp-file",
            "a temporary file left by an interrupted barnet-rag write; it is not read",
            "results/2017-18/.Q3.csv.k2j4_x9a.tmp",
            hint="delete it",
            severity="warning",
        )
    ]
    assert report.exit_code == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a POSIX system")
def test_new_quarter_force_onto_a_named_pipe_is_refused_without_hanging(project: Path) -> None:
    os.mkfifo(project / "results/2017-18/Q4.csv")
    assert invoke("new-quarter", "Q4-2017", "--force", "--root", str(project)) == (
        2,
        "",
        "error: cannot write results/2017-18/Q4.csv: it is a named pipe, not a regular file "
        "(move it away first)\n",
    )
