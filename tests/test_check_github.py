"""``check --format github``: GitHub Actions workflow commands, exactly as the runner reads them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from barnet_rag.check.checking import CheckReport
from barnet_rag.cli import main
from barnet_rag.cli.check import github_lines
from barnet_rag.errors import Problem

Q3 = "results/2017-18/Q3.csv"
S4_ROW = (
    'CG/S4,60%,Autumn 2017,,,"Generally, concern about anti-social behaviour and crime '
    'has increased.",R'
)


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--root", str(root), "--format", "github", *args])
    return result.exit_code, result.stdout


def test_annotations_for_a_project_with_planted_problems(example_copy: Path) -> None:
    q3 = example_copy / Q3
    text = q3.read_text(encoding="utf-8")
    text = text.replace(S4_ROW, S4_ROW[:-1] + "G").replace("CG/C2,5.4%", "CG/S61,5.4%")
    q3.write_text(text.replace("CG/C3,20.6%", "CG/C3,20.6%%"), encoding="utf-8")
    (example_copy / "schemes").mkdir()
    (example_copy / "schemes/odd.yaml").write_text(
        "name: odd\nbands:\n  - {rag: GA, up_to: 0.2}\n  - {rag: RA, up_to: 0.1}\n  - {rag: R}\n",
        encoding="utf-8",
    )
    assert run(example_copy) == (
        1,
        "::warning file=results/2017-18/Q3.csv::no row for CG/C2 (target for Q3 2017/18: "
        "monitor) (add a row 'CG/C2,' with a blank value if it was not reported)\n"
        "::error file=results/2017-18/Q3.csv,line=3,col=7::published_rag 'G' but computed 'R': "
        "64.4 counted (60 + 4.4 survey interval) is 5.3%25 short of 68 and worse than last "
        "year (correct the published rating or the data; barnet-rag explain Q3-2017 CG/S4 "
        "shows every step)\n"
        "::error file=results/2017-18/Q3.csv,line=6,col=1::ref 'CG/S61' is not an indicator "
        "in any plan (did you mean CG/S16?)\n"
        "::error file=results/2017-18/Q3.csv,line=7,col=2::value '20.6%25%25' is not a number; "
        "write e.g. 60, 60%25, 1,234 or 69.4, or leave it blank when not reported\n"
        "::error file=schemes/odd.yaml,line=4::bands[1].up_to: band 2 has up_to 0.1, below "
        "band 1's 0.2; up_to bounds must increase from band to band\n",
    )


def test_the_shipped_example_prints_nothing_and_exits_0(repo_root: Path) -> None:
    assert run(repo_root) == (0, "")


def test_percent_and_newlines_are_escaped_and_so_are_commas_in_file_names() -> None:
    report = CheckReport(
        root=".",
        period=None,
        strict=False,
        problems=[
            Problem("x", "50% off\r\nnext line", "results/a,b:c.csv", 2, column="value"),
            Problem("y", "no file at all", severity="warning"),
            Problem("z", "a whole file", "plans/p.yaml", path="plan", hint="fix it"),
        ],
        headers={"results/a,b:c.csv": ["ref", "value"]},
    )
    assert github_lines(report) == [
        "::error file=results/a%2Cb%3Ac.csv,line=2,col=2::50%25 off%0D%0Anext line",
        "::warning::no file at all",
        "::error file=plans/p.yaml::plan: a whole file (fix it)",
    ]


def test_a_column_the_header_does_not_have_gets_no_col() -> None:
    report = CheckReport(
        root=".",
        period=None,
        strict=False,
        problems=[Problem("missing-column", "missing required column 'value'", Q3, 1, "value")],
        headers={Q3: ["ref", "label"]},
    )
    assert github_lines(report) == [
        "::error file=results/2017-18/Q3.csv,line=1::missing required column 'value'"
    ]
