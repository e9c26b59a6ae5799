"""``barnet-rag rate PERIOD``: the ratings of one quarter in the terminal, as JSON or CSV."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from barnet_rag.cli.common import PERIOD, format_option, plan_option, root_option
from barnet_rag.errors import ThresholdReached
from barnet_rag.periods import Period

if TYPE_CHECKING:  # the models import pydantic: load them only when a command needs them
    from barnet_rag.engine.summary import Tally
    from barnet_rag.outputs.display import TableRow
    from barnet_rag.project.models import SummaryRow

#: Table width when output is piped (no terminal to measure); COLUMNS overrides it.
PIPED_WIDTH = 150

RAG_STYLES = {
    "G": "bold white on dark_green",
    "GA": "bold black on yellow3",
    "RA": "bold black on dark_orange",
    "R": "bold white on red3",
    "Monitor": "cyan",
    "Not reported": "dim",
}


@click.command(
    epilog="\b\nExamples:\n  barnet-rag rate Q3-2017\n  barnet-rag rate 2017/18-Q3 --format json\n"
    "  barnet-rag rate Q3-2017 --plan community-leadership --exceptions\n"
    "  barnet-rag rate Q3-2017 --fail-on R     # exit 1 when any indicator is Red"
)
@click.argument("period", type=PERIOD)
@root_option
@plan_option
@format_option(
    ["table", "json", "csv"],
    "Terminal table, or JSON/CSV with the public field names.",
)
@click.option(
    "--exceptions",
    is_flag=True,
    help="Only indicators that missed target, plus Monitor indicators for information.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["GA", "RA", "R"]),
    help="Exit 1 when any indicator is rated this or worse (for CI).",
)
def rate(
    period: Period,
    root: Path,
    plans: tuple[str, ...],
    output_format: str,
    exceptions: bool,
    fail_on: str | None,
) -> None:
    """Rate every indicator for PERIOD (e.g. Q3-2017 = Oct-Dec 2017, financial year 2017/18)."""
    if output_format == "csv":
        rate_csv(period, root, plans, exceptions, fail_on)
    elif output_format == "table":
        rate_table(period, root, plans, exceptions, fail_on)
    else:
        import json

        from barnet_rag.api import rate_project
        from barnet_rag.project.actions import action_records, load_all_actions
        from barnet_rag.project.loading import load_project

        project = load_project(root)
        rated = rate_project(root, period, plans, project=project)
        if exceptions:
            kept = [i for i in rated.indicators if i.is_exception]
            rated = rated.model_copy(update={"indicators": kept})
        payload = json.loads(rated.model_dump_json())
        payload["actions"] = action_records(load_all_actions(root, project.select(plans)))
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        check_fail_on([(i.ref, i.rag) for i in rated.indicators], fail_on)


def check_fail_on(ratings: list[tuple[str, str]], fail_on: str | None) -> None:
    """Exit 1 (after the output) when any (ref, rag) is rated ``fail_on`` or worse."""
    from barnet_rag.terms import RAG_ORDER

    if fail_on is None:
        return
    worst = RAG_ORDER[RAG_ORDER.index(fail_on) :]
    hits = [ref for ref, rag in ratings if rag in worst]
    if hits:
        raise ThresholdReached(f"{len(hits)} rated {fail_on} or worse: {', '.join(hits)}")


def rate_table(
    period: Period, root: Path, plans: tuple[str, ...], exceptions: bool, fail_on: str | None
) -> None:
    """The terminal tables, from the columnar path whenever the plan cache and the results
    are clean (no model is imported), else from the scalar engine (which reports any
    problem); the summary counts every indicator, also with ``--exceptions``."""
    from barnet_rag.cli.progress import busy
    from barnet_rag.outputs.display import TableRow
    from barnet_rag.outputs.fastpath import fast_table, is_large
    from barnet_rag.terms import EXCEPTION_RAGS

    with busy(f"Rating {period}...", slow=is_large(root)):
        fast = fast_table(root, period, plans)
    summary: Sequence[Tally | SummaryRow]
    if fast is None:
        from barnet_rag.api import rate_project

        rated = rate_project(root, period, plans)
        rows, summary = [TableRow.of(i) for i in rated.indicators], rated.summary
    else:
        rows, summary = fast
    if exceptions:
        rows = [r for r in rows if r.rag in EXCEPTION_RAGS]
    print_tables(str(period), rows, summary)
    check_fail_on([(r.ref, r.rag) for r in rows], fail_on)


def rate_csv(
    period: Period, root: Path, plans: tuple[str, ...], exceptions: bool, fail_on: str | None
) -> None:
    """CSV rows, from the columnar path for large clean projects (the same rows)."""
    from barnet_rag.cli.progress import busy
    from barnet_rag.outputs.fastpath import FIELDS, fast_csv, is_large
    from barnet_rag.outputs.tabular import write_csv
    from barnet_rag.terms import EXCEPTION_RAGS

    def keep(rag: str) -> bool:
        return not exceptions or rag in EXCEPTION_RAGS

    with busy(f"Rating {period}...", slow=is_large(root)):
        fast = fast_csv(root, period, plans, keep)
    if fast is not None:
        parts, ratings = fast
        write_csv([], FIELDS, sys.stdout)  # the public fields (a test keeps them equal)
        sys.stdout.writelines(parts)
        check_fail_on(ratings, fail_on)
        return
    from barnet_rag.api import rate_project
    from barnet_rag.outputs.tabular import indicator_fields, indicator_rows

    rows = [
        r for r in indicator_rows(rate_project(root, period, plans).indicators) if keep(r["rag"])
    ]
    write_csv(rows, indicator_fields(), sys.stdout)
    check_fail_on([(r["ref"], r["rag"]) for r in rows], fail_on)


def print_tables(
    period: str, indicators: Sequence[TableRow], summary: Sequence[Tally | SummaryRow]
) -> None:
    """A rich table per plan with indicators to show, then the summary table."""
    from rich.console import Console

    piped = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    console = Console(highlight=False, width=PIPED_WIDTH if piped else None)
    by_plan: dict[str, list[TableRow]] = {}
    for indicator in indicators:
        by_plan.setdefault(indicator.plan, []).append(indicator)
    for row in summary:
        shown = by_plan.get(row.plan)
        if row.plan != "total" and shown:
            console.print(_plan_table(f"{row.committee} - {period}", shown))
    console.print(_summary_table(period, summary))


def _plan_table(title: str, indicators: list[TableRow]) -> object:
    from rich.table import Table
    from rich.text import Text

    from barnet_rag.outputs.display import (
        dot_words,
        format_target,
        rag_words,
        result_text,
        spc_words,
    )
    from barnet_rag.outputs.sparklines import unicode_sparkline

    table = Table(title=title, title_justify="left", show_lines=False)
    for name in (
        "Ref",
        "Indicator",
        "Polarity",
        "Target",
        "Result",
        "RAG",
        "DOT short",
        "DOT long",
        "Trend",
        "Variation (SPC)",
    ):
        # Only short codes keep to one line; words wrap on a narrow terminal rather
        # than being cut off at its edge.
        table.add_column(name, no_wrap=name in ("Ref", "Target", "RAG", "Trend"))
    for i in indicators:
        table.add_row(
            i.ref,
            i.title,
            i.polarity,
            format_target(i.target, i.unit),
            result_text(i),
            Text(rag_words(i.rag), style=RAG_STYLES[i.rag]),
            dot_words(i.dot_short),
            dot_words(i.dot_long),
            unicode_sparkline(i.recent),
            spc_words(i.variation, i.assurance),
        )
    return table


def _summary_table(period: str, summary: Sequence[Tally | SummaryRow]) -> object:
    from rich.table import Table

    table = Table(title=f"Summary - {period}", title_justify="left")
    headers = ("Committee", "Green", "Green Amber", "Red Amber", "Red", "Improved/Same")
    for name in (*headers, "Worsened", "Monitored only", "No. indicators"):
        table.add_column(name, justify="left" if name == "Committee" else "right", no_wrap=True)
    for row in summary:
        counts = (
            row.green,
            row.green_amber,
            row.red_amber,
            row.red,
            row.improved_same,
            row.worsened,
        )
        table.add_row(
            row.committee,
            *(f"{c.percent}% ({c.count})" for c in counts),
            str(row.monitor),
            str(row.indicators),
        )
    return table
