"""Fuzzing the loaders: random bytes and near-valid YAML/CSV never raise, they return problems.

Every input is either read or turned into located problems (barnet_rag's own
:class:`~barnet_rag.errors.Problem` records, or an :class:`~barnet_rag.errors.InputError`);
nothing else may escape. ``BARNET_RAG_FUZZ_EXAMPLES`` sets the examples per test (default
2,000; CI uses the default, a long local run might use 50,000).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barnet_rag.cli import main
from barnet_rag.errors import Problem
from barnet_rag.project.loading import load_model, plan_problems
from barnet_rag.project.models import Indicator, Plan, Scheme
from barnet_rag.project.resultsfile import MAX_MAGNITUDE, CellError, parse_results, parse_value
from barnet_rag.project.yamlfile import read_yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("BARNET_RAG_FUZZ_EXAMPLES", "2000"))

settings.register_profile(
    "barnet-rag-fuzz",
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("barnet-rag-fuzz")
#: Whole-command runs are slower (a project on disk, rating, rendering): a tenth as many.
FUZZ_CLI = settings(FUZZ, max_examples=max(EXAMPLES // 10, 20))

PLAN_SOURCES = [
    (REPO / "plans" / "community-leadership.yaml").read_text(encoding="utf-8"),
    (REPO / "tests" / "bad_inputs" / "_base" / "plans" / "safer.yaml").read_text(encoding="utf-8"),
]
SCHEME_SOURCE = (
    "name: strict\nsurvey_tolerance: false\nbands:\n"
    "  - {rag: GA, up_to: 0.05}\n  - {rag: RA, long_term: [improving, same]}\n  - {rag: R}\n"
)
CSV_SOURCES = [
    path.read_text(encoding="utf-8") for path in sorted((REPO / "results").glob("*/Q*.csv"))
]
BASE_CSV = (REPO / "tests" / "bad_inputs" / "_base" / "results" / "2017-18" / "Q3.csv").read_text(
    encoding="utf-8"
)
INDICATORS: dict[str, Indicator] = {
    i.ref: i for i in Plan.model_validate(yaml.safe_load(PLAN_SOURCES[0])).indicators
}

#: Characters that mean something to YAML or CSV, plus any Unicode character at all.
SIGNIFICANT = st.sampled_from(list(":-[]{}&*!|>'\"#%,@?`\n\r\t \\\x00\ufeff\u2028\x85"))
CHARACTERS = st.one_of(SIGNIFICANT, st.characters(codec="utf-8"))


@st.composite
def mutated(draw: st.DrawFn, sources: list[str]) -> str:
    """One of ``sources`` with a few random edits: characters inserted, deleted or replaced,
    lines re-indented, duplicated or swapped."""
    text = draw(st.sampled_from(sources))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "indent", "duplicate", "swap"]))
        at = draw(st.integers(0, len(text)))
        if kind == "insert":
            text = text[:at] + draw(st.text(CHARACTERS, min_size=1, max_size=8)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif kind == "replace":
            text = text[:at] + draw(CHARACTERS) + text[at + 1 :]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if kind == "indent":
                lines[i] = " " * draw(st.integers(0, 8)) + lines[i].lstrip(" ")
            elif kind == "duplicate":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """One directory for the whole module (hypothesis re-runs a test body many times)."""
    with tempfile.TemporaryDirectory() as directory:
        yield Path(directory)


def assert_located(problems: list[Problem], file: str, *, lines: bool = True) -> None:
    """Every problem names the file and its line (or YAML path) and prints as one message."""
    for problem in problems:
        assert problem.file == file
        assert str(problem).startswith(file)
        assert problem.line is not None if lines else problem.path is not None, problem


def check_yaml_file(root: Path, data: bytes, model: type[Plan] | type[Scheme]) -> None:
    path = root / "plans" / "fuzz.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    loaded, problems = load_model(path, root, model)
    assert (loaded is None) == bool(problems)
    assert_located(problems, "plans/fuzz.yaml")
    if isinstance(loaded, Plan):
        problems = plan_problems([("plans/fuzz.yaml", loaded)])
        assert_located(problems, "plans/fuzz.yaml", lines=False)


# --- Results CSV


@FUZZ
@given(st.binary(max_size=2_000))
def test_random_bytes_as_a_results_file(data: bytes) -> None:
    results, problems = parse_results(data, "results/2017-18/Q3.csv", INDICATORS)
    assert_located(problems, "results/2017-18/Q3.csv")
    assert set(results) <= set(INDICATORS)


@FUZZ
@given(mutated(CSV_SOURCES))
def test_near_valid_results_files(text: str) -> None:
    results, problems = parse_results(text.encode(), "results/2017-18/Q3.csv", INDICATORS)
    assert_located(problems, "results/2017-18/Q3.csv")
    for result in results.values():
        assert result.ref in INDICATORS
        if result.value is not None:
            assert abs(result.value) <= MAX_MAGNITUDE
            if INDICATORS[result.ref].unit == "percent":
                assert 0 <= result.value <= 100


@FUZZ
@given(st.one_of(st.text(CHARACTERS, max_size=30), st.from_regex(r"[+-]?[\d,.]{0,20}%?")))
def test_a_value_cell_is_a_finite_number_blank_or_a_cell_error(text: str) -> None:
    try:
        value, decimals = parse_value(text)
    except CellError as error:
        assert repr(text) in str(error)
        return
    assert decimals >= 0
    assert value is None or abs(value) <= MAX_MAGNITUDE


# --- Plan and scheme YAML


@FUZZ
@given(st.binary(max_size=2_000))
def test_random_bytes_as_a_plan(scratch: Path, data: bytes) -> None:
    check_yaml_file(scratch, data, Plan)


@FUZZ
@given(mutated(PLAN_SOURCES))
def test_near_valid_plans(scratch: Path, text: str) -> None:
    check_yaml_file(scratch, text.encode(), Plan)


@FUZZ
@given(mutated([SCHEME_SOURCE]))
def test_near_valid_schemes(scratch: Path, text: str) -> None:
    check_yaml_file(scratch, text.encode(), Scheme)


@FUZZ
@given(st.text(CHARACTERS, max_size=500))
def test_random_text_as_yaml(text: str) -> None:
    document, problems = read_yaml("plans/x.yaml", text)
    assert (document is None) == bool(problems)
    assert_located(problems, "plans/x.yaml")


# --- The whole command: whatever the files hold, an exit code and never a bug report.


@FUZZ_CLI
@given(plan=mutated(PLAN_SOURCES[1:]), results=mutated([BASE_CSV]))
def test_rate_never_reports_a_bug(scratch: Path, plan: str, results: str) -> None:
    root = scratch / "project"
    (root / "plans").mkdir(parents=True, exist_ok=True)
    (root / "results" / "2017-18").mkdir(parents=True, exist_ok=True)
    (root / "plans" / "plan.yaml").write_text(plan, encoding="utf-8", newline="")
    (root / "results" / "2017-18" / "Q3.csv").write_text(results, encoding="utf-8", newline="")
    result = CliRunner().invoke(main, ["rate", "Q3-2017", "--format", "json", "--root", str(root)])
    assert result.exit_code in (0, 2), result.stderr
    assert "hit a bug" not in result.stderr
    if result.exit_code == 2:
        assert result.stderr.startswith("error: ")
