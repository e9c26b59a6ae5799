"""The engine against an independent oracle (``tests/oracle.py``), on whole generated projects.

Hypothesis writes projects as files (plans, schemes, a risk register, results for the
quarters a DOT can look at), rates them through ``api.rate_project`` and through
``barnet-rag rate --format json``, and compares every indicator's target, RAG, DOTs,
tolerances and counted value, and every summary row, with the oracle's.

The generator writes every key of the plan and scheme formats: :data:`GENERATED_KEYS` says
which, per model, and ``test_the_generator_covers_every_key_of_the_formats`` compares it
with the models' fields, so a new field fails here until the generator (and, when it
changes a rating, the oracle) covers it. To add a field: add it to its model's entry in
:data:`GENERATED_KEYS` and to that model's builder below (one builder per model).

``BARNET_RAG_ORACLE_EXAMPLES`` raises the number of projects tried (default 120).
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import oracle
from barnet_rag.api import rate_project
from barnet_rag.cli import main
from barnet_rag.periods import Period
from barnet_rag.project.models import (
    Band,
    Floors,
    Indicator,
    IndicatorSpc,
    Level,
    Plan,
    RatedIndicator,
    Scheme,
    SpcRules,
    Survey,
    YearTargets,
)
from barnet_rag.project.schemes import BUILTIN_SCHEMES

EXAMPLES = int(os.environ.get("BARNET_RAG_ORACLE_EXAMPLES", "120"))

#: Every key the generator writes, per model of the formats (the coverage test reads this).
#: Keys that do not change a rating are written all the same, and the oracle ignores them:
#: titles, ``committee`` (only named in the summary), ``risks``, ``benchmark``,
#: ``frequency``, ``type``, ``owner`` (plan and indicator: who supplies a result),
#: ``reported_in`` (which quarters expect one), the indicator's ``spc`` (IndicatorSpc) and the
#: scheme's ``spc`` rules (SpcRules: SPC readings are not compared here), and the levels'
#: ``colour`` and ``text_colour`` (Level: only reports use them).
GENERATED_KEYS: dict[type[BaseModel], frozenset[str]] = {
    Plan: frozenset(
        {"plan", "committee", "title", "scheme", "risks", "surveys", "indicators", "owner"}
    ),
    Survey: frozenset({"title", "confidence_interval", "sample_size"}),
    Indicator: frozenset(
        {
            "ref",
            "title",
            "type",
            "polarity",
            "unit",
            "survey",
            "frequency",
            "since",
            "dot_tolerance",
            "dot_tolerance_percent",
            "benchmark",
            "targets",
            "spc",
            "owner",
            "reported_in",
        }
    ),
    IndicatorSpc: frozenset({"baseline", "rebase"}),
    YearTargets: frozenset({"annual", "Q1", "Q2", "Q3", "Q4", "floor"}),
    Floors: frozenset({"annual", "Q1", "Q2", "Q3", "Q4"}),
    Scheme: frozenset({"name", "survey_tolerance", "levels", "bands", "spc"}),
    Level: frozenset({"code", "label", "colour", "text_colour"}),
    Band: frozenset({"rag", "met", "up_to", "up_to_points", "floor", "long_term", "short_term"}),
    SpcRules: frozenset({"shift", "trend", "two_of_three", "min_points", "baseline"}),
}

DOTS = (
    "improving",
    "worsening",
    "same",
    "new",
    "not comparable",
    "not reported",
    "no comparison",
)
TEXT = st.sampled_from(
    ["Residents' view", "Crime [bold]rate[/bold]", "Repeat victims – DV", "<b>x</b> & y", "Net"]
)

Draw = Callable[..., Any]


def year_text(year: int) -> str:
    """2017 -> ``"2017/18"``."""
    return f"{year}/{(year + 1) % 100:02d}"


def some(
    draw: Draw, data: dict[str, Any], key: str, strategy: st.SearchStrategy[Any], often: int = 1
) -> None:
    """Set ``data[key]`` from ``strategy`` (``often`` times in ``often + 1``): it is optional."""
    if draw(st.integers(0, often)):
        data[key] = draw(strategy)


def checked(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """A builder's output, refused if it wrote a key that :data:`GENERATED_KEYS` lacks."""
    unknown = set(data) - GENERATED_KEYS[model]
    assert not unknown, f"{model.__name__} builder wrote {unknown}: add them to GENERATED_KEYS"
    return data


