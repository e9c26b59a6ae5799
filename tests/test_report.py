"""``barnet-rag report``: golden files for the shipped example, output files, templates.

Regenerate the golden files after a deliberate change with
``BARNET_RAG_UPDATE_GOLDEN=1 pytest tests/test_report.py`` and review the diff.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.cli import main
from barnet_rag.project.projectfiles import relative

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("BARNET_RAG_UPDATE_GOLDEN") == "1"

MakeTree = Callable[[dict[str, str | bytes]], Path]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert path.is_file(), f"{path} is missing: run with BARNET_RAG_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file; if the change is intended, regenerate with "
        "BARNET_RAG_UPDATE_GOLDEN=1 and review the diff"
    )


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_shipped_example_matches_its_golden_report(repo_root: Path, fmt: str) -> None:
    code, out, err = run("report", "Q3-2017", "--root", str(repo_root), "--format", fmt)
    assert (code, err) == (0, "")
    assert "\n\n\n" not in out
    check_golden(f"q3-2017.{fmt}", out)


def test_markdown_is_the_default_and_starts_with_the_committee_and_period(
    repo_root: Path,
) -> None:
    code, out, _ = run("report", "Q3-2017", "--root", str(repo_root))
    assert code == 0
    assert out.startswith(
        "# Community Leadership Committee\n\n"
        "## Quarter 3 2017/18 Commissioning Plan Performance Report\n"
    )


def test_the_report_carries_the_seeds_three_exception_bullets(repo_root: Path) -> None:
    _, out, _ = run("report", "Q3-2017", "--root", str(repo_root))
    # The officers' "Progress on key activities" above has bulleted lists of its own.
    exceptions = out.split("### Indicators that have not met target", 1)[1]
    bullets = [line for line in exceptions.splitlines() if line.startswith("- **")]
    assert bullets == [
        "- **CG/S4** Public confidence in police and council in dealing with anti-social "
        "behaviour and crime issues that matter in their area (RAG rated RED) – 60% against a "
        "target of 68%. This has fallen from the same time last year (67%). Generally, concern "
        "about anti-social behaviour and crime has increased.",
        "- **CG/S16** Percentage of residents who are satisfied with Barnet as a place to live "
        "(RAG rated GREEN AMBER) – 85% against a target of 90%. This is unchanged from the same "
        "time last year (85%).",
        "- **CG/C6** Percentage of residents who feel that there is not a problem with “people "
        "not treating each other with respect” (RAG rated GREEN AMBER) – 74% against a target "
        "of 81%. This has significantly improved since it was last reported in Spring 2016 "
        "(60%). The spring 2016 result was considered to have been influenced by national "
        "events such as the Murder of Jo Cox MP; EU referendum campaign; Brexit; and recent "
        "terror attacks.",
    ]
    assert "Three Community Leadership indicators have not met the quarterly target." in out


def test_rows_show_results_as_the_seed_prints_them(repo_root: Path) -> None:
    _, out, _ = run("report", "Q3-2017", "--root", str(repo_root))
    rows = {line.split(" | ")[0]: line for line in out.splitlines() if line.startswith("| CG/")}
    assert rows["| CG/S4 (RPS – Annual)"] == (
        "| CG/S4 (RPS – Annual) | Public confidence in police and council in dealing with "
        "anti-social behaviour and crime issues that matter in their area² | Bigger is Better | "
        "68% | 68% | 60% (Autumn 2017) (R) | Not reported in Q2, as Autumn survey | "
        "Not reported in Q2, as Autumn survey | 67% (Autumn 2016) | ▼ (Worsening) | "
        "···█···▁ | Insufficient data | No benchmark available |"
    )
    assert rows["| CG/C27"] == (
        "| CG/C27 | Racist & Religious Hate Crime | Smaller is Better | Monitor | Monitor | 178³ "
        "| 667 | Not comparable | 655.0 | Not comparable | ···█··█▁ | Insufficient data | "
        "No benchmark available |"
    )
    assert " | 22.0% | ▲ (Improving) | 21.5% | " in rows["| CG/C4"]
    assert " | 67.6 | ▼ (Worsening) | New for 2017/18 | New for 2017/18 | " in rows["| CG/C33"]


def test_footnotes_cite_monitor_tolerance_and_result_notes_once_each(repo_root: Path) -> None:
    _, out, _ = run("report", "Q3-2017", "--root", str(repo_root))
    notes = [line for line in out.splitlines() if line[:1] and line[0] in "¹²³⁴"]
    assert notes == [
        "¹ The Monitor indicators have been included for information.",
        "² There is a +/-4.4%pts tolerance on the results due to the confidence interval for "
        "the sample size (i.e. if we surveyed the whole population we can be confident that "
        "the results would be the same +/- 4.4%). This is reflected in the RAG rating and DOT "
        "for the indicators in the Corporate Plan and Commissioning Plans.",
        "³ Result for September to November 2017. Methodology for reporting changed by MOPAC, "
        "with result reported on a month-by-month basis rather than a rolling 12-month period. "
        "Therefore, result not comparable with previous quarters.",
    ]


def test_exception_tables_leave_out_green_commissioning_plan_indicators(
    example_copy: Path,
) -> None:
    q3 = example_copy / "results" / "2017-18" / "Q3.csv"
    q3.write_text(
        q3.read_text(encoding="utf-8").replace("CG/C6,74%", "CG/C6,80%"), encoding="utf-8"
    )
    _, out, _ = run("report", "Q3-2017", "--root", str(example_copy))
    assert "| CG/C6 " not in out
    assert "Two Community Leadership indicators have not met the quarterly target." in out
    _, every, _ = run("report", "Q3-2017", "--root", str(example_copy), "--all-indicators")
    assert "| CG/C6 (RPS – Annual) |" in every
    assert "**Commissioning Plan Indicators**¹" in every
    assert "**Every indicator is listed in the tables below**" in every


def test_output_file_is_written_and_stdout_stays_empty(repo_root: Path, tmp_path: Path) -> None:
    target = tmp_path / "q3.html"
    code, out, err = run(
        "report", "Q3-2017", "--root", str(repo_root), "--format", "html", "-o", str(target)
    )
    assert (code, out, err) == (0, "", f"Wrote {target}\n")
    _, printed, _ = run("report", "Q3-2017", "--root", str(repo_root), "--format", "html")
    assert target.read_text(encoding="utf-8") == printed
    assert [p.name for p in tmp_path.iterdir()] == ["q3.html"]


def test_a_failing_template_leaves_the_previous_output_untouched(
    repo_root: Path, tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "report.md.j2").write_text(
        "# {{ report.heading }}\nlots of text first\n{{ report.no_such_field }}\n",
        encoding="utf-8",
    )
    target = tmp_path / "q3.md"
    target.write_bytes(b"the previous report\r\n")
    code, out, err = run(
        "report", "Q3-2017", "--root", str(repo_root), "-o", str(target),
        "--templates", str(templates),
    )  # fmt: skip
    assert code == 2
    assert err == (
        f"error: {templates / 'report.md.j2'}:3: template uses an undefined value: "
        "'barnet_rag.outputs.reporting.ReportContext object' has no attribute 'no_such_field' "
        "(docs/reports.md lists the fields a template can use)\n"
    )
    assert target.read_bytes() == b"the previous report\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q3.md", "templates"]


def test_an_exception_while_rendering_leaves_the_previous_output_untouched(
    repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from barnet_rag.outputs import templating

    def explode(*args: object, **kwargs: object) -> None:
        args[2].write("half a report")  # type: ignore[attr-defined]
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(templating, "write_report", explode)
    target = tmp_path / "q3.html"
    target.write_bytes(b"<p>previous</p>")
    with pytest.raises(RuntimeError, match="disk on fire"):
        CliRunner().invoke(
            main,
            ["--debug", "report", "Q3-2017", "--root", str(repo_root), "--format", "html"]
            + ["-o", str(target)],
            catch_exceptions=False,
        )
    assert target.read_bytes() == b"<p>previous</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["q3.html"]


def test_a_template_syntax_error_names_file_and_line(repo_root: Path, tmp_path: Path) -> None:
    (tmp_path / "report.md.j2").write_text("line one\n{% if %}\n", encoding="utf-8")
    code, _, err = run("report", "Q3-2017", "--root", str(repo_root), "--templates", str(tmp_path))
    assert code == 2
    assert err == (
        f"error: {tmp_path / 'report.md.j2'}:2: template syntax error: "
        "Expected an expression, got 'end of statement block'\n"
    )


def test_templates_dir_overrides_one_template_and_keeps_the_other(
    repo_root: Path, tmp_path: Path
) -> None:
    (tmp_path / "report.md.j2").write_text(
        "{{ report.heading }} – {{ report.period }}\n"
        "{% for plan in report.plans %}{{ plan.intro }}\n{% endfor %}",
        encoding="utf-8",
    )
    code, out, _ = run("report", "Q3-2017", "--root", str(repo_root), "--templates", str(tmp_path))
    assert (code, out) == (
        0,
        "Community Leadership Committee – Q3 2017/18\n"
        "Three Community Leadership indicators have not met the quarterly target.\n",
    )
    code, html, _ = run(
        "report", "Q3-2017", "--root", str(repo_root), "--templates", str(tmp_path),
        "--format", "html",
    )  # fmt: skip
    assert code == 0
    assert html.startswith('<!DOCTYPE html>\n<html lang="en-GB">')


def test_an_unknown_plan_is_a_usage_error(repo_root: Path) -> None:
    code, _, err = run("report", "Q3-2017", "--root", str(repo_root), "--plan", "adults")
    plans = relative(repo_root / "plans", Path.cwd())
    assert code == 2
    assert err == f"error: no plan 'adults' in {plans}; plans: community-leadership\n"


PLAN = """\
plan: {slug}
committee: {committee}
title: {committee} Committee Commissioning Plan
{extra}indicators:
  - ref: {ref}
    title: "{title}"
    type: SPI
    polarity: bigger
    unit: percent
    targets:
      2017/18: {{annual: 50}}
