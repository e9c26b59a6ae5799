"""A large project is rated in parts, one process a processor (``api.rate_in_parts``).

Each part loads a run of consecutive plan files, passes over the other parts' results rows
and rates with the same functions: its ratings, in order, are the whole project's. Any
problem, anywhere, and the project is rated in one process instead, which reports it as it
always has. These tests hold the parts' output equal to one process's, byte for byte, on
generated projects (every key of the formats, as the oracle test writes them) and through
the command on a project large enough to be split; and every failure falls back.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import test_oracle
from barnet_rag import forked
from barnet_rag.api import check_in_parts, rate_in_parts, rate_project, split_by_size
from barnet_rag.check.checking import check_project
from barnet_rag.cli.rate import CsvPart, JsonPart
from barnet_rag.cli.report import ReportOptions, report_in_parts, report_of
from barnet_rag.engine.rated import RatedPeriod
from barnet_rag.engine.summary import summary_rows, tally
from barnet_rag.errors import UserError
from barnet_rag.outputs.docx import build_docx
from barnet_rag.outputs.jsontext import ItemTexts, json_texts
from barnet_rag.outputs.reporting import ReportContext
from barnet_rag.outputs.templating import render_report
from barnet_rag.outputs.word import WordBody
from barnet_rag.periods import Period
from barnet_rag.project.loading import Project, load_project, plan_paths

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(forked.usable_cpus() < 1 or not hasattr(os, "fork"), reason="fork")


def csv_part(rated: RatedPeriod, project: Project) -> CsvPart:
    return CsvPart.of(False, True, rated)  # with what --fail-on needs


def serial_csv(root: Path, period: Period) -> str:
    return CsvPart.of(False, False, rate_project(root, period, detail=False)).text


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(project=test_oracle.projects(), processes=st.integers(2, 3))
def test_parts_rate_every_generated_project_as_one_process_does(
    tmp_path_factory: pytest.TempPathFactory, project: test_oracle.Project, processes: int
) -> None:
    root = tmp_path_factory.mktemp("project")
    test_oracle.write(project, root)
    period = Period(*project.quarter)
    parts = rate_in_parts(root, period, csv_part, processes=processes)
    try:
        whole = serial_csv(root, period)
    except UserError:  # a problem (InputError is one): the parts must have given up
        assert parts is None
        return
    if len(project.plans) < 2:
        assert parts is None  # one plan file: nothing to split
        return
    assert parts is not None
    assert len(parts) == min(processes, len(project.plans))
    assert "".join(part.text for part in parts) == whole
    one = rate_project(root, period, detail=False)
    refs = [ref for part in parts for ref, _, _ in part.fail_on.ratings]
    assert refs == [i.ref for i in one.indicators]
    # rate --format json: Table 1 from every part's counts, total row included.
    json_of = partial(JsonPart.of, False, False)
    json_parts = rate_in_parts(root, period, json_of, processes=processes)
    assert json_parts is not None
    groups = [group for part in json_parts for group in part.groups]
    assert summary_rows(groups, tally) == list(one.summary)
    texts = ItemTexts([part.items for part in json_parts])
    assert "".join(json_texts({"i": texts})) == "".join(json_texts({"i": list(one.indicators)}))
    # report: Table 1 from the counts around every part's sections, in Markdown and HTML.
    for fmt in ("md", "html"):
        options = ReportOptions(period, fmt == "html", 15, fmt)
        reported = report_in_parts(root, options, processes=processes)
        assert reported is not None
        context, report_parts = reported
        sections = [piece for part in report_parts for piece in part.pieces]
        assert len(sections) >= len(parts)  # pieces of each part's sections
        serial = report_of(one, load_project(root), (), options)
        assert render_report(context, fmt, None, sections) == render_report(serial, fmt)
    # The Word report: every part of the package as one process writes it.
    options = ReportOptions(period, False, 15, "docx")
    reported = report_in_parts(root, options, processes=processes)
    serial = report_of(one, load_project(root), (), options)
    if reported is None:  # a part after the first began before any section break
        assert not serial.plans[0].tables
        return
    context, report_parts = reported
    bodies = [part.word for part in report_parts if part.word is not None]
    assert len(bodies) == len(report_parts) == len(parts)
    assert docx_package(context, bodies) == docx_package(serial)


def docx_package(
    context: ReportContext, bodies: Sequence[WordBody] | None = None, reference: Path | None = None
) -> dict[str, bytes]:
    """Every part of the Word report's package (its plans from ``bodies`` if given)."""
    buffer = io.BytesIO()
    build_docx(context, reference, bodies).save(buffer)
    with zipfile.ZipFile(buffer) as package:
        return {name: package.read(name) for name in package.namelist()}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(project=test_oracle.projects(), processes=st.integers(2, 3), strict=st.booleans())
