"""Time barnet-rag against every target of issue 14 and print the results as ratios.

Run as (``make bench``)::

    python -m bench.run_bench [--councils 400 --indicators 250 --quarters 12] [--keep DIR]
                              [--repeat 3] [--skip-2x] [--only NAME[,NAME...]]

It generates the national project once with ``bench.make_national`` (untimed; with
``--keep DIR`` it is kept in DIR and reused by later runs, and the twice-national project in
DIR-2x), then times each command as the median of ``--repeat`` runs after one untimed
warm-up run (which only warms the operating system's file cache). Every barnet-rag run
starts with an empty cache: its ``XDG_CACHE_HOME`` is a fresh empty directory, removed
afterwards. The measures, by the names ``--only`` takes:

- on the national data, as ratios to the DuckDB SQL baseline (``duckdb``,
  ``bench.duckdb_baseline``): ``rate`` (``rate PERIOD --format csv``, <= 4), ``json``
  (``rate PERIOD --format json``, <= 5), ``check`` (``check --format json``, <= 5; exit 0
  or 1 accepted and reported), ``report`` (``report PERIOD -o FILE``, every plan, <= 5),
  ``export`` (``export PERIOD --format csv -o FILE``, <= 4) and ``repeat`` (``rate PERIOD
  --format csv`` run twice with one cache directory on unchanged files, the second run
  timed, <= 2);
- ``2x``: ``rate PERIOD --format csv`` on a project of twice as many plans (same
  indicators per plan and quarters), as a ratio to ``rate`` on the national one (<= 2.3);
- on the shipped example (the repository root), as ratios to ``python -c "import
  pandas"`` (``pandas``): ``help`` (``barnet-rag --help``, <= 0.25) and ``example``
  (``barnet-rag rate Q3-2017``, <= 0.6);
- ``floor`` (no target): ``bench.floor``, what any ``rate PERIOD --format csv`` of these
  file formats must do at the least (parse and validate the plans, read every quarter's
  values, write as many CSV rows and columns) with no rule, in as many processes, as a
  ratio to DuckDB: what lies between it and a target is all that the rules, the checks and
  the real cells may take.

``--only`` runs the named measures and what their ratios are taken against. barnet-rag's
``ref,rag,dot_short,dot_long`` from ``rate`` (CSV and JSON) and from the repeated run must
equal DuckDB's.

Every command is a fresh process; its peak memory is its maximum resident set size from
``os.wait4`` (for a command that forks workers, the largest of its processes), with a target
of 1 GiB for every barnet-rag command. Wall times are only reported, never asserted: the
exit code is 1 only when barnet-rag's ratings differ from DuckDB's, or the floor wrote
other than a row per indicator (2 on a usage error or when a command fails).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

REPO = Path(__file__).resolve().parent.parent
COMPARED = ["ref", "rag", "dot_short", "dot_long"]
PEAK_TARGET_MIB = 1024
NO_CACHE_ENV = "BARNET_RAG_NO_CACHE"


@dataclass(frozen=True)
class Target:
    """A ratio issue 14 sets a target for: ``numerator``'s median over ``denominator``'s."""

    numerator: str
    denominator: str
    limit: float | None  # None: reported only (the floor)
    label: str


#: By the name ``--only`` takes; the baselines ``duckdb`` and ``pandas`` have no target.
TARGETS = {
    "rate": Target("rate", "duckdb", 4.0, "national `rate {period} --format csv` / DuckDB"),
    "json": Target("json", "duckdb", 5.0, "national `rate {period} --format json` / DuckDB"),
    "check": Target("check", "duckdb", 5.0, "national `check --format json` / DuckDB"),
    "report": Target("report", "duckdb", 5.0, "national `report {period} -o FILE` / DuckDB"),
    "export": Target(
        "export", "duckdb", 4.0, "national `export {period} --format csv -o FILE` / DuckDB"
    ),
    "repeat": Target(
        "repeat", "duckdb", 2.0, "national `rate {period} --format csv`, 2nd run / DuckDB"
    ),
    "2x": Target("2x", "rate", 2.3, "2x national `rate {period} --format csv` / national"),
    "floor": Target(
        "floor", "duckdb", None, "floor: `rate {period} --format csv` with no rule / DuckDB"
    ),
    "help": Target("help", "pandas", 0.25, '`--help` / `python -c "import pandas"`'),
    "example": Target("example", "pandas", 0.6, "`rate Q3-2017` (example) / `import pandas`"),
}
BASELINES = ("duckdb", "pandas")
NAMES = (*BASELINES, *TARGETS)
#: Where the commands whose standard output is kept write it, in the work directory.
OUTPUTS = {
    "rate": "rate.csv",
    "json": "rate.json",
    "repeat": "repeat.csv",
    "2x": "2x.csv",
    "floor": "floor.csv",
}


@dataclass
class Command:
    """One command to time; ``barnet`` commands get a fresh cache and a peak target."""

    key: str
    label: str
    argv: list[str]
    stdout: Path | None = None
    barnet: bool = True
    codes: tuple[int, ...] = (0,)
    repeated: bool = False  # time the second of two runs sharing one cache directory
    runs: int = 1  # timed runs per --repeat
    md: str = ""  # the label in the markdown table, commands in backticks


@dataclass
class Timing:
    """Wall times of the timed runs of one command, its largest peak memory and exit codes."""

    command: Command
    seconds: list[float]
    peak_kib: int
    warmup_seconds: float
    codes: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mib(self) -> float:
        return self.peak_kib / 1024


def die(message: str) -> NoReturn:
    """Stop with exit code 2: a usage error or a command that failed, never a time."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


