"""``new-quarter``: a results file ready to fill, one blank row per result expected that
quarter (active, and due by its ``reported_in``: see :mod:`barnet_rag.project.collection`).

Refs come in plan order; survey indicators carry the label of their latest earlier result
so the wave is already named. An existing file is never overwritten unless asked, and then
a ``.bak`` copy is kept beside it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from barnet_rag.errors import InputError
from barnet_rag.periods import Period
from barnet_rag.project.collection import Expected, expected_results, store_reader
from barnet_rag.project.loading import Project, load_project
from barnet_rag.project.models import Indicator
from barnet_rag.project.projectfiles import relative, results_path
from barnet_rag.project.resultsfile import COLUMNS
from barnet_rag.project.writing import write_new_file


@dataclass(frozen=True)
class NewQuarter:
    """What ``new-quarter`` wrote: the file, its rows and any backup kept."""

    path: Path
    shown: str
    rows: list[dict[str, str]]
    backup: str | None


def expected_in(project: Project, period: Period) -> list[Expected]:
    """The results expected in ``period``, in plan order."""
    reader = store_reader(project.results.read)
    return expected_results(project.plans, period, project.results, reader)


def new_quarter_rows(
    project: Project, period: Period, expected: list[Expected] | None = None
) -> list[dict[str, str]]:
    """A blank row per result expected in ``period``, in plan order, survey labels carried."""
    if expected is None:
        expected = expected_in(project, period)
    indicators = [e.indicator for e in expected]
    labels = _latest_labels(project, period, [i for i in indicators if i.survey is not None])
    return [
        {
            name: (i.ref if name == "ref" else labels.get(i.ref, "") if name == "label" else "")
            for name in COLUMNS
        }
        for i in indicators
    ]


def _latest_labels(project: Project, period: Period, indicators: list[Indicator]) -> dict[str, str]:
    """Each indicator's label from its latest earlier result that has one.

    Earlier files that cannot be read are skipped: a label is a convenience, and ``check``
    reports those files.
    """
    wanted = {i.ref for i in indicators}
    labels: dict[str, str] = {}
    for earlier in sorted((p for p in project.results if p < period), reverse=True):
        if not wanted - labels.keys():
            break
        try:
            quarter, _ = project.results.read(earlier)
        except InputError:
            continue
        for ref in wanted - labels.keys():
            result = quarter.results.get(ref)
            if result is not None and result.label:
                labels[ref] = result.label
    return labels


def render_rows(rows: list[dict[str, str]]) -> str:
    """The rows as a results CSV with the full header."""
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue()


def write_new_quarter(root: Path, period: Period, force: bool = False) -> NewQuarter:
    """Write ``results/<yyyy-yy>/Q<n>.csv`` atomically, creating the year directory.

    An existing file is a :class:`UserError` (exit 2) unless ``force``, which keeps it as
    ``Q<n>.csv.bak`` first.
    """
    project = load_project(root)
    path = results_path(root, period)
    shown = relative(path, root)
    rows = new_quarter_rows(project, period)
    backup = write_new_file(
        path,
        shown,
        render_rows(rows),
        force=force,
        instead="edit it, or pass --force to replace it with a blank one",
    )
    return NewQuarter(path=path, shown=shown, rows=rows, backup=backup)
