"""``new-quarter``: a results file ready to fill, one blank row per result expected that
quarter (active, and due by its ``reported_in``: see :mod:`barnet_rag.project.collection`),
and each plan's "Progress on key activities" file to write.

Refs come in plan order; survey indicators carry the label of their latest earlier result
so the wave is already named. An existing results file is never overwritten unless asked,
and then a ``.bak`` copy is kept beside it. A narrative file
(``narrative/<yyyy-yy>/Q<n>/<plan>.md``) starts with the headings of the previous
quarter's file; an existing one is never touched, ``--force`` or not: it is officers' prose.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from barnet_rag.errors import InputError, UserError
from barnet_rag.outputs.markdown_text import parse, skeleton
from barnet_rag.periods import Period
from barnet_rag.project.collection import Expected, expected_results, store_reader
from barnet_rag.project.loading import Project, load_project
from barnet_rag.project.models import Indicator
from barnet_rag.project.narratives import narrative_path, read_narrative_file
from barnet_rag.project.projectfiles import relative, results_path
from barnet_rag.project.resultsfile import COLUMNS
from barnet_rag.project.writing import write_atomic, write_new_file


@dataclass(frozen=True)
class NewQuarter:
    """What ``new-quarter`` wrote: the file, its rows and any backup kept."""

    path: Path
    shown: str
    rows: list[dict[str, str]]
    backup: str | None
    narratives: list[NewNarrative] = field(default_factory=list)


@dataclass(frozen=True)
class NewNarrative:
    """A plan's narrative file for the quarter: written with ``headings`` from ``source``
    (the previous quarter's file, if any), or ``kept`` because it already existed."""

    shown: str
    source: str | None
    headings: int
    kept: bool


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
    narratives = [write_new_narrative(root, period, plan.plan) for plan in project.plans]
    return NewQuarter(path=path, shown=shown, rows=rows, backup=backup, narratives=narratives)


def narrative_skeleton(root: Path, period: Period, plan: str) -> tuple[str | None, list[str]]:
    """The previous quarter's narrative file for ``plan`` (as shown) and its headings.

    A previous file that cannot be read gives no headings: ``check`` reports it.
    """
    previous = narrative_path(root, period.previous(), plan)
    if not previous.is_file():
        return None, []
    try:
        narrative = read_narrative_file(previous, root)
    except InputError:
        return None, []
    return narrative.shown, skeleton(parse(narrative.text))


def write_new_narrative(root: Path, period: Period, plan: str) -> NewNarrative:
    """Start ``narrative/<yyyy-yy>/Q<n>/<plan>.md`` with last quarter's headings, unless it
    exists (then it is kept as it is)."""
    path = narrative_path(root, period, plan)
    shown = relative(path, root)
    if path.exists():
        return NewNarrative(shown=shown, source=None, headings=0, kept=True)
    source, headings = narrative_skeleton(root, period, plan)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"cannot create the directory of {shown}: {error.strerror}") from None
    write_atomic(path, "\n\n".join(headings) + "\n" if headings else "")
    return NewNarrative(shown=shown, source=source, headings=len(headings), kept=False)
