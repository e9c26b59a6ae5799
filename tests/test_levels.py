"""Levels (DESIGN section 5): a three-level project and a floor project end to end (rate
table/JSON/CSV, report Markdown/HTML, export CSV/XLSX, check, explain), ``--fail-on`` with
levels and with mixed level sets, and scheme file errors that name the file and band."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.cli import main

REPO = Path(__file__).resolve().parent.parent

COUNTY_SCHEME = """\
name: county
survey_tolerance: true
levels:
  - {code: G, label: Green, colour: "#00703c", text_colour: "#ffffff"}
  - {code: A, label: Amber, colour: "#ffdd00", text_colour: "#0b0c0c"}
  - {code: R, label: Red, colour: "#d4351c", text_colour: "#ffffff"}
bands:
  - {rag: G, up_to: 0.10}
  - {rag: A, long_term: [improving, same]}
  - {rag: R}
"""

ADULTS_PLAN = """\
plan: adults
committee: Adults and Health
title: Adults and Health Committee Commissioning Plan
scheme: county
indicators:
  - ref: AH/1
    title: People supported to live at home
    type: CPI
    polarity: bigger
    unit: percent
    targets:
      2017/18: {annual: 80}
  - ref: AH/2
    title: Delayed transfers of care
    type: CPI
    polarity: smaller
    targets:
      2017/18: {annual: 10}
  - ref: AH/3
    title: Reviews completed on time
    type: SPI
    polarity: bigger
    unit: percent
    targets:
      2017/18: {annual: 90}
  - ref: AH/4
    title: Carers assessed
    type: SPI
    polarity: bigger
    targets:
      2017/18: {annual: monitor}
"""

HOUSING_PLAN = """\
plan: housing
committee: Housing
title: Housing Committee Commissioning Plan
scheme: floor
indicators:
  - ref: HO/1
    title: Rent collected
    type: CPI
    polarity: bigger
    unit: percent
    targets:
      2017/18: {annual: 98, floor: 95}
  - ref: HO/2
    title: Days to relet a home
    type: CPI
    polarity: smaller
    targets:
      2017/18: {annual: 20, Q3: 22, floor: {annual: 30, Q3: 28}}
  - ref: HO/3
    title: Repairs on time
    type: SPI
    polarity: bigger
    unit: percent
    targets:
      2017/18: {annual: 90}
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def county(tmp_path: Path) -> Path:
    """A three-level project: Green within 10% of target, Amber further off but improved or
    held on last year, else Red."""
    return write(
        tmp_path,
        {
            "schemes/county.yaml": COUNTY_SCHEME,
            "plans/adults.yaml": ADULTS_PLAN,
            "results/2016-17/Q3.csv": "ref,value\nAH/1,70\nAH/2,14\nAH/3,60\nAH/4,100\n",
            "results/2017-18/Q3.csv": (
                "ref,value,published_rag\nAH/1,75,G\nAH/2,12,a\nAH/3,50,R\nAH/4,120,\n"
            ),
        },
    )


@pytest.fixture
def housing(tmp_path: Path) -> Path:
    """A floor project: the built-in ``floor`` scheme and floors in the targets."""
    return write(
        tmp_path,
        {
            "plans/housing.yaml": HOUSING_PLAN,
            "results/2017-18/Q3.csv": "ref,value,published_rag\nHO/1,96,A\nHO/2,29,R\nHO/3,89,\n",
        },
    )


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "--root", str(root)], env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


# --- A three-level project ----------------------------------------------------------------


def test_three_levels_in_json(county: Path) -> None:
    code, out, _ = run(county, "rate", "Q3-2017", "--format", "json")
    assert code == 0
    data = json.loads(out)
    ratings = [(i["ref"], i["rag"], i["rag_label"], i["published_rag"]) for i in data["indicators"]]
    assert ratings == [
        ("AH/1", "G", "Green", "G"),  # 6.25% short: Green inside the tolerance
        ("AH/2", "A", "Amber", "A"),  # 20% short, improved on last year
        ("AH/3", "R", "Red", "R"),  # 44% short, worse than last year
        ("AH/4", "Monitor", "Monitor", None),
    ]
    (row,) = data["summary"]
    assert "green" not in row and "green_amber" not in row
    assert row["levels"] == [
        {"code": "G", "label": "Green", "count": 1, "percent": 33},
        {"code": "A", "label": "Amber", "count": 1, "percent": 33},
        {"code": "R", "label": "Red", "count": 1, "percent": 33},
    ]
    assert (row["rated"], row["monitor"], row["indicators"]) == (3, 1, 4)