# --- one builder per model -----------------------------------------------------------------


def near(
    bases: list[int], spread: int, low: int, high: int, scale: int = 10
) -> st.SearchStrategy[float | int]:
    """Numbers with a decimal (two when ``scale`` is 100) near a few typical values, so that
    shortfalls and changes land on the bounds and tolerances."""

    def value(base: int, offset: int) -> float | int:
        n = min(max(base * scale + offset, low * scale), high * scale)
        return n // scale if n % scale == 0 else n / scale

    return st.builds(value, st.sampled_from(bases), st.integers(-spread * scale, spread * scale))


#: Values that land exactly on a rule's edge: 95, 90 and 80 are 5%, 10% and 20% short of
#: 100; 63.6 + 4.4 meets 68; 60 and 64.4 are 4.4 apart (a survey's interval).
EDGES = [0, 60, 63.6, 64.4, 68, 72.4, 80, 90, 95, 100]
PERCENTS = st.one_of(
    near([64], 8, 0, 100),
    near([0, 100], 3, 0, 100),
    near([64], 5, 0, 100, scale=100),
    st.sampled_from(EDGES),
)
NUMBERS = st.one_of(
    near([100], 15, -50, 2000),
    near([0, 1234], 5, -50, 2000),
    near([1], 1, -50, 2000, 100),
    st.sampled_from([*EDGES, 105, 110, 120]),
)

#: Targets: mostly round ones, that the EDGES are exactly short of.
PERCENT_TARGETS = st.one_of(st.sampled_from([68, 75, 100, 0]), PERCENTS)
NUMBER_TARGETS = st.one_of(st.sampled_from([100, 0, 50]), NUMBERS)


@st.composite
def survey(draw: Draw) -> dict[str, Any]:
    """A Survey: a title and exactly one of ``confidence_interval`` or ``sample_size``."""
    data: dict[str, Any] = {"title": draw(TEXT)}
    if draw(st.booleans()):
        data["confidence_interval"] = draw(st.sampled_from([0.5, 1, 2.2, 4.4, 7.5]))
    else:
        data["sample_size"] = draw(st.sampled_from([30, 100, 500, 1600]))
    return checked(Survey, data)


@st.composite
def floors(draw: Draw, unit: str) -> dict[str, Any]:
    """A Floors: an annual floor and quarter ones, any subset."""
    numbers = PERCENT_TARGETS if unit == "percent" else NUMBER_TARGETS
    data: dict[str, Any] = {}
    for key in ("annual", "Q1", "Q2", "Q3", "Q4"):
        some(draw, data, key, numbers)
    return checked(Floors, data)


@st.composite
def year_targets(draw: Draw, unit: str) -> dict[str, Any]:
    """A YearTargets: an optional annual target (number, ``"68%"``, text), quarter ones and
    a floor (one number, or per quarter)."""
    numbers = PERCENT_TARGETS if unit == "percent" else NUMBER_TARGETS
    if unit == "percent":  # DESIGN section 2: "68%" is a number on percent indicators
        numbers = st.one_of(numbers, numbers, PERCENTS.map(lambda n: f"{n}%"))
    annual = [numbers, st.sampled_from(["Increase", "Decrease", "Sustain reduction", "monitor"])]
    data: dict[str, Any] = {}
    some(draw, data, "annual", st.one_of(annual))
    for quarter in ("Q1", "Q2", "Q3", "Q4"):
        own = st.one_of(numbers, numbers, st.sampled_from(["monitor", "Monitor"]))
        some(draw, data, quarter, own)
    plain = PERCENT_TARGETS if unit == "percent" else NUMBER_TARGETS
    some(draw, data, "floor", st.one_of(plain, floors(unit)))
    return checked(YearTargets, data)


@st.composite
def indicator_spc(draw: Draw) -> dict[str, Any]:
    """An IndicatorSpc (SPC is not compared: see above). A baseline of 200 is never below
    a scheme's min_points (at most 200)."""
    data: dict[str, Any] = {}
    some(draw, data, "baseline", st.just(200))
    quarters = st.sampled_from(["2016/17-Q1", "Q3-2017", "2017/18-Q2"])
    some(draw, data, "rebase", st.lists(quarters, unique=True, min_size=1, max_size=2))
    return checked(IndicatorSpc, data)


