"""``rate --format csv/json`` keeps its output, and serves it again only while every file it
read, directory it listed and path it looked for is as it was (``project.outputcache``).

The cache can make a run fast, never wrong: any change to the files is a miss; an entry
that is damaged, or that someone else could have written, is never served (and is
rebuilt); a special file in the cache never blocks a run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import barnet_rag.project.loading
from barnet_rag.cli import main
from barnet_rag.project import outputcache

RATE = ["rate", "Q3-2017", "--format"]
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own output cache directory."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(outputcache.SWITCH, raising=False)
    return tmp_path / "xdg" / "barnet-rag"


def rate(root: Path, output: str = "csv", *more: str) -> tuple[int, str]:
    done = CliRunner().invoke(main, [*RATE, output, "--root", str(root), *more])
    return done.exit_code, done.output


def uncached(root: Path, output: str = "csv", *more: str) -> tuple[int, str]:
    """The same command with the cache off: what the files give."""
    done = CliRunner().invoke(
        main, [*RATE, output, "--root", str(root), *more], env={outputcache.SWITCH: "off"}
    )
    return done.exit_code, done.output


def only_entry(cache: Path) -> Path:
    (entry,) = cache.glob("*.out")
    return entry


def served(root: Path, monkeypatch: pytest.MonkeyPatch, output: str = "csv") -> tuple[int, str]:
    """The command run with plan loading broken: it succeeds only when it is served."""

    def broken(*args: object, **kwargs: object) -> None:
        raise AssertionError("the plans were loaded: the entry was not served")

    with monkeypatch.context() as patch:
        patch.setattr(barnet_rag.project.loading, "load_plans", broken)
        done = CliRunner().invoke(main, [*RATE, output, "--root", str(root)])
    return done.exit_code, done.output


@pytest.mark.parametrize("output", ["csv", "json"])
def test_a_repeated_run_is_served_the_same_output(
    example_copy: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    first = rate(example_copy, output)
    assert first[0] == 0 and first[1]
    assert served(example_copy, monkeypatch, output) == first == uncached(example_copy, output)
    entry = only_entry(cache)
    assert entry.stat().st_mode & 0o777 == 0o600
    assert cache.stat().st_mode & 0o777 == 0o700


def _edit(root: Path, edit: str) -> None:
    plan = root / "plans/community-leadership.yaml"
    q3 = root / "results/2017-18/Q3.csv"
    if edit == "a-byte-of-a-plan":
        plan.write_bytes(plan.read_bytes().replace(b"polarity: bigger", b"polarity: smaller", 1))
    elif edit == "a-result":
        lines = q3.read_text(encoding="utf-8").splitlines(keepends=True)
        ref = lines[1].split(",", 1)[0]
        lines[1] = f"{ref},1,,\n"
        q3.write_text("".join(lines), encoding="utf-8")
    elif edit == "a-new-quarter":
        (root / "results/2017-18/Q4.csv").write_text("ref,value\n", encoding="utf-8")
    elif edit == "a-quarter-removed":
        (root / "results/2017-18/Q2.csv").unlink()
    elif edit == "a-new-plan":
        text = plan.read_text(encoding="utf-8")
        (root / "plans/zz-copy.yaml").write_text(
            text.replace("plan: community-leadership", "plan: zz-copy", 1).replace(
                "ref: ", "ref: ZZ", -1
            ),
            encoding="utf-8",
        )
    elif edit == "a-scheme":
        (root / "schemes").mkdir(exist_ok=True)
        (root / "schemes/barnet.yaml").write_text("name: barnet\n", encoding="utf-8")
    elif edit == "an-actions-file":
        shutil.copytree(REPO / "actions", root / "actions")
    elif edit == "a-plan-made-a-link":
        moved = root / "elsewhere.yaml"
        moved.write_bytes(plan.read_bytes().replace(b"polarity: bigger", b"polarity: smaller"))
        plan.unlink()
        plan.symlink_to(moved)
    else:
        raise AssertionError(edit)


EDITS = [
    "a-byte-of-a-plan",
    "a-result",
    "a-new-quarter",
    "a-quarter-removed",
    "a-new-plan",
    "a-scheme",
    "an-actions-file",
    "a-plan-made-a-link",
]


@pytest.mark.parametrize("output", ["csv", "json"])
@pytest.mark.parametrize("edit", EDITS)
def test_any_change_to_what_a_run_saw_is_a_miss(
    example_copy: Path, cache: Path, edit: str, output: str
) -> None:
    before = rate(example_copy, output)
    _edit(example_copy, edit)
    after = uncached(example_copy, output)
    assert rate(example_copy, output) == after  # what the files give now, not the entry
    assert rate(example_copy, output) == after  # and the new entry serves that
    if edit in ("a-byte-of-a-plan", "a-result", "a-plan-made-a-link") or (
        edit == "an-actions-file" and output == "json"
    ):
        assert after != before  # the edit changes the answer: a stale entry would show


def test_options_and_the_working_directory_make_their_own_entries(
    example_copy: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert rate(example_copy, "csv", "--exceptions") == uncached(
        example_copy, "csv", "--exceptions"
    )
    assert rate(example_copy, "csv") == uncached(example_copy, "csv")
    monkeypatch.chdir(example_copy)
    assert rate(Path(), "csv") == uncached(example_copy, "csv")
    assert len(list(cache.glob("*.out"))) == 3


def test_fail_on_and_errors_are_never_kept(example_copy: Path, cache: Path) -> None:
    failed = rate(example_copy, "csv", "--fail-on", "R")
    assert failed[0] == 1
    assert rate(example_copy, "csv", "--fail-on", "R") == failed
    (example_copy / "plans/community-leadership.yaml").write_text("plan: [", encoding="utf-8")
    assert rate(example_copy, "csv")[0] == 2
    assert list(cache.glob("*.out")) == []


def test_the_switch_turns_the_cache_off(example_copy: Path, cache: Path) -> None:
    assert uncached(example_copy)[0] == 0
    assert not cache.exists()


def _lying(sound: bytes, output: bytes) -> bytes:
    """A sound entry given another output, its size and digest made to match: a lie."""
    import hashlib

    header = outputcache._header(sound)
    assert header is not None
    header["output_bytes"] = len(output)
    header["output_sha256"] = hashlib.sha256(output).hexdigest()
    return output + outputcache.header_bytes(header)


def test_a_lying_entry_of_ours_is_what_the_trust_rests_on(example_copy: Path, cache: Path) -> None:
    """Only this user writes entries; one it wrote is believed (so a planted one must not be)."""
    rate(example_copy)
    entry = only_entry(cache)
    entry.write_bytes(_lying(entry.read_bytes(), b"planted\n"))
    assert rate(example_copy) == (0, "planted\n")


@pytest.mark.parametrize("planted", ["group-writable", "other-writable", "someone-elses"])
def test_an_entry_someone_else_could_have_written_is_never_served(
    example_copy: Path, cache: Path, planted: str
) -> None:
    truth = rate(example_copy)
    entry = only_entry(cache)
    entry.write_bytes(_lying(entry.read_bytes(), b"planted\n"))
    if planted == "someone-elses":
        if os.geteuid() != 0:
            pytest.skip("only root can give a file to another user")
        os.chown(entry, 4242, 4242)
    else:
        entry.chmod(0o620 if planted == "group-writable" else 0o602)
    assert rate(example_copy) == truth
    assert b"planted" not in only_entry(cache).read_bytes()  # rebuilt, as this user's
    assert rate(example_copy) == truth


@pytest.mark.parametrize("shared", ["group-writable", "someone-elses", "a-link"])
def test_a_cache_directory_others_can_write_is_not_used(
    example_copy: Path, cache: Path, tmp_path: Path, shared: str
) -> None:
    truth = rate(example_copy)
    entry = only_entry(cache)
    lie = _lying(entry.read_bytes(), b"planted\n")
    entry.write_bytes(lie)
    if shared == "group-writable":
        cache.chmod(0o770)
    elif shared == "someone-elses":
        if os.geteuid() != 0:
            pytest.skip("only root can give a directory to another user")
        os.chown(cache, 4242, 4242)
    else:
        real = tmp_path / "real-cache"
        cache.rename(real)
        cache.symlink_to(real)
    assert rate(example_copy) == truth
    assert entry.read_bytes() == lie  # neither served nor written over: the cache is not used


@pytest.mark.parametrize(
    "damage",
    ["empty", "truncated", "output-byte", "header-byte", "trailer", "garbage", "huge-length"],
)
def test_a_damaged_entry_is_rebuilt(example_copy: Path, cache: Path, damage: str) -> None:
    truth = rate(example_copy, "json")
    entry = only_entry(cache)
    data = bytearray(entry.read_bytes())
    if damage == "empty":
        data = bytearray()
    elif damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "output-byte":
        data[10] ^= 0x01
    elif damage == "header-byte":
        data[len(data) - len(outputcache._MARK) - 40] ^= 0x20
    elif damage == "trailer":
        data[-3] = ord("x")
    elif damage == "garbage":
        data = bytearray(os.urandom(len(data)))
    else:
        data[-17:-1] = b"9" * 16
    entry.write_bytes(bytes(data))
    assert rate(example_copy, "json") == truth
    assert outputcache._header(only_entry(cache).read_bytes()) is not None  # rebuilt


@pytest.mark.parametrize("special", ["fifo", "directory", "link-to-an-entry"])
def test_a_special_file_in_the_cache_never_blocks_or_breaks_a_run(
    example_copy: Path, cache: Path, tmp_path: Path, special: str
) -> None:
    def run() -> tuple[int, str, str]:
        """A real process: its entry is the one a process's standard output keys."""
        done = subprocess.run(
            [sys.executable, "-m", "barnet_rag", *RATE, "csv", "--root", str(example_copy)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return done.returncode, done.stdout, done.stderr

    truth = run()
    assert truth[0] == 0 and run() == truth  # the second run is served the entry
    entry = only_entry(cache)
    sound = entry.read_bytes()
    entry.unlink()
    if special == "fifo":
        os.mkfifo(entry)
    elif special == "directory":
        entry.mkdir()
    else:
        elsewhere = tmp_path / "elsewhere.out"
        elsewhere.write_bytes(_lying(sound, b"planted\n"))
        entry.symlink_to(elsewhere)
    assert run() == truth


def test_the_cache_keeps_its_newest_entries(
    example_copy: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outputcache, "MAX_ENTRIES", 2)
    for more in ([], ["--exceptions"], ["--plan", "community-leadership"]):
        rate(example_copy, "json", *more)
    rate(example_copy, "csv")
    assert len(list(cache.glob("*.out"))) == 2


def test_no_home_directory_means_no_cache(
    example_copy: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME")

    def nowhere() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(nowhere))
    assert rate(example_copy) == uncached(example_copy)


def test_unreadable_code_means_nothing_is_kept(
    example_copy: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable() -> str:
        raise PermissionError("denied")

    monkeypatch.setattr(outputcache, "_code", unreadable)
    assert rate(example_copy) == uncached(example_copy)
    assert list(cache.glob("*.out")) == []
