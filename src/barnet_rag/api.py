"""The library's front door: load a project and rate a period in one call.

Commands call these functions; they join :mod:`loading` (I/O) to :mod:`rating` (pure).
Analysts get the same ratings as a pandas DataFrame from :func:`rated_frame` (pandas is
imported only there).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from barnet_rag.collector import collector_paused
from barnet_rag.engine.history import Timeline
from barnet_rag.engine.rating import rate_period
from barnet_rag.periods import Period
from barnet_rag.project.loading import Project, load_project
from barnet_rag.project.models import RatedPeriod

if TYPE_CHECKING:
    import pandas


def rate_project(
    root: Path,
    period: Period,
    plans: Sequence[str] = (),
    project: Project | None = None,
    *,
    detail: bool = True,
) -> RatedPeriod:
    """Rate ``period`` for the project at ``root`` (all plans, or those named).

    With ``detail`` false the ratings have no trace, SPC points or sparkline (``explain``,
    charts, tables and reports read them; JSON and CSV do not carry them), for less time
    and memory.
    """
    project = project or load_project(root)
    selected = project.select(plans)
    project.results.require(period)
    results = project.results
    # Quarters are read before the collector is paused: the engine itself builds only
    # acyclic values, whose collections would find nothing (a quarter of its time).
    Timeline.of(results, period)
    with collector_paused():
        return rate_period(selected, period, results, project.schemes, detail=detail)


def rated_frame(
    root: Path, periods: Sequence[Period], plans: Sequence[str] = ()
) -> pandas.DataFrame:
    """Every indicator rated in each of ``periods``, one row per indicator and period, with
    the public field names as columns (as ``export`` writes them) and a ``period`` column
    first: the ratings for analysis in pandas."""
    import pandas

    from barnet_rag.outputs.tabular import indicator_fields, indicator_rows

    project = load_project(root)
    rows = [
        {"period": str(period), **row}
        for period in periods
        for row in indicator_rows(rate_project(root, period, plans, project).indicators)
    ]
    return pandas.DataFrame(rows, columns=["period", *indicator_fields()])