"""


def two_plan_project(make_tree: MakeTree, title: str = "Homes built") -> Path:
    return make_tree(
        {
            "plans/a.yaml": PLAN.format(
                slug="a", committee="Housing", extra="", ref="H/1", title=title
            ),
            "plans/b.yaml": PLAN.format(
                slug="b", committee="Adults", extra="risks: adults\n", ref="A/1", title="Visits"
            ),
            "risks/adults.yaml": (
                "name: ASC\ntitle: Adults and Safeguarding service risk register\nrisks:\n"
                "  - {id: AS01, title: Workforce capacity, owner: Director, likelihood: 4, "
                "impact: 4, mitigations: [Recruitment drive, Agency cover]}\n"
                "  - {id: AS02, title: Provider failure, owner: Head of Commissioning, "
                "likelihood: 3, impact: 5}\n"
                "  - {id: AS03, title: Data quality, owner: Head of Performance, "
                "likelihood: 2, impact: 3}\n"
            ),
            "results/2017-18/Q3.csv": "ref,value,comment\nH/1,40%,Fewer sites came forward.\n"
            "A/1,55%,\n",
        }
    )


def test_several_plans_get_a_total_row_and_a_section_each(make_tree: MakeTree) -> None:
    root = two_plan_project(make_tree)
    code, out, _ = run("report", "Q3-2017", "--root", str(root))
    assert code == 0
    assert out.startswith("# Theme Committees\n")
    assert "| Housing | 0% (0) | 0% (0) | 0% (0) | 100% (1) |" in out
    assert "| **Total** | 50% (1) | 0% (0) | 0% (0) | 50% (1) |" in out
    assert "One Housing indicator has not met the quarterly target." in out
    assert (
        "- **H/1** Homes built (RAG rated RED) – 40% against a target of 50%. There is no "
        "result from the same time last year to compare with. Fewer sites came forward.\n"
    ) in out
    assert "All rated Adults indicators have met the quarterly target." in out
    assert "\n\n\n" not in out


def test_high_level_risks_are_listed_from_the_plans_register(make_tree: MakeTree) -> None:
    root = two_plan_project(make_tree)
    _, out, _ = run("report", "Q3-2017", "--root", str(root), "--plan", "b")
    assert out.split("### Risk management\n\n")[1] == (
        "Adults risks are held on the Adults and Safeguarding service risk register. "
        "There are three risks on the ASC risk register. "
        "Two are high level risks with a residual risk score of 15 or above:\n\n"
        "**High level risks on the ASC risk register (residual score 15+)**\n\n"
        "| ID | Risk | Owner | Likelihood | Impact | Residual score | Mitigations |\n"
        "| --- | --- | --- | --: | --: | --: | --- |\n"
        "| AS01 | Workforce capacity | Director | 4 | 4 | 16 | Recruitment drive; Agency cover |\n"
        "| AS02 | Provider failure | Head of Commissioning | 3 | 5 | 15 | None recorded |\n"
    )


def test_the_risk_threshold_is_configurable(make_tree: MakeTree) -> None:
    root = two_plan_project(make_tree)
    _, out, _ = run(
        "report", "Q3-2017", "--root", str(root), "--plan", "b", "--risk-threshold", "20"
    )
    assert out.split("### Risk management\n\n")[1] == (
        "Adults risks are held on the Adults and Safeguarding service risk register. "
        "There are three risks on the ASC risk register. "
        "None are high level risks with a residual risk score of 20 or above.\n"
    )
    code, _, err = run("report", "Q3-2017", "--root", str(root), "--risk-threshold", "26")
    assert code == 2
    assert "26 is not in the range 1<=x<=25" in err


def test_a_plan_without_a_register_says_so(make_tree: MakeTree) -> None:
    root = two_plan_project(make_tree)
    _, out, _ = run("report", "Q3-2017", "--root", str(root), "--plan", "a")
    assert out.endswith(
        "### Risk management\n\nNo risk register is named for the Housing Commissioning Plan, "
        "so no risks are reported.\n"
    )


def test_plan_sections_are_built_when_asked_for_and_not_kept(make_tree: MakeTree) -> None:
    from barnet_rag.api import rate_project
    from barnet_rag.outputs import reporting
    from barnet_rag.periods import Period
    from barnet_rag.project.loading import load_project

    root = two_plan_project(make_tree)
    project = load_project(root)
    period = Period(2017, 3)
    rated = rate_project(root, period, (), project=project)
    context = reporting.build_report(rated, period, project.plans, {})
    sections = context.plans
    assert isinstance(sections, reporting.PlanSections)
    assert len(sections) == 2
    first = sections[0]
    assert sections[0] == first and sections[0] is not first  # built again, the same
    assert [s.plan for s in sections] == [p.plan for p in project.plans]
    assert [s.plan for s in sections[::-1]] == [s.plan for s in sections][::-1]
    assert sections[-1].plan == sections[1].plan
    with pytest.raises(IndexError):
        sections[2]
    row = first.tables[0].rows[0]
    assert row.trend_svg.startswith("<svg ")  # drawn when asked for
    assert "trend_points" not in row.model_dump()
    from barnet_rag.outputs.reporting_spc import trend_cells

    indicator = next(i for i in rated.indicators if i.ref == row.ref)
    line, svg, words = trend_cells(indicator, period)
    assert (row.trend, row.trend_svg, row.trend_text) == (line, svg, words)  # words when asked
    assert words and words in row.trend_svg


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_an_error_building_a_plan_section_is_not_taken_for_a_template_error(
    repo_root: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from barnet_rag.errors import UserError
    from barnet_rag.outputs import reporting

    def refuse(*args: object, **kwargs: object) -> None:
        raise UserError("no section today")

    monkeypatch.setattr(reporting, "plan_section", refuse)
    code, out, err = run("report", "Q3-2017", "--root", str(repo_root), "--format", fmt)
    assert code == 2
    assert err == "error: no section today\n"

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(reporting, "plan_section", explode)
    with pytest.raises(RuntimeError, match="a bug of ours"):
        CliRunner().invoke(
            main,
            ["--debug", "report", "Q3-2017", "--root", str(repo_root), "--format", fmt],
            catch_exceptions=False,
        )
