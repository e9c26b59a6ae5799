"""Issue 15 item 12: text from files is printed literally in every terminal output.

A label, title or committee holding ``[provisional]``, ``[/]``, ``[link=...]`` or
``[blink]`` shows as typed in ``rate``, ``check``, ``explain``, the progress spinner and
error messages: rich never reads it as markup (which cut words, crashed ``rate`` with exit
3 on ``[/]`` and emitted escape sequences on a terminal).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.cli import main
from barnet_rag.cli.terminal import console

BASE = Path(__file__).resolve().parent / "bad_inputs" / "_base"
COMMITTEE = "Safer [/] Communities [blink]x[/blink]"
TITLE = "Feel safe [link=https://evil.example]click[/link] [/]"
LABEL = "Autumn 2017 [provisional]"


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The corpus's base project with markup in a committee, a title and a label."""
    project = tmp_path / "project"
    shutil.copytree(BASE, project)
    plan = project / "plans/safer.yaml"
    text = plan.read_text(encoding="utf-8")
    text = text.replace("committee: Safer Communities", f'committee: "{COMMITTEE}"')
    text = text.replace("title: Residents who feel safe after dark", f'title: "{TITLE}"')
    plan.write_text(text, encoding="utf-8")
    q3 = project / "results/2017-18/Q3.csv"
    q3.write_text(q3.read_text(encoding="utf-8").replace("Autumn 2017", LABEL), encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "220")
    return project


def invoke(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "--root", str(project)])
    return result.exit_code, result.stdout, result.stderr


def test_rate_prints_committee_title_and_label_as_typed(hostile: Path) -> None:
    code, out, err = invoke(hostile, "rate", "Q3-2017")
    assert (code, err) == (0, "")
    assert f"{COMMITTEE} - Q3 2017/18" in out
    assert TITLE in out
    assert f"60% ({LABEL})" in out
    assert f"│ {COMMITTEE} │" in out  # the summary's committee cell


def test_rate_emits_no_escape_sequences_on_a_terminal(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich writes as to a terminal
    code, out, _ = invoke(hostile, "rate", "Q3-2017")
    assert code == 0
    assert "\x1b]8;" not in out  # no hyperlink from [link=...]
    assert "\x1b[5m" not in out  # no blinking from [blink]
    assert "[link=https://evil.example]click[/link]" in out


def test_check_prints_a_column_name_holding_markup_as_typed(hostile: Path) -> None:
    (hostile / "results/2017-18/Q2.csv").write_text(
        "ref,value,comm[red]ent\nSC/1,60%,x\nSC/2,1,\nSC/3,1,\n", encoding="utf-8"
    )
    code, out, _ = invoke(hostile, "check")
    assert code == 1
    assert (
        "│    1 │ comm[red]ent │ error    │ unknown-column │ unknown column 'comm[red]ent'" in out
    )


def test_the_rate_error_for_that_column_is_literal_too(hostile: Path) -> None:
    (hostile / "results/2017-18/Q3.csv").write_text(
        "ref,value,comm[red]ent\nSC/1,60%,x\n", encoding="utf-8"
    )
    assert invoke(hostile, "rate", "Q3-2017") == (
        2,
        "",
        "error: results/2017-18/Q3.csv:1: comm[red]ent: unknown column 'comm[red]ent' "
        "(did you mean 'comment'? columns: ref, value, label, comparable, note, comment, "
        "published_rag)\n",
    )


def test_explain_prints_the_label_and_title_as_typed(hostile: Path) -> None:
    code, out, _ = invoke(hostile, "explain", "Q3-2017", "SC/1")
    assert code == 0
    assert LABEL in out
    assert TITLE in out


def test_the_progress_console_reads_no_markup(capsys: pytest.CaptureFixture[str]) -> None:
    console(stderr=True, piped_width=80).print("Rating [blink]Q3[/blink] [/] :smile:")
    assert capsys.readouterr().err == "Rating [blink]Q3[/blink] [/] :smile:\n"


def test_every_console_is_the_literal_one() -> None:
    """No command builds its own rich Console, which would read markup again."""
    source = Path(__file__).resolve().parent.parent / "src" / "barnet_rag"
    builders = sorted(
        path.relative_to(source).as_posix()
        for path in source.rglob("*.py")
        if "Console(" in path.read_text(encoding="utf-8")
        or "import Console" in path.read_text(encoding="utf-8")
    )
    assert builders == ["cli/terminal.py"]
