"""Every indicator of a project's plans as one flat table, cached by the plans' content.

Parsing and validating YAML costs about 0.2 s per 250-indicator plan, so a national
project (400 plans) takes more than a minute, and importing the models that validate it
takes longer than the rest of rating a small project. The first run validates the plans
and schemes the usual way (:mod:`~barnet_rag.project.loading`) and, when they are free of
problems, saves the facts the columnar rating needs (each indicator, each plan's
committee, the rating schemes) as plain values with :mod:`marshal` (which builds no
objects but numbers, strings and containers, so a cache file cannot run code). The file is
named by a hash of every plan and scheme file's name and bytes, the package version, the
Python version and :data:`CACHE_FORMAT`: any edit, upgrade or format change misses, never
reuses.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from barnet_rag import __version__
from barnet_rag.engine.spc import SpcSettings
from barnet_rag.errors import InputError
from barnet_rag.periods import Period, parse_financial_year
from barnet_rag.project.projectfiles import read_bytes
from barnet_rag.terms import Dot, MissedRag

if TYPE_CHECKING:
    from barnet_rag.project.models import Plan, Scheme

#: Bump when :class:`PlanTable`'s file layout changes.
CACHE_FORMAT = 4
#: Set to ``1`` to neither read nor write the cache.
NO_CACHE_ENV = "BARNET_RAG_NO_CACHE"

#: The table's columns, one value per indicator in plan and indicator order.
COLUMNS = (
    "plan",
    "ref",
    "title",
    "type",
    "polarity",
    "unit",
    "survey",
    "frequency",
    "since",
    "dot_tolerance",
    "benchmark",
    "scheme",
    "confidence_interval",
    "sample_size",
)
#: Columns of few distinct values, interned so that the cache stores each value once.
_REPEATED = ("plan", "type", "polarity", "unit", "survey", "frequency", "scheme")


class PlainBand(NamedTuple):
    """A :class:`~barnet_rag.project.models.Band` as plain values (a
    :class:`~barnet_rag.engine.rating.BandRule`)."""

    rag: MissedRag
    up_to: float | None
    long_term: tuple[Dot, ...] | None


class PlainScheme(NamedTuple):
    """A validated :class:`~barnet_rag.project.models.Scheme` as plain values (a
    :class:`~barnet_rag.engine.rating.SchemeRule`)."""

    name: str
    survey_tolerance: bool
    bands: tuple[PlainBand, ...]
    spc: SpcSettings | None

    @classmethod
    def of(cls, scheme: Scheme) -> PlainScheme:
        """The plain copy of a validated scheme."""
        return cls(
            scheme.name,
            scheme.survey_tolerance,
            tuple(
                PlainBand(b.rag, b.up_to, None if b.long_term is None else tuple(b.long_term))
                for b in scheme.bands
            ),
            None if scheme.spc is None else SpcSettings(**scheme.spc.model_dump()),
        )

    def dumped(self) -> tuple[Any, ...]:
        """The scheme as marshal-able tuples."""
        spc = None if self.spc is None else tuple(self.spc)
        return (self.name, self.survey_tolerance, [tuple(b) for b in self.bands], spc)

    @classmethod
    def undumped(cls, stored: Any) -> PlainScheme:
        """The scheme :meth:`dumped` gave."""
        name, survey_tolerance, bands, spc = stored
        return cls(
            name,
            survey_tolerance,
            tuple(PlainBand(*b) for b in bands),
            None if spc is None else SpcSettings(*spc),
        )


class PlanTable:
    """Every indicator as columns, plus each quarter's targets as chosen by
    :func:`~barnet_rag.engine.rating.choose_target`, decoded only for the quarters asked for;
    every plan's (slug, committee) in order, and the rating schemes by name.
    ``key`` is the plans' :func:`content_key` (blank for a table not from plan files)."""

    def __init__(
        self,
        columns: dict[str, list[Any]],
        targets: dict[str, bytes],
        plans: list[tuple[str, str]],
        schemes: dict[str, PlainScheme],
        key: str = "",
    ) -> None:
        self.columns = columns
        self._targets = targets
        self.plans = plans
        self.schemes = schemes
        self.key = key

    def __len__(self) -> int:
        return len(self.columns["ref"])

    def targets(self, period: Period) -> tuple[list[float | None], list[str | None]]:
        """Each indicator's target for ``period`` (None for Monitor) and annual target text."""
        blob = self._targets.get(period.cli_form)
        if blob is None:
            return [None] * len(self), [None] * len(self)
        values, annual = marshal.loads(blob)
        return values, annual

    def dumps(self) -> bytes:
        """The table as marshal bytes."""
        return marshal.dumps(
            {
                "columns": self.columns,
                "targets": self._targets,
                "plans": [list(p) for p in self.plans],
                "schemes": {name: s.dumped() for name, s in self.schemes.items()},
            }
        )

    @classmethod
    def loads(cls, data: bytes) -> PlanTable:
        """The table from :meth:`dumps` bytes; ValueError when they are not one."""
        stored = marshal.loads(data)
        if not isinstance(stored, dict) or set(stored.get("columns", ())) != set(COLUMNS):
            raise ValueError("not a plan table")
        return cls(
            stored["columns"],
            stored["targets"],
            [(slug, committee) for slug, committee in stored["plans"]],
            {name: PlainScheme.undumped(s) for name, s in stored["schemes"].items()},
        )


