"""The shipped example's HTML report in a real browser: axe-core finds no violations.

A full-page screenshot goes to tests/artifacts/ (git-ignored). The README's picture of the
first screen, docs/report-q3-2017.png, is written when missing or when
BARNET_RAG_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.cli import main
from browser import REPO_ROOT, ensure_axe, find_axe_js, find_chromium, run_axe, summarise

INSTALL_SCRIPT = REPO_ROOT / ".ci" / "install-browser"
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
DOCS_SHOT = REPO_ROOT / "docs" / "report-q3-2017.png"
FIRST_SCREEN = "1200,1500"


@pytest.fixture(scope="module")
def browser_tools() -> tuple[str, Path]:
    """Chromium and axe.min.js, installing them (via .ci/install-browser) when missing."""
    if (find_chromium() is None or find_axe_js() is None) and os.access(INSTALL_SCRIPT, os.X_OK):
        bash = shutil.which("bash") or "/bin/bash"
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                [bash, str(INSTALL_SCRIPT)], check=False, stdin=subprocess.DEVNULL, timeout=900
            )
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("Chromium is not installed and could not be installed (apt-get chromium)")
    axe_js = ensure_axe()
    if axe_js is None:
        pytest.skip("axe-core could not be fetched from npm (npm install axe-core@4)")
    return chromium, axe_js


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
