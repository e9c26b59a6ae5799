"""Actions: ``actions/<plan>.yaml``, a plan's commissioning intentions and their milestones.

Each action (and each milestone under it) has a title and may have an owner, a due quarter
(``Q4 2017/18``, ``2017/18-Q4`` or ``Q4-2017``), a status and a comment. The status is one
of :data:`STATUSES`; ``not reported`` (the default) says that no status has been given,
which is not the same as ``not started``. The file holds the current position; ``as_at``
names the quarter it describes. Errors are located as for plans: ``file:line: yaml.path``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from barnet_rag.errors import InputError, Problem, UserError
from barnet_rag.periods import ACCEPTED_FORMS, Period, parse_period
from barnet_rag.project import seen
from barnet_rag.project.loading import load_model, locate
from barnet_rag.project.models import Plan
from barnet_rag.project.projectfiles import relative

Status = Literal["complete", "on track", "at risk", "off track", "not started", "not reported"]
#: Every status, in the order a summary counts them.
STATUSES: tuple[Status, ...] = (
    "complete",
    "on track",
    "at risk",
    "off track",
    "not started",
    "not reported",
)
#: The statuses a report lists one by one, with their comments.
FLAGGED: tuple[Status, ...] = ("at risk", "off track")
DEFAULT_TITLE = "Commissioning intentions"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _quarter(value: Any) -> Any:
    """A due or as-at quarter in any accepted form, kept as it is displayed: 'Q4 2017/18'."""
    if value is None:
        return None
    try:
        return str(parse_period(str(value)))
    except UserError:
        raise ValueError(f"{value!r} is not a quarter; write it as {ACCEPTED_FORMS}") from None


def _status(value: Any) -> Any:
    """'On Track', 'on-track' and 'on_track' all mean 'on track'."""
    if isinstance(value, str):
        return " ".join(re.split(r"[\s_-]+", value.strip().lower()))
    return value


class Milestone(_Model):
    """One milestone of an action: what needs to happen, by when, and how it stands."""

    title: str = Field(min_length=1)
    owner: str | None = Field(default=None, min_length=1)
    due: str | None = None
    status: Status = "not reported"
    comment: str | None = None

    _due = field_validator("due", mode="before")(_quarter)
    _normal_status = field_validator("status", mode="before")(_status)

    @property
    def due_period(self) -> Period | None:
        """The due quarter as a :class:`Period`, if one is set."""
        return None if self.due is None else parse_period(self.due)


class Action(Milestone):
    """A commissioning intention (or any action of the plan), with its milestones."""

    component: str | None = Field(default=None, min_length=1)
    milestones: list[Milestone] = Field(default_factory=list)


class ActionsFile(_Model):
    """``actions/<plan>.yaml``: the plan's actions and the quarter their status describes."""

    title: str = Field(default=DEFAULT_TITLE, min_length=1)
    as_at: str | None = None
    actions: list[Action] = Field(default_factory=list)

    _as_at = field_validator("as_at", mode="before")(_quarter)

    def counts(self) -> list[tuple[Status, int]]:
        """How many actions have each status, in :data:`STATUSES` order, zeros left out."""
        found = [a.status for a in self.actions]
        return [(s, found.count(s)) for s in STATUSES if s in found]


def actions_path(root: Path, plan: str) -> Path:
    """Where a plan's actions live: ``actions/<plan>.yaml``."""
    return root / "actions" / f"{plan}.yaml"


def load_actions(root: Path, plan: str) -> ActionsFile | None:
    """The plan's actions file, None when it has none; problems raise an InputError."""
    path = actions_path(root, plan)
    if seen.kind(path) == "none":
        return None
    actions, problems = load_model(path, root, ActionsFile)
    if problems or actions is None:
        raise InputError(problems)
    return actions


def load_all_actions(root: Path, plans: Sequence[Plan]) -> dict[str, ActionsFile]:
    """The actions files of ``plans`` that have one, keyed by plan slug."""
    found = {p.plan: load_actions(root, p.plan) for p in plans}
    return {slug: actions for slug, actions in found.items() if actions is not None}


def action_problems(root: Path, plans: Collection[str]) -> tuple[list[Problem], int]:
    """Every problem in ``actions/`` (for ``check``) and how many files were read: each
    file of one of the ``plans`` (slugs), and any file named after no plan."""
    problems: list[Problem] = []
    slugs = set(plans)
    files = sorted((root / "actions").glob("*.yaml"))
    for path in files:
        shown = relative(path, root)
        if path.stem not in slugs:
            problems.append(
                Problem(
                    "actions-unknown-plan",
                    f"no plan {path.stem!r}: an actions file is named after its plan's slug",
                    shown,
                    hint=f"rename it to actions/<plan>.yaml; plans: {', '.join(sorted(slugs))}",
                )
            )
            continue
        _, found = load_model(path, root, ActionsFile)
        problems += found
    return locate(problems, root), len(files)


def action_records(actions: Mapping[str, ActionsFile]) -> list[dict[str, Any]]:
    """Plain records, one per action with its milestones nested: ``rate --format json``."""
    return [
        {
            "plan": plan,
            "title": a.title,
            "component": a.component,
            "owner": a.owner,
            "due": a.due,
            "status": a.status,
            "comment": a.comment,
            "milestones": [
                {
                    "title": m.title,
                    "owner": m.owner,
                    "due": m.due,
                    "status": m.status,
                    "comment": m.comment,
                }
                for m in a.milestones
            ],
        }
        for plan, file in actions.items()
        for a in file.actions
    ]


#: The columns of ``export --actions``: one row per action, then one per milestone.
ACTION_FIELDS = (
    "plan",
    "number",
    "kind",
    "title",
    "action",
    "component",
    "owner",
    "due",
    "status",
    "comment",
)


def action_rows(actions: Mapping[str, ActionsFile]) -> list[dict[str, Any]]:
    """Flat rows for CSV and spreadsheets: each action, then its milestones (numbered 1.1,
    1.2, ... and naming their action)."""
    rows: list[dict[str, Any]] = []
    for plan, file in actions.items():
        for index, a in enumerate(file.actions, start=1):
            rows.append(_row(plan, str(index), "action", a, None, a.component))
            for sub, m in enumerate(a.milestones, start=1):
                rows.append(_row(plan, f"{index}.{sub}", "milestone", m, a.title, a.component))
    return rows


def _row(
    plan: str, number: str, kind: str, item: Milestone, action: str | None, component: str | None
) -> dict[str, Any]:
    return {
        "plan": plan,
        "number": number,
        "kind": kind,
        "title": item.title,
        "action": action,
        "component": component,
        "owner": item.owner,
        "due": item.due,
        "status": item.status,
        "comment": item.comment,
    }
