"""``check`` finds the lines of plan-target warnings from the text's indentation when every
line is a simple one-line form (check/locating.py): the lines must be PyYAML's, which
``locate`` gives, for every target path, and any other file must go to ``locate``."""

from __future__ import annotations

from pathlib import Path

import pytest

from barnet_rag.check import locating
from barnet_rag.check.locating import locate_targets
from barnet_rag.errors import Problem
from barnet_rag.project.loading import load_plans, locate

HEAD = """# a plan
plan: safer
committee: Safer Communities
title: Safer Communities Commissioning Plan
indicators:
"""

ITEMS = """  - ref: SC/1
    title: Residents who feel safe after dark # a comment
    type: CPI
    polarity: bigger
    unit: percent
    targets:
      2016/17: {annual: 0.5, Q1: 0.4, Q3: monitor}
      2017/18:
        annual: 0.68
        # a comment between keys
        Q3: 0.7

  - ref: "SC/2"
    title: 'Victims'' satisfaction: overall'
    type: SPI
    polarity: smaller
    unit: percent
    reported_in: [Q1, Q3]
    targets:
      2017/18: {annual: 1}
  -   ref: SC/3
      title: "Repeat victims, \\"quoted\\""
      type: SPI
      polarity: smaller
      unit: percent
      targets:
        2017/18: {Q2: 0.5}
        2018/19: {Q1: 0.25}
"""


def _paths(root: Path) -> tuple[list[Problem], list[Problem], list[Problem]]:
    plans, problems = load_plans(root)
    assert not [p for p in problems if p.severity == "error"], problems
    wanted = [
        Problem("x", "m", shown, path=f"indicators[{i}].targets.{year}.{key}")
        for shown, plan in plans
        for i, indicator in enumerate(plan.indicators)
        for year in [*indicator.targets, "2030/31"]
        for key in ("annual", "Q1", "Q2", "Q3", "Q4")
    ]
    return wanted, locate(wanted, root), locate_targets(wanted, plans, root)


def _project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "safer.yaml").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "items",
    [
        ITEMS,
        "\n".join(line[2:] for line in ITEMS.split("\n")),
        ITEMS.replace("reported_in: [Q1, Q3]", "reported_in:\n    - Q1\n    - Q3"),
        ITEMS.replace("reported_in: [Q1, Q3]", "reported_in:\n    - Q1 # first\n    - Q3"),
        ITEMS.replace("after dark # a comment", "after dark\n      - and before dawn"),
    ],
    ids=[
        "indented",
        "indentless",
        "block-sequence",
        "commented-sequence",
        "plain-continued-by-a-dash",
    ],
)
def test_simple_files_get_pyyaml_s_lines_without_pyyaml(tmp_path: Path, items: str) -> None:
    root = _project(tmp_path, HEAD + items)
    wanted, slow, fast = _paths(root)
    plans, _ = load_plans(root)
    assert locating._lines(root, "plans/safer.yaml", plans[0][1], [p.path or "" for p in wanted])
    assert [p.line for p in fast] == [p.line for p in slow]
    assert fast == slow


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "title: Residents who feel safe after dark # a comment",
            "title: Residents who\n      feel safe",
        ),
        ("title: Residents who feel safe after dark # a comment", "title: |\n      Residents"),
        (
            "title: Residents who feel safe after dark # a comment",
            'title: "Residents\n      - who"',
        ),
        ("{annual: 0.5, Q1: 0.4, Q3: monitor}", "{annual: 0.5,\n        Q1: 0.4}"),
        ("{annual: 1}", '{"annual": 1}'),
        ("plan: safer", "---\nplan: safer"),
    ],
    ids=[
        "plain-continued",
        "block-scalar",
        "quoted-over-lines",
        "flow-over-lines",
        "quoted-key",
        "marker",
    ],
)
def test_other_files_are_located_by_pyyaml(tmp_path: Path, old: str, new: str) -> None:
    text = (HEAD + ITEMS).replace(old, new, 1)
    assert text != HEAD + ITEMS
    root = _project(tmp_path, text)
    wanted, slow, fast = _paths(root)
    plans, _ = load_plans(root)
    assert (
        locating._lines(root, "plans/safer.yaml", plans[0][1], [p.path or "" for p in wanted])
        is None
    )
    assert fast == slow


def test_the_shipped_example_and_the_bad_input_base_are_simple() -> None:
    repo = Path(__file__).resolve().parent.parent
    for root in (repo, repo / "tests" / "bad_inputs" / "_base"):
        wanted, slow, fast = _paths(root)
        assert fast == slow
        plans, _ = load_plans(root)
        for shown, plan in plans:
            paths = [p.path or "" for p in wanted if p.file == shown]
            assert locating._lines(root, shown, plan, paths) is not None