@contextlib.contextmanager
def fresh_cache(root: Path, wanted: bool) -> Iterator[Path | None]:
    """An empty directory for ``XDG_CACHE_HOME`` under ``root``, removed afterwards."""
    if not wanted:
        yield None
        return
    path = Path(tempfile.mkdtemp(prefix="xdg-cache-", dir=root))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def run_once(command: Command, cache: Path | None) -> tuple[float, int, int]:
    """Run ``command`` to completion; return its wall time, peak RSS in KiB and exit code."""
    env = None if cache is None else {**os.environ, "XDG_CACHE_HOME": str(cache)}
    stdout = command.stdout
    out = stdout.open("wb") if stdout is not None else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        process = subprocess.Popen(
            command.argv, stdout=out, stderr=subprocess.PIPE, cwd=REPO, env=env
        )
        assert process.stderr is not None
        errors = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout is not None and not isinstance(out, int):
            out.close()
    if process.returncode not in command.codes:
        die(
            f"{' '.join(command.argv)} failed with exit code {process.returncode}:\n"
            + errors.decode(errors="replace")
        )
    return seconds, usage.ru_maxrss, process.returncode


def measure(command: Command, repeat: int, caches: Path) -> Timing:
    """Time ``command``: one untimed warm-up run, then ``repeat * runs`` timed runs, each
    barnet-rag run with its own empty cache; a ``repeated`` command instead runs twice per
    timed run with one fresh cache and times the second run."""
    seconds: list[float] = []
    codes: list[int] = []
    peak = 0
    if command.repeated:
        warmup = 0.0
        for i in range(repeat * command.runs):
            with fresh_cache(caches, command.barnet) as cache:
                first, _, _ = run_once(command, cache)  # the first run on the same files
                took, rss, code = run_once(command, cache)
            warmup = first if i == 0 else warmup
            seconds.append(took)
            codes.append(code)
            peak = max(peak, rss)
    else:
        with fresh_cache(caches, command.barnet) as cache:  # the OS file cache only
            warmup, peak, code = run_once(command, cache)
        codes.append(code)
        for _ in range(repeat * command.runs):
            with fresh_cache(caches, command.barnet) as cache:
                took, rss, code = run_once(command, cache)
            seconds.append(took)
            codes.append(code)
            peak = max(peak, rss)
    timing = Timing(command, seconds, peak, warmup, codes)
    print(
        f"  {command.label:<48} median {timing.median:8.3f}s  warm-up {warmup:8.3f}s  "
        f"peak {timing.peak_mib:6.0f} MiB  exit {exit_codes(timing)}",
        file=sys.stderr,
    )
    return timing