def plan_files(root: Path) -> list[Path]:
    """The plan files, in the order :func:`~barnet_rag.project.loading.load_plans` reads them."""
    return sorted((root / "plans").glob("*.yaml"))


def scheme_files(root: Path) -> list[Path]:
    """The project's own scheme files, in the order :func:`~barnet_rag.project.loading.load_schemes`
    reads them."""
    return sorted((root / "schemes").glob("*.yaml"))


def cache_directory() -> Path:
    """``$XDG_CACHE_HOME/barnet-rag``, else ``~/.cache/barnet-rag``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "barnet-rag"


def content_key(files: Sequence[Path]) -> str:
    """A hash of the plan and scheme files' names and bytes and of everything the cache
    format depends on; :class:`~barnet_rag.errors.InputError` for a file that cannot be
    read, or is not a regular file (a named pipe would never end)."""
    digest = hashlib.sha256(f"{CACHE_FORMAT} {__version__} {sys.version}\n".encode())
    for path in files:
        data = read_bytes(path, str(path))
        digest.update(f"{path.parent.name}/{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def table_of(plans: Sequence[Plan], schemes: dict[str, Scheme]) -> PlanTable:
    """The table of validated plans, in plan and indicator order, and their schemes."""
    from barnet_rag.engine.rating import choose_target

    columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    indicators = [(plan, i) for plan in plans for i in plan.indicators]
    for plan, indicator in indicators:
        survey = None if indicator.survey is None else plan.surveys[indicator.survey]
        columns["plan"].append(plan.plan)
        for name in COLUMNS[1:11]:
            columns[name].append(getattr(indicator, name))
        columns["scheme"].append(plan.scheme)
        columns["confidence_interval"].append(survey and survey.confidence_interval)
        columns["sample_size"].append(survey and survey.sample_size)
    for name in _REPEATED:
        columns[name] = [v if v is None else sys.intern(v) for v in columns[name]]
    years = {parse_financial_year(y) for _, i in indicators for y in i.targets}
    targets = {}
    for year in sorted(years):
        for quarter in (1, 2, 3, 4):
            period = Period(year, quarter)
            chosen = [choose_target(indicator, period) for _, indicator in indicators]
            targets[period.cli_form] = marshal.dumps(
                ([c.value for c in chosen], [c.annual for c in chosen])
            )
    return PlanTable(
        columns,
        targets,
        [(plan.plan, plan.committee) for plan in plans],
        {name: PlainScheme.of(scheme) for name, scheme in schemes.items()},
    )


def _read(path: Path) -> PlanTable | None:
    try:
        return PlanTable.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        return None


def _write(path: Path, table: PlanTable) -> None:
    from barnet_rag.errors import UserError
    from barnet_rag.project.writing import write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, table.dumps())
    except (OSError, UserError):
        pass  # a cache that cannot be written only costs time


def load_table(root: Path) -> PlanTable | None:
    """The project's indicator table, from the cache or from freshly validated plans.

    ``None`` when the plans or schemes have problems (the caller then loads the project
    the usual way, which reports them).
    """
    files = plan_files(root)
    if not files:
        return None
    use_cache = os.environ.get(NO_CACHE_ENV) != "1"
    try:
        key = content_key(files + scheme_files(root))
    except InputError:
        return None
    path = cache_directory() / f"plans-{key}.marshal"
    if use_cache:
        table = _read(path)
        if table is not None:
            table.key = key
            return table
    from barnet_rag.project.loading import load_plans, load_schemes, scheme_problems

    try:
        plans, problems = load_plans(root)
        schemes, scheme_found = load_schemes(root)
    except InputError:
        return None
    if problems or scheme_found or scheme_problems(plans, schemes):
        return None
    if any(i.spc is not None for _, plan in plans for i in plan.indicators):
        return None  # an indicator's own baseline or rebase: the scalar engine reads it
    table = table_of([plan for _, plan in plans], schemes)
    table.key = key
    if use_cache:
        _write(path, table)
    return table
