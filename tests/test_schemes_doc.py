"""docs/schemes.md's four worked schemes: every row of every table is rated by the engine
with the scheme printed above it, and gets the rating the page shows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from barnet_rag.engine.rating import rate_indicator
from barnet_rag.periods import Period
from barnet_rag.project.models import Plan, QuarterResults, Result, Scheme
from barnet_rag.project.schemes import BUILTIN_SCHEMES

DOC = Path(__file__).resolve().parent.parent / "docs" / "schemes.md"
PERIOD = Period(2017, 3)


def worked_schemes() -> list[tuple[str, Scheme, str, list[dict[str, str]]]]:
    """(heading, scheme, the section's text, table rows as {header: cell}) per worked scheme."""
    text = DOC.read_text(encoding="utf-8").split("## Four worked schemes", 1)[1]
    found = []
    for section in re.split(r"\n(?=### )", text)[1:]:
        heading = section.splitlines()[0].removeprefix("### ")
        block = re.search(r"```yaml\n(.*?)```", section, re.S)
        assert block is not None, heading
        scheme = Scheme.model_validate(yaml.safe_load(block[1]))
        lines = [line for line in section.splitlines() if line.startswith("|")]
        headers = [cell.strip() for cell in lines[0].strip("|").split("|")]
        rows = [
            dict(zip(headers, (cell.strip() for cell in line.strip("|").split("|")), strict=True))
            for line in lines[2:]
        ]
        found.append((heading, scheme, section, rows))
    return found


SCHEMES = worked_schemes()
CASES = [
    pytest.param(scheme, section, row, id=f"{heading[:2]}{row['case']}")
    for heading, scheme, section, rows in SCHEMES
    for row in rows
]


def test_the_page_has_four_worked_schemes_with_tables() -> None:
    assert [heading for heading, *_ in SCHEMES] == [
        "1. Barnet's scheme (`barnet`, the default)",
        "2. Three levels, Green inside a tolerance",
        "3. A target and a floor (`floor`, built in)",
        "4. An absolute tolerance",
    ]
    assert all(len(rows) >= 5 for *_, rows in SCHEMES)


@pytest.mark.parametrize("name", ["barnet", "floor"])
def test_the_built_in_schemes_are_printed_as_they_are(name: str) -> None:
    (printed,) = [scheme for _, scheme, *_ in SCHEMES if scheme.name == name]
    assert printed == BUILTIN_SCHEMES[name]


def _number(cell: str) -> float | None:
    return float(cell) if cell else None


@pytest.mark.parametrize(("scheme", "section", "row"), CASES)
def test_each_row_gets_the_rating_shown(scheme: Scheme, section: str, row: dict[str, str]) -> None:
    tolerance = re.search(r"`dot_tolerance_percent: (\d+(?:\.\d+)?)`", section)
    targets: dict[str, Any] = {"annual": float(row["target"])}
    if row["floor"]:
        targets["floor"] = float(row["floor"])
    indicator: dict[str, Any] = {
        "ref": "X/1",
        "title": row["case"],
        "type": "CPI",
        "polarity": row["polarity"],
        "unit": "percent",
        "targets": {"2017/18": targets},
    }
    if tolerance:
        indicator["dot_tolerance_percent"] = float(tolerance[1])
    surveys = {}
    if row["±"]:
        indicator["survey"] = "RPS"
        surveys["RPS"] = {"title": "Survey", "confidence_interval": float(row["±"])}
    plan = Plan.model_validate(
        {
            "plan": "doc",
            "committee": "Docs",
            "title": "Docs",
            "surveys": surveys,
            "indicators": [indicator],
        }
    )
    values = {
        PERIOD: _number(row["result"]),
        PERIOD.last_year(): _number(row["last year"]),
        PERIOD.previous(): _number(row["last quarter"]),
    }
    results = {
        period: QuarterResults(
            period=period, source="doc.csv", results={"X/1": Result(ref="X/1", value=value)}
        )
        for period, value in values.items()
        if value is not None
    }
    rated = rate_indicator(plan, plan.indicators[0], PERIOD, results, scheme)
    assert rated.rag == row["rating"]
