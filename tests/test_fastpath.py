"""The columnar path for large projects gives exactly the scalar engine's rows, or declines.

The projects hypothesis makes span fourteen quarters; dense ones report nearly every value,
in patterns (steady, ramps, steps) that make the SPC rules fire, some with a method change
early enough to leave twelve comparable points, so SPC fields are compared too.
"""

from __future__ import annotations

import json
import marshal
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barnet_rag.api import rate_project
from barnet_rag.cli import main
from barnet_rag.outputs import fastpath
from barnet_rag.outputs.display import TableRow
from barnet_rag.outputs.fastpath import fast_rows, fast_table
from barnet_rag.outputs.tabular import indicator_fields, indicator_rows
from barnet_rag.periods import Period
from barnet_rag.project.plancache import COLUMNS, NO_CACHE_ENV, cache_directory
from spc_fixture import LAST, write_spc_project

PERIODS = [Period(2014, 2)]
while PERIODS[-1] < Period(2017, 3):
    PERIODS.append(PERIODS[-1].next())
#: A project scheme with short SPC rules, so that its rules reach the columnar path too.
SHORT_SCHEME = json.dumps(
    {
        "name": "short",
        "bands": [{"rag": "GA", "up_to": 0.05}, {"rag": "R"}],
        "spc": {"shift": 5, "trend": 4, "two_of_three": False, "min_points": 6},
    }
)

numbers = st.one_of(
    st.integers(0, 100).map(float), st.sampled_from([0.0, 4.4, 59.95, 60.0, 64.4, 99.5])
)
targets = st.one_of(numbers, st.just("monitor"), st.sampled_from(["Increase", "Decrease"]))


@st.composite
def indicators(draw: Any, index: int) -> dict[str, Any]:
    """One plan indicator with random polarity, survey, since, tolerance and targets."""
    indicator: dict[str, Any] = {
        "ref": f"X/{index}",
        "title": draw(st.sampled_from(["Plain", "=SUM(A1)", "Rate – per 1,000"])),
        "type": draw(st.sampled_from(["CPI", "SPI"])),
        "polarity": draw(st.sampled_from(["bigger", "smaller"])),
        "unit": draw(st.sampled_from(["percent", "percent", "number"])),
    }
    if draw(st.booleans()):
        indicator["survey"] = draw(st.sampled_from(["FIXED", "SAMPLED"]))
    if draw(st.booleans()):
        indicator["since"] = draw(st.sampled_from(["2016/17", "2017/18", "2018/19"]))
    if draw(st.booleans()):
        indicator["dot_tolerance"] = draw(st.sampled_from([0.5, 1.0, 4.4]))
    years = {}
    for year in draw(st.lists(st.sampled_from(["2016/17", "2017/18"]), unique=True)):
        entry = {"annual": draw(targets)}
        for quarter in draw(st.lists(st.sampled_from(["Q1", "Q2", "Q3", "Q4"]), unique=True)):
            entry[quarter] = draw(st.one_of(numbers, st.just("monitor")))
        years[year] = entry
    indicator["targets"] = years
    return indicator


STYLES = ["random", "steady", "rising", "falling", "step"]


@st.composite
def values(draw: Any, style: str, index: int, dense: bool) -> str:
    """One result's value cell: blank, a number or a percent, following ``style`` over
    the quarters (``index`` counts them) so that shifts, trends and outliers occur."""
    if draw(st.integers(0, 12 if dense else 2)) == 0:
        return ""
    if style == "steady":
        return draw(st.sampled_from(["59", "60", "60", "61", "60.5"]))
    if style == "rising":
        return str(min(100, 20 + 5 * index + draw(st.integers(0, 1))))
    if style == "falling":
        return f"{max(0.0, 90 - 4.5 * index - draw(st.integers(0, 1))):g}"
    if style == "step":
        return str((40 if index < 8 else 70) + draw(st.integers(0, 2)))
    return draw(st.one_of(st.integers(0, 100).map(str), st.just("64.4%")))


