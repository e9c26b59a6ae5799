"""Shared fixtures: the shipped example project and small project trees built inline."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from browser import ensure_axe, find_axe_js, find_chromium

# No wall-clock limits in tests: hypothesis's per-example deadline would fail CI on a slow
# or busy machine, not on a wrong answer.
settings.register_profile("barnet-rag", deadline=None)
settings.load_profile("barnet-rag")

REPO = Path(__file__).resolve().parent.parent
INSTALL_SCRIPT = REPO / ".ci" / "install-browser"


@pytest.fixture(autouse=True, scope="session")
def _cache_of_this_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """barnet-rag's output cache, and anything else written under XDG_CACHE_HOME, goes to
    this test run: every test shares it, so every test also holds that an entry never changes
    an answer."""
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if saved is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = saved


@pytest.fixture
def repo_root() -> Path:
    """The repository root, which is itself the shipped example project."""
    return REPO


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped example's plans/ and results/."""
    for name in ("plans", "results"):
        shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def make_tree(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Write ``{relative path: content}`` under a fresh directory and return it."""

    def build(files: dict[str, str | bytes]) -> Path:
        for name, content in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return tmp_path

    return build


@pytest.fixture(scope="session")
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
