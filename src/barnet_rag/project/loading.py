"""Reading a project from disk: plans and schemes (YAML) and quarterly results (CSV).

Every problem is a located :class:`~barnet_rag.errors.Problem`. Loaders return what they
could read plus the problems; :func:`load_project` and :class:`ResultsStore` raise an
:class:`~barnet_rag.errors.InputError` for callers (``rate``, ``report``) that need clean
input, while ``check`` collects the problems instead.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Collection, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from barnet_rag.collector import collector_paused
from barnet_rag.errors import InputError, Problem, UserError, shown_name
from barnet_rag.periods import Period
from barnet_rag.project import seen
from barnet_rag.project.models import (
    TARGET_KEYS,
    Indicator,
    Plan,
    QuarterResults,
    Scheme,
    SpcRules,
    baseline_too_short,
)
from barnet_rag.project.projectfiles import (
    MAX_RESULTS_BYTES,
    ResultFiles,
    name_problem,
    read_bytes,
    relative,
    results_path,
    yaml_files,
)
from barnet_rag.project.resultsfile import CellMemo, parse_results
from barnet_rag.project.schemes import available_schemes

M = TypeVar("M", bound=BaseModel)


def read_text(path: Path, shown: str) -> str:
    """Read a YAML file as UTF-8, turning OS and encoding errors into located problems."""
    data = read_bytes(path, shown)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            [
                Problem(
                    "encoding",
                    f"not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start}",
                    shown,
                    line,
                    hint="save the file as UTF-8",
                )
            ]
        ) from None


def load_model(path: Path, root: Path, model: type[M]) -> tuple[M | None, list[Problem]]:
    """Read one YAML file into ``model``; problems carry ``file:line: yaml.path``."""
    from barnet_rag.project.yamlfile import read_yaml, validation_problems  # YAML only when parsed

    shown = relative(path, root)
    try:
        text = read_text(path, shown)
    except InputError as error:
        return None, error.problems
    document, problems = read_yaml(shown, text)
    if document is None:
        return None, problems
    if not isinstance(document.data, dict):
        return None, [
            Problem("schema", "the file must be a YAML mapping of keys to values", shown, 1)
        ]
    try:
        return model.model_validate(document.data), []
    except ValidationError as error:
        return None, validation_problems(document, model, error)


def plan_problems(plans: Sequence[tuple[str, Plan]]) -> list[Problem]:
    """Rules across a plan and across plans: unique slugs and refs, surveys that exist,
    percent targets within 0-100."""
    problems: list[Problem] = []
    slugs: dict[str, str] = {}
    refs: dict[str, tuple[str, int]] = {}
    for shown, plan in plans:
        if plan.plan in slugs:
            problems.append(
                Problem(
                    "duplicate-plan",
                    f"plan {plan.plan!r} is already defined in {slugs[plan.plan]}",
                    shown,
                    path="plan",
                    hint="give each plan its own slug",
                )
            )
        slugs.setdefault(plan.plan, shown)
        targets_clean = _targets_clean(plan)
        for index, indicator in enumerate(plan.indicators):
            if indicator.ref in refs:
                first, at = refs[indicator.ref]
                problems.append(
                    Problem(
                        "duplicate-ref",
                        f"ref {indicator.ref!r} is already used in {first} (indicators[{at}])",
                        shown,
                        path=f"indicators[{index}].ref",
                        hint="refs must be unique across all plans",
                    )
                )
            else:
                refs[indicator.ref] = (shown, index)
            if indicator.survey is not None and indicator.survey not in plan.surveys:
                known = ", ".join(plan.surveys) or "none"
                problems.append(
                    Problem(
                        "unknown-survey",
                        f"survey {indicator.survey!r} is not defined in this plan's surveys",
                        shown,
                        path=f"indicators[{index}].survey",
                        hint=f"surveys defined: {known}",
                    )
                )
            if not targets_clean:
                problems.extend(_target_problems(shown, f"indicators[{index}]", indicator))
    return problems


_TARGET_VALUES = operator.attrgetter(*TARGET_KEYS)
_YEARS = operator.attrgetter("targets")
_WRITTEN = operator.attrgetter("__pydantic_private__")


def _targets_clean(plan: Plan) -> bool:
    """Whether :func:`_target_problems` has nothing to say of any of the plan's indicators
    (the usual plan), found in a few C passes: no number indicator's target written with a
    ``%`` (no private values), and no percent target outside 0-100 among the distinct
    values of its percent indicators."""
    percent: list[Indicator] = []
    number: list[Indicator] = []
    for indicator in plan.indicators:
        (percent if indicator.unit == "percent" else number).append(indicator)
    number_years = chain.from_iterable(map(dict.values, map(_YEARS, number)))
    if any(map(_WRITTEN, number_years)):
        return False
    percent_years = chain.from_iterable(map(dict.values, map(_YEARS, percent)))
    values = set(chain.from_iterable(map(_TARGET_VALUES, percent_years)))
    return all(0 <= value <= 100 for value in values if isinstance(value, float))


def _target_problems(shown: str, where: str, indicator: Indicator) -> list[Problem]:
    """Percent targets outside 0-100, and a ``%`` sign on a number indicator's target."""
    problems = []
    percent = indicator.unit == "percent"
    for year, targets in indicator.targets.items():
        written = targets.percent_written
        if not percent and not written:
            continue  # nothing to say: the usual number indicator
        values = (targets.annual, targets.Q1, targets.Q2, targets.Q3, targets.Q4)
        for key, value in zip(TARGET_KEYS, values, strict=True):
            if not percent:
                if key in written:
                    problems.append(
                        Problem(
                            "percent-on-number",
                            f"target {value:g}% has a % sign but {indicator.ref} is a number "
                            "indicator",
                            shown,
                            path=f"{where}.targets.{year}.{key}",
                            hint="if it is a percentage, set unit: percent on the indicator; "
                            "else remove the %",
                        )
                    )
            elif isinstance(value, float) and not 0 <= value <= 100:
                problems.append(
                    Problem(
                        "target-range",
                        f"percent target {value:g} is outside 0-100",
                        shown,
                        path=f"{where}.targets.{year}.{key}",
                    )
                )
    return problems


