"""Columnar rating: the same rows as the scalar engine, without models.

:mod:`barnet_rag.engine.rating` is the specification. For a national project (100,000
indicators) building pydantic models for every plan, result and rating costs minutes, and
for a small one importing pydantic costs more than the rating, so this path reads the
plans from :mod:`barnet_rag.project.plancache`, the results files as plain columns
(:mod:`barnet_rag.project.fastquarters`), calls the engine's own pure functions
(:func:`~barnet_rag.engine.rating.direction`, :func:`~barnet_rag.engine.rating.rag_for`)
and :func:`~barnet_rag.engine.spc.read_scaled` per indicator. For
``rate --format csv`` on a large project the indicators are split into contiguous parts
rated and encoded in forked processes (:mod:`barnet_rag.outputs.parallel`).
It produces ``rate``'s table (any project), and the rows of ``rate --format csv`` and
``export`` (large projects), only when every input is clean; on anything unusual (a
problem in any file, an unknown plan) it declines, and the caller runs the scalar engine,
which reports the problem as always. Hypothesis tests prove the rows, the table and its
summary equal the scalar engine's.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from barnet_rag.engine.rating import SPARKLINE_QUARTERS, direction, rag_for, sample_interval
from barnet_rag.engine.spc import DEFAULT_RULES, Rules, read_scaled, recent_quarters, scaled
from barnet_rag.engine.summary import Tally, summary_rows, tally
from barnet_rag.outputs.display import TableRow
from barnet_rag.outputs.parallel import map_parts, worker_count
from barnet_rag.outputs.tabular import collector_paused, write_csv_columns
from barnet_rag.periods import Period
from barnet_rag.project.fastquarters import Declined, Quarter, Quarters
from barnet_rag.project.plancache import PlainScheme, PlanTable, load_table, plan_files
from barnet_rag.project.projectfiles import ResultFiles
from barnet_rag.terms import Dot

#: Projects whose plan files are smaller than this are rated by the scalar engine alone.
MIN_PLAN_BYTES = 1_000_000


def _interval(survey: str | None, ci: float | None, n: int | None, value: float | None) -> float:
    """The survey interval, as :func:`~barnet_rag.engine.rating.interval_for` computes it."""
    if survey is None or value is None:
        return 0.0
    if ci is not None:
        return ci
    assert n is not None
    return sample_interval(value, n)


#: The fields a row holds; the path declines if the public fields differ.
FIELDS = [
    "plan", "ref", "title", "type", "polarity", "unit", "value", "label", "target",
    "annual_target", "tolerance", "rag", "published_rag", "previous_value", "dot_short",
    "last_year_value", "last_year_label", "dot_long", "previous_label", "counted_value",
    "shortfall", "survey", "frequency", "benchmark", "note", "comment",
    "last_reported_value", "last_reported_label", "last_reported_period", "comparable",
    "variation", "assurance", "spc_centre", "spc_lower", "spc_upper",
]  # fmt: skip

#: Where the ref and the RAG are among the fields.
RAG_COLUMNS = (FIELDS.index("ref"), FIELDS.index("rag"))
_EMPTY = Quarter([], {}, [], ([], [], []), set(), [], [])
LastReported = tuple[Period, float, str | None]
#: A run of one plan's indicators: the plan's slug and their rows in the plan table.
Segment = tuple[str, range]
#: Each table row's values in millionths per quarter, and each ref's latest break.
History = tuple[list[tuple[int | None, ...]], dict[str, int]]
#: The SPC columns of a row: variation, assurance, centre, display limits.
Summary = tuple[str, str | None, float | None, float | None, float | None]


class FastProject:
    """A project opened for columnar rating: its indicator table, schemes and files."""

    def __init__(self, table: PlanTable, store: ResultFiles):
        self.table = table
        self.schemes = table.schemes
        self.store = store
        self.quarters = Quarters(store, table)
        self.ranges: dict[str, range] = {}
        self._decoded: dict[Period, tuple[list[float | None], list[str | None]]] = {}
        self._histories: dict[Period, History] = {}
        for index, plan in enumerate(table.columns["plan"]):
            start = self.ranges[plan].start if plan in self.ranges else index
            self.ranges[plan] = range(start, index + 1)

    def _last_reported(self, period: Period, refs: list[str]) -> dict[str, LastReported]:
        """The latest earlier result with a value for each of ``refs``, reading earlier
        files newest first only while some ref still has none."""
        found: dict[str, LastReported] = {}
        wanted = set(refs)
        for before in sorted((p for p in self.store.files if p < period), reverse=True):
            if not wanted:
                break
            quarter = self.quarters.get(before)
            assert quarter is not None
            for ref in list(wanted):
                j = quarter.index.get(ref)
                value = None if j is None else quarter.values[j]
                if j is not None and value is not None:
                    found[ref] = (before, value, quarter.labels[j])
                    wanted.discard(ref)
        return found

    def _targets(self, period: Period) -> tuple[list[float | None], list[str | None]]:
        """:meth:`PlanTable.targets`, decoded once per period."""
        if period not in self._decoded:
            self._decoded[period] = self.table.targets(period)
        return self._decoded[period]

    def _history(self, period: Period) -> History:
        """:meth:`_read_history`, read once per period."""
        if period not in self._histories:
            self._histories[period] = self._read_history(period)
        return self._histories[period]

    def _read_history(self, period: Period) -> History:
        """Every indicator's values in millionths (None where not reported) in each quarter
        with results up to ``period``, oldest first, one tuple per row of the table; and the
        position in those quarters of each ref's latest ``comparable: no`` result."""
        refs = self.table.columns["ref"]
        columns = []
        breaks: dict[str, int] = {}
        history = [p for p in sorted(self.store.files) if p <= period]
        for position, when in enumerate(history):
            quarter = self.quarters.get(when)
            assert quarter is not None
            columns.append(quarter.aligned(refs))
            for ref in quarter.breaks:
                breaks[ref] = position
        return list(zip(*columns, strict=True)), breaks

    def parts(self, period: Period, plans: Sequence[str], count: int) -> list[list[Segment]]:
        """The indicators of ``plans`` (all plans when empty) in ``count`` contiguous parts of
        about equal size, as (plan, table rows); :class:`Declined` when the scalar engine
        should run instead. The quarters are read here, once, before any part is rated."""
        slugs = list(dict.fromkeys(plans)) or list(self.ranges)
        if any(s not in self.ranges for s in slugs) or period not in self.store.files:
            raise Declined
        for when in (period, period.previous(), period.last_year()):
            self.quarters.get(when)
        self._history(period)
        self._targets(period)
        total = sum(len(self.ranges[slug]) for slug in slugs)
        parts: list[list[Segment]] = []
        for k in range(count):
            low, high, offset = total * k // count, total * (k + 1) // count, 0
            part = []
            for slug in slugs:
                indices = self.ranges[slug]
                chosen = indices[max(low - offset, 0) : max(high - offset, 0)]
                offset += len(indices)
                if chosen:
                    part.append((slug, chosen))
            parts.append(part)
        return parts

    def rows(self, period: Period, plans: Sequence[str] = ()) -> list[dict[str, Any]]:
        """Every active indicator's row for ``period``, field for field the scalar engine's
        JSON-mode dump and in its order; :class:`Declined` when it should run instead."""
        [part] = self.parts(period, plans, 1)
        return self.part_rows(period, part)

    def _readings(
        self,
        active: list[int],
        history: list[tuple[int | None, ...]],
        baselines: dict[str, int],
        targets: list[float | None],
        rules: Rules,
    ) -> list[Summary]:
        """The SPC columns of each of ``active`` (table rows), by the engine's own
        :func:`~barnet_rag.engine.spc.read_scaled`: each series is the comparable values
        from the latest break on (spc.series_for)."""
        refs, polarities, units = (self.table.columns[k] for k in ("ref", "polarity", "unit"))
        read: list[Summary] = []
        for i in active:
            line = history[i]
            if refs[i] in baselines:
                line = line[baselines[refs[i]] :]
            values = [v for v in line if v is not None]
            target = targets[i]
            wanted = None if target is None or len(values) < rules.min_points else scaled(target)
            reading = read_scaled(values, polarities[i], wanted, units[i], rules)
            read.append(
                (
                    reading.variation,
                    reading.assurance,
                    reading.centre,
                    reading.display_lower,
                    reading.display_upper,
                )
            )
        return read

    def table_rows(self, period: Period, plans: Sequence[str] = ()) -> list[TableRow]:
        """What the terminal table shows of every active indicator, in order: the fields of
        :meth:`rows`, the decimals the value was written with and the recent values of
        :func:`~barnet_rag.engine.spc.recent_values`; :class:`Declined` as for :meth:`rows`."""
        [part] = self.parts(period, plans, 1)
        field = dict(zip(FIELDS, self.part_columns(period, part), strict=True))
        now = self.quarters.get(period) or _EMPTY
        span = recent_quarters(period, SPARKLINE_QUARTERS)
        recent = [self.quarters.get(when) or _EMPTY for when in span]

        def decimals(ref: str) -> int:
            j = now.index.get(ref)
            return 0 if j is None else now.decimals[j]

        def values(ref: str) -> list[float | None]:
            return [None if (j := q.index.get(ref)) is None else q.values[j] for q in recent]

        refs = field["ref"]
        columns = [
            list(map(decimals, refs)) if name == "decimals"
            else list(map(values, refs)) if name == "recent"
            else field[name]
            for name in TableRow._fields
        ]  # fmt: skip
        return [TableRow(*cells) for cells in zip(*columns, strict=True)]

    def part_rows(self, period: Period, part: list[Segment]) -> list[dict[str, Any]]:
        """The rows of one part from :meth:`parts`, in order."""
        columns = self.part_columns(period, part)
        return [dict(zip(FIELDS, cells, strict=True)) for cells in zip(*columns, strict=True)]

    def part_columns(self, period: Period, part: list[Segment]) -> list[list[Any]]:
        """The rows of one part from :meth:`parts` as columns, one per field of
        :data:`FIELDS`: each built in one sweep, the rules called per indicator."""
        c = self.table.columns
        targets, annuals = self._targets(period)
        get = self.quarters.get
        now = get(period) or _EMPTY
        before = get(period.previous()) or _EMPTY
        year_ago = get(period.last_year()) or _EMPTY
        short_breaks = self.quarters.breaks(period.previous(), period)
        long_breaks = self.quarters.breaks(period.last_year(), period)
        history, baselines = self._history(period)
        sinces, year = c["since"], period.year
        # The plans' active indicators (table rows, in order), and their SPC columns read
        # together per rule set.
        at: list[int] = []
        plan: list[str] = []
        schemes: list[PlainScheme] = []
        by_rules: dict[Rules, list[int]] = {}
        for slug, indices in part:
            scheme = self.schemes[c["scheme"][indices.start]]
            active = [i for i in indices if sinces[i] is None or sinces[i] <= year]
            at += active
            plan += [slug] * len(active)
            schemes += [scheme] * len(active)
            by_rules.setdefault(scheme.spc or DEFAULT_RULES, []).extend(active)
        readings: dict[int, Summary] = {}
        for rules, read_at in by_rules.items():
            read = self._readings(read_at, history, baselines, targets, rules)
            readings.update(zip(read_at, read, strict=True))

        def pick(column: list[Any]) -> list[Any]:
            return [column[i] for i in at]

        ref, polarity, survey = pick(c["ref"]), pick(c["polarity"]), pick(c["survey"])
        now_at = list(map(now.index.get, ref))
        before_at = list(map(before.index.get, ref))
        ago_at = list(map(year_ago.index.get, ref))

        def lookup(positions: list[int | None], column: list[Any]) -> list[Any]:
            return [None if j is None else column[j] for j in positions]

        value = lookup(now_at, now.values)
        previous_value = lookup(before_at, before.values)
        last_year_value = lookup(ago_at, year_ago.values)
        intervals, sizes, dot_tolerances = (
            c["confidence_interval"],
            c["sample_size"],
            c["dot_tolerance"],
        )
        tolerance = [
            dot_tolerances[i] if s is None else _interval(s, intervals[i], sizes[i], v)
            for i, s, v in zip(at, survey, value, strict=True)
        ]
        interval = [0.0 if s is None else t for s, t in zip(survey, tolerance, strict=True)]
        dot_short: list[Dot] = [
            direction(v, p, t, pol, broken=r in short_breaks, missing="not reported")
            for v, p, t, pol, r in zip(value, previous_value, tolerance, polarity, ref, strict=True)
        ]
        dot_long: list[Dot] = [
            direction(
                v,
                a,
                t,
                pol,
                broken=r in long_breaks,
                missing="new" if sinces[i] == year else "no comparison",
            )
            for v, a, t, pol, r, i in zip(
                value, last_year_value, tolerance, polarity, ref, at, strict=True
            )
        ]
        target = pick(targets)
        rated = [
            rag_for(v, t, iv, pol, dl, sch)
            for v, t, iv, pol, dl, sch in zip(
                value, target, interval, polarity, dot_long, schemes, strict=True
            )
        ]
        breaks = now.breaks
        comparable = [
            True if j is None else r not in breaks for j, r in zip(now_at, ref, strict=True)
        ]
        spc: list[list[Any]] = [
            list(column) for column in zip(*[readings[i] for i in at], strict=True)
        ] or [[], [], [], [], []]
        blank = [None] * len(at)
        last_reported: list[list[Any]] = [list(blank), list(blank), list(blank)]
        lacking = {
            r: n for n, (r, d) in enumerate(zip(ref, dot_long, strict=True)) if d == "no comparison"
        }
        for r, (when, found, label) in self._last_reported(period, list(lacking)).items():
            n = lacking[r]
            last_reported[0][n], last_reported[1][n], last_reported[2][n] = found, label, str(when)
        return [
            plan,
            ref,
            pick(c["title"]),
            pick(c["type"]),
            polarity,
            pick(c["unit"]),
            value,
            lookup(now_at, now.labels),
            target,
            pick(annuals),
            tolerance,
            [x[0] for x in rated],
            lookup(now_at, now.rags),
            previous_value,
            dot_short,
            last_year_value,
            lookup(ago_at, year_ago.labels),
            dot_long,
            lookup(before_at, before.labels),
            [x[1] for x in rated],
            [x[2] for x in rated],
            survey,
            pick(c["frequency"]),
            pick(c["benchmark"]),
            lookup(now_at, now.notes),
            lookup(now_at, now.comments),
            *last_reported,
            comparable,
            *spc,
        ]