@st.composite
def projects(draw: Any) -> dict[str, str]:
    """A project of one or two plans and results files for some of fourteen quarters."""
    files: dict[str, str] = {"schemes/short.yaml": SHORT_SCHEME}
    refs = []
    units: dict[str, str] = {}
    count = 0
    for slug in draw(st.lists(st.sampled_from(["a", "b"]), min_size=1, unique=True)):
        size = draw(st.integers(1, 4))
        plan = {
            "plan": slug,
            "committee": slug.upper(),
            "title": f"Plan {slug}",
            "scheme": draw(st.sampled_from(["barnet", "bands", "short"])),
            "surveys": {
                "FIXED": {"title": "Fixed", "confidence_interval": 4.4},
                "SAMPLED": {"title": "Sampled", "sample_size": 500},
            },
            "indicators": [draw(indicators(count + i)) for i in range(size)],
        }
        count += size
        refs += [i["ref"] for i in plan["indicators"]]
        units.update({i["ref"]: i["unit"] for i in plan["indicators"]})
        files[f"plans/{slug}.yaml"] = json.dumps(plan)
    dense = draw(st.booleans())
    styles = {ref: draw(st.sampled_from(STYLES)) for ref in refs}
    # A method change at quarter 1 or 2 leaves twelve or more comparable points.
    changes = {ref: draw(st.sampled_from([None, None, 1, 2, 9])) for ref in refs}
    for index, period in enumerate(PERIODS):
        if period != PERIODS[-1] and draw(st.integers(0, 20 if dense else 4)) == 0:
            continue
        lines = ["ref,value,label,comparable,comment,published_rag"]
        for ref in refs:
            if draw(st.integers(0, 30 if dense else 5)) == 0:
                continue
            value = draw(values(styles[ref], index, dense))
            if units[ref] == "number":  # a % sign needs unit: percent
                value = value.removesuffix("%")
            label = draw(st.sampled_from(["", "Autumn", "-dash"]))
            broken = changes[ref] == index or draw(st.integers(0, 40 if dense else 6)) == 0
            comparable = "no" if broken else ""
            rag = draw(st.sampled_from(["", "G", "r", "Monitor"]))
            lines.append(f"{ref},{value},{label},{comparable},+note,{rag}")
        files[f"results/{period.directory}/{period.quarter_label}.csv"] = "\n".join(lines) + "\n"
    return files


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def no_cache() -> Iterator[None]:
    os.environ[NO_CACHE_ENV] = "1"
    try:
        yield
    finally:
        del os.environ[NO_CACHE_ENV]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects(), st.lists(st.sampled_from(["a", "b"]), max_size=2))
def test_columnar_rows_equal_the_scalar_engine(files: dict[str, str], plans: list[str]) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        write(root, files)
        os.environ[NO_CACHE_ENV] = "1"
        try:
            fast = fast_rows(root, [PERIODS[-1]], plans)
        finally:
            del os.environ[NO_CACHE_ENV]
        slugs = {name.removeprefix("plans/").removesuffix(".yaml") for name in files}
        slugs.discard("schemes/short.yaml")
        if not set(plans) <= slugs:
            assert fast is None  # the scalar engine reports the unknown plan
            return
        assert fast is not None
        scalar = indicator_rows(rate_project(root, PERIODS[-1], plans).indicators)
        assert fast == [scalar]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects(), st.lists(st.sampled_from(["a", "b"]), max_size=2))
