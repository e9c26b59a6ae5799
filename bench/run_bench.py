"""Time barnet-rag at both ends of its scale and print the results as ratios.

Run as (``make bench``)::

    python -m bench.run_bench [--councils 400 --indicators 250 --quarters 12] [--keep DIR]

It generates the national project once with ``bench.make_national`` (untimed; with
``--keep DIR`` it is kept and reused by later runs), then times, each as the median of
``--repeat`` runs after one untimed warm-up run:

- on the national data: ``barnet-rag rate PERIOD --format csv``, ``barnet-rag export
  PERIOD --format csv`` and the DuckDB SQL baseline (``bench.duckdb_baseline``), and checks
  that barnet-rag's ``ref,rag,dot_short,dot_long`` equal DuckDB's;
- on the shipped example: ``barnet-rag --help`` and ``barnet-rag rate Q3-2017`` against
  ``python -c "import pandas"``.

Every command is a fresh process; its peak memory is its own maximum resident set size
(from ``os.wait4``). Wall times are only reported, never asserted: the exit code is 1 only
when the outputs differ.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMPARED = ["ref", "rag", "dot_short", "dot_long"]


@dataclass
class Timing:
    """Wall times of the timed runs of one command and its largest peak memory."""

    name: str
    seconds: list[float]
    peak_kib: int
    first_seconds: float

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def run_once(command: list[str], stdout: Path | None, cwd: Path) -> tuple[float, int]:
    """Run ``command`` to completion; return its wall time and peak RSS in KiB."""
    out = stdout.open("wb") if stdout is not None else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, cwd=cwd)
        assert process.stderr is not None
        errors = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout is not None and not isinstance(out, int):
            out.close()
    if process.returncode != 0:
        sys.exit(
            f"{' '.join(command)} failed with exit code {process.returncode}:\n"
            + errors.decode(errors="replace")
        )
    return seconds, usage.ru_maxrss


def measure(
    name: str, command: list[str], repeat: int, cwd: Path, stdout: Path | None = None
) -> Timing:
    """One untimed warm-up run (which fills any cache), then ``repeat`` timed runs."""
    first, peak = run_once(command, stdout, cwd)
    seconds = []
    for _ in range(repeat):
        took, rss = run_once(command, stdout, cwd)
        seconds.append(took)
        peak = max(peak, rss)
    timing = Timing(name, seconds, peak, first)
    print(
        f"  {name:<34} median {timing.median:8.3f}s  first {first:8.3f}s  "
        f"peak {peak / 1024:7.0f} MiB",
        file=sys.stderr,
    )
    return timing


def generate(outdir: Path, args: argparse.Namespace) -> None:
    """Write the national project unless ``outdir`` already holds one of the same size."""
    stamp = outdir / ".bench-params"
    params = f"{args.councils} {args.indicators} {args.quarters}\n"
    if stamp.is_file() and stamp.read_text() == params:
        print(f"reusing the national data in {outdir}", file=sys.stderr)
        return
    if outdir.exists():
        shutil.rmtree(outdir)
    command = [
        sys.executable,
        "-m",
        "bench.make_national",
        "--councils",
        str(args.councils),
        "--indicators",
        str(args.indicators),
        "--quarters",
        str(args.quarters),
        str(outdir),
    ]
    print(f"generating the national data in {outdir} (untimed)", file=sys.stderr)
    subprocess.run(command, check=True, cwd=REPO)
    stamp.write_text(params)


def compared_rows(text: str) -> list[tuple[str, ...]]:
    """The compared columns of a CSV, sorted by ref."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    return sorted(tuple(row[c] for c in COMPARED) for row in reader)


def check_equal(ours: Path, duckdb: Path) -> bool:
    """True when barnet-rag's ratings equal the DuckDB baseline's; prints the first diffs."""
    a = compared_rows(ours.read_text(encoding="utf-8"))
    b = compared_rows(duckdb.read_text(encoding="utf-8"))
    if a == b:
        print(f"check: barnet-rag equals DuckDB on {len(a)} indicators", file=sys.stderr)
        return True
    print(f"check FAILED: {len(a)} barnet-rag rows, {len(b)} DuckDB rows", file=sys.stderr)
    for x, y in [(x, y) for x, y in zip(a, b, strict=False) if x != y][:10]:
        print(f"  barnet-rag {x} != DuckDB {y}", file=sys.stderr)
    return False


def ratio_table(t: dict[str, Timing]) -> str:
    """The ratios the issue sets targets for, and peak memory."""
    rows = [
        ("national rate / DuckDB", t["rate"].median / t["duckdb"].median, "<= 2"),
        ("national export / DuckDB", t["export"].median / t["duckdb"].median, "-"),
        ("--help / import pandas", t["help"].median / t["pandas"].median, "<= 0.25"),
        ("rate Q3-2017 / import pandas", t["example"].median / t["pandas"].median, "<= 0.5"),
    ]
    lines = [f"{'ratio':<30} {'value':>7}  target", "-" * 46]
    lines += [f"{name:<30} {value:7.2f}  {target}" for name, value, target in rows]
    lines.append("")
    lines.append(f"{'command':<34} {'median s':>9} {'peak MiB':>9}")
    lines.append("-" * 54)
    for timing in t.values():
        lines.append(f"{timing.name:<34} {timing.median:9.3f} {timing.peak_kib / 1024:9.0f}")
    peak = t["rate"].peak_kib / 1024
    lines.append("")
    lines.append(f"national rate peak memory {peak:.0f} MiB (target <= 1024 MiB)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.run_bench", description=__doc__)
    parser.add_argument("--councils", type=int, default=400)
    parser.add_argument("--indicators", type=int, default=250)
    parser.add_argument("--quarters", type=int, default=12)
    parser.add_argument("--period", default="Q3-2017", help="the national data's last quarter")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per command")
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) DIR and keep it")
    args = parser.parse_args(argv)
    tool = Path(sys.executable).with_name("barnet-rag")
    barnet = [str(tool)] if tool.exists() else [sys.executable, "-m", "barnet_rag"]
    with tempfile.TemporaryDirectory(prefix="barnet-rag-bench-") as temp:
        work = Path(temp)
        data = args.keep.resolve() if args.keep else work / "national"
        generate(data, args)
        ours, theirs, exported = work / "rate.csv", work / "duckdb.csv", work / "export.csv"
        national = ["--root", str(data)]
        period = args.period
        n = args.repeat
        print(f"timing (median of {n} runs after one warm-up run):", file=sys.stderr)
        timings = {
            "rate": measure(
                "national rate --format csv",
                [*barnet, "rate", period, "--format", "csv", *national],
                n,
                REPO,
                ours,
            ),
            "export": measure(
                "national export --format csv",
                [*barnet, "export", period, "--format", "csv", "-o", str(exported), *national],
                n,
                REPO,
            ),
            "duckdb": measure(
                "national DuckDB baseline",
                [sys.executable, "-m", "bench.duckdb_baseline", str(data), "--period", period],
                n,
                REPO,
                theirs,
            ),
            "help": measure("barnet-rag --help", [*barnet, "--help"], n * 3, REPO),
            "example": measure(
                "barnet-rag rate Q3-2017 (example)",
                [*barnet, "rate", "Q3-2017", "--root", str(REPO)],
                n * 3,
                REPO,
            ),
            "pandas": measure(
                'python -c "import pandas"', [sys.executable, "-c", "import pandas"], n * 3, REPO
            ),
        }
        same = check_equal(ours, theirs)
    print(ratio_table(timings))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
