"""Targets as officers type them (issue 15, items 1 and 3): ``95%`` is 95 on a percent
indicator, a text target with a digit is an error, a ``%`` on a number indicator is an error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from barnet_rag.check.checking import check_project
from barnet_rag.cli import main
from barnet_rag.project.models import YearTargets

PLAN = "plans/community-leadership.yaml"
S4_TARGETS = "2017/18: {annual: 68, Q3: 68}"


def plant(root: Path, old: str, new: str) -> None:
    path = root / PLAN
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def invoke(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "--root", str(root)])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("written", "number"),
    [("95%", 95.0), ("95 %", 95.0), (" 68.5% ", 68.5), ("1,234", 1234.0), ("+5", 5.0)],
)
def test_a_target_written_as_text_with_a_number_is_that_number(written: str, number: float) -> None:
    targets = YearTargets.model_validate({"annual": written, "Q3": written})
    assert (targets.annual, targets.Q3) == (number, number)


def test_the_keys_written_with_a_percent_sign_are_remembered() -> None:
    targets = YearTargets.model_validate({"annual": "68%", "Q2": 60, "Q3": "70"})
    assert targets.percent_written == {"annual"}


@pytest.mark.parametrize("text", ["Increase", "Sustain reduction", "Decrease", "n/a"])
def test_an_annual_text_target_without_digits_stays_text(text: str) -> None:
    assert YearTargets.model_validate({"annual": text}).annual == text


@pytest.mark.parametrize("text", ["monitor", "Monitor", " MONITOR "])
def test_monitor_in_any_case(text: str) -> None:
    targets = YearTargets.model_validate({"annual": text, "Q3": text})
    assert (targets.annual, targets.Q3) == ("monitor", "monitor")


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        (
            "annual",
            "68 percent",
            "target '68 percent' has digits but is not a number; write e.g. 68 or 68%, "
            "monitor, or words without digits such as Increase",
        ),
        (
            "annual",
            "Top 25%",
            "target 'Top 25%' has digits but is not a number; write e.g. 68 or 68%, "
            "monitor, or words without digits such as Increase",
        ),
        (
            "Q3",
            "1,2",
            "target '1,2' has digits but is not a number; write e.g. 68 or 68%, or monitor",
        ),
        (
            "Q1",
            "6O%",
            "target '6O%' has digits but is not a number; write e.g. 68 or 68%, or monitor",
        ),
    ],
)
def test_a_text_target_with_a_digit_is_an_error(key: str, text: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        YearTargets.model_validate({key: text})
    [error] = raised.value.errors()
    assert (error["loc"], error["msg"]) == ((key,), f"Value error, {message}")


def test_a_percent_sign_target_is_rated_and_fails_the_threshold(example_copy: Path) -> None:
    plant(example_copy, S4_TARGETS, '2017/18: {annual: "68%", Q3: 68%}')
    code, out, err = invoke(example_copy, "rate", "Q3-2017", "--fail-on", "R")
    assert (code, err) == (1, "error: 1 rated R or worse: CG/S4\n")
    assert "68%" in out


def test_a_typo_in_a_target_stops_rate_and_fails_check(example_copy: Path) -> None:
    plant(example_copy, S4_TARGETS, "2017/18: {annual: 68 percent, Q3: 68}")
    message = (
        "plans/community-leadership.yaml:31: indicators[1].targets.2017/18.annual: target "
        "'68 percent' has digits but is not a number; write e.g. 68 or 68%, monitor, or words "
        "without digits such as Increase"
    )
    assert invoke(example_copy, "rate", "Q3-2017") == (2, "", f"error: {message}\n")
    report = check_project(example_copy)
    assert [str(p) for p in report.problems] == [message]
    assert report.exit_code == 1


def test_a_percent_sign_on_a_number_indicators_target_says_to_set_the_unit(
    example_copy: Path,
) -> None:
    plant(
        example_copy,
        "2017/18: {annual: Sustain Reduction, Q3: monitor}",
        "2017/18: {annual: Sustain Reduction, Q3: 8%}",
    )
    assert invoke(example_copy, "rate", "Q3-2017") == (
        2,
        "",
        "error: plans/community-leadership.yaml:21: indicators[0].targets.2017/18.Q3: target 8% "
        "has a % sign but CG/C33 is a number indicator (if it is a percentage, set unit: "
        "percent on the indicator; else remove the %)\n",
    )
    assert [p.code for p in check_project(example_copy).problems] == ["percent-on-number"]
