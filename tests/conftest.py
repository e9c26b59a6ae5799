"""Shared fixtures: the shipped example project and small project trees built inline."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


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