def test_check_in_parts_finds_what_one_process_finds(
    tmp_path_factory: pytest.TempPathFactory,
    project: test_oracle.Project,
    processes: int,
    strict: bool,
) -> None:
    root = tmp_path_factory.mktemp("project")
    test_oracle.write(project, root)
    whole = check_project(root, None, strict)
    parts = check_in_parts(root, None, strict, processes=processes)
    if parts is not None:
        assert parts == whole
    elif len(project.plans) >= 2:  # only an error, or a problem of more than one part
        assert whole.errors or whole.warnings


def test_split_by_size_keeps_order_and_balances_bytes(tmp_path: Path) -> None:
    sizes = [5, 1, 1, 1, 1, 1, 5, 1]
    paths = []
    for index, size in enumerate(sizes):
        path = tmp_path / f"p{index}.yaml"
        path.write_bytes(b"x" * size)
        paths.append(path)
    groups = split_by_size(paths, 2)
    assert [p for g in groups for p in g] == paths
    assert [sum(p.stat().st_size for p in g) for g in groups] == [8, 8]
    assert split_by_size(paths[:1], 2) == [paths[:1]]
    assert split_by_size([], 2) == []


# --- The mechanics: values in order, one exchange, every failure gives None ----------------


def _union(names: Sequence[frozenset[int]]) -> frozenset[int]:
    return frozenset().union(*names)


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_in_parts_returns_each_parts_value_in_order_after_one_exchange() -> None:
    def work(part: int, exchange: forked.Exchange[frozenset[int]]) -> tuple[int, frozenset[int]]:
        others = exchange(frozenset({part}))
        assert others is not None
        return part * 10, others

    assert forked.in_parts(3, work, _union) == [
        (0, frozenset({1, 2})),
        (10, frozenset({0, 2})),
        (20, frozenset({0, 1})),
    ]
    assert _no_children_left()


@pytest.mark.parametrize(
    "failure",
    ["child-raises", "child-gives-none", "child-dies", "parent-raises", "parent-gives-none"],
)
def test_in_parts_gives_none_when_any_part_fails(failure: str) -> None:
    def work(part: int, exchange: forked.Exchange[frozenset[int]]) -> int:
        who = "child" if part else "parent"
        if failure == f"{who}-raises":
            raise ValueError("a problem")
        if failure == f"{who}-dies":
            os._exit(3)
        gives = None if failure == f"{who}-gives-none" else frozenset({part})
        if exchange(gives) is None:
            raise ValueError("another part has a problem")
        return part

    assert forked.in_parts(2, work, _union) is None
    assert _no_children_left()


def test_a_child_failing_after_the_exchange_gives_none() -> None:
    def work(part: int, exchange: forked.Exchange[frozenset[int]]) -> int:
        exchange(frozenset({part}))
        if part == 1:
            raise ValueError("late")
        return part

    assert forked.in_parts(2, work, _union) is None
    assert _no_children_left()


# --- Through the command, on a project large enough to be split ------------------------------


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve councils of 250 indicators (over the size at which a project is large), eight
    quarters of results."""
    root = tmp_path_factory.mktemp("large") / "project"
    subprocess.run(
        [sys.executable, "-m", "bench.make_national", str(root), "--councils", "12",
         "--quarters", "8", "--no-flat"],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    return root


def run(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed ``barnet-rag`` in ``root`` (with more environment variables)."""
    script = Path(sys.executable).parent / "barnet-rag"
    if not script.exists():
        pytest.skip(f"the barnet-rag script is not installed beside {sys.executable}")
    return subprocess.run(
        [str(script), *args],
        cwd=root, capture_output=True, text=True, check=False, env={**os.environ, **(env or {})},
    )  # fmt: skip