def test_the_terminal_table_and_summary_equal_the_scalar_engine(
    files: dict[str, str], plans: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        write(root, files)
        fast = fast_table(root, PERIODS[-1], plans)  # the plan cache of this test run
        slugs = {name.removeprefix("plans/").removesuffix(".yaml") for name in files}
        if not set(plans) <= slugs:
            assert fast is None  # the scalar engine reports the unknown plan
            return
        assert fast is not None
        rows, summary = fast
        rated = rate_project(root, PERIODS[-1], plans)
        assert rows == [TableRow.of(i) for i in rated.indicators]
        assert [t.fields() for t in summary] == [r.model_dump() for r in rated.summary]


def test_the_columnar_fields_are_the_public_fields() -> None:
    assert indicator_fields() == fastpath.FIELDS


@pytest.mark.usefixtures("no_cache")
def test_spc_fields_of_the_twelve_quarter_fixture_equal_the_scalar_engine(tmp_path: Path) -> None:
    root = write_spc_project(tmp_path)
    scalar = indicator_rows(rate_project(root, LAST).indicators)
    assert fast_rows(root, [LAST]) == [scalar]
    assert [(r["ref"], r["variation"], r["assurance"]) for r in scalar] == [
        ("SPC/1", "special cause improving", "hit and miss"),
        ("SPC/2", "special cause concerning", "hit and miss"),
        ("SPC/3", "insufficient data", None),
    ]


def test_the_cache_is_keyed_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "project"
    for name in ("plans", "results"):
        (root / name).mkdir(parents=True)
    example = Path(__file__).resolve().parent.parent
    plan = (example / "plans" / "community-leadership.yaml").read_text(encoding="utf-8")
    (root / "plans" / "community-leadership.yaml").write_text(plan, encoding="utf-8")
    write(root, {"results/2017-18/Q3.csv": "ref,value\nCG/S4,60\n"})
    first = fast_rows(root, [Period(2017, 3)])
    assert first is not None and len(list(cache_directory().iterdir())) == 1
    assert fast_rows(root, [Period(2017, 3)]) == first  # read back from the cache
    changed = plan.replace("2017/18: {annual: 68, Q3: 68}", "2017/18: {annual: 68, Q3: 50}")
    (root / "plans" / "community-leadership.yaml").write_text(changed, encoding="utf-8")
    again = fast_rows(root, [Period(2017, 3)])
    assert again is not None
    s4 = next(r for r in again[0] if r["ref"] == "CG/S4")
    assert (s4["target"], s4["rag"]) == (50.0, "G")
    assert len(list(cache_directory().iterdir())) == 2


@pytest.mark.usefixtures("no_cache")
@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("unknown ref", "ref,value\nCG/S4,60\nNOPE,1\n"),
        ("bad value", "ref,value\nCG/S4,sixty\n"),
        ("percent range", "ref,value\nCG/S4,160\n"),
        ("duplicate ref", "ref,value\nCG/S4,60\nCG/S4,61\n"),
        ("ragged row", "ref,value\nCG/S4,60,1\n"),
        ("unknown column", "ref,value,colour\nCG/S4,60,red\n"),
        ("bad comparable", "ref,value,comparable\nCG/S4,60,maybe\n"),
    ],
)
def test_any_problem_declines_so_the_scalar_engine_reports_it(
    make_tree: Any, name: str, text: str
) -> None:
    example = Path(__file__).resolve().parent.parent
    plan = (example / "plans" / "community-leadership.yaml").read_text(encoding="utf-8")
    root = make_tree({"plans/p.yaml": plan, "results/2017-18/Q3.csv": text})
    assert fast_rows(root, [Period(2017, 3)]) is None, name


@pytest.mark.usefixtures("no_cache")
def test_blank_rows_are_skipped_as_the_scalar_engine_skips_them(make_tree: Any) -> None:
    example = Path(__file__).resolve().parent.parent
    plan = (example / "plans" / "community-leadership.yaml").read_text(encoding="utf-8")
    text = "ref,value,label\nCG/S4,60,Autumn 2017\n,,\n\n ,  , \nCG/S5,75%,\n"
    root = make_tree({"plans/p.yaml": plan, "results/2017-18/Q3.csv": text})
    scalar = indicator_rows(rate_project(root, Period(2017, 3)).indicators)
    assert fast_rows(root, [Period(2017, 3)]) == [scalar]


