"""Sparklines: unicode bars for Markdown and terminals, inline SVG for HTML reports."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from barnet_rag.outputs.sparklines import RAG_COLOURS, svg_sparkline, unicode_sparkline

SVG = "{http://www.w3.org/2000/svg}"


def test_unicode_bars_run_from_lowest_to_highest() -> None:
    assert unicode_sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert unicode_sparkline([0, 50, 100]) == "▁▅█"  # 50 is 3.5 of 7 steps: rounds up


def test_missing_values_are_blanks() -> None:
    assert unicode_sparkline([1, None, 8, None]) == "▁ █ "
    assert unicode_sparkline([None, None]) == "  "
    assert unicode_sparkline([]) == ""


def test_a_constant_series_is_a_flat_line() -> None:
    assert unicode_sparkline([67, 67, None, 67]) == "▄▄ ▄"
    assert unicode_sparkline([5]) == "▄"


@given(st.lists(st.none() | st.floats(-1e6, 1e6), max_size=12))
def test_one_character_per_value_with_the_extremes_at_the_ends(
    values: list[float | None],
) -> None:
    line = unicode_sparkline(values)
    assert len(line) == len(values)
    present = [v for v in values if v is not None]
    if present and min(present) != max(present):
        assert line[values.index(min(present))] == "▁"
        assert line[values.index(max(present))] == "█"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_svg_sparkline_is_an_accessible_image() -> None:
    svg = parse(svg_sparkline([60, 62, 67, 60], 68, "R", "CG/S4: 60% against 68%, Red"))
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "CG/S4: 60% against 68%, Red"
    assert svg.findtext(f"{SVG}title") == "CG/S4: 60% against 68%, Red"


def test_target_is_a_dashed_line_and_the_last_point_has_the_rag_colour() -> None:
    svg = parse(svg_sparkline([60, 62, 67, 60], 68, "R", "t"))
    (target,) = svg.findall(f"{SVG}line")
    assert target.get("stroke-dasharray") == "3 2"
    assert target.get("y1") == target.get("y2") == "3"  # 68 is the top of the scale
    last = svg.findall(f"{SVG}circle")[-1]
    assert last.get("fill") == RAG_COLOURS["R"]
    assert (last.get("cx"), last.get("cy")) == ("93", "21")  # right edge, 60 at the bottom


def test_only_the_last_eight_quarters_are_drawn() -> None:
    svg = parse(svg_sparkline([float(v) for v in range(10)], None, "G", "t"))
    (line,) = svg.findall(f"{SVG}polyline")
    points = line.get("points", "").split()
    assert len(points) == 8
    assert points[0] == "3,21" and points[-1] == "93,3"
    assert svg.findall(f"{SVG}line") == []  # no target, no target line


def test_gaps_split_the_line_and_the_last_reported_point_is_coloured() -> None:
    svg = parse(svg_sparkline([1, 2, None, 4, 5, None], None, "GA", "t"))
    assert len(svg.findall(f"{SVG}polyline")) == 2
    last = svg.findall(f"{SVG}circle")[-1]
    assert last.get("fill") == RAG_COLOURS["GA"]
    assert last.get("cx") == "75"  # the fifth of six slots: 3 + 4 * (90 / 5)


def test_titles_are_escaped() -> None:
    svg = parse(svg_sparkline([1, 2], None, None, 'A <b> & "c"'))
    assert svg.findtext(f"{SVG}title") == 'A <b> & "c"'
    assert svg.get("aria-label") == 'A <b> & "c"'


def test_no_values_still_give_a_valid_image() -> None:
    svg = parse(svg_sparkline([None, None], 50, "Not reported", "nothing yet"))
    assert svg.findall(f"{SVG}circle") == []
    assert len(svg.findall(f"{SVG}line")) == 1
