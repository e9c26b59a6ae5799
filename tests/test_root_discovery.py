"""Without ``--root``, every command finds its project from the current directory up, as
git finds its repository: the nearest directory holding ``plans/``. Messages then name
files as seen from where the user is."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from barnet_rag.cli import main
from barnet_rag.cli.common import find_root

REPO = Path(__file__).resolve().parent.parent
NO_PROJECT = (
    "error: no barnet-rag project here: neither the current directory nor any directory "
    "above it has a plans/ directory (run inside a project or pass --root DIR)\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the shipped example with a ``docs/minutes`` subdirectory."""
    root = tmp_path / "council"
    for name in ("plans", "results"):
        shutil.copytree(REPO / name, root / name)
    (root / "docs" / "minutes").mkdir(parents=True)
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), prog_name="barnet-rag")
    return result.exit_code, result.stdout, result.stderr


def test_find_root_gives_the_nearest_project_relative_to_where_you_are(project: Path) -> None:
    assert find_root(project) == Path()
    assert find_root(project / "docs") == Path("..")
    assert find_root(project / "docs" / "minutes") == Path("../..")
    assert find_root(project / "plans") == Path("..")
    inner = project / "docs" / "minutes" / "other"
    (inner / "plans").mkdir(parents=True)
    assert find_root(inner) == Path()  # the nearest project wins, as with nested git repos
    assert find_root(inner / "plans") == Path("..")


def test_rate_from_a_subdirectory_rates_the_project_above(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "docs" / "minutes")
    code, out, err = run("rate", "Q3-2017", "--format", "json")
    assert (code, err) == (0, "")
    assert '"ref": "CG/S4"' in out
    monkeypatch.chdir(project)
    assert run("rate", "Q3-2017", "--format", "json")[1] == out


def test_messages_name_files_from_where_you_are(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = project / "results" / "2017-18" / "Q3.csv"
    results.write_text(results.read_text(encoding="utf-8") + "CG/S5,7,x,y\n", encoding="utf-8")
    problem = "the row has 4 cells but the header has 7 cells"
    hint = "(check for a missing or extra comma; quote cells that contain commas)"
    for where, shown in [
        (project, "results/2017-18/Q3.csv"),
        (project / "docs" / "minutes", "../../results/2017-18/Q3.csv"),
        (project / "results" / "2017-18", "Q3.csv"),
        (project / "plans", "../results/2017-18/Q3.csv"),
    ]:
        monkeypatch.chdir(where)
        code, _, err = run("rate", "Q3-2017")
        assert (code, err) == (2, f"error: {shown}:11: {problem} {hint}\n"), where


def test_an_explicit_root_is_used_as_given_and_named_from_the_root(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "plans" / "community-leadership.yaml").write_text("plan: [\n", encoding="utf-8")
    monkeypatch.chdir(project / "docs")
    code, out, _ = run("check", "--root", str(project), "--format", "json")
    assert code == 1
    assert '"file": "plans/community-leadership.yaml"' in out
    code, out, _ = run("check", "--format", "json")
    assert code == 1
    assert '"file": "../plans/community-leadership.yaml"' in out


def test_new_quarter_and_import_write_into_the_project_found(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import Workbook

    monkeypatch.chdir(project / "docs")
    code, out, err = run("new-quarter", "Q4-2017")
    assert (code, err) == (0, "")
    assert "../results/2017-18/Q4.csv" in out
    assert (project / "results" / "2017-18" / "Q4.csv").is_file()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ref", "value"])
    sheet.append(["CG/C33", 70.1])
    book.save(project / "docs" / "q4.xlsx")
    code, out, err = run("import", "q4.xlsx", "--period", "Q4-2017", "--force")
    assert (code, err) == (0, "")
    assert out.startswith("Wrote ../results/2017-18/Q4.csv: 1 results from q4.xlsx.\n")
    assert "CG/C33,70.1" in (project / "results" / "2017-18" / "Q4.csv").read_text()


def test_outside_any_project_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    if any((d / "plans").is_dir() for d in [tmp_path, *tmp_path.parents]):
        pytest.skip("a directory above the test's temporary directory holds plans/")
    assert run("rate", "Q3-2017") == (2, "", NO_PROJECT)
    assert run("check") == (2, "", NO_PROJECT)


def test_every_command_with_a_root_finds_it_the_same_way() -> None:
    with_root = []
    context = click.Context(main)
    for name in main.list_commands(context):
        command = main.get_command(context, name)
        assert command is not None, name
        options = {p.name: p for p in command.params if isinstance(p, click.Option)}
        if "root" in options:
            with_root.append(name)
            root = options["root"]
            assert root.default is None
            assert root.callback is not None
            assert root.callback.__name__ == "_resolve_root"
    assert sorted(with_root) == sorted(
        ["chart", "check", "explain", "export", "import", "new-quarter", "rate", "report"]
    )


def test_a_real_process_in_a_subdirectory(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "barnet_rag", "explain", "Q3-2017", "CG/S4"],
        cwd=project / "docs" / "minutes",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert "CG/S4" in done.stdout


def test_a_deleted_current_directory_is_a_message_not_a_bug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    code, out, err = run("rate", "Q3-2017")
    assert (code, out) == (2, "")
    assert err == (
        "error: cannot find the current directory (No such file or directory); cd again\n"
    )
