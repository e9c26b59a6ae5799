"""``check``: validate a whole project and collect every problem into one report.

The loaders already find schema, layout and CSV problems with their locations; this module
gathers them, adds what needs the whole project (coverage, ``since``, published ratings
that differ from the engine's) and never stops at the first problem. Only a directory that
is not a project at all raises (:class:`~barnet_rag.errors.UserError`, exit 2).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from barnet_rag.check.locating import locate_targets
from barnet_rag.check.slips import (
    HIDDEN,
    QuarterRows,
    ResultSlips,
    hidden_characters,
    target_fractions,
)
from barnet_rag.engine.rating import choose_target, format_number, is_active, rate_period
from barnet_rag.errors import InputError, Problem
from barnet_rag.outputs.explaining import reason
from barnet_rag.periods import Period, financial_year_label
from barnet_rag.project.collection import ChaseList, LastReported, is_expected, needs_history
from barnet_rag.project.loading import (
    PartsDisagree,
    PlanPart,
    ResultsStore,
    level_codes,
    load_plans,
    load_schemes,
    locate,
    read_text,
    scheme_problems,
)
from barnet_rag.project.models import Indicator, Plan, QuarterResults, Scheme
from barnet_rag.project.narratives import narrative_problems
from barnet_rag.project.projectfiles import MAX_RESULTS_BYTES, read_bytes, relative
from barnet_rag.project.writing import BACKUP_SUFFIX
from barnet_rag.project.yamlfile import read_yaml


@dataclass(frozen=True)
class CheckReport:
    """Every problem found in a project, with the CSV headers that give column numbers."""

    root: str
    period: str | None
    strict: bool
    problems: list[Problem]
    headers: Mapping[str, Sequence[str]] = field(default_factory=dict)
    checked_files: int = 0

    @property
    def errors(self) -> list[Problem]:
        """Problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems of severity ``warning``."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def failed(self) -> bool:
        """True when CI should fail: any error, or any warning under ``--strict``."""
        return bool(self.errors) or (self.strict and bool(self.warnings))

    @property
    def exit_code(self) -> int:
        """0 clean, 1 when the check failed."""
        return 1 if self.failed else 0

    def column_number(self, problem: Problem) -> int | None:
        """The 1-based position of the problem's CSV column in its file's header, if known."""
        header = self.headers.get(problem.file or "")
        if problem.column is None or header is None or problem.column not in header:
            return None
        return list(header).index(problem.column) + 1

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data: what ``check --format json`` prints."""
        return {
            "root": self.root,
            "period": self.period,
            "strict": self.strict,
            "ok": not self.failed,
            "files": self.checked_files,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": [
                {
                    "code": p.code,
                    "severity": p.severity,
                    "file": p.file,
                    "line": p.line,
                    "column": p.column,
                    "col": self.column_number(p),
                    "path": p.path,
                    "message": p.message,
                    "hint": p.hint,
                }
                for p in self.problems
            ],
        }


@dataclass
class _Quarter:
    """One results file as read for checking: parsed rows, raw header and refs, problems."""

    shown: str
    results: QuarterResults | None = None
    header: list[str] | None = None
    #: Every ref written in the file (the parsed rows' refs when every row parsed).
    refs: AbstractSet[str] | None = None
    #: The ref on each line that has a problem.
    ref_at: dict[int, str] = field(default_factory=dict)
    #: The value cell on each line, as written (kept only while the file is checked).
    values: Mapping[int, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: Whether any row parsed, and whether one has a published_rag (kept once the rows go).
    parsed: bool = False
    published: bool = False

    def tainted(self) -> set[str] | None:
        """Refs on rows left out for errors; None when the whole file is in doubt."""
        refs: set[str] = set()
        for problem in self.problems:
            if problem.severity != "error":
                continue
            if problem.line is None or problem.line not in self.ref_at:
                return None
            refs.add(self.ref_at[problem.line])
        return refs


def check_project(root: Path, period: Period | None = None, strict: bool = False) -> CheckReport:
    """Check plans, schemes and results (all periods, or only ``period``'s results file)."""
    return project_report(root, period, strict, [check_part(root, period, strict)])


#: A checked plan as the checks that need every plan read it: its file as shown, its slug
#: and the risk register it names.
PlanNames = tuple[str, str, str | None]


@dataclass(frozen=True)
class PartChecked:
    """What checking a project's plans (or some of them: a part) and their results rows
    found, and what :func:`project_report` needs of them for the checks of every plan."""

    problems: list[Problem]
    plans: list[PlanNames]
    quarters: int
    headers: dict[str, list[str]]
    leftovers: list[Path]


def check_part(
    root: Path, period: Period | None, strict: bool, part: PlanPart | None = None
) -> PartChecked:
    """Check the plans (``part``'s files, or all) and schemes, and every results file's rows
    of the plans' refs: all but the checks of risk registers, narratives, actions and
    left-over files. A part with an error raises :class:`PartsDisagree`: the project is
    then checked in one process, where an error can bear on other plans' checks."""
    plans, problems = load_plans(root, None if part is None else part.files)
    schemes, scheme_found = load_schemes(root)
    problems += [_locate_band(p, root) for p in scheme_found]
    # A scheme whose own file has problems is reported there, not again for each plan.
    broken = {Path(p.file).stem for p in scheme_found if p.file}
    problems += locate(
        scheme_problems([x for x in plans if x[1].scheme not in broken], schemes), root
    )
    indicators: dict[str, Indicator] = {}
    for _, plan in plans:  # a ref defined twice is an error; its rows are read by the first
        for indicator in plan.indicators:
            indicators.setdefault(indicator.ref, indicator)
    sound = not _has_error(problems)  # a part's warnings are its own: it goes on
    foreign = frozenset() if part is None else part.others(plans, indicators, sound)
    store = ResultsStore(root, indicators, level_codes(plans, schemes), foreign)
    problems += store.problems
    unloaded = _unloaded_refs(root, {shown for shown, _ in plans}, problems)
    checks = _QuarterChecks(plans, indicators, strict)
    quarters: dict[Period, _Quarter] = {}
    for p in store:  # in time order: each quarter's checks read the ones before it
        quarters[p] = quarter = _read_quarter(store, p)
        checks.add(p, quarter, unloaded, period is None or p == period)
    selected = sorted(quarters) if period is None else [period]
    if period is not None and period not in quarters:
        problems.append(
            Problem(
                "no-results-file",
                f"no results file for {period}",
                f"results/{period.directory}/{period.quarter_label}.csv",
                hint=f"create it with: barnet-rag new-quarter {period.cli_form}",
            )
        )
    problems += checks.found
    problems += _published(plans, schemes, problems, quarters, selected, store)
    problems += locate_targets(target_fractions(plans), plans, root) + checks.slips
    if part is not None and _has_error(problems):
        raise PartsDisagree("a part has errors")
    return PartChecked(
        problems=problems,
        plans=[(shown, plan.plan, plan.risks) for shown, plan in plans],
        quarters=len(quarters),
        headers={q.shown: q.header for q in quarters.values() if q.header is not None},
        leftovers=store.leftovers,
    )


def project_report(
    root: Path, period: Period | None, strict: bool, parts: Sequence[PartChecked]
) -> CheckReport:
    """The report of every part's findings (in plan order) with the checks that need every
    plan: the risk registers they name, narratives, actions, and files left over."""
    plans = [plan for part in parts for plan in part.plans]
    problems = [problem for part in parts for problem in part.problems]
    problems += _risk_problems(root, plans)
    problems += _narratives(root, plans, problems, period)
    found_in_actions, action_files = _action_problems(root, plans)
    problems += found_in_actions + _backups(root) + _leftovers(parts[0].leftovers, root)
    return CheckReport(
        root=str(root),
        period=None if period is None else str(period),
        strict=strict,
        problems=_in_file_order(problems),
        headers=parts[0].headers,
        checked_files=len(plans) + parts[0].quarters + action_files,
    )


def _has_error(problems: Sequence[Problem]) -> bool:
    return any(problem.severity == "error" for problem in problems)


class _QuarterChecks:
    """The checks of each results file that read the quarters before it (coverage, since,
    slips), run as the files are read in time order: what they need of earlier quarters
    (when each ref was last reported, its previous result) is kept as it goes, not looked
    for again in every quarter."""

    def __init__(
        self, plans: Sequence[tuple[str, Plan]], indicators: Mapping[str, Indicator], strict: bool
    ) -> None:
        self.strict = strict
        self.entries = [indicator for _, plan in plans for indicator in plan.indicators]
        #: Each ref's first indicator, by position; the others of a ref defined twice.
        self.first: dict[str, int] = {}
        self.again: dict[str, list[int]] = {}
        for index, indicator in enumerate(self.entries):
            if self.first.setdefault(indicator.ref, index) != index:
                self.again.setdefault(indicator.ref, []).append(index)
        self.dated = [i for i, indicator in enumerate(self.entries) if indicator.since is not None]
        self.reported = LastReported(i.ref for i in self.entries if needs_history(i))
        self.slipping = ResultSlips(indicators)
        self.found: list[Problem] = []
        self.slips: list[Problem] = []

    def add(self, period: Period, quarter: _Quarter, unloaded: set[str], check: bool) -> None:
        """Check the quarter (when ``check``), then remember what later quarters read of it."""
        if check:
            self.found += _known_refs(quarter, unloaded) + self._coverage(period, quarter)
        if quarter.results is not None:
            rows = QuarterRows(quarter.shown, quarter.results, quarter.values)
            self.slips += self.slipping.add(period, rows, check)
            self.reported.add(quarter.results)
            quarter.parsed = True
            quarter.published = "published_rag" in (quarter.header or []) and any(
                r.published_rag for r in quarter.results.results.values()
            )
        # Its rows and cells were needed only for these checks: a rating of published_rag
        # reads the files again (only then), so no more than one quarter is held at a time.
        quarter.results, quarter.refs, quarter.values = None, None, {}

    def _coverage(self, period: Period, quarter: _Quarter) -> list[Problem]:
        """Rows missing for indicators with targets that are expected in the quarter (their
        ``reported_in``), and rows before an indicator's ``since``, in plan order."""
        problems: list[Problem] = []
        results = None if quarter.results is None else quarter.results.results
        early = [i for i in self.dated if not is_active(self.entries[i], period)]
        missing: list[int] = []
        if quarter.refs is not None:
            latest = self.reported.latest
            for ref in self.first.keys() - quarter.refs:
                entries = [self.first[ref], *self.again.get(ref, ())]
                last = latest.get(ref)
                if any(is_expected(self.entries[i], period, last) for i in entries):
                    missing += entries
        for index in sorted({*early, *missing}):
            indicator = self.entries[index]
            ref = indicator.ref
            if not is_active(indicator, period):
                result = None if results is None else results.get(ref)
                if result is not None:
                    problems.append(
                        Problem(
                            "before-since",
                            f"{ref} starts in {financial_year_label(indicator.since or 0)} "
                            f"(its since), so it has no result in {period}",
                            quarter.shown,
                            result.line,
                            column="ref",
                            hint="remove the row, or correct the indicator's since in its plan",
                        )
                    )
                continue
            target = choose_target(indicator, period)
            if target.source == "no targets":
                continue
            wanted = "monitor" if target.value is None else format_number(target.value)
            problems.append(
                Problem(
                    "missing-row",
                    f"no row for {ref} (target for {period}: {wanted})",
                    quarter.shown,
                    column="ref",
                    hint=f"add a row '{ref},' with a blank value if it was not reported",
                    severity="error" if self.strict else "warning",
                )
            )
        return problems


def _risk_problems(root: Path, plans: Sequence[PlanNames]) -> list[Problem]:
    """Problems in the risk registers the plans name (each register read once)."""
    from barnet_rag.project.risks import load_register

    problems: list[Problem] = []
    seen: set[str] = set()
    for shown, _, risks in plans:
        if risks is None or risks in seen:
            continue
        seen.add(risks)
        try:
            load_register(root, risks, shown)
        except InputError as error:
            problems += error.problems
    return problems


def _narratives(
    root: Path, plans: Sequence[PlanNames], found: Sequence[Problem], period: Period | None
) -> list[Problem]:
    """Problems in ``narrative/``; a file is not "named after no plan" while a plan file
    fails to load (that plan's own errors say what to fix)."""
    problems = narrative_problems(root, {slug for _, slug, _ in plans}, period)
    if any(p.file and p.file.startswith("plans/") and p.severity == "error" for p in found):
        problems = [p for p in problems if p.code != "narrative-unknown-plan"]
    return problems


def _action_problems(root: Path, plans: Sequence[PlanNames]) -> tuple[list[Problem], int]:
    """Problems in ``actions/`` and how many actions files there are."""
    from barnet_rag.project.actions import action_problems

    return action_problems(root, [slug for _, slug, _ in plans])


def _read_quarter(store: ResultsStore, period: Period) -> _Quarter:
    """Read and parse one results file, with the line-level checks of its text.

    A file whose rows all parsed (nearly all) is not read as CSV again: its refs are its
    rows', and a value cell is looked up only for a message. One with problems, or with a
    hidden character, is read again for the refs and cells its checks need.
    """
    path = store.files[period]
    quarter = _Quarter(shown=relative(path, store.root))
    try:
        data = read_bytes(path, quarter.shown, MAX_RESULTS_BYTES)
        quarter.results, quarter.problems = store.read(period, data)  # one read
    except InputError as error:
        quarter.problems = error.problems
        return quarter
    try:
        text = data.decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [h.strip() for h in next(reader, [])]
    except (UnicodeDecodeError, csv.Error):
        return quarter
    if quarter.problems or HIDDEN.search(text) is not None:
        return _read_rows(quarter, header, reader)
    quarter.header = header
    if "ref" in header:
        quarter.refs = quarter.results.results.keys()
    if "value" in header:
        quarter.values = _ValueCells(text, header.index("value"))
    return quarter


def _read_rows(quarter: _Quarter, header: list[str], reader: Any) -> _Quarter:
    """The rest of :func:`_read_quarter` for a file with problems or hidden characters:
    every row read as CSV for its refs, value cells and hidden characters."""
    try:
        after = reader.line_num
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error:
        return quarter
    quarter.header = header
    if "ref" in header:
        at = header.index("ref")
        ref_at = {line: row[at].strip() for line, row in rows if len(row) > at}
        quarter.refs = set(ref_at.values())
        lines = {p.line for p in quarter.problems}
        quarter.ref_at = {line: ref for line, ref in ref_at.items() if line in lines}
    if "value" in header:
        at = header.index("value")
        quarter.values = {line: row[at].strip() for line, row in rows if len(row) > at}
    starts = [after + 1, *(end + 1 for end, _ in rows)]  # a row starts after the one before
    spans = [(start, end, row) for start, (end, row) in zip(starts, rows, strict=False)]
    quarter.problems += hidden_characters(quarter.shown, header, spans)
    return quarter


class _ValueCells(Mapping[int, str]):
    """The value cell of each row of a file whose rows all parsed, by the row's last line,
    read from the text only when a message needs one."""

    def __init__(self, text: str, at: int) -> None:
        self.text = text
        self.at = at
        self._cells: dict[int, str] | None = None
        self._lines: list[str] | None = None

    def __getitem__(self, line: int) -> str:
        if self._lines is None and self._cells is None:
            if '"' in self.text or "\r" in self.text:  # a row may span lines: read them all
                reader = csv.reader(io.StringIO(self.text, newline=""))
                rows = [(reader.line_num, row) for row in reader]
                self._cells = {n: row[self.at].strip() for n, row in rows if len(row) > self.at}
            else:  # each line is one row
                self._lines = self.text.split("\n")
        if self._cells is not None:
            return self._cells[line]
        assert self._lines is not None
        if not 1 <= line <= len(self._lines):
            raise KeyError(line)
        row = next(csv.reader([self._lines[line - 1]]), [])
        if len(row) <= self.at:
            raise KeyError(line)
        return str(row[self.at]).strip()

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError("looked up by line only")

    def __len__(self) -> int:
        raise NotImplementedError("looked up by line only")


def _unloaded_refs(root: Path, loaded: set[str], problems: Sequence[Problem]) -> set[str]:
    """Refs written in plan files that failed to load, read from the raw YAML.

    Their rows are not "unknown refs": the plan's own errors say what to fix.
    """
    refs: set[str] = set()
    for name in sorted({p.file for p in problems if p.file and p.file.startswith("plans/")}):
        if name in loaded or not (root / name).is_file():
            continue
        try:
            document, _ = read_yaml(name, read_text(root / name, name))
        except InputError:
            continue
        data = document.data if document is not None else None
        indicators = data.get("indicators") if isinstance(data, dict) else None
        for item in indicators if isinstance(indicators, list) else []:
            if isinstance(item, dict) and item.get("ref") is not None:
                refs.add(str(item["ref"]))
    return refs


def _known_refs(quarter: _Quarter, unloaded: set[str]) -> list[Problem]:
    """The file's problems, less "unknown ref" for refs of plans that failed to load."""
    return [
        p
        for p in quarter.problems
        if not (p.code == "unknown-ref" and quarter.ref_at.get(p.line or 0) in unloaded)
    ]


def _published(
    plans: Sequence[tuple[str, Plan]],
    schemes: Mapping[str, Scheme],
    problems: Sequence[Problem],
    quarters: Mapping[Period, _Quarter],
    selected: Sequence[Period],
    store: ResultsStore,
) -> list[Problem]:
    """``published_rag`` that differs from the engine's rating, with the engine's reason.

    Only plans without errors are rated, and an indicator is compared only when none of
    the rows its rating reads (the same quarter last year up to now) was left out for an
    error, so a broken file never yields a misleading comparison; its errors fail the check.
    """
    broken = {p.file for p in problems if p.severity == "error"}
    rateable = [plan for shown, plan in plans if shown not in broken and plan.scheme in schemes]
    results: dict[Period, QuarterResults] | None = None
    found: list[Problem] = []
    for period in selected:
        quarter = quarters.get(period)
        if quarter is None or not quarter.parsed or not rateable or not quarter.published:
            continue
        doubtful = _doubtful(period, quarters)
        if doubtful is None:
            continue
        if results is None:
            try:
                results = {p: store.read(p)[0] for p, q in quarters.items() if q.parsed}
            except InputError:  # gone since it was checked: nothing to compare
                return found
        published = {r.ref: r for r in results[period].results.values() if r.published_rag}
        rated = rate_period(rateable, period, results, schemes)
        for indicator in rated.indicators:
            row = published.get(indicator.ref)
            if row is None or row.published_rag == indicator.rag or indicator.ref in doubtful:
                continue
            found.append(
                Problem(
                    "published-rag",
                    f"published_rag {row.published_rag!r} but computed {indicator.rag!r}: "
                    f"{reason(indicator)}",
                    quarter.shown,
                    row.line,
                    column="published_rag",
                    hint="correct the published rating or the data; "
                    f"barnet-rag explain {period.cli_form} {indicator.ref} shows every step",
                )
            )
    return found


def _doubtful(period: Period, quarters: Mapping[Period, _Quarter]) -> set[str] | None:
    """Refs whose rows a rating for ``period`` reads were left out for errors (None: all)."""
    refs: set[str] = set()
    at = period.last_year()
    while at <= period:
        quarter = quarters.get(at)
        if quarter is not None:
            tainted = quarter.tainted()
            if tainted is None:
                return None
            refs |= tainted
        at = at.next()
    return refs


def _backups(root: Path) -> list[Problem]:
    """Backups left by ``new-quarter --force``: a warning, so they are not committed."""
    return [
        Problem(
            "backup-file",
            "a backup copy left by new-quarter --force",
            relative(path, root),
            hint="delete it once you no longer need it; do not commit it",
            severity="warning",
        )
        for path in sorted((root / "results").glob(f"*/*{BACKUP_SUFFIX}"))
    ]


def _leftovers(paths: Sequence[Path], root: Path) -> list[Problem]:
    """Temp files a write stopped by a crash or ``kill -9`` left: a warning, as they are
    passed over when loading."""
    return [
        Problem(
            "leftover-temp-file",
            "a temporary file left by an interrupted barnet-rag write; it is not read",
            relative(path, root),
            hint="delete it",
            severity="warning",
        )
        for path in paths
    ]


_ORDER = re.compile(r"^up_to bounds must be in increasing order")
_LAST = re.compile(r"^the last band must have no conditions")


def _locate_band(problem: Problem, root: Path) -> Problem:
    """Point a whole-scheme error (bounds out of order, a last band that does not match
    everything) at the band responsible, with its line."""
    if problem.code != "schema" or problem.path is not None or problem.file is None:
        return problem
    ordering, last = _ORDER.match(problem.message), _LAST.match(problem.message)
    if not (ordering or last):
        return problem
    document, _ = read_yaml(problem.file, read_text(root / problem.file, problem.file))
    bands = document.data.get("bands") if document and isinstance(document.data, dict) else None
    if not isinstance(bands, list) or not bands:
        return problem
    if last:
        index, path = len(bands) - 1, f"bands[{len(bands) - 1}]"
        message = (
            f"band {index + 1} is the last band, so it must have no conditions: "
            "it has to match everything"
        )
    else:
        bounds = [
            (i, float(b["up_to"]))
            for i, b in enumerate(bands)
            if isinstance(b, dict) and isinstance(b.get("up_to"), int | float)
        ]
        drops = [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b[1] < a[1]]
        if not drops:
            return problem
        (before, before_bound), (index, bound) = drops[0]
        path = f"bands[{index}].up_to"
        message = (
            f"band {index + 1} has up_to {bound:g}, below band {before + 1}'s "
            f"{before_bound:g}; up_to bounds must increase from band to band"
        )
    return locate([replace(problem, path=path, line=None, message=message)], root)[0]


def _in_file_order(problems: Sequence[Problem]) -> list[Problem]:
    """Problems grouped by file (plans, schemes, results), then by line, duplicates removed."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.file or "", p.line or 0))


def missing_results(root: Path, period: Period) -> ChaseList:
    """The chase list for ``period``: expected results with no row or a blank value.

    The project must load, and the quarter's file (if there is one) must read cleanly, or
    the list could name results that are there: its problems raise an :class:`InputError`.
    """
    from barnet_rag.outputs.new_quarter import expected_in
    from barnet_rag.project.collection import chase_list
    from barnet_rag.project.loading import load_project
    from barnet_rag.project.projectfiles import results_path

    project = load_project(root)
    shown = relative(results_path(root, period), root)
    quarter = None
    if period in project.results.files:
        quarter, problems = project.results.read(period)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise InputError(errors)
    return chase_list(expected_in(project, period), period, shown, quarter)
