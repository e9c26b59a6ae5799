"""``barnet-rag check --period P --missing``: the chase list, grouped by owner.

Text to paste into an email, JSON for scripts, CSV for a spreadsheet. The exit code is 0
when every expected result is in, 1 when some are missing (as ``check`` exits 1 on
problems), 2 when the project or the quarter's file cannot be read.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from barnet_rag.errors import UsageError
from barnet_rag.periods import Period

if TYPE_CHECKING:
    from barnet_rag.project.collection import ChaseList

CSV_FIELDS = ("owner", "plan", "ref", "title", "reason", "line")


def print_missing(root: Path, period: Period | None, output_format: str) -> int:
    """Print the chase list for ``period`` in ``output_format``; return the exit code."""
    if period is None:
        raise UsageError("--missing needs --period PERIOD, e.g. --period Q4-2017")
    if output_format == "github":
        raise UsageError("--missing prints text, json or csv, not github annotations")
    from barnet_rag.check.checking import missing_results

    chase = missing_results(root, period)
    if output_format == "json":
        click.echo(json.dumps(chase.to_dict(), indent=2, ensure_ascii=False))
    elif output_format == "csv":
        write_csv(chase)
    else:
        for line in text_lines(chase):
            click.echo(line)
    return chase.exit_code


def text_lines(chase: ChaseList) -> list[str]:
    """The chase list as plain lines (file text printed literally, never as markup)."""
    where = chase.file if chase.file_exists else f"{chase.file}, which does not exist yet"
    if not chase.missing:
        return [f"{chase.period}: all {chase.expected} expected results are in {chase.file}."]
    lines = [
        f"{chase.period}: {len(chase.missing)} of {chase.expected} expected results "
        f"missing ({where})."
    ]
    width = max(len(m.ref) for m in chase.missing)
    for owner, items in chase.by_owner():
        lines += ["", f"{owner or 'No owner'}: {len(items)} missing"]
        for m in items:
            reason = m.reason if m.line is None else f"{m.reason}, line {m.line}"
            lines.append(f"  {m.ref.ljust(width)}  {m.title} ({reason})")
    lines += ["", f"When they are in, run: barnet-rag check --period {chase.period.cli_form}"]
    return lines


def write_csv(chase: ChaseList) -> None:
    """One row per missing result, grouped by owner; text that a spreadsheet would run
    as a formula is neutralised."""
    from barnet_rag.outputs.tabular import neutralise

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for owner, items in chase.by_owner():
        for m in items:
            cells = (owner or "", m.plan, m.ref, m.title, m.reason, m.line or "")
            writer.writerow([neutralise(c) for c in cells])
