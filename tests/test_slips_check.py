"""``check`` warns of figures that parse but are probably slips, and of invisible
characters (issue 15, items 2 and 13): warnings, so ``rate`` is unaffected and only
``--strict`` fails on them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from barnet_rag.check.checking import check_project
from barnet_rag.cli import main
from barnet_rag.errors import Problem
from barnet_rag.periods import Period

PLAN = "plans/community-leadership.yaml"
Q2 = "results/2017-18/Q2.csv"
Q3 = "results/2017-18/Q3.csv"
FRACTION_HINT = "if it means {0}%, write {0}; if it really is {1}%, write {1}% to say so"
SCALE_HINT = (
    "check the figure's scale (a fraction for a percent, thousands, a slipped decimal point); "
    "if the method changed, write no in comparable"
)


def plant(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def warnings(root: Path, period: Period | None = None) -> list[Problem]:
    report = check_project(root, period)
    assert report.errors == []
    return report.warnings


# --- fractions (item 2)


def test_a_percent_target_written_as_a_fraction_is_a_warning_at_its_line(
    example_copy: Path,
) -> None:
    plant(example_copy, PLAN, "2017/18: {annual: 75, Q3: 75}", "2017/18: {annual: 0.75, Q3: 75}")
    assert warnings(example_copy) == [
        Problem(
            "looks-like-fraction",
            "percent target 0.75 looks like a fraction; percent targets are written 0-100",
            PLAN,
            41,
            path="indicators[2].targets.2017/18.annual",
            hint=FRACTION_HINT.format("75", "0.75"),
            severity="warning",
        )
    ]


@pytest.mark.parametrize("target", ["0.68%", '"0.5 %"', "0", "1.5", "68"])
def test_a_percent_target_with_a_percent_sign_or_above_one_is_no_fraction(
    example_copy: Path, target: str
) -> None:
    plant(example_copy, PLAN, "{annual: 75, Q3: 75}", f"{{annual: {target}, Q3: {target}}}")
    assert warnings(example_copy) == []


def test_one_is_the_largest_fraction(example_copy: Path) -> None:
    plant(example_copy, PLAN, "{annual: 75, Q3: 75}", "{annual: 75, Q3: 1}")
    assert [(w.code, w.path) for w in warnings(example_copy)] == [
        ("looks-like-fraction", "indicators[2].targets.2017/18.Q3")
    ]


def test_a_percent_result_written_as_a_fraction_is_a_warning_at_its_cell(
    example_copy: Path,
) -> None:
    plant(example_copy, Q3, "CG/S4,60%", "CG/S4,0.6")
    assert warnings(example_copy) == [
        Problem(
            "looks-like-fraction",
            "value '0.6' of percent indicator CG/S4 looks like a fraction; "
            "percents are written 0-100",
            Q3,
            3,
            column="value",
            hint=FRACTION_HINT.format("60", "0.6"),
            severity="warning",
        )
    ]


def test_a_small_percent_written_with_its_sign_and_a_small_number_are_no_fraction(
    example_copy: Path,
) -> None:
    plant(example_copy, Q3, "CG/C2,5.4%", "CG/C2,0.54%")  # but under a tenth of 14%
    plant(example_copy, Q3, "CG/C33,69.4", "CG/C33,0.5")  # a number: under a tenth of 67.6
    assert [(w.code, w.line) for w in warnings(example_copy)] == [
        ("scale-jump", 2),
        ("scale-jump", 6),
    ]


# --- results ten times, or a tenth of, the previous one (item 2)


def test_a_result_under_a_tenth_of_the_previous_one_is_a_warning(example_copy: Path) -> None:
    plant(example_copy, Q3, "CG/C33,69.4", "CG/C33,6.7")
    assert warnings(example_copy) == [
        Problem(
            "scale-jump",
            "value '6.7' is under a tenth of CG/C33's previous result (67.6 in Q2 2017/18)",
            Q3,
            2,
            column="value",
            hint=SCALE_HINT,
            severity="warning",
        )
    ]


def test_a_result_more_than_ten_times_the_previous_one_is_a_warning(example_copy: Path) -> None:
    plant(example_copy, Q3, "CG/C4,20.2%", "CG/C4,0.3%")
    plant(example_copy, Q2, "CG/C4,22.0%", "CG/C4,0.02%")
    messages = [w.message for w in warnings(example_copy)]
    assert messages == [
        "value '0.02%' is under a tenth of CG/C4's previous result (21.5% in Q3 2016/17)",
        "value '0.3%' is more than ten times CG/C4's previous result (0.02% in Q2 2017/18)",
    ]


def test_exactly_ten_times_is_not_a_slip(example_copy: Path) -> None:
    plant(example_copy, Q2, "CG/C33,67.6", "CG/C33,6.76")
    plant(example_copy, Q3, "CG/C33,69.4", "CG/C33,67.6")
    assert warnings(example_copy, Period(2017, 3)) == []


def test_the_previous_result_is_the_latest_one_reported(example_copy: Path) -> None:
    # CG/S16 was not reported in Q2; its previous result is Q3 2016/17's 85%.
    plant(example_copy, Q3, "CG/S16,85%,Autumn 2017,,,,GA", "CG/S16,8%,Autumn 2017,,,,")
    assert [w.message for w in warnings(example_copy)] == [
        "value '8%' is under a tenth of CG/S16's previous result (85% in Q3 2016/17)"
    ]


def test_a_method_change_is_not_compared_across(example_copy: Path) -> None:
    # CG/C27 is marked comparable: no in Q3; 17.8 after 667 is not questioned.
    plant(example_copy, Q3, "CG/C27,178,", "CG/C27,17.8,")
    assert warnings(example_copy) == []


def test_nor_across_a_break_in_a_quarter_between(example_copy: Path) -> None:
    (example_copy / Q2).write_text("ref,value,label,comparable\nCG/S16,,,no\n", encoding="utf-8")
    plant(example_copy, Q3, "CG/S16,85%,Autumn 2017,,,,GA", "CG/S16,8%,Autumn 2017,,,,")
    assert {w.code for w in warnings(example_copy)} == {"missing-row"}  # Q2's other rows


def test_zero_is_not_a_change_of_scale(example_copy: Path) -> None:
    plant(example_copy, Q3, "CG/C33,69.4", "CG/C33,0")
    assert warnings(example_copy) == []


def test_with_a_period_only_that_quarters_results_are_questioned(example_copy: Path) -> None:
    plant(example_copy, Q2, "CG/C33,67.6", "CG/C33,676")  # ten times 67.6, in Q2
    plant(example_copy, Q3, "CG/C33,69.4", "CG/C33,6940")
    assert [w.line for w in warnings(example_copy, Period(2017, 3))] == [2]
    assert warnings(example_copy, Period(2017, 2)) == []


def test_slips_are_warnings_that_fail_only_a_strict_check(example_copy: Path) -> None:
    plant(example_copy, Q3, "CG/C33,69.4", "CG/C33,6.7")
    runner = CliRunner()
    loose = runner.invoke(main, ["check", "--root", str(example_copy), "--format", "json"])
    strict = runner.invoke(main, ["check", "--root", str(example_copy), "--strict"])
    rate = runner.invoke(main, ["rate", "Q3-2017", "--root", str(example_copy)])
    assert (loose.exit_code, strict.exit_code, rate.exit_code) == (0, 1, 0)
    assert json.loads(loose.stdout)["problems"] == [
        {
            "code": "scale-jump",
            "severity": "warning",
            "file": Q3,
            "line": 2,
            "column": "value",
            "col": 2,
            "path": None,
            "message": "value '6.7' is under a tenth of CG/C33's previous result "
            "(67.6 in Q2 2017/18)",
            "hint": SCALE_HINT,
        }
    ]


# --- bidi controls and zero-width characters (item 13)


@pytest.mark.parametrize(
    ("char", "what"),
    [
        ("\u202a", "bidi control U+202A (left-to-right embedding)"),
        ("\u202e", "bidi control U+202E (right-to-left override)"),
        ("\u2066", "bidi control U+2066 (left-to-right isolate)"),
        ("\u2069", "bidi control U+2069 (pop directional isolate)"),
        ("\u200b", "zero-width character U+200B (zero width space)"),
        ("\u200d", "zero-width character U+200D (zero width joiner)"),
        ("\u2060", "zero-width character U+2060 (word joiner)"),
        ("\ufeff", "zero-width character U+FEFF (zero width no-break space)"),
    ],
)
def test_an_invisible_character_in_a_cell_is_a_warning(
    example_copy: Path, char: str, what: str
) -> None:
    plant(example_copy, Q3, "CG/S5,75%,Autumn 2017", f"CG/S5,75%,Autumn{char} 2017")
    bidi = what.startswith("bidi")
    assert warnings(example_copy) == [
        Problem(
            "hidden-character",
            f"label holds the {what}",
            Q3,
            4,
            column="label",
            hint="it can show the text in another order than it is stored; delete it"
            if bidi
            else "it makes text look like other text that differs; delete it",
            severity="warning",
        )
    ]


def test_an_invisible_character_after_a_line_break_names_its_line(example_copy: Path) -> None:
    plant(example_copy, Q3, "concern about anti-social", "concern about\nanti-social")
    plant(example_copy, Q3, "crime has increased.", "crime has\u200b increased.")
    assert [(w.line, w.column) for w in warnings(example_copy)] == [(4, "comment")]


def test_a_byte_order_mark_at_the_start_of_the_file_is_fine(example_copy: Path) -> None:
    q3 = example_copy / Q3
    q3.write_bytes(b"\xef\xbb\xbf" + q3.read_bytes())
    assert warnings(example_copy) == []


def test_invisible_characters_do_not_stop_rate(example_copy: Path) -> None:
    plant(example_copy, Q3, "CG/S5,75%,Autumn 2017", "CG/S5,75%,Autumn \u202e7102")
    result = CliRunner().invoke(main, ["rate", "Q3-2017", "--root", str(example_copy)])
    assert (result.exit_code, result.stderr) == (0, "")