def is_large(root: Path, min_plan_bytes: int | None = None) -> bool:
    """Plan files of at least ``min_plan_bytes`` (default :data:`MIN_PLAN_BYTES`): a
    project the columnar path is for, and whose rating takes a second or more."""
    least = MIN_PLAN_BYTES if min_plan_bytes is None else min_plan_bytes
    return least <= 0 or sum(f.stat().st_size for f in plan_files(root)) >= least


def open_fast(root: Path, min_plan_bytes: int | None = None) -> FastProject | None:
    """The project opened for columnar rating, or ``None`` when the scalar engine should
    run: a project smaller than ``min_plan_bytes``, or any problem in plans, schemes or
    the results directory's layout."""
    if not is_large(root, min_plan_bytes):
        return None
    table = load_table(root)
    if table is None:
        return None
    store = ResultFiles(root)
    if store.problems or not set(table.columns["scheme"]) <= table.schemes.keys():
        return None
    return FastProject(table, store)


def fast_table(
    root: Path, period: Period, plans: Sequence[str] = (), min_plan_bytes: int | None = 0
) -> tuple[list[TableRow], list[Tally]] | None:
    """The terminal table's rows and its summary (Table 1) from the columnar path, for a
    project of any size: no model is imported when the plan cache has the plans. ``None``
    to use the scalar engine."""
    try:
        with collector_paused():
            project = open_fast(root, min_plan_bytes)
            if project is None:
                return None
            rows = project.table_rows(period, plans)
    except Declined:
        return None
    by_plan: dict[str, list[TableRow]] = {}
    for row in rows:
        by_plan.setdefault(row.plan, []).append(row)
    committees = dict(project.table.plans)
    slugs = list(dict.fromkeys(plans)) or list(committees)
    groups = [(slug, committees[slug], by_plan.get(slug, [])) for slug in slugs]
    return rows, summary_rows(groups, tally)