@st.composite
def indicator(draw: Draw, ref: str, surveys: list[str], year: int) -> dict[str, Any]:
    """An Indicator with any of its optional keys."""
    data: dict[str, Any] = {
        "ref": ref,
        "title": draw(TEXT),
        "type": draw(st.sampled_from(["CPI", "SPI"])),
        "polarity": draw(st.sampled_from(["bigger", "smaller"])),
    }
    some(draw, data, "unit", st.sampled_from(["percent", "number"]))
    if surveys:
        some(draw, data, "survey", st.sampled_from(surveys), often=2)
    some(draw, data, "frequency", st.sampled_from(["quarterly", "biannual", "annual"]))
    some(draw, data, "since", st.integers(year - 2, year + 1).map(year_text))
    # dot_tolerance or dot_tolerance_percent, never both (that is an error)
    tolerance = draw(st.sampled_from(["dot_tolerance", "dot_tolerance_percent", None]))
    if tolerance == "dot_tolerance":
        data[tolerance] = draw(st.sampled_from([0, 0.5, 1, 2.5, 4.4, 10]))
    elif tolerance == "dot_tolerance_percent":
        data[tolerance] = draw(st.sampled_from([0, 0.5, 1, 2, 5, 10, 100]))
    some(draw, data, "benchmark", TEXT)
    some(draw, data, "owner", st.sampled_from(["Community Safety team", "Head of Service"]))
    quarter_names = st.sampled_from(["Q1", "Q2", "Q3", "Q4"])
    some(draw, data, "reported_in", st.lists(quarter_names, unique=True, min_size=1))
    some(draw, data, "spc", indicator_spc())
    unit = data.get("unit", "number")
    others = st.lists(st.sampled_from([year - 1, year + 1]), unique=True, max_size=2)
    years = st.tuples(st.integers(0, 3), others).map(lambda t: [year] * bool(t[0]) + t[1])
    some(
        draw,
        data,
        "targets",
        years.flatmap(
            lambda ys: st.fixed_dictionaries({year_text(y): year_targets(unit) for y in ys})
        ),
        often=4,
    )
    return checked(Indicator, data)


@st.composite
def plan(draw: Draw, number: int, year: int, schemes: list[str]) -> dict[str, Any]:
    """A Plan of 1-6 indicators, refs unique across plans."""
    data: dict[str, Any] = {
        "plan": f"plan-{number}",
        "committee": f"Committee {number}",
        "title": draw(TEXT),
    }
    some(draw, data, "scheme", st.sampled_from(schemes), often=2)
    some(draw, data, "risks", st.just("register"))
    some(draw, data, "owner", st.just("Strategy and Performance team"))
    some(
        draw,
        data,
        "surveys",
        st.dictionaries(st.sampled_from(["RPS", "TSS"]), survey(), min_size=1),
        often=2,
    )
    count = draw(st.integers(1, 6))
    names = list(data.get("surveys", {}))
    data["indicators"] = [draw(indicator(f"P{number}/{i}", names, year)) for i in range(count)]
    return checked(Plan, data)


@st.composite
def spc_rules(draw: Draw) -> dict[str, Any]:
    """A scheme's SpcRules, any subset of its keys (SPC is not compared: see above)."""
    data: dict[str, Any] = {}
    some(draw, data, "shift", st.integers(2, 50))
    some(draw, data, "trend", st.integers(3, 50))
    some(draw, data, "two_of_three", st.booleans())
    some(draw, data, "min_points", st.integers(2, 200))
    some(draw, data, "baseline", st.integers(data.get("min_points", 12), 200))
    return checked(SpcRules, data)


@st.composite
def band(draw: Draw, up_to: float | None, codes: list[str]) -> dict[str, Any]:
    """A conditional Band giving one of ``codes`` (the scheme builder adds the catch-all)."""
    data: dict[str, Any] = {"rag": draw(st.sampled_from(codes))}
    some(draw, data, "met", st.booleans())
    if up_to is not None:
        data["up_to"] = up_to
    some(draw, data, "up_to_points", st.sampled_from([0, 0.5, 2, 4.4, 10]))
    some(draw, data, "floor", st.sampled_from(["met", "missed"]))
    some(draw, data, "long_term", st.lists(st.sampled_from(DOTS), unique=True, max_size=3))
    some(draw, data, "short_term", st.lists(st.sampled_from(DOTS), unique=True, max_size=3))
    return checked(Band, data)


