"""The floor under ``rate PERIOD --format csv`` on a project: its unavoidable steps with no rule.

Run as::

    python -m bench.floor OUTDIR --period Q3-2017 > out.csv

What any ``rate --format csv`` of these file formats must do at the least, done the
cheapest way this package's own libraries allow, in as many processes as ``rate`` uses
(the same parts, :func:`barnet_rag.api.split_by_size`, forked by
:func:`barnet_rag.forked.in_parts`), each part:

- imports the plan models (pydantic) and ``yaml_rs``;
- reads its plans, parses each with ``yaml_rs`` and validates it into a
  :class:`~barnet_rag.project.models.Plan` with one ``model_validate`` call (no scan for
  aliases, tags or hidden characters, no key sharing, no check across plans);
- reads every quarter's results file up to ``PERIOD``, passes over the other parts' rows
  by their ref cell, and reads each of its own rows' value as a float into one dict a
  quarter (no check of any cell), keeping only the last quarter's: less than ``rate``,
  whose directions of travel and SPC hold every quarter, so the floor stays under it;
- writes one CSV row per indicator under ``rate``'s header, with its plan, ref, title and
  the period's value, every other cell blank (no rating, no direction of travel, no SPC
  reading).

The parent writes the parts' text in order. No barnet-rag run can be faster than this on
the same files, so ``make bench`` reports it against the DuckDB baseline beside the targets:
what is left between the floor and a target is all the time the rules, the checks and the
outputs' real cells may take.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from barnet_rag.api import split_by_size
from barnet_rag.forked import in_parts, usable_cpus
from barnet_rag.periods import Period, parse_period
from barnet_rag.project.projectfiles import ResultFiles, yaml_files


def results_files(root: Path, period: Period) -> list[Path]:
    """The project's quarterly results files up to and including ``period``, oldest first,
    as ``rate`` finds them (:class:`~barnet_rag.project.projectfiles.ResultFiles`)."""
    files = ResultFiles(root).files
    return [files[quarter] for quarter in sorted(files) if quarter <= period]


def part_text(plans: Sequence[Path], quarters: Sequence[Path], fields: Sequence[str]) -> str:
    """One part's CSV rows: its plans validated, its rows of every quarter read."""
    import yaml_rs

    from barnet_rag.project.models import Plan

    indicators = [
        (plan.plan, indicator)
        for plan in (Plan.model_validate(yaml_rs.loads(path.read_text("utf-8"))) for path in plans)
        for indicator in plan.indicators
    ]
    own = {indicator.ref for _, indicator in indicators}
    latest: dict[str, float | None] = {}
    for path in quarters:
        lines = path.read_text("utf-8").split("\n")[1:]
        values: dict[str, float | None] = {}
        for line in lines:
            ref = line[: line.find(",")]
            if ref in own:
                cell = line.split(",", 2)[1]
                values[ref] = float(cell) if cell else None
        latest = values
    at = {name: k for k, name in enumerate(fields)}
    plan_at, ref_at, title_at, value_at = at["plan"], at["ref"], at["title"], at["value"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for slug, indicator in indicators:
        row = [""] * len(fields)
        row[plan_at], row[ref_at], row[title_at] = slug, indicator.ref, indicator.title
        value = latest.get(indicator.ref)
        row[value_at] = "" if value is None else str(value)
        writer.writerow(row)
    return out.getvalue()


def floor(root: Path, period: Period, fields: Sequence[str]) -> list[str]:
    """Each part's text, in part order."""
    quarters = results_files(root, period)
    groups = split_by_size(yaml_files(root / "plans"), usable_cpus())  # rate's plan_paths

    def work(index: int, exchange: Callable[[int | None], int | None]) -> str:
        text = part_text(groups[index], quarters, fields)
        exchange(index)  # as rate's parts exchange their names once
        return text

    if len(groups) < 2:
        return [part_text(groups[0] if groups else [], quarters, fields)]
    texts = in_parts(len(groups), work, lambda given: len(given))
    if texts is None:
        raise SystemExit("a part failed")
    return texts


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__)
    parser.add_argument("outdir", type=Path, help="a project made by bench.make_national")
    parser.add_argument("--period", default="Q3-2017", help="the quarter rated")
    args = parser.parse_args(argv)
    gc.disable()  # as a large project's barnet-rag runs: these objects make no cycles
    from barnet_rag.outputs.tabular import indicator_fields

    fields = indicator_fields()
    texts = floor(args.outdir, parse_period(args.period), fields)
    sys.stdout.write(",".join(fields) + "\n")
    for text in texts:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