def every_plan(root: Path) -> list[str]:
    """``--plan`` for each plan, in file order: the same ratings, rated in one process."""
    return [arg for path in plan_paths(root) for arg in ("--plan", path.stem)]


@pytest.mark.skipif(forked.usable_cpus() < 2, reason="one processor: rated in one process")
@pytest.mark.parametrize("output", ["csv", "json"])
@pytest.mark.parametrize("extra", [[], ["--exceptions"], ["--fail-on", "R"]])
def test_rate_in_parts_is_byte_for_byte_one_process(
    large: Path, extra: list[str], output: str
) -> None:
    parts = run(large, "rate", "Q3-2017", "--format", output, *extra)
    whole = run(large, "rate", "Q3-2017", "--format", output, *extra, *every_plan(large))
    assert (parts.returncode, parts.stdout, parts.stderr) == (
        whole.returncode,
        whole.stdout,
        whole.stderr,
    )
    assert len(parts.stdout.splitlines()) > 1000
    assert rate_in_parts(large, Period(2017, 3), csv_part) is not None  # it was split


@pytest.mark.skipif(forked.usable_cpus() < 2, reason="one processor: rated in one process")
def test_export_csv_in_parts_is_byte_for_byte_one_process(large: Path, tmp_path: Path) -> None:
    parts = run(large, "export", "Q3-2017", "--format", "csv", "-o", str(tmp_path / "parts.csv"))
    whole = run(large, "export", "Q3-2017", "--format", "csv", *every_plan(large))
    assert parts.returncode == whole.returncode == 0, parts.stderr + whole.stderr
    assert (tmp_path / "parts.csv").read_text(encoding="utf-8") == whole.stdout
    assert len(whole.stdout.splitlines()) > 1000