def exit_codes(timing: Timing) -> str:
    """The exit codes seen, e.g. ``0`` or ``0,1``."""
    return ",".join(str(c) for c in sorted(set(timing.codes)))


def stamp_text(councils: int, indicators: int, quarters: int, flat: bool) -> str:
    """What ``.bench-params`` holds for a project of these sizes."""
    return f"{councils} {indicators} {quarters}{'' if flat else ' no-flat'}\n"


def count_refs(plan: Path) -> int:
    """Indicators in a plan written by ``bench.make_national``."""
    with plan.open(encoding="utf-8") as fh:
        return sum(1 for line in fh if line.startswith("  - ref: "))


def looks_generated(
    outdir: Path, councils: int, indicators: int, quarters: int, flat: bool
) -> bool:
    """True when ``outdir`` (without a stamp) holds a project made by ``bench.make_national``
    with these sizes: plan and results file counts, indicators in the first and last plans,
    and rows in the last results file."""
    plans = sorted((outdir / "plans").glob("*.yaml"))
    results = sorted((outdir / "results").glob("*/Q*.csv"))
    if len(plans) != councils or len(results) != quarters:
        return False
    if count_refs(plans[0]) != indicators or count_refs(plans[-1]) != indicators:
        return False
    with results[-1].open(encoding="utf-8") as fh:
        if sum(1 for _ in fh) != councils * indicators + 1:
            return False
    return not flat or all((outdir / "flat" / n).is_file() for n in ("targets.csv", "results.csv"))


def generate(
    outdir: Path, councils: int, indicators: int, quarters: int, flat: bool = True
) -> None:
    """Write a project unless ``outdir`` already holds one of the same sizes.

    A directory is replaced only when its ``.bench-params`` stamp names other sizes; one
    without a stamp is reused when it looks like a generated project of these sizes, and
    otherwise refused unless it is empty (so ``--keep`` never deletes someone's project).
    """
    stamp = outdir / ".bench-params"
    wanted = [stamp_text(councils, indicators, quarters, flat)]
    if not flat:  # a project with the flat files serves too
        wanted.append(stamp_text(councils, indicators, quarters, True))
    sizes = f"{councils} plans x {indicators} indicators x {quarters} quarters"
    if stamp.is_file():
        if stamp.read_text() in wanted:
            print(f"reusing the data in {outdir} ({sizes})", file=sys.stderr)
            return
        shutil.rmtree(outdir)
    elif outdir.exists() and any(outdir.iterdir()):
        if looks_generated(outdir, councils, indicators, quarters, flat):
            print(f"reusing the data in {outdir} ({sizes}; no stamp)", file=sys.stderr)
            return
        die(
            f"{outdir} is not empty and holds no bench data of {sizes} "
            "(no .bench-params stamp): remove it or choose another --keep DIR"
        )
    command = [
        sys.executable,
        "-m",
        "bench.make_national",
        "--councils",
        str(councils),
        "--indicators",
        str(indicators),
        "--quarters",
        str(quarters),
        *([] if flat else ["--no-flat"]),
        str(outdir),
    ]
    print(f"generating {sizes} in {outdir} (untimed)", file=sys.stderr)
    subprocess.run(command, check=True, cwd=REPO)
    stamp.write_text(wanted[0])


def csv_rows(path: Path) -> list[tuple[str, ...]]:
    """The compared columns of a CSV file, sorted."""
    text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    return sorted(tuple(row[c] for c in COMPARED) for row in csv.DictReader(io.StringIO(text)))


