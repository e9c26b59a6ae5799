"""The library's front door: load a project and rate a period in one call.

Commands call these functions; they join :mod:`loading` (I/O) to :mod:`rating` (pure).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from barnet_rag.engine.rating import rate_period
from barnet_rag.periods import Period
from barnet_rag.project.loading import Project, load_project
from barnet_rag.project.models import RatedPeriod


def rate_project(
    root: Path, period: Period, plans: Sequence[str] = (), project: Project | None = None
) -> RatedPeriod:
    """Rate ``period`` for the project at ``root`` (all plans, or those named)."""
    project = project or load_project(root)
    selected = project.select(plans)
    project.results.require(period)
    return rate_period(selected, period, project.results, project.schemes)