def test_three_levels_in_csv(county: Path) -> None:
    code, out, _ = run(county, "rate", "Q3-2017", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["ref"], r["rag"], r["rag_label"]) for r in rows] == [
        ("AH/1", "G", "Green"),
        ("AH/2", "A", "Amber"),
        ("AH/3", "R", "Red"),
        ("AH/4", "Monitor", "Monitor"),
    ]


def test_three_levels_in_the_table(county: Path) -> None:
    code, out, _ = run(county, "rate", "Q3-2017")
    assert code == 0
    lines = out.splitlines()
    assert any("AH/2" in line and "Amber" in line for line in lines)
    header = next(line for line in lines if "Committee" in line)
    assert [cell.strip() for cell in header.strip("┃").split("┃")] == [
        "Committee",
        "Green",
        "Amber",
        "Red",
        "Improved/Same",
        "Worsened",
        "Monitored only",
        "No. indicators",
    ]
    row = next(line for line in lines if line.startswith("│ Adults and Health"))
    assert [cell.strip() for cell in row.strip("│").split("│")][1:4] == [
        "33% (1)",
        "33% (1)",
        "33% (1)",
    ]


def test_three_levels_in_the_markdown_report(county: Path) -> None:
    code, out, _ = run(county, "report", "Q3-2017")
    assert code == 0
    assert (
        "| Theme Committee | Green | Amber | Red | Improved/Same | Worsened | Monitored only "
        "| No. indicators |\n| --- | --: | --: | --: | --: | --: | --: | --: |\n"
        "| Adults and Health | 33% (1) | 33% (1) | 33% (1) | 75% (3) | 25% (1) | 1 | 4 |"
    ) in out
    assert (
        "This shows that 33% of rated indicators (1 of 3) are rated Green this quarter; and "
        "75% (3 of 4) have improved or stayed the same since the same time last year."
    ) in out
    assert "- **AH/2** Delayed transfers of care (RAG rated AMBER) – 12 against a target" in out
    assert "| 12 (A) |" in out


def test_three_levels_in_the_html_report(county: Path) -> None:
    code, out, _ = run(county, "report", "Q3-2017", "--format", "html")
    assert code == 0
    # Green is Barnet's Green to the byte: the stylesheet's class. Amber and Red are drawn
    # in the scheme's colours, and spelled out as well as coloured.
    assert '<span class="rag rag-g">Green</span>' in out
    assert '<span class="rag rag-a" style="background: #ffdd00; color: #0b0c0c">Amber</span>' in out
    assert '<span class="rag rag-r" style="background: #d4351c; color: #ffffff">Red</span>' in out
    assert '<th scope="col" class="num">Amber</th>' in out
    # The sparkline's last point: a light level is ringed in its text colour (3:1 contrast).
    assert 'fill="#ffdd00" stroke="#0b0c0c" stroke-width="0.5"/>' in out
    assert 'fill="#d4351c" stroke="#ffffff" stroke-width="0.5"/>' in out


