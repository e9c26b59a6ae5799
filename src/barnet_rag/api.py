"""The library's front door: load a project and rate a period in one call.

Commands call these functions; they join :mod:`loading` (I/O) to :mod:`rating` (pure).
Analysts get the same ratings as a pandas DataFrame from :func:`rated_frame` (pandas is
imported only there). A large project is rated in parts, one process a processor, by
:func:`rate_in_parts`: the same functions on fewer plans each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from barnet_rag.collector import collector_paused
from barnet_rag.engine.history import Timeline
from barnet_rag.engine.rating import rate_period
from barnet_rag.periods import Period
from barnet_rag.project import seen
from barnet_rag.project.loading import PartNames, PlanPart, Project, load_project, plan_paths
from barnet_rag.project.models import RatedPeriod

if TYPE_CHECKING:
    import pandas

    from barnet_rag.check.checking import CheckReport
    from barnet_rag.project.seen import Seen

T = TypeVar("T")


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


def rate_in_parts(
    root: Path,
    period: Period,
    part: Callable[[RatedPeriod, Project], T],
    *,
    processes: int | None = None,
    detail: bool = False,
) -> list[T] | None:
    """Rate ``period`` for all of a project's plans in ``processes`` parts at once (by
    default one a usable processor, for a large project only), and return ``part`` of
    each part's ratings and project (its plans only), in plan order; None when the project
    is not rated in parts (small, one processor, or a problem anywhere: then rate it with
    :func:`rate_project`, which reports every problem as usual).

    Each part is a run of consecutive plan files, of about equal size. It loads only
    those plans, reads every quarter's file but passes over the other parts' rows, and
    rates with the same functions as :func:`rate_project`: the parts' ratings, in order,
    are the whole project's.
    """

    def work(plan_part: PlanPart) -> T:
        project = load_project(root, plan_part)
        return part(rate_project(root, period, (), project, detail=detail), project)

    return in_plan_parts(root, work, processes)


def check(root: Path, period: Period | None = None, strict: bool = False) -> CheckReport:
    """Every problem in the project at ``root`` (results of all periods, or ``period``'s):
    what ``check`` reports. A large project is checked in parts when it can be."""
    from barnet_rag.check.checking import check_project

    return check_in_parts(root, period, strict) or check_project(root, period, strict)


def check_in_parts(
    root: Path, period: Period | None, strict: bool, processes: int | None = None
) -> CheckReport | None:
    """``check`` of a large project in parts, as :func:`rate_in_parts` rates one: each part
    checks its plans and their results rows, and the checks that need every plan run once
    over the parts' findings. None when the project is not checked in parts, or when a
    part found an error or found what another part found too (a problem not of its plans
    alone): then :func:`~barnet_rag.check.checking.check_project` checks it in one
    process, as always."""
    from barnet_rag.check.checking import check_part, project_report

    parts = in_plan_parts(root, partial(check_part, root, period, strict), processes)
    if parts is None:
        return None
    found = [set(part.problems) for part in parts]
    if sum(map(len, found)) != len(set().union(*found)):
        return None
    return project_report(root, period, strict, parts)


def in_plan_parts(
    root: Path, work: Callable[[PlanPart], T], processes: int | None = None
) -> list[T] | None:
    """``work`` on each part of the project's plan files, each in a process of its own (by
    default one a usable processor, for a large project only): the values in plan order,
    or None when the project is not worked in parts (small, one processor, or a part
    failed)."""
    from barnet_rag.forked import in_parts, usable_cpus
    from barnet_rag.project.projectfiles import is_large

    if processes is None:
        processes = usable_cpus() if is_large(root) else 1
    groups = split_by_size(plan_paths(root), processes)
    if len(groups) < 2:
        return None

    def each(
        index: int, exchange: Callable[[PartNames | None], PartNames | None]
    ) -> tuple[T, Seen | None]:
        # A child sends back what it read, for the output cache (in this process, part 0
        # records into the same place already).
        return work(PlanPart(groups[index], exchange)), seen.current() if index else None

    done = in_parts(len(groups), each, _union)
    if done is None:
        return None
    recording = seen.current()
    for _, theirs in done:
        if recording is not None and theirs is not None:
            recording.merge(theirs)
    return [value for value, _ in done]


def split_by_size(paths: Sequence[Path], parts: int) -> list[list[Path]]:
    """``paths`` cut into ``parts`` runs of consecutive files (fewer when there are fewer
    files), each as near as can be to the same number of bytes (a file that cannot be
    stat'ed counts one; its loader reports it)."""
    from itertools import accumulate, pairwise

    sizes = []
    for path in paths:
        try:
            sizes.append(max(path.stat().st_size, 1))
        except OSError:
            sizes.append(1)
    count = min(parts, len(paths))
    ends = list(accumulate(sizes))  # the bytes up to and including each file
    cuts = [0]
    for k in range(1, count):
        goal = ends[-1] * k / count
        # Cut after the file whose end is nearest the goal, leaving a file for each run.
        cut = min(range(1, len(paths)), key=lambda at: abs(ends[at - 1] - goal))
        cuts.append(min(max(cut, cuts[-1] + 1), len(paths) - (count - k)))
    cuts.append(len(paths))
    return [list(paths[start:end]) for start, end in pairwise(cuts) if end > start]


def _union(names: Sequence[PartNames]) -> PartNames:
    """Every part's slugs and refs together."""
    return (
        frozenset().union(*(slugs for slugs, _ in names)),
        frozenset().union(*(refs for _, refs in names)),
    )


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
