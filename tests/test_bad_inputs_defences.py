"""The defences behind the bad-input corpus: the CLI's one error handler, atomic outputs,
spreadsheet formula injection, and YAML that could run code or explode in memory."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest
from click.testing import CliRunner

import barnet_rag.api
from barnet_rag import __version__
from barnet_rag.cli import main
from barnet_rag.errors import UserError
from barnet_rag.project.loading import load_model
from barnet_rag.project.models import Plan
from barnet_rag.project.writing import write_atomic, write_with
from barnet_rag.project.yamlfile import read_yaml

BASE = Path(__file__).resolve().parent / "bad_inputs" / "_base"
Tree = Callable[[dict[str, str | bytes]], Path]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), prog_name="barnet-rag")
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the corpus's valid base project, as the current directory."""
    root = tmp_path / "project"
    for path in BASE.rglob("*"):
        if path.is_file():
            target = root / path.relative_to(BASE)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    monkeypatch.chdir(root)
    return root


# --- The error handler: user errors, bugs, --debug, interrupts and closed pipes.


def _raise(error: BaseException) -> Callable[..., Any]:
    def fail(*args: object, **kwargs: object) -> Any:
        raise error

    return fail


def fail_rating(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    """Make rating raise ``error``: every command rates through the api."""
    monkeypatch.setattr(barnet_rag.api, "rate_project", _raise(error))


def test_an_unexpected_exception_is_a_short_bug_report_without_traceback(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_rating(monkeypatch, RuntimeError("boom"))
    assert invoke("rate", "Q3-2017") == (
        3,
        "",
        f"barnet-rag {__version__} hit a bug (RuntimeError). Please report it with the "
        'command you ran (see "Reporting problems" in README.md); add --debug for the full '
        "traceback.\n",
    )


def test_debug_lets_the_unexpected_exception_through_with_its_traceback(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_rating(monkeypatch, RuntimeError("boom"))
    result = CliRunner().invoke(main, ["--debug", "rate", "Q3-2017"])
    assert isinstance(result.exception, RuntimeError)
    assert str(result.exception) == "boom"
    assert result.exc_info is not None and result.exc_info[2] is not None


def test_debug_never_turns_a_user_error_into_a_traceback(tmp_path: Path) -> None:
    # A --root that is not a project is a user error: --debug prints the message all the same.
    done = subprocess.run(
        [sys.executable, "-m", "barnet_rag", "--debug", "rate", "Q3-2017", "--root", "nowhere"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (
        2,
        "error: nowhere is not a barnet-rag project: it has no plans/ directory "
        "(run in a project directory or pass --root DIR)\n",
    )


def test_ctrl_c_is_exit_130_with_one_line(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_rating(monkeypatch, KeyboardInterrupt())
    assert invoke("rate", "Q3-2017") == (130, "", "Interrupted.\n")


def test_a_closed_pipe_stops_quietly(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_rating(monkeypatch, BrokenPipeError())
    assert invoke("rate", "Q3-2017") == (141, "", "")


def test_a_closed_pipe_stops_quietly_in_a_real_process(project: Path) -> None:
    # `barnet-rag rate ... | head -1`: the reader has gone before anything is written.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "barnet_rag", "rate", "Q3-2017", "--format", "json"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (141, "")


def test_an_unreadable_file_names_itself_even_when_run_as_root(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod 000 does not stop root, so the corpus skips its two chmod cases there; this
    # simulates the operating system's refusal instead.
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "Q3.csv" and path.parent.name == "2017-18":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert invoke("rate", "Q3-2017") == (
        2,
        "",
        "error: results/2017-18/Q3.csv: cannot be read: Permission denied (check the file's "
        "permissions, or whether another program has it locked)\n",
    )


# --- Outputs are written atomically.


def test_write_atomic_replaces_the_file_and_leaves_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_bytes(b"old")
    write_atomic(target, "new – text\n")
    assert target.read_bytes() == "new – text\n".encode()
    write_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert list(tmp_path.iterdir()) == [target]


def test_an_exception_mid_write_leaves_the_previous_file_byte_identical(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    before = b"<p>last quarter's report</p>\r\n\xe2\x80\x93"
    target.write_bytes(before)

    def render(stream: IO[Any]) -> None:
        stream.write("<p>half of the new " * 10_000)
        raise RuntimeError("the template failed")

    with pytest.raises(RuntimeError, match="the template failed"):
        write_with(target, render)
    assert target.read_bytes() == before
    assert list(tmp_path.iterdir()) == [target]


def test_an_interrupt_mid_write_leaves_no_new_file(tmp_path: Path) -> None:
    target = tmp_path / "new.md"

    def render(stream: IO[Any]) -> None:
        stream.write("partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_with(target, render)
    assert list(tmp_path.iterdir()) == []


def test_writing_into_a_missing_directory_is_a_user_error(tmp_path: Path) -> None:
    target = tmp_path / "papers" / "q3.md"
    with pytest.raises(UserError) as error:
        write_atomic(target, "x")
    assert str(error.value) == (
        f"cannot write {target}: directory {target.parent} does not exist (create it first)"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_report_killed_mid_write_by_its_template_keeps_the_previous_file(
    project: Path,
) -> None:
    target = project / "q3.md"
    before = b"# Last quarter's report, as published\n"
    target.write_bytes(before)
    templates = project / "my-templates"
    templates.mkdir()
    (templates / "report.md.j2").write_text(
        "# {{ report.period }}\n"
        + "Plenty of text before the failure.\n" * 5_000
        + "{{ report.no_such_field }}\n",
        encoding="utf-8",
    )
    code, out, err = invoke("report", "Q3-2017", "-o", str(target), "--templates", str(templates))
    assert (code, out) == (2, "")
    assert err.startswith("error: ")
    assert "template uses an undefined value" in err
    assert "no_such_field" in err
    assert target.read_bytes() == before
    assert sorted(p.name for p in project.iterdir()) == [
        "my-templates",
        "plans",
        "q3.md",
        "results",
    ]


# --- Spreadsheet formula injection in `rate --format csv`.

INJECTION_PLAN = """\
plan: tricky
committee: Tricky
title: Tricky Plan
indicators:
  - {ref: T/1, title: "=HYPERLINK(\\"http://evil.example\\",\\"x\\")", type: SPI,
     polarity: smaller, unit: number, targets: {2017/18: {annual: -5}}}
  - {ref: T/2, title: "+1 more", type: SPI, polarity: bigger}
  - {ref: T/3, title: "-2+3+cmd|' /C calc'!A0", type: SPI, polarity: bigger}
  - {ref: T/4, title: "@SUM(A1:A2)", type: SPI, polarity: bigger}
  - {ref: T/5, title: "\\tTabbed", type: SPI, polarity: bigger}
  - {ref: T/6, title: "\\rCarriage", type: SPI, polarity: bigger}
  - {ref: T/7, title: "Plain = safe", type: SPI, polarity: bigger}
"""
INJECTION_RESULTS = (
    "ref,value,label,comment\n"
    "T/1,-380,=1+1,-fell\n"
    "T/2,-0.5,,\n"
    "T/3,12,,\n"
    "T/4,,,\n"
    "T/5,,,\n"
    "T/6,,,\n"
    "T/7,3,,\n"
)


def test_rate_csv_neutralises_formulas_and_keeps_numbers_as_numbers(make_tree: Tree) -> None:
    root = make_tree(
        {"plans/tricky.yaml": INJECTION_PLAN, "results/2017-18/Q3.csv": INJECTION_RESULTS}
    )
    code, out, err = invoke("rate", "Q3-2017", "--format", "csv", "--root", str(root))
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["ref"], r["title"]) for r in rows] == [
        ("T/1", '\'=HYPERLINK("http://evil.example","x")'),
        ("T/2", "'+1 more"),
        ("T/3", "'-2+3+cmd|' /C calc'!A0"),
        ("T/4", "'@SUM(A1:A2)"),
        ("T/5", "'\tTabbed"),
        ("T/6", "'\nCarriage"),  # a carriage return would split the row
        ("T/7", "Plain = safe"),
    ]
    first = rows[0]
    assert (first["label"], first["comment"]) == ("'=1+1", "'-fell")
    # Negative numbers, and a negative annual target written as text, stay numbers.
    assert (first["value"], first["target"], first["annual_target"]) == ("-380.0", "-5.0", "-5")
    assert [r["value"] for r in rows[1:3]] == ["-0.5", "12.0"]


# --- YAML that would run code or explode in memory.


def test_python_tags_are_rejected_and_nothing_is_constructed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for tag in (
        "!!python/object/apply:os.mkdir [pwned]",
        "!!python/object/new:pathlib.Path [pwned]",
        "!!python/name:os.system",
        "!!python/module:os",
    ):
        document, problems = read_yaml("plans/x.yaml", f"plan: x\ncommittee: {tag}\n")
        assert document is None
        assert [(p.code, p.line) for p in problems] == [("yaml-tag", 2)]
    assert list(tmp_path.iterdir()) == []


def test_an_alias_bomb_is_rejected_before_anything_is_expanded(tmp_path: Path) -> None:
    # 30 levels of nine references each: 9**30 strings if anything ever expanded it, so
    # this test could only finish because the node tree is refused as soon as it is read.
    lines = ['l0: &l0 ["lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 31)]
    path = tmp_path / "plans" / "bomb.yaml"
    path.parent.mkdir()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan, problems = load_model(path, tmp_path, Plan)
    assert plan is None
    assert [str(p) for p in problems] == [
        "plans/bomb.yaml:2: YAML aliases (*l0) are not allowed (write the value out in full)"
    ]


def test_tabs_inside_quoted_text_are_not_indentation() -> None:
    document, problems = read_yaml("plans/x.yaml", 'title: "a\tb"\nnote: a\tb\n')
    assert problems == []
    assert document is not None
    assert document.data == {"title": "a\tb", "note": "a\tb"}