@pytest.mark.usefixtures("no_cache")
@pytest.mark.parametrize("workers", ["1", "2", "3"])
def test_rate_csv_uses_it_and_prints_nothing_extra_when_piped(
    monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    example = Path(__file__).resolve().parent.parent
    monkeypatch.setattr(fastpath, "MIN_PLAN_BYTES", 0)
    monkeypatch.setenv("BARNET_RAG_WORKERS", workers)
    calls: list[tuple[Period, int]] = []
    original = fastpath.FastProject.parts

    def spy(self: fastpath.FastProject, period: Period, plans: Any, count: int) -> Any:
        calls.append((period, count))
        return original(self, period, plans, count)

    monkeypatch.setattr(fastpath.FastProject, "parts", spy)
    result = CliRunner().invoke(
        main, ["rate", "Q3-2017", "--format", "csv", "--root", str(example)]
    )
    assert (result.exit_code, result.stderr) == (0, "")
    assert calls == [(Period(2017, 3), int(workers))]
    monkeypatch.setattr(fastpath, "MIN_PLAN_BYTES", 10**12)
    scalar = CliRunner().invoke(
        main, ["rate", "Q3-2017", "--format", "csv", "--root", str(example)]
    )
    assert (scalar.exit_code, len(calls)) == (0, 1)
    assert result.stdout == scalar.stdout


@pytest.mark.usefixtures("no_cache")
@pytest.mark.parametrize("workers", ["1", "2"])
def test_exceptions_and_fail_on_read_the_rows_of_every_part(
    monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    example = Path(__file__).resolve().parent.parent
    monkeypatch.setenv("BARNET_RAG_WORKERS", workers)
    args = ["rate", "Q3-2017", "--format", "csv", "--exceptions", "--fail-on", "RA"]
    outputs = []
    for least in (0, 10**12):  # the columnar path, then the scalar engine
        monkeypatch.setattr(fastpath, "MIN_PLAN_BYTES", least)
        outputs.append(CliRunner().invoke(main, [*args, "--root", str(example)]))
    fast, scalar = outputs
    assert (fast.exit_code, fast.stdout, fast.stderr) == (
        scalar.exit_code,
        scalar.stdout,
        scalar.stderr,
    )
    assert (fast.exit_code, fast.stderr) == (1, "error: 1 rated RA or worse: CG/S4\n")


@pytest.mark.usefixtures("no_cache")
def test_parts_cover_every_indicator_once_in_order(tmp_path: Path) -> None:
    root = write_spc_project(tmp_path)
    project = fastpath.open_fast(root, 0)
    assert project is not None
    whole = project.rows(LAST)
    for count in (1, 2, 3, 5):
        parts = project.parts(LAST, (), count)
        assert len(parts) == count
        rows = [row for part in parts for row in project.part_rows(LAST, part)]
        assert rows == whole, count


def scalar_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send ``rate``'s table to the scalar engine, as when the columnar path declines."""
    monkeypatch.setattr(fastpath, "fast_table", lambda *args, **kwargs: None)


@pytest.mark.parametrize(
    "options",
    [
        [],
        ["--exceptions"],
        ["--exceptions", "--fail-on", "RA"],
        ["--fail-on", "GA"],
        ["--plan", "community-leadership"],
    ],
)
def test_rate_table_is_the_same_from_either_engine(
    monkeypatch: pytest.MonkeyPatch, options: list[str]
) -> None:
    example = Path(__file__).resolve().parent.parent
    args = ["rate", "Q3-2017", "--root", str(example), *options]
    calls: list[Any] = []
    original = fastpath.FastProject.table_rows

    def spy(self: fastpath.FastProject, *args: Any) -> Any:
        calls.append(args)
        return original(self, *args)

    monkeypatch.setattr(fastpath.FastProject, "table_rows", spy)
    fast = CliRunner().invoke(main, args)
    assert len(calls) == 1  # the columnar path made this table
    scalar_only(monkeypatch)
    scalar = CliRunner().invoke(main, args)
    assert (fast.exit_code, fast.stdout, fast.stderr) == (
        scalar.exit_code,
        scalar.stdout,
        scalar.stderr,
    )
    assert "Community Leadership - Q3 2017/18" in fast.stdout


def test_rate_table_of_the_spc_fixture_is_the_same_from_either_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_spc_project(tmp_path)
    args = ["rate", "Q4-2017", "--root", str(root)]
    wide = {"COLUMNS": "300"}  # one line per row
    fast = CliRunner().invoke(main, args, env=wide)
    scalar_only(monkeypatch)
    scalar = CliRunner().invoke(main, args, env=wide)
    assert (fast.exit_code, fast.stdout) == (scalar.exit_code, scalar.stdout)
    assert "Special cause improving; hit and miss" in fast.stdout


def test_editing_a_scheme_file_misses_the_plan_cache(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parent.parent
    plan = (example / "plans" / "community-leadership.yaml").read_text(encoding="utf-8")
    plan = plan.replace("scheme: barnet", "scheme: strict")
    scheme = "name: strict\nbands:\n  - {rag: GA, up_to: 0.5}\n  - {rag: R}\n"
    write(
        tmp_path,
        {
            "plans/community-leadership.yaml": plan,
            "schemes/strict.yaml": scheme,
            "results/2017-18/Q3.csv": "ref,value\nCG/S4,60\n",
        },
    )

    def s4_rag() -> str:
        fast = fast_table(tmp_path, Period(2017, 3))
        assert fast is not None
        return next(row.rag for row in fast[0] if row.ref == "CG/S4")

    # 60 and the survey's 4.4 points count as 64.4: 5.3% short of 68, within 50%, not 1%.
    assert s4_rag() == "GA"
    (tmp_path / "schemes" / "strict.yaml").write_text(
        scheme.replace("0.5", "0.01"), encoding="utf-8"
    )
    assert s4_rag() == "R"


def test_a_damaged_or_unwritable_plan_cache_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = Path(__file__).resolve().parent.parent
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = fast_table(example, Period(2017, 3))
    assert first is not None
    [entry] = [p for p in cache_directory().iterdir() if p.name.startswith("plans-")]
    wrong_shape = {
        "columns": {name: [] for name in COLUMNS},
        "targets": {},
        "plans": [],
        "schemes": {"barnet": ("barnet",)},
    }
    for damage in (b"\x00 not marshal", marshal.dumps(wrong_shape)):
        entry.write_bytes(damage)
        assert fast_table(example, Period(2017, 3)) == first
        assert entry.read_bytes() != damage  # rebuilt
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))  # cannot hold a cache
    assert fast_table(example, Period(2017, 3)) == first