@pytest.fixture(scope="module")
def decorated(large: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The large project with a risk register, a narrative and an actions file for a plan
    in each half (the shipped example's narrative and actions)."""
    root = tmp_path_factory.mktemp("decorated") / "project"
    shutil.copytree(large, root)
    (root / "risks").mkdir()
    (root / "risks/shared.yaml").write_text(
        "name: SR\ntitle: Shared service risk register\nrisks:\n"
        "  - {id: SR01, title: Workforce capacity, owner: Director, likelihood: 4, "
        "impact: 4, mitigations: [Recruitment drive]}\n"
        "  - {id: SR02, title: Provider failure, owner: Head of Commissioning, "
        "likelihood: 3, impact: 5}\n",
        encoding="utf-8",
    )
    (root / "narrative/2017-18/Q3").mkdir(parents=True)
    (root / "actions").mkdir()
    for path in (plan_paths(root)[0], plan_paths(root)[-1]):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("scheme: barnet\n", "scheme: barnet\nrisks: shared\n", 1))
        shutil.copy(
            REPO / "narrative/2017-18/Q3/community-leadership.md",
            root / f"narrative/2017-18/Q3/{path.stem}.md",
        )
        shutil.copy(REPO / "actions/community-leadership.yaml", root / f"actions/{path.stem}.yaml")
    return root


@pytest.mark.skipif(forked.usable_cpus() < 2, reason="one processor: reported from one process")
@pytest.mark.parametrize(
    "extra",
    [["-o", "{out}.md"], ["--format", "html", "-o", "{out}.html"], ["--all-indicators"]],
)
def test_report_in_parts_is_byte_for_byte_one_process(
    decorated: Path, tmp_path: Path, extra: list[str]
) -> None:
    def report(name: str, *more: str) -> tuple[int, str, str]:
        args = [arg.format(out=tmp_path / name) for arg in extra]
        done = run(decorated, "report", "Q3-2017", *args, *more)
        written = [Path(arg).read_text(encoding="utf-8") for arg in args if "/" in arg]
        return (
            done.returncode,
            done.stderr.replace(str(tmp_path / name), "OUT"),
            (written[0] if written else done.stdout),
        )

    parts = report("parts")
    assert parts == report("whole", *every_plan(decorated))
    assert parts[0] == 0 and parts[2].count("Council ") > 12
    for seen in ("SR01", "Progress on key activities", "Commissioning intentions"):
        assert parts[2].count(seen) >= 2  # a plan in each half has its risks, narrative, actions
    period = Period(2017, 3)
    assert report_in_parts(decorated, ReportOptions(period, False, 15, "md")) is not None


@pytest.fixture(scope="module")
def linked(decorated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The decorated project with links in both halves' narratives: the second half's
    own ids for them are not the report's (a link it shares, one of its own)."""
    root = tmp_path_factory.mktemp("linked") / "project"
    shutil.copytree(decorated, root)
    first, last = plan_paths(root)[0].stem, plan_paths(root)[-1].stem
    for slug, links in (
        (first, "See [the portal](https://open.barnet.gov.uk/dataset) now."),
        (
            last,
            "[One](https://example.org/one) and [the portal](https://open.barnet.gov.uk/dataset).",
        ),
    ):
        path = root / f"narrative/2017-18/Q3/{slug}.md"
        path.write_text(path.read_text(encoding="utf-8") + "\n" + links + "\n", encoding="utf-8")
    return root


def council_reference(path: Path) -> Path:
    """A council template with a header, its own margins, and no Caption or list styles
    (added as the report asks for them)."""
    import docx
    from docx.shared import Mm

    reference = docx.Document()
    for name in ("Caption", "List Bullet", "List Continue"):
        style = reference.styles[name]
        style.element.getparent().remove(style.element)
    reference.sections[0].header.paragraphs[0].text = "London Borough of Barnet"
    reference.sections[0].left_margin = Mm(25)
    reference.save(str(path))
    return path


@pytest.mark.skipif(forked.usable_cpus() < 2, reason="one processor: reported from one process")
@pytest.mark.parametrize("reference", [False, True])
def test_a_word_report_in_parts_is_byte_for_byte_one_process(
    linked: Path, tmp_path: Path, reference: bool
) -> None:
    """Each half writes its plans' Word body; the report's own writer adds them with their
    styles and links: every part of the package is one process's."""
    extra = ["--reference-docx", str(council_reference(tmp_path / "council.docx"))]
    extra = extra if reference else []

    def package(name: str, *more: str) -> dict[str, bytes]:
        out = tmp_path / name
        done = run(linked, "report", "Q3-2017", "--format", "docx", "-o", str(out), *extra, *more)
        assert (done.returncode, done.stdout, done.stderr) == (0, "", f"Wrote {out}\n")
        with zipfile.ZipFile(out) as written:
            return {member: written.read(member) for member in written.namelist()}

    parts = package("parts.docx")
    assert parts == package("whole.docx", *every_plan(linked))
    relationships = parts["word/_rels/document.xml.rels"].decode()
    assert relationships.count("https://open.barnet.gov.uk/dataset") == 1
    assert "https://example.org/one" in relationships
    options = ReportOptions(Period(2017, 3), False, 15, "docx")
    reported = report_in_parts(linked, options)
    assert reported is not None and all(part.word is not None for part in reported[1])
    assert [bool(part.word and part.word.links) for part in reported[1]] == [True, True]


@pytest.mark.skipif(forked.usable_cpus() < 2, reason="one processor: rated in one process")
def test_rate_json_in_parts_carries_each_parts_actions_in_plan_order(decorated: Path) -> None:
    parts = run(decorated, "rate", "Q3-2017", "--format", "json")
    whole = run(decorated, "rate", "Q3-2017", "--format", "json", *every_plan(decorated))
    assert (parts.returncode, parts.stdout, parts.stderr) == (
        whole.returncode,
        whole.stdout,
        whole.stderr,
    )
    plans = [record["plan"] for record in json.loads(parts.stdout)["actions"]]
    first, last = plan_paths(decorated)[0].stem, plan_paths(decorated)[-1].stem
    assert plans[0] == first and plans[-1] == last and set(plans) == {first, last}


def check_json(root: Path, *args: str) -> tuple[int, str, str]:
    done = run(root, "check", "--root", str(root), "--format", "json", *args)
    return done.returncode, done.stdout, done.stderr


def one_process_check_json(root: Path, *args: str) -> tuple[int, str, str]:
    """What ``check --format json`` prints when the project is checked in one process."""
    strict = "--strict" in args
    report = check_project(root, None, strict)
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    return report.exit_code, text, ""


@pytest.mark.skipif(forked.usable_cpus() < 2, reason="one processor: checked in one process")
@pytest.mark.parametrize(
    "slip",
    [
        "none",
        "a-fraction-in-each-half",
        "hidden-character",
        "unknown-ref-row",
        "narrative-of-no-plan",
        "missing-rows-strict",
    ],
)
def test_check_in_parts_is_byte_for_byte_one_process(
    decorated: Path, tmp_path: Path, slip: str
) -> None:
    root = _copy(decorated, tmp_path)
    q3 = root / "results/2017-18/Q3.csv"
    lines = q3.read_text(encoding="utf-8").splitlines(keepends=True)
    args: list[str] = []
    if slip == "a-fraction-in-each-half":  # a warning of one part each
        for at in (1, len(lines) - 1):
            ref = lines[at].split(",", 1)[0]
            lines[at] = f"{ref},0.5,,\n"
    elif slip == "hidden-character":  # found by reading every row: a warning of every part
        cells = lines[5].split(",")
        lines[5] = ",".join([*cells[:2], "\u200b" + cells[2], *cells[3:]])
    elif slip == "unknown-ref-row":
        lines.append("C999/I0001,12,,\n")
    elif slip == "narrative-of-no-plan":
        (root / "narrative/2017-18/Q3/no-such-plan.md").write_text("Words.\n", encoding="utf-8")
    elif slip == "missing-rows-strict":
        del lines[1], lines[-1]
        args = ["--strict"]
    q3.write_text("".join(lines), encoding="utf-8")
    parts = check_json(root, *args)
    assert parts == one_process_check_json(root, *args)
    found = check_in_parts(root, None, "--strict" in args)
    if slip in ("none", "a-fraction-in-each-half"):
        assert found is not None  # checked in parts
    if slip == "a-fraction-in-each-half":
        codes = [p["code"] for p in json.loads(parts[1])["problems"]]
        assert codes.count("looks-like-fraction") >= 2
    if slip in ("hidden-character", "unknown-ref-row", "missing-rows-strict"):
        assert found is None  # not of one part alone: checked in one process
    if slip == "hidden-character":
        assert '"code": "hidden-character"' in parts[1]
    assert parts[0] == (0 if slip in ("none", "a-fraction-in-each-half", "hidden-character") else 1)


@pytest.mark.skipif(forked.usable_cpus() < 2, reason="one processor: rated in one process")
@pytest.mark.parametrize("output", ["csv", "json"])
def test_an_entry_is_served_only_while_every_parts_files_are_as_read(
    large: Path, tmp_path: Path, output: str
) -> None:
    """The output cache checks the files each part read, a forked one's too."""
    root = _copy(large, tmp_path)
    cache = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    first = run(root, "rate", "Q3-2017", "--format", output, env=cache)
    assert run(root, "rate", "Q3-2017", "--format", output, env=cache).stdout == first.stdout
    assert len(list((tmp_path / "xdg/barnet-rag").glob("*.out"))) == 1
    last = plan_paths(root)[-1]  # read by the forked part only
    last.write_text(last.read_text().replace("polarity: bigger", "polarity: smaller", 1))
    now = run(root, "rate", "Q3-2017", "--format", output, env={"BARNET_RAG_CACHE": "off"})
    assert now.stdout != first.stdout
    again = run(root, "rate", "Q3-2017", "--format", output, env=cache)
    assert (again.returncode, again.stdout) == (0, now.stdout)


def _copy(large: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(large, root)
    return root


@pytest.mark.parametrize("slip", ["ref-in-two-halves", "unknown-ref-row", "broken-plan"])
def test_a_problem_anywhere_is_reported_as_one_process_reports_it(
    large: Path, tmp_path: Path, slip: str
) -> None:
    root = _copy(large, tmp_path)
    first, last = plan_paths(root)[0], plan_paths(root)[-1]
    if slip == "ref-in-two-halves":
        last.write_text(last.read_text().replace("C012/I0007", "C001/I0007"))
    elif slip == "unknown-ref-row":
        q3 = root / "results/2017-18/Q3.csv"
        q3.write_text(q3.read_text() + "C999/I0001,12,,\n")
    else:
        first.write_text(first.read_text().replace("polarity: bigger", "polarity: larger", 1))
    done = run(root, "rate", "Q3-2017", "--format", "csv")
    # The whole project's one error message, from one process, as without parts.
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("error") >= 1
    for command in (["rate", "Q3-2017", "--format", "json"], ["report", "Q3-2017"]):
        one = run(root, *command)
        assert (one.returncode, one.stderr) == (done.returncode, done.stderr)
