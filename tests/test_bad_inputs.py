"""The bad-input corpus: every case in tests/bad_inputs/ exits as promised with its whole message.

Each case is a directory holding ``case.toml`` and the files it lays over the valid project in
``tests/bad_inputs/_base`` (see tests/bad_inputs/README.md). The project is copied to a fresh
directory, the command runs there, and the exit code and the whole of stderr are compared.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from barnet_rag.cli import main

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
BASE = CORPUS / "_base"
REPO = CORPUS.parent.parent


@dataclass(frozen=True)
class Case:
    """One corpus case as written in its ``case.toml``."""

    name: str
    directory: Path
    about: str
    args: list[str]
    exit_code: int
    stderr: str
    stdout_contains: list[str] = field(default_factory=list)
    base: bool = True
    remove: list[str] = field(default_factory=list)
    mkdir: list[str] = field(default_factory=list)
    mkfifo: list[str] = field(default_factory=list)
    chmod: dict[str, int] = field(default_factory=dict)
    must_not_exist: list[str] = field(default_factory=list)
    subprocess: bool = False


def load_case(directory: Path) -> Case:
    """Read a case directory's ``case.toml``."""
    spec: dict[str, Any] = tomllib.loads((directory / "case.toml").read_text(encoding="utf-8"))
    return Case(name=directory.name, directory=directory, **spec)


def all_cases() -> list[Case]:
    """Every case directory, in name order (``_base`` is not a case)."""
    return [load_case(d) for d in sorted(CORPUS.iterdir()) if (d / "case.toml").is_file()]


def build_project(case: Case, into: Path) -> Path:
    """Lay the case out in ``into``: the base project, the case's files, then its tweaks."""
    if case.base:
        shutil.copytree(BASE, into, dirs_exist_ok=True)
    for source in sorted(case.directory.rglob("*")):
        target = into / source.relative_to(case.directory)
        if source.name == "case.toml" and source.parent == case.directory:
            continue
        if source.is_dir():
            if target.is_file():
                target.unlink()
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    for name in case.remove:
        path = into / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    for name in case.mkdir:
        path = into / name
        if path.is_file():
            path.unlink()
        path.mkdir(parents=True, exist_ok=True)
    for name in case.mkfifo:
        path = into / name
        path.unlink(missing_ok=True)
        os.mkfifo(path)
    for name, mode in case.chmod.items():
        (into / name).chmod(mode)
    return into


def skip_reason(case: Case) -> str | None:
    """Why a case cannot run here, if it cannot."""
    if case.mkfifo and not hasattr(os, "mkfifo"):
        return "named pipes (FIFOs) need a POSIX system"
    if case.chmod and (not hasattr(os, "geteuid") or os.geteuid() == 0):
        return "permissions do not stop root (or Windows) from reading a file"
    return None


CASES = all_cases()


def test_the_corpus_has_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reason = skip_reason(case)
    if reason:
        pytest.skip(reason)
    project = build_project(case, tmp_path / "project")
    monkeypatch.chdir(project)
    try:
        result = CliRunner().invoke(main, case.args, prog_name="barnet-rag")
    finally:
        for name in case.chmod:
            (project / name).chmod(0o644)
    assert (result.exit_code, result.stderr) == (case.exit_code, case.stderr), case.about
    for text in case.stdout_contains:
        assert text in result.stdout
    for name in case.must_not_exist:
        assert not (project / name).exists()


SUBPROCESS_CASES = [c for c in CASES if c.subprocess]


def test_some_cases_also_run_as_real_processes() -> None:
    assert len(SUBPROCESS_CASES) >= 2


@pytest.mark.parametrize("case", SUBPROCESS_CASES, ids=[c.name for c in SUBPROCESS_CASES])
@pytest.mark.parametrize("how", ["script", "module"])
def test_bad_input_in_a_real_process(case: Case, how: str, tmp_path: Path) -> None:
    project = build_project(case, tmp_path / "project")
    script = Path(sys.executable).parent / "barnet-rag"
    if how == "script" and not script.exists():
        pytest.skip(f"{script} is not installed")
    command = [str(script)] if how == "script" else [sys.executable, "-m", "barnet_rag"]
    done = subprocess.run(
        [*command, *case.args],
        cwd=project,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (case.exit_code, case.stderr), case.about
    assert "Traceback" not in done.stdout + done.stderr
    for name in case.must_not_exist:
        assert not (project / name).exists()


def test_docs_errors_md_lists_the_corpus_as_it_is() -> None:
    spec = importlib.util.spec_from_file_location("make_table", CORPUS / "make_table.py")
    assert spec is not None and spec.loader is not None
    make_table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_table)
    document = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    assert document == make_table.refreshed(document), (
        "docs/errors.md is out of date: run python tests/bad_inputs/make_table.py --write"
    )
