"""``barnet-rag rate PERIOD``: the ratings of one quarter in the terminal, as JSON or CSV."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from barnet_rag.cli.common import PERIOD, format_option, plan_option, root_option
from barnet_rag.errors import ThresholdReached, UsageError
from barnet_rag.periods import Period

if TYPE_CHECKING:  # the models import pydantic: load them only when a command needs them
    from barnet_rag.cli.tablefit import Kind
    from barnet_rag.engine.inputs import LevelRule
    from barnet_rag.engine.rated import RatedIndicator, RatedPeriod
    from barnet_rag.engine.rating import Counted
    from barnet_rag.engine.summary import Group, Tally
    from barnet_rag.outputs.display import TableRow
    from barnet_rag.project.loading import Project

#: Table width when output is piped (no terminal to measure); COLUMNS overrides it.
PIPED_WIDTH = 150

#: Barnet's levels, Monitor and Not reported in the terminal colours they have always had.
RAG_STYLES = {
    "G": "bold white on dark_green",
    "GA": "bold black on yellow3",
    "RA": "bold black on dark_orange",
    "R": "bold white on red3",
    "Monitor": "cyan",
    "Not reported": "dim",
}


def rag_style(rag: str, levels: Sequence[LevelRule]) -> str:
    """The terminal style of a rating: Barnet's own for its levels, else the scheme's colours."""
    from barnet_rag.outputs.display import is_barnet_level, level_for

    level = level_for(rag, levels)
    if level is None or is_barnet_level(level):
        return RAG_STYLES.get(rag, "")
    return f"bold {level.text_colour} on {level.colour}"


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
    metavar="CODE",
    help="Exit 1 when any indicator is rated this level or worse in its plan's scheme "
    "(for CI), e.g. R; GA, RA, R with Barnet's levels.",
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
    if output_format == "table":
        rate_table(period, root, plans, exceptions, fail_on)
        return
    from barnet_rag.project.outputcache import kept_output

    options = [str(period), str(root), *plans, output_format, str(exceptions), str(fail_on)]
    with kept_output(["rate", *options]) as served:
        if not served:
            write = rate_csv if output_format == "csv" else rate_json
            write(period, root, plans, exceptions, fail_on)


def rate_json(
    period: Period, root: Path, plans: tuple[str, ...], exceptions: bool, fail_on: str | None
) -> None:
    """The ratings and actions as one JSON document; a large project's parts are rated at
    once (:func:`rate_json_in_parts`)."""
    if plans or not rate_json_in_parts(period, root, exceptions, fail_on):
        from barnet_rag.api import rate_project
        from barnet_rag.outputs.jsontext import json_texts
        from barnet_rag.project.actions import action_records, load_all_actions
        from barnet_rag.project.loading import load_project

        project = load_project(root)
        rated = rate_project(root, period, plans, project=project, detail=False)
        validate_fail_on([i.levels for i in rated.indicators], fail_on)
        if exceptions:
            kept = [i for i in rated.indicators if i.is_exception]
            rated = rated.model_copy(update={"indicators": kept})
        payload = rated.model_outline("indicators")
        payload["actions"] = action_records(load_all_actions(root, project.select(plans)))
        for text in json_texts(payload):
            click.echo(text, nl=False)
        click.echo()
        check_fail_on([(i.ref, i.rag, i.levels) for i in rated.indicators], fail_on)


def rate_json_in_parts(period: Period, root: Path, exceptions: bool, fail_on: str | None) -> bool:
    """``rate --format json`` of a large project rated in parts: each part's indicators as
    JSON text, Table 1 made from every part's counts by the same ``summary_rows``, and the
    actions. False when the project is not rated in parts (then it is rated in one)."""
    from functools import partial

    from barnet_rag.api import rate_in_parts
    from barnet_rag.engine.rated import RatedPeriod
    from barnet_rag.engine.summary import summary_rows, tally
    from barnet_rag.outputs.jsontext import ItemTexts, json_texts

    parts = rate_in_parts(root, period, partial(JsonPart.of, exceptions, fail_on is not None))
    if parts is None:
        return False
    validate_fail_on([levels for part in parts for levels in part.fail_on.level_sets], fail_on)
    summary = summary_rows([group for part in parts for group in part.groups], tally)
    payload = RatedPeriod(period=str(period), indicators=[], summary=summary).model_outline(
        "indicators"
    )
    payload["indicators"] = ItemTexts([part.items for part in parts])
    payload["actions"] = [record for part in parts for record in part.actions]
    for text in json_texts(payload):
        click.echo(text, nl=False)
    click.echo()
    check_fail_on([rating for part in parts for rating in part.fail_on.ratings], fail_on)
    return True


def validate_fail_on(level_sets: Sequence[Sequence[LevelRule]], fail_on: str | None) -> None:
    """A usage error (before any output) when no rated plan's scheme has the level
    ``fail_on``; the message lists the codes there are."""
    if fail_on is None:
        return
    codes: list[str] = []
    for levels in level_sets:
        codes += [level.code for level in levels if level.code not in codes]
    if fail_on not in codes:
        raise UsageError(
            f"--fail-on {fail_on!r} is not a level of the rated plans' schemes; "
            f"use one of: {', '.join(codes) or 'none (nothing is rated)'}"
        )


def check_fail_on(
    ratings: Sequence[tuple[str, str, Sequence[LevelRule]]], fail_on: str | None
) -> None:
    """Exit 1 (after the output) when any (ref, rag, its scheme's levels) is rated
    ``fail_on`` or worse in its scheme's order; schemes without that level never fail."""
    if fail_on is None:
        return
    hits = []
    for ref, rag, levels in ratings:
        codes = [level.code for level in levels]
        if fail_on in codes and rag in codes[codes.index(fail_on) :]:
            hits.append(ref)
    if hits:
        raise ThresholdReached(f"{len(hits)} rated {fail_on} or worse: {', '.join(hits)}")


def rate_table(
    period: Period, root: Path, plans: tuple[str, ...], exceptions: bool, fail_on: str | None
) -> None:
    """The terminal tables; the summary counts every indicator, also with ``--exceptions``."""
    from barnet_rag.api import rate_project
    from barnet_rag.cli.progress import busy
    from barnet_rag.outputs.display import TableRow
    from barnet_rag.project.projectfiles import is_large

    with busy(f"Rating {period}...", slow=is_large(root)):
        rated = rate_project(root, period, plans)
    rows = [TableRow.of(i) for i in rated.indicators]
    validate_fail_on([r.levels for r in rows], fail_on)
    if exceptions:
        rows = [r for r in rows if r.is_exception]
    print_tables(str(period), rows, rated.summary)
    check_fail_on([(r.ref, r.rag, r.levels) for r in rows], fail_on)


def rate_csv(
    period: Period, root: Path, plans: tuple[str, ...], exceptions: bool, fail_on: str | None
) -> None:
    """One CSV row per indicator, with the public field names as columns; a large
    project's parts are rated at once (:func:`barnet_rag.api.rate_in_parts`), each
    writing its own rows."""

    from barnet_rag.api import rate_in_parts, rate_project
    from barnet_rag.cli.progress import busy
    from barnet_rag.outputs.tabular import write_indicators_csv
    from barnet_rag.project.projectfiles import is_large

    with busy(f"Rating {period}...", slow=is_large(root)):
        parts = (
            None
            if plans
            else rate_in_parts(
                root, period, lambda rated, _: CsvPart.of(exceptions, fail_on is not None, rated)
            )
        )
        indicators = (
            [] if parts is not None else rate_project(root, period, plans, detail=False).indicators
        )
    if parts is not None:
        validate_fail_on([sets for part in parts for sets in part.fail_on.level_sets], fail_on)
        write_indicators_csv([], sys.stdout)
        for part in parts:
            sys.stdout.write(part.text)
        check_fail_on([rating for part in parts for rating in part.fail_on.ratings], fail_on)
        return
    validate_fail_on([i.levels for i in indicators], fail_on)
    if exceptions:
        indicators = [i for i in indicators if i.is_exception]
    write_indicators_csv(indicators, sys.stdout)
    check_fail_on([(i.ref, i.rag, i.levels) for i in indicators], fail_on)


@dataclass(frozen=True)
class FailOnData:
    """What ``--fail-on`` is checked against, for one part of a project: the level sets of
    its rated indicators' schemes and each kept indicator's (ref, rating, levels)."""

    level_sets: list[Sequence[LevelRule]]
    ratings: list[tuple[str, str, Sequence[LevelRule]]]

    @classmethod
    def of(
        cls, rated: Sequence[RatedIndicator], kept: Sequence[RatedIndicator], wanted: bool
    ) -> FailOnData:
        """What ``--fail-on`` needs of the part; nothing when it is not ``wanted`` (no
        ``--fail-on``), so that a part does not send a tuple for each indicator for nothing."""
        if not wanted:
            return cls([], [])
        level_sets = list({id(i.levels): i.levels for i in rated}.values())
        return cls(level_sets, [(i.ref, i.rag, i.levels) for i in kept])


def _kept(indicators: Sequence[RatedIndicator], exceptions: bool) -> Sequence[RatedIndicator]:
    """The indicators shown: all, or only the exceptions with ``--exceptions``."""
    return [i for i in indicators if i.is_exception] if exceptions else indicators


@dataclass(frozen=True)
class CsvPart:
    """What one part of a project gives ``rate --format csv``: its rows as CSV text, and
    what ``--fail-on`` is checked against."""

    text: str
    fail_on: FailOnData

    @classmethod
    def of(cls, exceptions: bool, fail_on: bool, rated: RatedPeriod) -> CsvPart:
        """The part's rows (only exceptions with ``exceptions``), and what ``--fail-on``
        needs when it is given (``fail_on``)."""
        import io

        from barnet_rag.outputs.tabular import write_indicators_csv

        kept = _kept(rated.indicators, exceptions)
        text = io.StringIO()
        write_indicators_csv(kept, text, header=False)
        return cls(text.getvalue(), FailOnData.of(rated.indicators, kept, fail_on))


@dataclass(frozen=True)
class JsonPart:
    """What one part of a project gives ``rate --format json``: its indicators' JSON text,
    its plans' Table 1 groups of counts, its actions, and what ``--fail-on`` is checked
    against."""

    items: list[str]
    groups: list[Group[Counted]]
    actions: list[dict[str, Any]]
    fail_on: FailOnData

    @classmethod
    def of(cls, exceptions: bool, fail_on: bool, rated: RatedPeriod, project: Project) -> JsonPart:
        """The part's JSON items (only exceptions with ``exceptions``), its counts, and
        what ``--fail-on`` needs when it is given (``fail_on``)."""
        from barnet_rag.engine.rating import counted_groups
        from barnet_rag.outputs.jsontext import item_texts
        from barnet_rag.project.actions import action_records, load_all_actions

        groups = counted_groups(project.plans, rated.indicators, project.schemes)
        kept = _kept(rated.indicators, exceptions)
        actions = action_records(load_all_actions(project.root, project.plans))
        return cls(
            item_texts(kept, 1), groups, actions, FailOnData.of(rated.indicators, kept, fail_on)
        )


def print_tables(period: str, indicators: Sequence[TableRow], summary: Sequence[Tally]) -> None:
    """A rich table per plan with indicators to show, then the summary table; each fits the
    terminal with every number, rating and arrow whole (see :mod:`barnet_rag.cli.tablefit`)."""
    from barnet_rag.cli.terminal import console as literal_console

    console = literal_console(piped_width=PIPED_WIDTH)
    by_plan: dict[str, list[TableRow]] = {}
    for indicator in indicators:
        by_plan.setdefault(indicator.plan, []).append(indicator)
    for row in summary:
        shown = by_plan.get(row.plan)
        if row.plan != "total" and shown:
            console.print(_plan_table(f"{row.committee} - {period}", shown, console.width))
    for table in _summary_tables(period, summary, console.width):
        console.print(table)


def _plan_table(title: str, indicators: list[TableRow], width: int) -> object:
    """All ten columns when they fit; else without Variation, Trend and Polarity in turn;
    else with the ref above the title and both DOTs in one column; else each rating as
    labelled lines beside its indicator."""
    from rich.text import Text

    from barnet_rag.cli.tablefit import Column, first_fit
    from barnet_rag.outputs.display import (
        dot_words,
        format_target,
        rag_words,
        result_text,
        spc_words,
    )
    from barnet_rag.outputs.sparklines import unicode_sparkline

    def column(header: str, kind: Kind, cells: list[str | Text], roomy: bool = False) -> Column:
        return Column(header, kind, cells=cells, roomy=roomy)

    ref = column("Ref", "whole", [i.ref for i in indicators])
    name = column("Indicator", "text", [i.title for i in indicators], roomy=True)
    polarity = column("Polarity", "words", [i.polarity for i in indicators])
    target = column("Target", "words", [format_target(i.target, i.unit) for i in indicators])
    result = column("Result", "text", [result_text(i) for i in indicators])
    rag = column(
        "RAG",
        "words",
        [Text(rag_words(i.rag, i.levels), style=rag_style(i.rag, i.levels)) for i in indicators],
    )
    short = column("DOT short", "words", [dot_words(i.dot_short) for i in indicators])
    long = column("DOT long", "words", [dot_words(i.dot_long) for i in indicators])
    trend = column("Trend", "whole", [unicode_sparkline(i.recent) for i in indicators])
    spc = column(
        "Variation (SPC)",
        "text",
        [spc_words(i.variation, i.assurance) for i in indicators],
        roomy=True,
    )
    stacked = [
        column("Indicator", "text", [f"{i.ref}\n{i.title}" for i in indicators], roomy=True),
        target,
        result,
        rag,
        column(
            "DOT short, long",
            "words",
            [f"{dot_words(i.dot_short)}\n{dot_words(i.dot_long)}" for i in indicators],
        ),
    ]
    card = column(
        "Rating",
        "words",
        [
            Text.assemble(
                f"Target: {format_target(i.target, i.unit)}\nResult: {result_text(i)}\nRAG: ",
                (rag_words(i.rag, i.levels), rag_style(i.rag, i.levels)),
                f"\nDOT short: {dot_words(i.dot_short)}\nDOT long: {dot_words(i.dot_long)}",
            )
            for i in indicators
        ],
    )
    layouts = [
        [ref, name, polarity, target, result, rag, short, long, trend, spc],
        [ref, name, polarity, target, result, rag, short, long, trend],
        [ref, name, polarity, target, result, rag, short, long],
        [ref, name, target, result, rag, short, long],
        stacked,
        [stacked[0], card],
    ]
    return first_fit(title, layouts, width)


def _summary_tables(period: str, summary: Sequence[Tally], width: int) -> list[object]:
    """Table 1 as the committee sees it when it fits; else turned so that committees are
    columns; else one small table per committee."""
    from barnet_rag.cli.tablefit import Column, first_fit, fit
    from barnet_rag.outputs.display import summary_levels

    title = f"Summary - {period}"
    labels = summary_levels(summary)
    headers = (*labels, "Improved/Same", "Worsened", "Monitored only", "No. indicators")

    def cells(row: Tally) -> list[str]:
        own = {s.label: s for s in row.levels}
        shares = [f"{own[x].percent}% ({own[x].count})" if x in own else "–" for x in labels]
        return [
            *shares,
            *(f"{c.percent}% ({c.count})" for c in (row.improved_same, row.worsened)),
            str(row.monitor),
            str(row.indicators),
        ]

    values = [cells(row) for row in summary]
    # The committee's name is served first; headers wrap ("Monitored / only") before it does.
    wide = [Column("Committee", "text", cells=[row.committee for row in summary])]
    for index, header in enumerate(headers):
        wide.append(Column(header, "whole", "right", [v[index] for v in values], roomy=True))
    measure = Column("Measure", "words", cells=list(headers))
    turned = [measure] + [
        Column(row.committee, "whole", "right", list(v))
        for row, v in zip(summary, values, strict=True)
    ]
    table = fit(title, wide, width) or fit(title, turned, width)
    if table is not None:
        return [table]
    return [
        first_fit(
            "" if index else title,
            [[measure, Column(row.committee, "whole", "right", list(v))]],
            width,
        )
        for index, (row, v) in enumerate(zip(summary, values, strict=True))
    ]
