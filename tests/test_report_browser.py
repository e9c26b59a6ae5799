"""The shipped example's HTML report in a real browser: axe-core finds no violations.

A full-page screenshot goes to tests/artifacts/ (git-ignored). The README's picture of the
first screen, docs/report-q3-2017.png, is written when missing or when
BARNET_RAG_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.cli import main
from browser import REPO_ROOT, run_axe, summarise
from spc_fixture import write_spc_project

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
DOCS_SHOT = REPO_ROOT / "docs" / "report-q3-2017.png"
FIRST_SCREEN = "1200,1500"


@pytest.fixture(scope="module")
def example_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = tmp_path_factory.mktemp("report") / "q3-2017.html"
    result = CliRunner().invoke(
        main,
        ["report", "Q3-2017", "--root", str(REPO_ROOT), "--format", "html", "-o", str(page)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    return page


def test_the_example_report_has_no_accessibility_violations(
    browser_tools: tuple[str, Path], example_html: Path
) -> None:
    chromium, axe_js = browser_tools
    shot = ARTIFACTS / "report-q3-2017.png"
    violations = run_axe(example_html, shot, axe_js=axe_js, chromium=chromium)
    assert violations == [], summarise(violations)
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_a_report_with_spc_readings_and_full_sparklines_has_no_violations(
    browser_tools: tuple[str, Path], tmp_path: Path
) -> None:
    """Twelve quarters (tests/spc_fixture.py): every sparkline drawn as a line, special
    causes in the Variation / assurance column."""
    chromium, axe_js = browser_tools
    root = write_spc_project(tmp_path / "spc")
    page = tmp_path / "spc.html"
    result = CliRunner().invoke(
        main,
        ["report", "Q4-2017", "--root", str(root), "--format", "html", "-o", str(page)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert page.read_text(encoding="utf-8").count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    violations = run_axe(page, ARTIFACTS / "report-spc.png", axe_js=axe_js, chromium=chromium)
    assert violations == [], summarise(violations)


def test_the_readme_screenshot_of_the_first_screen(
    browser_tools: tuple[str, Path], example_html: Path, tmp_path: Path
) -> None:
    chromium, _ = browser_tools
    shot = tmp_path / "first-screen.png"
    profile = tmp_path / "profile"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            f"--user-data-dir={profile}",
            f"--window-size={FIRST_SCREEN}",
            f"--screenshot={shot}",
            example_html.as_uri(),
        ],
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    if os.environ.get("BARNET_RAG_UPDATE_GOLDEN") == "1" or not DOCS_SHOT.exists():
        DOCS_SHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, DOCS_SHOT)