def locate(problems: list[Problem], root: Path) -> list[Problem]:
    """Fill in the line of problems that carry only a YAML path, by reading the file again
    (once per file, however many of its problems need a line)."""
    from barnet_rag.project.yamlfile import YamlDocument

    located = []
    documents: dict[str, YamlDocument | None] = {}
    for problem in problems:
        if problem.line is None and problem.file and problem.path:
            from barnet_rag.project.yamlfile import read_yaml  # YAML only when there is one to read

            if problem.file not in documents:
                text = read_text(root / problem.file, problem.file)
                documents[problem.file] = read_yaml(problem.file, text)[0]
            document = documents[problem.file]
            if document is not None:
                loc = tuple(
                    int(k) if k.isdigit() else k
                    for k in re.split(r"\.|\[|\]\.?", problem.path)
                    if k
                )
                line, _ = document.line_of(loc)
                problem = Problem(**{**problem.__dict__, "line": line})
        located.append(problem)
    return located


@dataclass
class Project:
    """A barnet-rag project on disk: plans, schemes and the results store."""

    root: Path
    plans: list[Plan]
    schemes: dict[str, Scheme]
    results: ResultsStore
    plan_files: dict[str, str] = field(default_factory=dict)

    def select(self, slugs: Sequence[str]) -> list[Plan]:
        """The plans named by ``--plan`` (all when none), or a usage error naming the choices."""
        if not slugs:
            return self.plans
        known = {p.plan: p for p in self.plans}
        unknown = [s for s in slugs if s not in known]
        if unknown:
            raise UserError(
                f"no plan {unknown[0]!r} in {relative(self.root / 'plans', Path.cwd())}; "
                f"plans: {', '.join(known)}"
            )
        return [known[s] for s in dict.fromkeys(slugs)]


def plan_paths(root: Path) -> list[Path]:
    """The project's plan files, ``plans/*.yaml``, in name order: the order plans are rated
    and shown in."""
    return yaml_files(root / "plans")