def json_rows(path: Path) -> list[tuple[str, ...]]:
    """The compared fields of ``rate --format json``'s indicators, sorted."""
    indicators = json.loads(path.read_text(encoding="utf-8"))["indicators"]
    return sorted(tuple(str(item[c]) for c in COMPARED) for item in indicators)


def check_equal(name: str, ours: list[tuple[str, ...]], duckdb: list[tuple[str, ...]]) -> bool:
    """True when barnet-rag's ratings equal the DuckDB baseline's; prints the first diffs."""
    if ours == duckdb:
        print(f"check: {name} equals DuckDB on {len(ours)} indicators", file=sys.stderr)
        return True
    print(f"check FAILED: {name} has {len(ours)} rows, DuckDB {len(duckdb)} rows", file=sys.stderr)
    for x, y in [(x, y) for x, y in zip(ours, duckdb, strict=False) if x != y][:10]:
        print(f"  {name} {x} != DuckDB {y}", file=sys.stderr)
    return False


def check_floor(path: Path, indicators: int) -> bool:
    """True when the floor wrote a row for each rated indicator (DuckDB's count), so that it
    did the reading and writing that ``rate`` does."""
    with path.open(encoding="utf-8") as fh:
        rows = sum(1 for _ in fh) - 1
    if rows == indicators:
        print(f"check: the floor wrote {rows} rows, one per indicator", file=sys.stderr)
        return True
    print(f"check FAILED: the floor wrote {rows} rows for {indicators} indicators", file=sys.stderr)
    return False


def check_note(path: Path) -> str:
    """Errors and warnings in ``check --format json``'s report."""
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        return f"{report['errors']} errors, {report['warnings']} warnings"
    except (OSError, ValueError, KeyError, TypeError) as error:
        return f"unreadable report: {error}"


def number(limit: float) -> str:
    """A target without trailing zeros: ``4``, ``2.3``, ``0.25``."""
    return f"{limit:g}"


def status(value: float, limit: float | None) -> str:
    """``ok`` or ``OVER`` against a target, ``floor`` for the floor (which has none)."""
    return "floor" if limit is None else "ok" if value <= limit else "OVER"


def ratios(t: dict[str, Timing], period: str) -> list[tuple[str, Target, Timing, Timing]]:
    """The targets whose two commands both ran, with their labels."""
    return [
        (target.label.format(period=period), target, t[target.numerator], t[target.denominator])
        for target in TARGETS.values()
        if target.numerator in t and target.denominator in t
    ]


def plain_tables(t: dict[str, Timing], period: str) -> str:
    """The ratios with their targets, then every command's times, peak memory and exit code."""
    lines = [f"{'ratio':<58} {'value':>7}  {'target':<8} {'':<6} times", "-" * 100]
    for label, target, num, den in ratios(t, period):
        value = num.median / den.median
        limit = "-" if target.limit is None else "<= " + number(target.limit)
        lines.append(
            f"{label.replace('`', ''):<58} {value:7.2f}  {limit:<8} "
            f"{status(value, target.limit):<6} {num.median:.3f}s / {den.median:.3f}s"
        )
    lines.append("")
    lines.append(
        f"{'command':<48} {'median s':>9} {'warm-up s':>10} {'runs':>5} {'peak MiB':>9} "
        f"{'target':>8} {'':<4} exit"
    )
    lines.append("-" * 106)
    for timing in t.values():
        cmd = timing.command
        peak_target = f"<= {PEAK_TARGET_MIB}" if cmd.barnet else "-"
        peak = "" if not cmd.barnet else "ok" if timing.peak_mib <= PEAK_TARGET_MIB else "OVER"
        note = f" ({timing.note})" if timing.note else ""
        lines.append(
            f"{cmd.label:<48} {timing.median:9.3f} {timing.warmup_seconds:10.3f} "
            f"{len(timing.seconds):5d} {timing.peak_mib:9.0f} {peak_target:>8} {peak:<4} "
            f"{exit_codes(timing)}{note}"
        )
    return "\n".join(lines)


