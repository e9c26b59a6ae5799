"""Results cells as officers and attackers write them (issue 15, items 3, 4, 9 and 13):
``n/a`` is not reported, a ``%`` on a number indicator is an error, control characters are
errors at their line, and a mistyped ref gets the hint a person would give.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from barnet_rag.cli import main
from barnet_rag.errors import Problem
from barnet_rag.project.models import Indicator
from barnet_rag.project.resultsfile import (
    CONTROL,
    RefSuggester,
    has_control,
    parse_results,
    parse_value,
)

SHOWN = "results/2017-18/Q3.csv"
INDICATORS = {
    ref: Indicator.model_validate(
        {"ref": ref, "title": ref, "type": "SPI", "polarity": "bigger", "unit": unit}
    )
    for ref, unit in (("SC/1", "percent"), ("SC/2", "number"), ("SC/3", "percent"))
}
UNITS = {ref: i.unit for ref, i in INDICATORS.items()}


def parse(text: str) -> tuple[dict[str, float | None], list[str]]:
    results, problems = parse_results(text.encode(), SHOWN, INDICATORS)
    return {r: v.value for r, v in results.items()}, [str(p) for p in problems]


# --- n/a and friends (item 4)


@pytest.mark.parametrize("text", ["n/a", "N/A", "N/a", " n/a ", "-", "–", " – "])
def test_words_for_not_reported_read_as_a_blank_value(text: str) -> None:
    assert parse_value(text) == (None, 0)


@pytest.mark.parametrize("text", ["na", "—", "--", "n/a%", "nil", "-%"])
def test_other_words_are_still_not_numbers(text: str) -> None:
    with pytest.raises(ValueError, match="is not a number"):
        parse_value(text)


def test_a_file_of_not_reported_words_rates_them_not_reported(example_copy: Path) -> None:
    q3 = example_copy / SHOWN
    text = q3.read_text(encoding="utf-8")
    q3.write_text(text.replace("CG/S5,75%", "CG/S5,n/a").replace("CG/C3,20.6%", "CG/C3,–"))
    result = CliRunner().invoke(main, ["rate", "Q3-2017", "--root", str(example_copy)])
    assert result.exit_code == 0, result.stderr
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if "│" in line}
    assert "Not reported" in rows["CG/S5"]
    assert "Not reported" in rows["CG/C3"]


# --- a % sign on a number indicator (item 3)


def test_a_percent_sign_on_a_number_result_says_to_set_the_unit() -> None:
    assert parse("ref,value\nSC/1,60%\nSC/2,8.3%\nSC/3,5\n") == (
        {"SC/1": 60.0, "SC/3": 5.0},
        [
            f"{SHOWN}:3: value: value '8.3%' has a % sign but SC/2 is a number indicator (if it "
            "is a percentage, set unit: percent on the indicator in its plan; else remove the %)"
        ],
    )


# --- control characters (item 13)

CONTROLS = [chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0)) if chr(c) not in "\r\n"]


@pytest.mark.parametrize("char", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
@pytest.mark.parametrize("column", ["ref", "value", "label", "note", "comment"])
def test_every_control_character_in_any_cell_is_an_error_at_its_line(
    char: str, column: str
) -> None:
    cells = {"ref": "SC/1", "value": "60%", "label": "Autumn", "note": "n", "comment": "c"}
    cells[column] = f"{cells[column][:2]}{char}{cells[column][2:]}"
    row = ",".join(f'"{cells[c]}"' for c in cells)
    text = f"ref,value,label,note,comment\nSC/2,380,,,\n{row}\n"
    assert parse(text) == (
        {"SC/2": 380.0},
        [
            f"{SHOWN}:3: {column}: the control character U+{ord(char):04X} is not allowed in a "
            "cell (delete it; it often comes with text pasted from another program)"
        ],
    )


def test_a_control_character_after_a_line_break_names_its_own_line() -> None:
    text = 'ref,value,comment,label\nSC/1,60%,"one\ntwo\nthree",x\x1b[2J\n'
    assert parse(text)[1] == [
        f"{SHOWN}:4: label: the control character U+001B is not allowed in a cell "
        "(delete it; it often comes with text pasted from another program)"
    ]


@pytest.mark.parametrize("column", ["note", "comment"])
@pytest.mark.parametrize("brk", ["\n", "\r\n"])
def test_line_breaks_are_allowed_in_note_and_comment_cells(column: str, brk: str) -> None:
    results, problems = parse_results(
        f'ref,value,{column}\nSC/1,60%,"one{brk}two"\nSC/2,380,\n'.encode(), SHOWN, INDICATORS
    )
    assert problems == []
    assert getattr(results["SC/1"], column) == f"one{brk}two"
    assert results["SC/2"].line == 4


@pytest.mark.parametrize("column", ["ref", "value", "label", "comparable", "published_rag"])
def test_a_line_break_in_any_other_cell_is_an_error(column: str) -> None:
    cells = {"ref": "SC/1", "value": "60%", "label": "", "comparable": "", "published_rag": ""}
    cells[column] = cells[column][:2] + "\n" + cells[column][2:]
    row = ",".join(f'"{cells[c]}"' for c in cells)
    assert parse(f"{','.join(cells)}\n{row}\n") == (
        {},
        [
            f"{SHOWN}:2: {column}: a line break in the {column} cell; only note and comment "
            "cells may hold one (put the text on one line)"
        ],
    )


def test_a_row_of_only_control_characters_is_not_skipped_as_blank() -> None:
    assert parse("ref,value\n\x1f,\x1c\nSC/2,380\n")[1] == [
        f"{SHOWN}:2: ref: the control character U+001F is not allowed in a cell "
        "(delete it; it often comes with text pasted from another program)",
        f"{SHOWN}:2: value: the control character U+001C is not allowed in a cell "
        "(delete it; it often comes with text pasted from another program)",
    ]


def test_an_escape_sequence_never_reaches_the_terminal(example_copy: Path) -> None:
    q3 = example_copy / SHOWN
    text = q3.read_text(encoding="utf-8")
    q3.write_text(text.replace("CG/S5,75%,Autumn 2017", "CG/S5,75%,\x1b]0;x\x07\x1b[2J"))
    for args in (["rate", "Q3-2017"], ["explain", "Q3-2017", "CG/S5"], ["report", "Q3-2017"]):
        result = CliRunner().invoke(main, [*args, "--root", str(example_copy)])
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            "error: results/2017-18/Q3.csv:4: label: the control character U+001B is not "
            "allowed in a cell (delete it; it often comes with text pasted from another "
            "program)\n"
        )


@given(st.text(st.characters(codec="utf-8", exclude_characters='\r\n,"'), max_size=12))
def test_a_label_is_accepted_exactly_when_it_holds_no_control_character(label: str) -> None:
    results, problems = parse_results(
        f"ref,value,label\nSC/1,60%,{label}\n".encode(), SHOWN, INDICATORS
    )
    has_control = any(0 <= ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in label)
    assert bool(problems) == has_control
    if not has_control:
        assert results["SC/1"].label == (label.strip() or None)


# --- ref hints (item 9)

KNOWN = dict.fromkeys(["SC/1", "SC/2", "SC/3", "SC/9", "SC/10", "CG/S16", "CG/S4", "CG/C33"])


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("sc/2", "SC/2"),  # case
        ("cg/s16", "CG/S16"),
        ("SC/l", "SC/1"),  # a look-alike, before SC/2, SC/3 and SC/9 (one character each)
        ("SC/I", "SC/1"),
        ("SC/1O", "SC/10"),
        ("CG/C3", "CG/C33"),  # one character dropped
        ("CG/S166", "CG/S16"),  # one added
        ("CG/S61", "CG/S16"),  # two swapped
        ("cg/c34", "CG/C33"),  # one changed, in another case
        ("CG/S4 ", "CG/S4"),
        ("CG/ S16", "CG/S16"),
    ],
)
def test_a_mistyped_ref_is_matched_by_case_look_alikes_then_one_character(
    typed: str, meant: str
) -> None:
    assert RefSuggester(KNOWN)(typed) == meant


def test_nothing_close_suggests_nothing() -> None:
    assert RefSuggester(KNOWN)("XYZ") is None


def test_the_unknown_ref_hint_names_the_ref_in_another_case() -> None:
    _, problems = parse_results(b"ref,value\nsc/2,380\n", SHOWN, INDICATORS)
    assert problems == [
        Problem(
            "unknown-ref",
            "ref 'sc/2' is not an indicator in any plan",
            SHOWN,
            2,
            column="ref",
            hint="did you mean SC/2?",
        )
    ]


@given(st.text(max_size=40))
def test_the_byte_check_finds_exactly_the_control_characters_of_the_text(text: str) -> None:
    expected = any(CONTROL.match(c) for c in text if c not in "\r\n")
    assert has_control(text.encode("utf-8", "surrogatepass")) == expected
