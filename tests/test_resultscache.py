"""Parsed results files are cached by content: a hit gives the same rows, anything changed
or damaged misses, and BARNET_RAG_NO_CACHE=1 turns the cache off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from barnet_rag.api import rate_project
from barnet_rag.outputs.fastpath import fast_rows
from barnet_rag.outputs.tabular import indicator_rows
from barnet_rag.project import fastquarters, resultscache
from barnet_rag.project.plancache import NO_CACHE_ENV, cache_directory
from spc_fixture import LAST, write_spc_project

#: The last quarter with its refs in another order than the plan's, and every text column.
LAST_FILE = (
    "ref,value,label,comparable,note,comment,published_rag\n"
    "SPC/3,15,Q4,,counted by hand,=1+1,Monitor\n"
    "SPC/1,67%,Q4,,,,g\n"
    "SPC/2,71,,no,,,R\n"
)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The twelve-quarter SPC project, with every results file large enough to cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(NO_CACHE_ENV, raising=False)
    monkeypatch.setattr(resultscache, "MIN_BYTES", 0)
    project = write_spc_project(tmp_path / "project")
    last_file(project).write_text(LAST_FILE, encoding="utf-8")
    return project


def last_file(root: Path) -> Path:
    return root / "results" / LAST.directory / f"{LAST.quarter_label}.csv"


def entries() -> list[Path]:
    return sorted(cache_directory().glob("results-*.marshal"))


def scalar_rows(root: Path) -> list[list[dict[str, Any]]]:
    return [indicator_rows(rate_project(root, LAST).indicators)]


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the results files parsed from their text from now on."""
    calls: list[int] = []
    original = fastquarters.parse_quarter

    def spy(*args: Any) -> fastquarters.Quarter:
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(fastquarters, "parse_quarter", spy)
    return calls


def test_a_hit_gives_the_rows_of_a_fresh_parse(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = fast_rows(root, [LAST])
    assert first == scalar_rows(root)
    assert len(entries()) == 12
    parses = count_parses(monkeypatch)
    assert fast_rows(root, [LAST]) == first
    assert parses == []


def test_a_changed_file_of_the_same_size_misses(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_rows(root, [LAST])
    changed = LAST_FILE.replace("SPC/2,71,", "SPC/2,17,")
    assert len(changed) == len(LAST_FILE)
    last_file(root).write_text(changed, encoding="utf-8")
    parses = count_parses(monkeypatch)
    rows = fast_rows(root, [LAST])
    assert parses == [1]
    assert rows == scalar_rows(root)
    assert next(r["value"] for r in rows[0] if r["ref"] == "SPC/2") == 17.0
    assert len(entries()) == 13


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:-1] + bytes([data[-1] ^ 1]), id="one bit flipped"),
        pytest.param(lambda data: b"\x00" * len(data), id="zeroed"),
    ],
)
def test_a_damaged_entry_is_ignored_and_rebuilt(
    root: Path, monkeypatch: pytest.MonkeyPatch, damage: Any
) -> None:
    first = fast_rows(root, [LAST])
    for entry in entries():
        entry.write_bytes(damage(entry.read_bytes()))
    parses = count_parses(monkeypatch)
    assert fast_rows(root, [LAST]) == first
    assert len(parses) == 12
    assert fast_rows(root, [LAST]) == first
    assert len(parses) == 12  # rebuilt entries hit


def test_an_intact_entry_of_the_wrong_shape_is_ignored(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fast_rows(root, [LAST])
    for entry in entries():
        key = entry.name.removeprefix("results-").removesuffix(".marshal")
        stored = resultscache.read_entry(key)
        assert stored is not None
        stored["values"] = stored["values"][:-1]
        resultscache.write_entry(key, stored)
    assert fast_rows(root, [LAST]) == first


def test_an_unreadable_cache_directory_only_costs_time(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_directory().parent.mkdir(parents=True)
    cache_directory().write_text("not a directory", encoding="utf-8")
    assert fast_rows(root, [LAST]) == scalar_rows(root)


def test_no_cache_neither_reads_nor_writes_entries(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(NO_CACHE_ENV, "1")
    assert fast_rows(root, [LAST]) == scalar_rows(root)
    assert entries() == []
    monkeypatch.delenv(NO_CACHE_ENV)
    fast_rows(root, [LAST])
    monkeypatch.setenv(NO_CACHE_ENV, "1")
    parses = count_parses(monkeypatch)
    fast_rows(root, [LAST])
    assert len(parses) == 12


def test_small_files_are_not_cached(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resultscache, "MIN_BYTES", 10**9)
    assert fast_rows(root, [LAST]) == scalar_rows(root)
    assert entries() == []


def test_the_key_covers_the_bytes_the_plans_and_the_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = resultscache.entry_key(b"ref,value\nA,1\n", "plans-1")
    assert resultscache.entry_key(b"ref,value\nA,1\n", "plans-1") == key
    assert resultscache.entry_key(b"ref,value\nA,2\n", "plans-1") != key
    assert resultscache.entry_key(b"ref,value\nA,1\n", "plans-2") != key
    monkeypatch.setattr(resultscache, "__version__", "0.0.0-other")
    assert resultscache.entry_key(b"ref,value\nA,1\n", "plans-1") != key