def load_plans(
    root: Path, files: Sequence[Path] | None = None
) -> tuple[list[tuple[str, Plan]], list[Problem]]:
    """Every ``plans/*.yaml`` in name order (or just ``files``, some of them), with the
    problems found in and across them."""
    directory = root / "plans"
    if seen.kind(directory) != "dir":
        where = "the current directory" if root == Path() else shown_name(root)
        raise UserError(
            f"{where} is not a barnet-rag project: it has no plans/ directory "
            "(run in a project directory or pass --root DIR)"
        )
    plans: list[tuple[str, Plan]] = []
    problems: list[Problem] = []
    keys: dict[frozenset[str], set[str]] = {}
    with collector_paused():  # plans make millions of containers, none in a cycle
        for path in plan_paths(root) if files is None else files:
            if (bad_name := name_problem(path, root)) is not None:
                problems.append(bad_name)
                continue
            plan, found = load_model(path, root, Plan)
            problems.extend(found)
            if plan is not None:
                share_keys_given(plan, keys)
                plans.append((relative(path, root), plan))
        if not plans and not problems:
            problems.append(
                Problem("no-plans", "no plan files (plans/*.yaml)", "plans", hint="add a plan")
            )
        problems.extend(locate(plan_problems(plans), root))
    return plans, problems


def share_keys_given(plan: Plan, keys: dict[frozenset[str], set[str]]) -> None:
    """Let the plan's indicators and years that were given the same keys share one set of
    them (pydantic's ``model_fields_set``, a set per model: half a large project's plans'
    memory). Safe for these frozen models: pydantic copies the set before it changes one."""
    for indicator in plan.indicators:
        _share_keys(indicator, keys)
        for targets in indicator.targets.values():
            _share_keys(targets, keys)


def _share_keys(model: BaseModel, keys: dict[frozenset[str], set[str]]) -> None:
    given = model.__pydantic_fields_set__
    shared = keys.setdefault(frozenset(given), given)
    if shared is not given:
        object.__setattr__(model, "__pydantic_fields_set__", shared)


def load_schemes(root: Path) -> tuple[dict[str, Scheme], list[Problem]]:
    """Built-in schemes plus ``schemes/*.yaml``; a scheme's name must match its file name."""
    schemes: dict[str, Scheme] = {}
    problems: list[Problem] = []
    for path in yaml_files(root / "schemes"):
        scheme, found = load_model(path, root, Scheme)
        problems.extend(found)
        if scheme is not None:
            if scheme.name != path.stem:
                problems.append(
                    Problem(
                        "scheme-name",
                        f"scheme name {scheme.name!r} does not match the file name",
                        relative(path, root),
                        path="name",
                        hint=f"name it {path.stem!r} or rename the file",
                    )
                )
            schemes[scheme.name] = scheme
    return available_schemes(schemes), locate(problems, root)


def level_codes(
    plans: Sequence[tuple[str, Plan]], schemes: Mapping[str, Scheme]
) -> dict[str, tuple[str, ...] | None]:
    """Each ref's level codes, from its plan's scheme: what its ``published_rag`` may say.
    A plan whose scheme is missing or broken (reported on its own) gets None: any code."""
    codes: dict[str, tuple[str, ...] | None] = {}
    for _, plan in plans:
        scheme = schemes.get(plan.scheme)
        found = None if scheme is None else tuple(scheme.codes)
        codes.update({indicator.ref: found for indicator in plan.indicators})
    return codes


def scheme_problems(
    plans: Sequence[tuple[str, Plan]], schemes: Mapping[str, Scheme]
) -> list[Problem]:
    """A plan naming a scheme that is neither built in nor in ``schemes/``, and an
    indicator's ``spc: {baseline}`` below its scheme's ``min_points``."""
    problems = [
        Problem(
            "unknown-scheme",
            f"scheme {plan.scheme!r} does not exist",
            shown,
            path="scheme",
            hint=f"schemes: {', '.join(sorted(schemes))}",
        )
        for shown, plan in plans
        if plan.scheme not in schemes
    ]
    for shown, plan in plans:
        scheme = schemes.get(plan.scheme)
        if scheme is None:
            continue
        least = (scheme.spc or SpcRules()).min_points
        for index, indicator in enumerate(plan.indicators):
            own = None if indicator.spc is None else indicator.spc.baseline
            if own is not None and own < least:
                problems.append(
                    Problem(
                        "spc-baseline",
                        baseline_too_short(own, least, plan.scheme),
                        shown,
                        path=f"indicators[{index}].spc.baseline",
                    )
                )
    return problems