def markdown_table(t: dict[str, Timing], period: str) -> str:
    """The same measures as a markdown table for a closing note; met targets in bold."""
    lines = ["| measure | value | target |", "|---|---|---|"]
    for label, target, num, den in ratios(t, period):
        value = num.median / den.median
        shown = {"ok": f"**{value:.2f}**", "OVER": f"{value:.2f} (over)"}.get(
            status(value, target.limit), f"{value:.2f}"
        )
        limit = "no target" if target.limit is None else f"≤ {number(target.limit)}"
        lines.append(f"| {label} | {num.median:.3f} s / {den.median:.3f} s = {shown} | {limit} |")
    for timing in t.values():
        if timing.command.barnet:
            over = "" if timing.peak_mib <= PEAK_TARGET_MIB else " (over)"
            label = timing.command.md or timing.command.label
            lines.append(f"| {label} peak memory | {timing.peak_mib:.0f} MiB{over} | ≤ 1 GiB |")
    if "check" in t:
        check = t["check"]
        lines.append(f"| national `check` exit code | {exit_codes(check)} ({check.note}) | 0 |")
    return "\n".join(lines)


def selection(only: str | None, skip_2x: bool) -> set[str]:
    """The commands to run: the named measures (all by default) and their baselines."""
    names = set(NAMES) if only is None else {n.strip() for n in only.split(",") if n.strip()}
    unknown = sorted(names - set(NAMES))
    if unknown:
        die(f"--only: unknown {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    if skip_2x:
        names.discard("2x")
    if not names:
        die("nothing to run: --only names nothing that --skip-2x leaves")
    for name in list(names):
        if name in TARGETS:
            names.add(TARGETS[name].denominator)
    return names


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.run_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--councils", type=int, default=400, help="national plans")
    parser.add_argument("--indicators", type=int, default=250, help="indicators per plan")
    parser.add_argument("--quarters", type=int, default=12, help="quarters of results")
    parser.add_argument("--period", default="Q3-2017", help="the national data's last quarter")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per command")
    parser.add_argument(
        "--keep", type=Path, help="generate into (or reuse) DIR and DIR-2x and keep them"
    )
    parser.add_argument("--skip-2x", action="store_true", help="skip the twice-national part")
    parser.add_argument(
        "--only",
        metavar="NAME[,NAME]",
        help=f"run only these measures (and their baselines): {', '.join(NAMES)}",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    chosen = selection(args.only, args.skip_2x)
    if os.environ.get(NO_CACHE_ENV):
        print(f"note: {NO_CACHE_ENV} is set; the repeated run cannot use a cache", file=sys.stderr)
    tool = Path(sys.executable).with_name("barnet-rag")
    barnet = [str(tool)] if tool.exists() else [sys.executable, "-m", "barnet_rag"]
    period = args.period
    with tempfile.TemporaryDirectory(prefix="barnet-rag-bench-") as temp:
        work = Path(temp)
        caches = work / "caches"
        caches.mkdir()
        data = args.keep.resolve() if args.keep else work / "national"
        data2x = data.with_name(data.name + "-2x")
        if "duckdb" in chosen:  # every national measure but 2x is taken against DuckDB
            generate(data, args.councils, args.indicators, args.quarters)
        elif "rate" in chosen:  # only for the 2x ratio: no flat files needed
            generate(data, args.councils, args.indicators, args.quarters, flat=False)
        if "2x" in chosen:
            generate(data2x, 2 * args.councils, args.indicators, args.quarters, flat=False)
        national = ["--root", str(data)]
        out = {key: work / name for key, name in OUTPUTS.items()}
        commands = [
            Command(
                "duckdb",
                "national DuckDB baseline",
                [sys.executable, "-m", "bench.duckdb_baseline", str(data), "--period", period],
                work / "duckdb.csv",
                barnet=False,
            ),
            Command(
                "rate",
                f"national rate {period} --format csv",
                [*barnet, "rate", period, "--format", "csv", *national],
                out["rate"],
                md=f"national `rate {period} --format csv`",
            ),
            Command(
                "json",
                f"national rate {period} --format json",
                [*barnet, "rate", period, "--format", "json", *national],
                out["json"],
                md=f"national `rate {period} --format json`",
            ),
            Command(
                "check",
                "national check --format json",
                [*barnet, "check", "--format", "json", *national],
                work / "check.json",
                codes=(0, 1),
                md="national `check --format json`",
            ),
            Command(
                "report",
                f"national report {period} -o FILE",
                [*barnet, "report", period, "-o", str(work / "report.md"), *national],
                md=f"national `report {period} -o FILE`",
            ),
            Command(
                "export",
                f"national export {period} --format csv -o FILE",
                [*barnet, "export", period, "--format", "csv", "-o", str(work / "export.csv")]
                + national,
                md=f"national `export {period} --format csv -o FILE`",
            ),
            Command(
                "repeat",
                f"national rate {period} --format csv, 2nd run",
                [*barnet, "rate", period, "--format", "csv", *national],
                out["repeat"],
                repeated=True,
                md=f"national `rate {period} --format csv`, 2nd run on the same files",
            ),
            Command(
                "2x",
                f"2x national rate {period} --format csv",
                [*barnet, "rate", period, "--format", "csv", "--root", str(data2x)],
                out["2x"],
                md=f"2x national `rate {period} --format csv`",
            ),
            Command(
                "floor",
                f"national floor (rate {period} csv, no rule)",
                [sys.executable, "-m", "bench.floor", str(data), "--period", period],
                out["floor"],
                barnet=False,
            ),
            Command(
                "pandas",
                'python -c "import pandas"',
                [sys.executable, "-c", "import pandas"],
                barnet=False,
                runs=3,
            ),
            Command(
                "help",
                "barnet-rag --help (example)",
                [*barnet, "--help"],
                runs=3,
                md="`barnet-rag --help`",
            ),
            Command(
                "example",
                "barnet-rag rate Q3-2017 (example)",
                [*barnet, "rate", "Q3-2017", "--root", str(REPO)],
                runs=3,
                md="`rate Q3-2017` (example)",
            ),
        ]
        print(
            f"timing (median of {args.repeat} runs, x3 on the example, after one warm-up run; "
            "every barnet-rag run with an empty XDG_CACHE_HOME):",
            file=sys.stderr,
        )
        timings: dict[str, Timing] = {}
        for command in commands:
            if command.key in chosen:
                timings[command.key] = measure(command, args.repeat, caches)
        if "check" in timings:
            timings["check"].note = check_note(work / "check.json")
        if "repeat" in timings:
            timings[
                "repeat"
            ].note = "warm-up: the 1st run on the same files, which keeps its output"
        same = True
        if "duckdb" in timings:
            theirs = csv_rows(work / "duckdb.csv")
            for key, name, read in (
                ("rate", "rate --format csv", csv_rows),
                ("json", "rate --format json", json_rows),
                ("repeat", "rate --format csv (2nd run, same cache)", csv_rows),
            ):
                if key in timings:
                    same = check_equal(name, read(out[key]), theirs) and same
            if "floor" in timings:
                same = check_floor(out["floor"], len(theirs)) and same
    twice = f"; 2x: {2 * args.councils} plans" if "2x" in timings else ""
    print(
        f"national: {args.councils} plans x {args.indicators} indicators x {args.quarters} "
        f"quarters{twice}; {os.cpu_count()} CPUs; medians of {args.repeat} (x3 on the "
        "example); every barnet-rag run starts from an empty cache but the repeated run's 2nd"
    )
    print()
    print(plain_tables(timings, period))
    print()
    print(markdown_table(timings, period))
    if not same:
        print("\nFAILED: barnet-rag's ratings differ from DuckDB's (see above)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