@st.composite
def level(draw: Draw, code: str) -> dict[str, Any]:
    """A Level (colours are for reports only: the oracle ignores them)."""
    data: dict[str, Any] = {"code": code, "label": draw(st.sampled_from([f"Level {code}", code]))}
    data["colour"] = draw(st.sampled_from(["#00703c", "#ffdd00", "#d4351c", "#1D70B8"]))
    some(draw, data, "text_colour", st.sampled_from(["#0b0c0c", "#ffffff"]))
    return checked(Level, data)


@st.composite
def scheme(draw: Draw, name: str) -> dict[str, Any]:
    """A Scheme: its levels (or Barnet's), up to three conditional bands, ``up_to``
    increasing, then a catch-all."""
    data: dict[str, Any] = {"name": name}
    some(draw, data, "survey_tolerance", st.booleans())
    pool = st.sampled_from(["G", "GA", "A", "RA", "R", "X"])
    if draw(st.booleans()):
        codes = draw(st.lists(pool, unique=True, min_size=1, max_size=4))
        data["levels"] = [draw(level(code)) for code in codes]
    else:
        codes = [item["code"] for item in oracle.BARNET_LEVELS]
    bounds = sorted(
        draw(st.lists(st.sampled_from([0, 0.01, 0.05, 0.1, 0.2, 0.5]), max_size=3)),
    )
    conditional = [draw(band(b if draw(st.booleans()) else None, codes)) for b in bounds]
    last = {"rag": draw(st.sampled_from(codes))}
    data["bands"] = [*conditional, checked(Band, last)]
    some(draw, data, "spc", spc_rules())
    return checked(Scheme, data)


# --- results files ---------------------------------------------------------------------------

OPTIONAL_COLUMNS = ("label", "comparable", "note", "comment", "published_rag")
#: Blank is "not reported", and so are n/a, N/A, - and – (DESIGN section 3).
NOT_REPORTED = st.sampled_from(["", "n/a", "N/A", "-", "–"])


def value_cell(number: float | int, unit: str, draw: Draw) -> str:
    """A result as an officer types it: ``60``, ``60%``, ``1,234.5``."""
    if unit == "percent" and draw(st.booleans()):
        return f"{number}%"
    if abs(number) >= 1000 and draw(st.booleans()):
        return f"{number:,}"
    return str(number)


@st.composite
def results_file(
    draw: Draw,
    indicators: list[dict[str, Any]],
    quarter: oracle.Quarter,
    codes: dict[str, list[str]],
) -> dict[str, dict[str, str]]:
    """One quarter's rows, ref -> cells, over a random subset of the optional columns;
    ``codes`` gives each ref's level codes (what its ``published_rag`` may name)."""
    columns = [c for c in OPTIONAL_COLUMNS if draw(st.booleans())]
    rows: dict[str, dict[str, str]] = {}
    for item in indicators:
        if not oracle.active(item, quarter) or not draw(st.integers(0, 9)):
            continue
        unit = item.get("unit", "number")
        if draw(st.integers(0, 9)):
            value = value_cell(draw(PERCENTS if unit == "percent" else NUMBERS), unit, draw)
        else:
            value = draw(NOT_REPORTED)
        cells = {"ref": item["ref"], "value": value}
        choices = {
            "label": st.sampled_from(["", "Autumn 2017", "Spring, 2016"]),
            "comparable": st.sampled_from(["", "", "", "no", "No"]),
            "note": st.sampled_from(["", 'A "note", with commas', "Line\nbreak"]),
            "comment": st.sampled_from(["", "[red]Officer[/red] comment"]),
            "published_rag": st.sampled_from(["", *codes[item["ref"]]]),
        }
        for column in columns:
            cells[column] = draw(choices[column])
        rows[item["ref"]] = cells
    return {"__columns__": {c: c for c in columns}, **rows}


@dataclass(frozen=True)
class Project:
    """A generated project: what is written to files, as the oracle reads it."""

    quarter: oracle.Quarter
    plans: list[dict[str, Any]]
    schemes: dict[str, dict[str, Any]]
    results: dict[oracle.Quarter, dict[str, dict[str, str]]]
    columns: dict[oracle.Quarter, list[str]]


