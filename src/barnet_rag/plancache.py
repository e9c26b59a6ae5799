"""Every indicator of a project's plans as one flat table, cached by the plans' content.

Parsing and validating YAML costs about 0.2 s per 250-indicator plan, so a national
project (400 plans) takes more than a minute. The first run validates the plans the usual
way (:func:`~barnet_rag.loading.load_project`) and, when they are free of problems, saves
the facts the columnar rating needs as plain tuples with :mod:`marshal` (which builds no
objects but numbers, strings and containers, so a cache file cannot run code). The file
is named by a hash of every plan file's name and bytes, the package version, the Python
version and :data:`CACHE_FORMAT`: any edit, upgrade or format change misses, never reuses.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from barnet_rag import __version__
from barnet_rag.periods import Period, parse_financial_year

if TYPE_CHECKING:
    from barnet_rag.models import Plan

#: Bump when :class:`PlanTable`'s file layout changes.
CACHE_FORMAT = 2
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


class PlanTable:
    """Every indicator as columns, plus each quarter's targets as chosen by
    :func:`~barnet_rag.rating.choose_target`, decoded only for the quarters asked for.
    ``key`` is the plans' :func:`content_key` (blank for a table not from plan files)."""

    def __init__(
        self, columns: dict[str, list[Any]], targets: dict[str, bytes], key: str = ""
    ) -> None:
        self.columns = columns
        self._targets = targets
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
        return marshal.dumps({"columns": self.columns, "targets": self._targets})

    @classmethod
    def loads(cls, data: bytes) -> PlanTable:
        """The table from :meth:`dumps` bytes; ValueError when they are not one."""
        stored = marshal.loads(data)
        if not isinstance(stored, dict) or set(stored.get("columns", ())) != set(COLUMNS):
            raise ValueError("not a plan table")
        return cls(stored["columns"], stored["targets"])


def plan_files(root: Path) -> list[Path]:
    """The plan files, in the order :func:`~barnet_rag.loading.load_plans` reads them."""
    return sorted((root / "plans").glob("*.yaml"))


def cache_directory() -> Path:
    """``$XDG_CACHE_HOME/barnet-rag``, else ``~/.cache/barnet-rag``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "barnet-rag"


def content_key(files: Sequence[Path]) -> str:
    """A hash of the plan files' names and bytes and of everything the cache format
    depends on."""
    digest = hashlib.sha256(f"{CACHE_FORMAT} {__version__} {sys.version}\n".encode())
    for path in files:
        data = path.read_bytes()
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def table_of(plans: Sequence[Plan]) -> PlanTable:
    """The table of validated plans, in plan and indicator order."""
    from barnet_rag.rating import choose_target

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
    return PlanTable(columns, targets)


def _read(path: Path) -> PlanTable | None:
    try:
        return PlanTable.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _write(path: Path, table: PlanTable) -> None:
    from barnet_rag.errors import UserError
    from barnet_rag.outputs import write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, table.dumps())
    except (OSError, UserError):
        pass  # a cache that cannot be written only costs time


def load_table(root: Path) -> PlanTable | None:
    """The project's indicator table, from the cache or from freshly validated plans.

    ``None`` when the plans have problems (the caller then loads the project the usual
    way, which reports them).
    """
    files = plan_files(root)
    if not files:
        return None
    use_cache = os.environ.get(NO_CACHE_ENV) != "1"
    key = content_key(files)
    path = cache_directory() / f"plans-{key}.marshal"
    if use_cache:
        table = _read(path)
        if table is not None:
            table.key = key
            return table
    from barnet_rag.errors import InputError
    from barnet_rag.loading import load_plans

    try:
        plans, problems = load_plans(root)
    except InputError:
        return None
    if problems:
        return None
    table = table_of([plan for _, plan in plans])
    table.key = key
    if use_cache:
        _write(path, table)
    return table