def test_three_levels_in_the_export(county: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    code, out, _ = run(county, "export", "Q3-2017", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert [(r["rag"], r["rag_label"]) for r in rows][:3] == [
        ("G", "Green"),
        ("A", "Amber"),
        ("R", "Red"),
    ]
    target = tmp_path / "out.xlsx"
    code, _, err = run(county, "export", "Q3-2017", "--format", "xlsx", "-o", str(target))
    assert (code, err) == (0, "")
    sheet = load_workbook(target).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    rag = header.index("rag") + 1
    cells = [sheet.cell(row=r, column=rag) for r in range(2, 6)]
    assert [c.value for c in cells] == ["Green", "Amber", "Red", "Monitor"]
    assert [c.fill.fgColor.rgb[-6:] for c in cells[:3]] == ["00703C", "FFDD00", "D4351C"]
    assert [c.font.color.rgb[-6:] for c in cells[:3]] == ["FFFFFF", "0B0C0C", "FFFFFF"]


def test_an_exported_workbook_imports_back_with_the_scheme_s_labels(
    county: Path, tmp_path: Path
) -> None:
    workbook = tmp_path / "ratings.xlsx"
    assert run(county, "export", "Q3-2017", "--format", "xlsx", "-o", str(workbook))[0] == 0
    code, out, err = run(county, "import", str(workbook), "--period", "Q3-2017", "--force")
    assert (code, err) == (0, "")
    assert out.startswith("Wrote results/2017-18/Q3.csv: 4 results from ratings.xlsx.\n")
    # The workbook spells ratings out ("Amber"); the results file holds the scheme's codes.
    assert (county / "results/2017-18/Q3.csv").read_text(encoding="utf-8") == (
        "ref,value,label,published_rag\nAH/1,75%,,G\nAH/2,12,,A\nAH/3,50%,,R\nAH/4,120,,\n"
    )


def test_three_levels_check_and_published_rag(county: Path) -> None:
    assert run(county, "check")[:2] == (0, "No problems found in 3 files.\n")
    (county / "results/2017-18/Q3.csv").write_text(
        "ref,value,published_rag\nAH/1,75,GA\nAH/2,12,R\nAH/3,50,R\nAH/4,120,\n",
        encoding="utf-8",
    )
    code, out, _ = run(county, "check", "--format", "json")
    assert code == 1
    problems = [(p["code"], p["line"], p["message"]) for p in json.loads(out)["problems"]]
    assert problems == [
        (
            "bad-rag",
            2,
            "published_rag 'GA' must be one of G, A, R, Monitor, Not reported",
        ),
        (
            "published-rag",
            3,
            "published_rag 'R' but computed 'A': 12 is 20% short of 10 and better than last year",
        ),
    ]


def test_three_levels_explain(county: Path) -> None:
    code, out, _ = run(county, "explain", "Q3-2017", "AH/2")
    assert code == 0
    assert out.splitlines()[0] == "AH/2 in Q3 2017/18: Amber (A)"
    assert (
        "5. Scheme county: bands are tried in order and the first that matches wins.\n"
        "   - band 1, G if the shortfall is up to 10%: no, 20% is more than 10%.\n"
        "   - band 2, A if the long-term DOT is improving or same: matches.\n"
        "   So it is Amber (A).\n"
    ) in out
    code, out, _ = run(county, "explain", "Q3-2017", "AH/1")
    assert "   - band 1, G if the shortfall is up to 10%: matches.\n   So it is Green (G).\n" in out


def test_fail_on_a_level_of_the_scheme(county: Path) -> None:
    assert run(county, "rate", "Q3-2017", "--format", "json", "--fail-on", "A")[::2] == (
        1,
        "error: 2 rated A or worse: AH/2, AH/3\n",
    )
    assert run(county, "rate", "Q3-2017", "--format", "csv", "--fail-on", "R")[::2] == (
        1,
        "error: 1 rated R or worse: AH/3\n",
    )
    assert run(county, "rate", "Q3-2017", "--fail-on", "G")[::2] == (
        1,
        "error: 3 rated G or worse: AH/1, AH/2, AH/3\n",
    )


def test_fail_on_an_unknown_code_is_a_usage_error_listing_the_codes(county: Path) -> None:
    code, out, err = run(county, "rate", "Q3-2017", "--format", "json", "--fail-on", "GA")
    assert (code, out) == (2, "")
    assert err == (
        "error: --fail-on 'GA' is not a level of the rated plans' schemes; use one of: G, A, R\n"
    )


# --- A floor project ----------------------------------------------------------------------


def test_floor_project_rates_by_its_floors(housing: Path) -> None:
    code, out, _ = run(housing, "rate", "Q3-2017", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [(i["ref"], i["rag"], i["rag_label"]) for i in data["indicators"]] == [
        ("HO/1", "A", "Amber"),  # 96 misses 98 but meets the floor of 95
        ("HO/2", "R", "Red"),  # 29 misses the Q3 floor of 28 (smaller is better)
        ("HO/3", "R", "Red"),  # no floor: a floor condition never matches
    ]
    assert [s["count"] for s in data["summary"][0]["levels"]] == [0, 1, 2]


def test_floor_project_report_check_and_explain(housing: Path) -> None:
    code, out, _ = run(housing, "report", "Q3-2017")
    assert code == 0
    assert "| Housing | 0% (0) | 33% (1) | 67% (2) |" in out
    assert run(housing, "check")[:2] == (0, "No problems found in 2 files.\n")
    (housing / "results/2017-18/Q3.csv").write_text(
        "ref,value,published_rag\nHO/1,94,A\nHO/2,29,R\nHO/3,89,\n", encoding="utf-8"
    )
    code, report, _ = run(housing, "check", "--format", "json")
    assert code == 1
    assert [p["message"] for p in json.loads(report)["problems"]] == [
        "published_rag 'A' but computed 'R': 94 is 4.1% short of 98, misses the floor of 95, "
        "and with no result last year to compare"
    ]
    (housing / "results/2017-18/Q3.csv").write_text(
        "ref,value,published_rag\nHO/1,96,A\nHO/2,29,R\nHO/3,89,\n", encoding="utf-8"
    )
    code, out, _ = run(housing, "explain", "Q3-2017", "HO/2")
    assert code == 0
    assert (
        "4. Floor missed: 29 is not at or below the floor of 28.\n5. Long-term direction of travel"
    ) in out
    assert (
        "   - band 1, G if the target is met: no, the target is missed.\n"
        "   - band 2, A if the floor is met: no, the floor is missed.\n"
        "   - band 3, R with no conditions: matches.\n"
        "   So it is Red (R).\n"
    ) in out
    code, out, _ = run(housing, "explain", "Q3-2017", "HO/3")
    assert "   - band 2, A if the floor is met: no, there is no floor for this quarter.\n" in out


# --- Mixed level sets ---------------------------------------------------------------------


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """Barnet's example beside a plan on the traffic-light scheme."""
    for name in ("plans", "results"):
        shutil.copytree(REPO / name, tmp_path / name)
    write(
        tmp_path,
        {
            "plans/adults.yaml": ADULTS_PLAN.replace("scheme: county", "scheme: traffic-light"),
            "results/2017-18/Q2.csv": (REPO / "results/2017-18/Q2.csv").read_text("utf-8"),
        },
    )
    q3 = (REPO / "results/2017-18/Q3.csv").read_text("utf-8")
    extra = "".join(
        f"{ref},{value}{',' * (q3.splitlines()[0].count(',') - 1)}\n"
        for ref, value in [("AH/1", 75), ("AH/2", 12), ("AH/3", 50), ("AH/4", 120)]
    )
    (tmp_path / "results/2017-18/Q3.csv").write_text(q3 + extra, encoding="utf-8")
    return tmp_path


def test_mixed_level_sets_get_their_own_rows_and_no_total(mixed: Path) -> None:
    code, out, _ = run(mixed, "rate", "Q3-2017", "--format", "json")
    assert code == 0
    summary = json.loads(out)["summary"]
    assert [row["plan"] for row in summary] == ["adults", "community-leadership"]
    adults, barnet = summary
    assert [s["code"] for s in adults["levels"]] == ["G", "A", "R"]
    assert "green" not in adults
    assert [s["code"] for s in barnet["levels"]] == ["G", "GA", "RA", "R"]
    assert barnet["green"] == {"count": 1, "percent": 25}
    code, out, _ = run(mixed, "report", "Q3-2017")
    assert (
        "| Theme Committee | Green | Amber | Red | Green Amber | Red Amber | Improved/Same "
        "| Worsened | Monitored only | No. indicators |"
    ) in out
    assert "| Community Leadership | 25% (1) | – | 25% (1) | 50% (2) | 0% (0) |" in out
    assert (
        "For Adults and Health, 0% of rated indicators (0 of 3) are rated Green this quarter; "
        "and none can be compared with the same time last year. "
        "For Community Leadership, 25% of rated indicators (1 of 4) have met target this "
        "quarter; and 67% (4 of 6) have improved or stayed the same since the same time last "
        "year."
    ) in out
    assert "Total" not in out.split("**Table 1")[1].split("\n## ")[0]


def test_fail_on_with_mixed_level_sets(mixed: Path) -> None:
    def fail_on(code: str) -> tuple[int, str]:
        result = run(mixed, "rate", "Q3-2017", "--format", "json", "--fail-on", code)
        return result[0], result[2]

    # R is in both schemes: Red in either fails.
    assert fail_on("R") == (1, "error: 3 rated R or worse: AH/2, AH/3, CG/S4\n")
    # A is only traffic-light's; RA only Barnet's: each applies to its own plans.
    assert fail_on("A") == (1, "error: 3 rated A or worse: AH/1, AH/2, AH/3\n")
    assert fail_on("RA") == (1, "error: 1 rated RA or worse: CG/S4\n")
    assert fail_on("X") == (
        2,
        "error: --fail-on 'X' is not a level of the rated plans' schemes; "
        "use one of: G, A, R, GA, RA\n",
    )


# --- Scheme files ---------------------------------------------------------------------------


def test_check_reports_a_scheme_error_at_its_band(county: Path) -> None:
    (county / "schemes/county.yaml").write_text(
        COUNTY_SCHEME.replace("{rag: A, long_term", "{rag: GA, long_term"), encoding="utf-8"
    )
    code, out, _ = run(county, "check", "--format", "json")
    assert code == 1
    problems = [
        (p["file"], p["line"], p["path"], p["message"]) for p in json.loads(out)["problems"]
    ]
    assert problems == [
        (
            "schemes/county.yaml",
            9,
            "bands[1].rag",
            "band 2 gives 'GA', which is not one of the scheme's levels (G, A, R); add it to "
            "levels or use one of them",
        )
    ]


@pytest.mark.parametrize(
    ("scheme", "message"),
    [
        (
            COUNTY_SCHEME.replace("{rag: A, long_term", "{rag: GA, long_term"),
            "error: schemes/county.yaml:9: bands[1].rag: band 2 gives 'GA', which is not one "
            "of the scheme's levels (G, A, R); add it to levels or use one of them",
        ),
        (
            COUNTY_SCHEME.replace("[improving, same]", "[improving, better]"),
            "error: schemes/county.yaml:9: bands[1].long_term[1]: should be 'improving', "
            "'worsening', 'same', 'new', 'not comparable', 'not reported' or 'no comparison'",
        ),
        (
            COUNTY_SCHEME.replace("up_to: 0.10", "up_to_points: -2"),
            "error: schemes/county.yaml:8: bands[0].up_to_points: should be greater than or "
            "equal to 0",
        ),
        (
            COUNTY_SCHEME.replace("{code: A, label: Amber", "{code: G, label: Amber"),
            "error: schemes/county.yaml:5: levels[1].code: level 'G' is defined twice",
        ),
        (
            COUNTY_SCHEME.replace("{code: A,", "{code: Monitor,"),
            "error: schemes/county.yaml:5: levels[1].code: 'Monitor' is reserved: Monitor and "
            "Not reported always exist",
        ),
        (
            COUNTY_SCHEME.replace("  - {rag: R}\n", "  - {rag: R, floor: missed}\n"),
            "error: schemes/county.yaml:1: the last band must have no conditions, so that it "
            "matches everything",
        ),
    ],
)
def test_scheme_file_errors_name_the_file_and_band(county: Path, scheme: str, message: str) -> None:
    (county / "schemes/county.yaml").write_text(scheme, encoding="utf-8")
    code, out, err = run(county, "rate", "Q3-2017")
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == message