@st.composite
def projects(draw: Draw) -> Project:
    """1-3 plans, 0-2 schemes of the project's own, results for the five quarters that the
    rated quarter's DOTs can look at (the rated one always there, others sometimes)."""
    quarter = (draw(st.integers(2016, 2018)), draw(st.integers(1, 4)))
    own = draw(st.lists(st.sampled_from(["county", "strict"]), unique=True, max_size=2))
    schemes = {name: draw(scheme(name)) for name in own}
    names = [*own, *own, *own, *sorted(BUILTIN_SCHEMES)]  # the project's own, mostly
    plans = [draw(plan(n, quarter[0], names)) for n in range(1, draw(st.integers(1, 3)) + 1)]
    indicators = [i for p in plans for i in p["indicators"]]
    every = {**oracle.BUILTIN_SCHEMES, **schemes}
    codes = {
        i["ref"]: [lv["code"] for lv in oracle.levels_of(every[p.get("scheme", "barnet")])]
        for p in plans
        for i in p["indicators"]
    }
    results: dict[oracle.Quarter, dict[str, dict[str, str]]] = {}
    columns: dict[oracle.Quarter, list[str]] = {}
    here = oracle.same_quarter_last_year(quarter)
    while True:
        if here == quarter or draw(st.integers(0, 3)):
            rows = draw(results_file(indicators, here, codes))
            columns[here] = list(rows.pop("__columns__"))
            results[here] = rows
        if here == quarter:
            break
        here = (here[0], here[1] + 1) if here[1] < 4 else (here[0] + 1, 1)
    return Project(quarter, plans, schemes, results, columns)


REGISTER = {
    "name": "register",
    "title": "Service risks",
    "risks": [{"id": "R1", "title": "Data late", "owner": "Head", "likelihood": 3, "impact": 5}],
}