class ResultsStore(ResultFiles, Mapping[Period, QuarterResults]):
    """The project's quarterly results, found by file name and read only when asked for.

    A rating needs only a handful of quarters; the rest are never opened. The rows of
    ``foreign`` refs (another part's: see :class:`PlanPart`) are passed over.
    """

    def __init__(
        self,
        root: Path,
        indicators: Mapping[str, Indicator],
        levels: Mapping[str, Sequence[str] | None] | None = None,
        foreign: Container[str] = frozenset(),
    ) -> None:
        super().__init__(root)
        self.indicators = indicators
        self.levels = levels
        self.foreign = foreign
        self._cache: dict[Period, QuarterResults] = {}
        self._memo = CellMemo(indicators, levels)  # cell texts read, shared by the quarters

    def __getitem__(self, period: Period) -> QuarterResults:
        if period not in self._cache:
            quarter, problems = self.read(period)
            if problems:
                raise InputError(problems)
            self._cache[period] = quarter
        return self._cache[period]

    def read(
        self, period: Period, data: bytes | None = None
    ) -> tuple[QuarterResults, list[Problem]]:
        """Read one quarter's file (or parse ``data``, its bytes as the caller read them),
        returning the rows that parsed and every problem."""
        path = self.files[period]
        shown = relative(path, self.root)
        if data is None:
            data = read_bytes(path, shown, MAX_RESULTS_BYTES)
        results, problems = parse_results(
            data, shown, self.indicators, self.levels, memo=self._memo, foreign=self.foreign
        )
        return QuarterResults(period=period, source=shown, results=results), problems

    def __iter__(self) -> Iterator[Period]:
        return iter(sorted(self.files))

    def __len__(self) -> int:
        return len(self.files)

    def require(self, period: Period) -> QuarterResults:
        """The period's results, or a clear error listing the periods that have results."""
        if period not in self.files:
            have = ", ".join(str(p) for p in self) or "none"
            expected = relative(results_path(self.root, period), self.root)
            raise UserError(
                f"no results for {period}: {expected} does not exist. Periods with results: {have}"
            )
        return self[period]


#: A part's plan slugs and indicator refs, as :attr:`PlanPart.exchange` gives and takes them.
PartNames = tuple[frozenset[str], frozenset[str]]


@dataclass(frozen=True)
class PlanPart:
    """Some of a project's plan files, loaded and rated in a process of their own (see
    :func:`barnet_rag.api.rate_in_parts`).

    ``exchange`` gives this part's names (None when it has problems) and returns the other
    parts' (None when any part has problems): their refs' results rows are passed over.
    """

    files: Sequence[Path]
    exchange: Callable[[PartNames | None], PartNames | None]

    def others(
        self, plans: Sequence[tuple[str, Plan]], refs: Collection[str], sound: bool
    ) -> frozenset[str]:
        """Make the part's one exchange: its plans' slugs and ``refs`` (unless it is not
        ``sound``) for the other parts' refs, whose results rows it passes over. Raises
        :class:`PartsDisagree` when any part is not sound or two share a slug or ref."""
        slugs = frozenset(plan.plan for _, plan in plans)
        own = (slugs, frozenset(refs)) if sound else None
        theirs = self.exchange(own)
        if own is None or theirs is None:
            raise PartsDisagree("a part has problems")
        if not (theirs[0].isdisjoint(slugs) and theirs[1].isdisjoint(refs)):
            raise PartsDisagree("two parts share a plan slug or a ref")
        return theirs[1]


class PartsDisagree(Exception):
    """A part, or another, has problems, or two parts share a slug or ref: the project is
    not rated in parts, but in one process, which reports every problem as usual."""


def load_project(root: Path, part: PlanPart | None = None) -> Project:
    """Load plans and schemes, raising one :class:`InputError` with every problem found;
    with ``part``, only its plan files (raising :class:`PartsDisagree` instead)."""
    plans, problems = load_plans(root, None if part is None else part.files)
    schemes, scheme_found = load_schemes(root)
    # A scheme whose own file has problems is reported there, not again for each plan.
    broken = {Path(p.file).stem for p in scheme_found if p.file}
    unbroken = [(shown, plan) for shown, plan in plans if plan.scheme not in broken]
    problems += scheme_found + locate(scheme_problems(unbroken, schemes), root)
    indicators = {i.ref: i for _, p in plans for i in p.indicators}
    foreign = frozenset() if part is None else part.others(plans, indicators, not problems)
    store = ResultsStore(root, indicators, level_codes(plans, schemes), foreign)
    problems += store.problems
    if problems:
        raise InputError(problems)
    return Project(
        root=root,
        plans=[p for _, p in plans],
        schemes=schemes,
        results=store,
        plan_files={p.plan: shown for shown, p in plans},
    )