def fast_rows(
    root: Path, periods: Sequence[Period], plans: Sequence[str] = (), min_plan_bytes: int | None = 0
) -> list[list[dict[str, Any]]] | None:
    """Rows per period from the columnar path, or ``None`` to use the scalar engine; the
    garbage collector paused meanwhile (:func:`~barnet_rag.outputs.tabular.collector_paused`)."""
    try:
        with collector_paused():
            project = open_fast(root, min_plan_bytes)
            return None if project is None else [project.rows(p, plans) for p in periods]
    except Declined:
        return None


def fast_csv(
    root: Path,
    period: Period,
    plans: Sequence[str],
    keep: Callable[[str], bool],
    min_plan_bytes: int | None = None,
) -> tuple[list[str], list[tuple[str, str]]] | None:
    """``rate --format csv`` from the columnar path: the CSV text (no header) of the rows
    whose RAG ``keep`` accepts, in parts, and each such row's (ref, rag); ``None`` to use the scalar
    engine. The parts are rated and encoded side by side (:func:`~barnet_rag.outputs.parallel.
    map_parts`), one process per processor, the garbage collector paused."""
    try:
        with collector_paused():
            project = open_fast(root, min_plan_bytes)
            if project is None:
                return None
            parts = project.parts(period, plans, worker_count())

            def encode(k: int) -> tuple[str, list[tuple[str, str]]]:
                columns = project.part_columns(period, parts[k])
                refs, rags = columns[RAG_COLUMNS[0]], columns[RAG_COLUMNS[1]]
                kept = [n for n, rag in enumerate(rags) if keep(rag)]
                if len(kept) < len(rags):
                    columns = [[column[n] for n in kept] for column in columns]
                    refs, rags = columns[RAG_COLUMNS[0]], columns[RAG_COLUMNS[1]]
                stream = io.StringIO()
                write_csv_columns(columns, stream)
                return stream.getvalue(), list(zip(refs, rags, strict=True))

            encoded = map_parts(encode, len(parts))
    except Declined:
        return None
    return [text for text, _ in encoded], [pair for _, pairs in encoded for pair in pairs]


def rated_rows(
    root: Path,
    periods: Sequence[Period],
    plans: Sequence[str],
    scalar: Callable[[Period], list[dict[str, Any]]],
    min_plan_bytes: int | None = None,
) -> list[list[dict[str, Any]]]:
    """Rows per period: columnar for large clean projects, else ``scalar(period)``."""
    fast = fast_rows(root, periods, plans, min_plan_bytes)
    return fast if fast is not None else [scalar(period) for period in periods]
