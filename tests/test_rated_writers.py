"""The writers of many rated indicators give, byte for byte, what the plain ways give:
jsontext.write_json what json.dumps(indent=2) writes, write_indicators_csv and
indicator_rows what write_csv of each indicator's model_dump writes."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from barnet_rag.api import rate_project
from barnet_rag.engine.rated import RatedIndicator
from barnet_rag.outputs import jsontext
from barnet_rag.outputs.tabular import (
    indicator_fields,
    indicator_rows,
    write_csv,
    write_indicators_csv,
)
from barnet_rag.periods import Period

TEXT = st.text(alphabet=st.sampled_from(list('ab "\\\n\t\x00\x1bé☃\U0001f600')), max_size=6)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(TEXT, inner, max_size=4)
        | st.dictionaries(st.integers(0, 3) | st.none() | st.booleans(), inner, max_size=2)
    ),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(VALUES)
def test_write_json_is_json_dumps_with_an_indent(value: Any) -> None:
    stream = io.StringIO()
    jsontext.write_json(value, stream)
    assert stream.getvalue() == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def rated(root: Path) -> list[RatedIndicator]:
    return list(rate_project(root, Period(2017, 3)).indicators)


def odd(indicator: RatedIndicator, k: int) -> RatedIndicator:
    """An indicator with values the fast paths must not mistake: an infinite shortfall, a
    NaN, text that needs escaping or neutralising, an int where floats are."""
    changes: list[dict[str, Any]] = [
        {"shortfall": float("inf")},
        {"value": float("nan"), "title": '=cmd|"x"\r\n☃'},
        {"target": 5, "label": "-3", "note": "tab\there"},
        {"comment": None, "benchmark": "@x, y"},
    ]
    return dataclasses.replace(indicator, **changes[k % len(changes)])


def test_rated_indicators_are_written_as_their_model_dump(
    repo_root: Path, monkeypatch: Any
) -> None:
    indicators = rated(repo_root)
    indicators += [odd(i, k) for k, i in enumerate(indicators)]
    dumps = [i.model_dump() for i in indicators]
    assert indicator_rows(indicators) == dumps
    for chunk in (1, 3, 5_000):
        monkeypatch.setattr(jsontext, "CHUNK", chunk)
        payload = {"period": "Q3 2017/18", "indicators": indicators, "summary": []}
        stream = io.StringIO()
        jsontext.write_json(payload, stream)
        expected = {**payload, "indicators": dumps}
        assert stream.getvalue() == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    plain, fast = io.StringIO(), io.StringIO()
    write_csv(dumps, indicator_fields(), plain)
    write_indicators_csv(indicators, fast)
    assert fast.getvalue() == plain.getvalue()


def test_no_indicators_write_a_header_and_an_empty_list() -> None:
    stream = io.StringIO()
    write_indicators_csv([], stream)
    assert stream.getvalue() == ",".join(indicator_fields()) + "\n"
    stream = io.StringIO()
    jsontext.write_json({"indicators": []}, stream)
    assert stream.getvalue() == '{\n  "indicators": []\n}\n'


def test_ratings_without_detail_dump_the_same(repo_root: Path) -> None:
    """rate and its JSON and CSV rate without traces, SPC points or sparklines: the same
    public values, from the same rules."""
    full = rate_project(repo_root, Period(2017, 3))
    lean = rate_project(repo_root, Period(2017, 3), detail=False)
    assert lean.model_dump() == full.model_dump()
    assert all(i.trace is None and i.spc is None and i.recent == [] for i in lean.indicators)
    assert all(i.trace is not None and i.spc is not None for i in full.indicators)
