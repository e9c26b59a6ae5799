"""The short way through a results file (memos of each distinct cell, cells split at commas
when the file has no quote) reads every file exactly as the long way does: the same results,
the same problems in the same order, with the same lines and words.

Files are generated from cells of every shape :func:`parse_value` reads or refuses, cells
with spaces around them, bad comparable and published_rag cells, blank, ragged, repeated and
unknown-ref rows, quoted cells, line breaks in quoted cells and CRLF line ends.
"""

from __future__ import annotations

import gc
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barnet_rag.project.models import Indicator
from barnet_rag.project.resultsfile import COLUMNS, HELD_BYTES, parse_results

EXAMPLES = int(os.environ.get("BARNET_RAG_FUZZ_EXAMPLES", "2000"))
SHOWN = "results/2017-18/Q3.csv"
INDICATORS = {
    ref: Indicator.model_validate(
        {"ref": ref, "title": ref, "type": "SPI", "polarity": "bigger", "unit": unit}
    )
    for ref, unit in (("SC/1", "percent"), ("SC/2", "number"), ("SC/3", "percent"), ("X", "number"))
}
#: Schemes' level codes: Barnet's, another scheme's, and None (a scheme that did not load).
LEVELS = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            ref: st.sampled_from([("G", "GA", "RA", "R"), ("Pass", "Fail"), None])
            for ref in INDICATORS
        },
    ),
)

NUMBERS = st.one_of(
    st.integers(-(10**13), 10**13).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(places=3, allow_nan=False, allow_infinity=False).map(str),
    st.integers(0, 10**9).map("{:,}".format),
    st.from_regex(r"\A[+-]?[\d,.]{0,12}%?\Z"),
)
VALUES = st.one_of(
    NUMBERS,
    NUMBERS.map(lambda text: text + "%"),
    st.sampled_from(
        [
            "",
            "n/a",
            "N/A",
            "-",
            "\u2013",
            "--",
            "na",
            "60",
            "60%",
            "60 %",
            " 60 ",
            "1,234",
            "1,23",
            "69.4",
            "+5",
            "-.5",
            "5.",
            ".",
            "1e5",
            "inf",
            "nan",
            "\u0663\u0664",
            "100.0",
            "100.1",
            "-0",
            "0%",
            "101%",
            "\xa060",
            "1e12",
            "1000000000001",
            "١٢٣",
        ]
    ),
    st.text(st.characters(codec="utf-8", exclude_characters='\r\n",'), max_size=6),
)
REFS = st.sampled_from(
    [*INDICATORS, " SC/1", "SC/2 ", "sc/1", "SC/l", "SC/9", "", " ", "Y", "SC/1\xa0"]
)
TEXTS = st.sampled_from(["", "x", " y ", "Spring 2015", "a b", "\xa0", "no", "No"])
CELLS = {
    "label": TEXTS,
    "comparable": st.sampled_from(["", "no", "No", " NO ", "yes", "x", "n"]),
    "note": TEXTS,
    "comment": TEXTS,
    "published_rag": st.sampled_from(
        ["", "G", "ga", " R ", "Monitor", "not reported", "Pass", "fail", "X", "Purple", "G A"]
    ),
}


@st.composite
def results_files(draw: st.DrawFn) -> str:
    """A results file: a header of ref, value and some other columns in any order, then rows
    mostly clean, some not, maybe with quotes, line breaks in quotes and CRLF."""
    others = draw(st.lists(st.sampled_from(COLUMNS[2:]), unique=True, max_size=5))
    header = draw(st.permutations(["ref", "value", *others]))
    quoted = draw(st.booleans())
    lines = [",".join(header)]
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["row"] * 6 + ["blank", "ragged", "repeat"]))
        if kind == "blank":
            lines.append(draw(st.sampled_from(["", " ", ",,", " , "])))
            continue
        if kind == "repeat" and len(lines) > 1:
            lines.append(draw(st.sampled_from(lines[1:])))
            continue
        cells = []
        for name in header:
            cell = draw(REFS if name == "ref" else VALUES if name == "value" else CELLS[name])
            if quoted and draw(st.integers(0, 4)) == 0:
                inner = cell + ("\nmore" if name in ("note", "comment") else "")
                cell = '"' + inner.replace('"', '""') + '"'
            cells.append(cell)
        if kind == "ragged":
            cells = cells[:-1] if len(cells) > 2 and draw(st.booleans()) else [*cells, "z"]
        lines.append(",".join(cells))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    return end.join(lines) + draw(st.sampled_from(["", end]))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=results_files(), levels=LEVELS)
def test_the_short_way_reads_every_file_as_the_long_way(
    text: str, levels: dict[str, tuple[str, ...] | None] | None
) -> None:
    data = text.encode("utf-8")
    short = parse_results(data, SHOWN, INDICATORS, levels)
    long = parse_results(data, SHOWN, INDICATORS, levels, fast=False)
    assert list(short[0].items()) == list(long[0].items())
    assert [type(r.value) for r in short[0].values()] == [type(r.value) for r in long[0].values()]
    assert short[1] == long[1]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=results_files(), levels=LEVELS)
def test_a_part_passes_over_the_same_foreign_rows_both_ways(
    text: str, levels: dict[str, tuple[str, ...] | None] | None
) -> None:
    """A part of a project rated in parts knows only its own refs; the other parts' rows
    are passed over, on the short way before they are split (``_own_lines``)."""
    data = text.encode("utf-8")
    own = {ref: INDICATORS[ref] for ref in ("SC/1", "X")}
    foreign = frozenset({"SC/2", "SC/3"})
    short = parse_results(data, SHOWN, own, levels, foreign=foreign)
    long = parse_results(data, SHOWN, own, levels, fast=False, foreign=foreign)
    assert list(short[0].items()) == list(long[0].items())
    assert short[1] == long[1]


def test_the_short_way_is_taken_by_clean_rows_and_agrees() -> None:
    text = "ref,value,label\r\nSC/1,60%,Spring\r\nSC/2,1,234\r\nSC/2,5,x\r\nX, 7 ,\r\n"
    short = parse_results(text.encode(), SHOWN, INDICATORS)
    assert short == parse_results(text.encode(), SHOWN, INDICATORS, fast=False)
    assert {ref: (r.value, r.decimals, r.line) for ref, r in short[0].items()} == {
        "SC/1": (60.0, 0, 2),
        "SC/2": (1.0, 0, 3),
        "X": (7.0, 0, 5),
    }
    assert [(p.code, p.line) for p in short[1]] == [("duplicate-row", 4)]


def test_a_large_file_is_read_alike_and_leaves_the_collector_as_it_was() -> None:
    """A file over HELD_BYTES is read with the collector paused and its rows frozen; the
    results are the same and the collector's state (on or off) is restored."""
    rows = [f"SC/{n % 3 + 1},{n % 101},label {n % 7}" for n in range(40_000)]
    data = ("ref,value,label\n" + "\n".join(rows) + "\n").encode()
    assert len(data) >= HELD_BYTES
    for collecting in (True, False):
        if not collecting:
            gc.disable()
        try:
            short = parse_results(data, SHOWN, INDICATORS)
            assert gc.isenabled() is collecting
        finally:
            gc.enable()
            gc.unfreeze()
        assert short == parse_results(data, SHOWN, INDICATORS, fast=False)
        assert len(short[0]) == 3
        assert [p.code for p in short[1][:2]] == ["duplicate-row", "duplicate-row"]