def write(project: Project, root: Path) -> None:
    """The project as files under ``root``."""
    for folder in ("plans", "schemes", "risks", "results"):
        (root / folder).mkdir()
    for data in project.plans:
        (root / "plans" / f"{data['plan']}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    for name, data in project.schemes.items():
        (root / "schemes" / f"{name}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (root / "risks" / "register.yaml").write_text(yaml.safe_dump(REGISTER), encoding="utf-8")
    for (year, q), rows in project.results.items():
        folder = root / "results" / f"{year}-{(year + 1) % 100:02d}"
        folder.mkdir(exist_ok=True)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, ["ref", "value", *project.columns[(year, q)]])
        writer.writeheader()
        writer.writerows(rows.values())
        (folder / f"Q{q}.csv").write_text(buffer.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """One directory for the module; each example writes a fresh project inside it."""
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


# --- comparing -------------------------------------------------------------------------------


def same_number(engine: float | None, expected: Fraction | None) -> bool:
    """The engine's float equals the oracle's exact number (to 1e-9), or both are None."""
    if engine is None or expected is None:
        return engine is None and expected is None
    return abs(Fraction(engine) - expected) <= Fraction(1, 10**9)


def mismatches(
    engine: RatedIndicator, expected: oracle.OracleIndicator
) -> dict[str, tuple[Any, Any]]:
    """The fields where the engine's rating of one indicator differs from the oracle's."""
    found: dict[str, tuple[Any, Any]] = {}
    for name in ("plan", "ref", "label", "published_rag", "rag", "dot_short", "dot_long"):
        if getattr(engine, name) != getattr(expected, name):
            found[name] = (getattr(engine, name), getattr(expected, name))
    numbers = {
        "value": engine.value,
        "target": engine.target,
        "counted_value": engine.counted_value,
        "tolerance": engine.tolerance,
        "tolerance_short": engine.tolerance_short,
    }
    for name, got in numbers.items():
        want = getattr(expected, name)
        if name.startswith("tolerance") and want is None:
            continue  # no result: nothing compared, no rule says what it is
        if not same_number(got, want):
            found[name] = (got, want)
    return found


def expected_rows(rows: list[oracle.OracleRow]) -> list[dict[str, Any]]:
    """The oracle's Table 1 as the public JSON summary rows."""
    data = []
    for row in rows:
        fields = {name: value for name, value in vars(row).items() if value is not None}
        for name, value in fields.items():
            if name == "levels":
                fields[name] = list(value)
            elif isinstance(value, tuple):
                fields[name] = {"count": value[0], "percent": value[1]}
        data.append(fields)
    return data


def compare(project: Project, root: Path) -> list[oracle.OracleIndicator]:
    """Rate the written project through the library and the CLI; both must equal the oracle,
    whose ratings are returned."""
    year, q = project.quarter
    rated = rate_project(root, Period(year, q))
    result = CliRunner().invoke(
        main, ["rate", f"Q{q}-{year}", "--format", "json", "--root", str(root)]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)  # may add fields (the plans' actions, say)
    dumped = rated.model_dump()
    assert {k: printed[k] for k in dumped} == dumped
    indicators, rows = oracle.rate(project.plans, project.schemes, project.results, project.quarter)
    assert [(i.plan, i.ref) for i in rated.indicators] == [(i.plan, i.ref) for i in indicators]
    for engine, expected in zip(rated.indicators, indicators, strict=True):
        assert mismatches(engine, expected) == {}, engine.ref
    wanted = expected_rows(rows)
    fields = list(vars(rows[0]))  # green...red are left out (None) on other level sets
    summary = [
        {k: v for k in fields if (v := row.model_dump().get(k)) is not None}
        for row in rated.summary
    ]
    assert summary == wanted
    return indicators


def rated_indicator(ref: str, value: str, **keys: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """A bigger-is-better number indicator with a target of 100 in 2017/18, and its Q3 row."""
    data = {"ref": ref, "title": ref, "type": "SPI", "polarity": "bigger"}
    data["targets"] = {"2017/18": {"annual": 100}}
    return {**data, **keys}, {"ref": ref, "value": value}


#: A scheme of the project's own, without survey tolerance.
STRICT = {
    "name": "strict",
    "survey_tolerance": False,
    "bands": [{"rag": "GA", "up_to": 0.1}, {"rag": "R"}],
}


def pinned(
    *plans: list[tuple[dict[str, Any], dict[str, str]]], scheme: str = "barnet", **earlier: str
) -> Project:
    """A Q3 2017/18 project of these plans (indicators and their rows) under ``scheme``, with
    Q3 2016/17 results ``earlier`` (ref -> value) when given."""
    data = [
        {"plan": f"plan-{n}", "committee": f"C{n}", "title": "T", "indicators": [i for i, _ in p]}
        for n, p in enumerate(plans, 1)
    ]
    for item in data:
        item["scheme"] = scheme
        item["surveys"] = {"RPS": {"title": "Residents", "confidence_interval": 4.4}}
    rows = {row["ref"]: row for p in plans for _, row in p}
    results = {(2017, 3): rows}
    if earlier:
        results[(2016, 3)] = {ref: {"ref": ref, "value": v} for ref, v in earlier.items()}
    schemes = {"strict": STRICT} if scheme == "strict" else {}
    return Project((2017, 3), data, schemes, results, {quarter: [] for quarter in results})


#: Cases on the edges of the rules, tried before the generated ones.
HALF_UP = pinned(  # 1 of 8 rated is Green: 13%, not Python's round(12.5) = 12
    [rated_indicator("A1", "100"), *(rated_indicator(f"A{i}", "50") for i in (2, 3, 4))],
    [rated_indicator(f"B{i}", "50") for i in range(1, 5)],
)
EDGE = pinned(
    [
        rated_indicator("E1", "95"),  # 5% short: Green Amber under barnet's up_to: 0.05
        rated_indicator("E2", "63.6", survey="RPS", targets={"2017/18": {"Q3": 68}}),  # met
        rated_indicator("E3", "64.4", survey="RPS"),  # 4.4 from last year's 60: same
        rated_indicator("E4", "80", dot_tolerance=0.5),  # 20% short; 0.5 better: improving
    ],
    E3="60",
    E4="79.5",
)
NO_SURVEY_TOLERANCE = pinned(  # 63.6 counted as it is: 6.5% short of 68, Green Amber
    [rated_indicator("S1", "63.6", survey="RPS", targets={"2017/18": {"Q3": 68}})],
    scheme="strict",
)
FLOORS = pinned(  # the built-in floor scheme: met -> G, floor met -> A, else R
    [
        rated_indicator("F1", "100", targets={"2017/18": {"annual": 100, "floor": 85}}),  # G
        rated_indicator("F2", "85", targets={"2017/18": {"annual": 100, "floor": 85}}),  # A
        rated_indicator("F3", "84.9", targets={"2017/18": {"annual": 100, "floor": 85}}),  # R
        rated_indicator("F4", "90"),  # no floor: never matches floor: met -> R
        rated_indicator(  # Q3's own floor 92, not the annual 85: R
            "F5", "90", targets={"2017/18": {"annual": 100, "floor": {"annual": 85, "Q3": 92}}}
        ),
        rated_indicator(  # no Q3 floor: the annual 85: A
            "F6", "90", targets={"2017/18": {"annual": 100, "floor": {"annual": 85, "Q1": 95}}}
        ),
        rated_indicator("F7", "102", dot_tolerance_percent=2),  # 2% of 100: same
        rated_indicator("F8", "103", dot_tolerance_percent=2),  # beyond 2: improving
    ],
    scheme="floor",
    F7="100",
    F8="100",
)
FLOOR_RAGS = {"F1": "G", "F2": "A", "F3": "R", "F4": "R", "F5": "R", "F6": "A"}


def test_the_oracle_reads_floors_and_percent_tolerances(tmp_path: Path) -> None:
    # The oracle's own reading of the pinned FLOORS case, by hand from DESIGN 4, 5 and 6.
    indicators, rows = oracle.rate(FLOORS.plans, FLOORS.schemes, FLOORS.results, FLOORS.quarter)
    rags = {i.ref: i.rag for i in indicators}
    assert {ref: rags[ref] for ref in FLOOR_RAGS} == FLOOR_RAGS
    dots = {i.ref: (i.dot_long, i.tolerance) for i in indicators if i.ref in ("F7", "F8")}
    assert dots == {"F7": ("same", 2), "F8": ("improving", 2)}
    assert [(lv["code"], lv["count"]) for lv in rows[0].levels] == [("G", 3), ("A", 2), ("R", 3)]
    assert rows[0].green is None  # not Barnet's levels: no green...red fields
    write(FLOORS, tmp_path)
    compare(FLOORS, tmp_path)


@settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(project=projects())
@example(project=HALF_UP)
@example(project=EDGE)
@example(project=NO_SURVEY_TOLERANCE)
@example(project=FLOORS)
def test_the_engine_agrees_with_the_oracle(project: Project, scratch: Path) -> None:
    with tempfile.TemporaryDirectory(dir=scratch) as name:
        root = Path(name)
        write(project, root)
        for expected in compare(project, root):
            event(f"rag {expected.rag}")
            event(f"dot_long {expected.dot_long}")
            event(f"dot_short {expected.dot_short}")


# --- coverage of the formats -----------------------------------------------------------------


def nested_models(annotation: Any) -> list[type[BaseModel]]:
    """The models inside a field's type: ``list[Indicator]``, ``dict[str, Survey]``..."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for argument in typing.get_args(annotation):
        found += nested_models(argument)
    return found


def format_models(*roots: type[BaseModel]) -> dict[type[BaseModel], frozenset[str]]:
    """Every model reachable from ``roots`` through their fields, with its field names."""
    found: dict[type[BaseModel], frozenset[str]] = {}
    todo = list(roots)
    while todo:
        model = todo.pop()
        if model in found:
            continue
        model.model_rebuild()
        found[model] = frozenset(model.model_fields)
        for field in model.model_fields.values():
            todo += nested_models(field.annotation)
    return found


def test_the_generator_covers_every_key_of_the_formats() -> None:
    # A new model field fails here until GENERATED_KEYS and its builder (and the oracle,
    # when the field changes a rating) cover it.
    models = format_models(Plan, Scheme)
    none: frozenset[str] = frozenset()
    not_generated = {
        model.__name__: sorted(keys - GENERATED_KEYS.get(model, none))
        for model, keys in models.items()
        if keys - GENERATED_KEYS.get(model, none)
    }
    assert not_generated == {}, "add them to GENERATED_KEYS and to their model's builder"
    assert models == GENERATED_KEYS


#: Each model's builder, to check on its own that it writes every key it lists.
BUILDERS: dict[type[BaseModel], st.SearchStrategy[dict[str, Any]]] = {
    Plan: plan(1, 2017, sorted(BUILTIN_SCHEMES)),
    Survey: survey(),
    Indicator: indicator("A/1", ["RPS"], 2017),
    YearTargets: st.sampled_from(["percent", "number"]).flatmap(year_targets),
    Scheme: scheme("county"),
    Band: band(0.05, ["G", "GA", "RA", "R"]),
    Level: level("A"),
    Floors: st.sampled_from(["percent", "number"]).flatmap(floors),
    IndicatorSpc: indicator_spc(),
    SpcRules: spc_rules(),
}


def test_every_model_has_a_builder() -> None:
    assert set(BUILDERS) == set(GENERATED_KEYS)


@pytest.mark.parametrize("model", list(BUILDERS), ids=lambda model: model.__name__)
def test_the_builder_writes_every_key_it_lists(model: type[BaseModel]) -> None:
    # Listed is not enough: the builder writes each key, and what it writes is valid.
    seen: set[str] = set()

    @settings(max_examples=60, phases=[Phase.generate], database=None, derandomize=True)
    @given(data=BUILDERS[model])
    def collect(data: dict[str, Any]) -> None:
        model.model_validate(data)
        seen.update(data)

    collect()
    assert seen == GENERATED_KEYS[model]


# --- where the engine and DESIGN.md once disagreed (found by the oracle; fixed on main) ------


def one_indicator(unit: str, targets: dict[str, Any], value: str) -> Project:
    """A plan of one bigger-is-better indicator A, its Q3 2017/18 result ``value``."""
    indicator: dict[str, Any] = {
        "ref": "A",
        "title": "A",
        "type": "CPI",
        "polarity": "bigger",
        "unit": unit,
        "targets": {"2017/18": targets},
    }
    data = {"plan": "p", "committee": "C", "title": "T", "indicators": [indicator]}
    rows = {"A": {"ref": "A", "value": value}}
    return Project((2017, 3), [data], {}, {(2017, 3): rows}, {(2017, 3): []})


@pytest.mark.parametrize("cell", ["n/a", "N/A", "-", "–"])
def test_n_a_in_a_results_file_is_not_reported(cell: str, tmp_path: Path) -> None:
    project = one_indicator("percent", {"annual": 68}, cell)
    write(project, tmp_path)
    compare(project, tmp_path)
    assert rate_project(tmp_path, Period(2017, 3)).indicators[0].rag == "Not reported"


@pytest.mark.parametrize("targets", [{"annual": "68%"}, {"Q3": "68%"}], ids=["annual", "Q3"])
def test_a_percent_target_is_a_number(targets: dict[str, Any], tmp_path: Path) -> None:
    project = one_indicator("percent", targets, "60")
    write(project, tmp_path)
    compare(project, tmp_path)
    rated = rate_project(tmp_path, Period(2017, 3)).indicators[0]
    assert (rated.target, rated.rag) == (68.0, "R")  # 11.8% short, nothing to compare: R


@pytest.mark.parametrize(
    ("unit", "annual"),
    [("percent", "68 percent"), ("number", "1,2"), ("number", "68%")],
)
def test_a_text_target_with_a_digit_is_an_error(unit: str, annual: str, tmp_path: Path) -> None:
    write(one_indicator(unit, {"annual": annual}, "60"), tmp_path)
    result = CliRunner().invoke(
        main, ["rate", "Q3-2017", "--format", "json", "--root", str(tmp_path)]
    )
    assert result.exit_code == 2
    # DESIGN 9: the error names the file, the line and the YAML path, and how to fix it
    text = (tmp_path / "plans" / "p.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, row in enumerate(text, 1) if row.strip().startswith("annual:"))
    assert f"plans/p.yaml:{line}: indicators[0].targets.2017/18.annual" in result.output
    assert "Traceback" not in result.output
    if unit == "number" and annual.endswith("%"):
        assert "unit: percent" in result.output
    else:
        assert "not a number" in result.output


def test_json_has_the_short_term_tolerance(repo_root: Path) -> None:
    result = CliRunner().invoke(
        main, ["rate", "Q3-2017", "--format", "json", "--root", str(repo_root)]
    )
    assert result.exit_code == 0
    indicators = json.loads(result.output)["indicators"]
    assert all("tolerance_short" in indicator for indicator in indicators)
