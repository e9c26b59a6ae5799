"""Plans load by a fast way (issue 14): years of plain numbers and ``monitor`` are validated
by pydantic-core alone, the rest the ordinary way. The two must agree on every year, and a
``%`` or an out-of-range target among thousands of plain ones must still be found."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from barnet_rag.check.slips import target_fractions
from barnet_rag.collector import collector_paused
from barnet_rag.project import models
from barnet_rag.project.loading import load_plans
from barnet_rag.project.models import Indicator, YearTargets

TARGET = st.one_of(
    st.none(),
    st.integers(-5, 200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(["monitor", "Monitor", "68%", "68 %", "1,234", "Increase", "68 percent", ""]),
    st.lists(st.integers(0, 3), max_size=2),
)
FLOOR = st.one_of(
    TARGET,
    st.dictionaries(st.sampled_from(["annual", "Q1", "Q3", "Q9"]), TARGET, max_size=3),
)
YEAR = st.one_of(
    st.dictionaries(st.sampled_from(["annual", "Q1", "Q2", "Q3", "Q4", "Q5"]), TARGET),
    st.fixed_dictionaries({"annual": TARGET, "floor": FLOOR}),
    TARGET,
)
TARGETS = st.dictionaries(st.sampled_from(["2016/17", "2017-18", "2018/19", "2019/21"]), YEAR)


def indicator(targets: Any) -> dict[str, Any]:
    return {"ref": "A/1", "title": "A", "type": "CPI", "polarity": "bigger", "targets": targets}


def outcome(data: dict[str, Any], strict: bool = False) -> Any:
    """What validating an indicator gives: its targets as dumped with their % keys, or its
    errors (type, place, message)."""
    try:
        read = Indicator.model_validate(data, strict=strict)
    except ValidationError as error:
        return [(e["type"], e["loc"], e["msg"]) for e in error.errors()]
    return {
        year: (targets.model_dump(), targets.percent_written)
        for year, targets in read.targets.items()
    }


@given(targets=TARGETS, strict=st.booleans())
def test_the_fast_way_and_the_ordinary_way_agree_on_every_year(targets: Any, strict: bool) -> None:
    fast = outcome(indicator(targets), strict)
    with pytest.MonkeyPatch.context() as patch:  # the fast way off: YearTargets' validators
        patch.setattr(models, "_plain_years", lambda: None)
        ordinary = outcome(indicator(targets), strict)
    assert fast == ordinary


def test_plain_years_take_the_fast_way_and_give_yeartargets() -> None:
    read = Indicator.model_validate(indicator({"2017/18": {"annual": 68, "Q2": "monitor"}}))
    targets = read.targets["2017/18"]
    assert type(targets) is YearTargets
    assert (targets.annual, targets.Q2, targets.percent_written) == (68.0, "monitor", set())
    assert targets == YearTargets.model_validate({"annual": 68, "Q2": "monitor"})
    assert models._plain_years() is not None  # the schema is laid out as the fast way expects


def test_the_percent_keys_are_remembered_only_where_written() -> None:
    read = Indicator.model_validate(
        indicator({"2016/17": {"annual": 60}, "2017/18": {"annual": "68%", "Q3": "70"}})
    )
    assert read.targets["2016/17"].percent_written == set()
    assert read.targets["2017/18"].percent_written == {"annual"}
    assert read.targets["2016/17"].__pydantic_private__ is None  # no dict for a plain year


def big_plan(slug: str, count: int, odd: dict[int, str]) -> str:
    """A plan of ``count`` indicators with plain targets; indicator i's 2017/18 targets are
    ``odd[i]`` where given."""
    lines = [f"plan: {slug}", "committee: C", "title: T", "indicators:"]
    for i in range(count):
        unit = "percent" if i % 2 else "number"
        year = odd.get(i, "{annual: 50, Q1: 50, Q2: monitor, Q3: 49.5}")
        lines += [
            f"  - ref: {slug}/{i}",
            f"    title: Indicator {i}",
            "    type: CPI",
            "    polarity: bigger",
            f"    unit: {unit}",
            "    targets:",
            "      2016/17: {annual: 40, Q4: 41}",
            f"      2017/18: {year}",
        ]
    return "\n".join(lines) + "\n"


def test_one_percent_sign_in_a_big_plan_is_found_where_it_is(
    make_tree: Callable[[dict[str, str]], Path],
) -> None:
    root = make_tree({"plans/big.yaml": big_plan("big", 2000, {1234: "{annual: 50, Q3: 7%}"})})
    _, problems = load_plans(root)
    assert [(p.code, p.file, p.line, p.path, p.message) for p in problems] == [
        (
            "percent-on-number",
            "plans/big.yaml",
            4 + 1234 * 8 + 8,
            "indicators[1234].targets.2017/18.Q3",
            "target 7% has a % sign but big/1234 is a number indicator",
        )
    ]


def test_one_target_out_of_range_and_one_fraction_in_a_big_plan_are_found(
    make_tree: Callable[[dict[str, str]], Path],
) -> None:
    odd = {1001: "{annual: 50, Q2: 101}", 1503: "{annual: 0.5}", 1505: "{annual: 0.5%}"}
    root = make_tree({"plans/big.yaml": big_plan("big", 2000, odd)})
    plans, problems = load_plans(root)
    assert [(p.code, p.path) for p in problems] == [
        ("target-range", "indicators[1001].targets.2017/18.Q2")
    ]
    assert [(p.code, p.path) for p in target_fractions(plans)] == [
        ("looks-like-fraction", "indicators[1503].targets.2017/18.annual")
    ]


def test_a_bad_target_in_a_big_plan_keeps_its_place_and_wording(
    make_tree: Callable[[dict[str, str]], Path],
) -> None:
    odd = {1500: "{annual: 50, Q1: 5O}", 1700: "{annual: 68 percent}"}
    root = make_tree({"plans/big.yaml": big_plan("big", 2000, odd)})
    _, problems = load_plans(root)
    assert [(p.line, p.path, p.message) for p in problems] == [
        (
            4 + 1500 * 8 + 8,
            "indicators[1500].targets.2017/18.Q1",
            "target '5O' has digits but is not a number; write e.g. 68 or 68%, or monitor",
        ),
        (
            4 + 1700 * 8 + 8,
            "indicators[1700].targets.2017/18.annual",
            "target '68 percent' has digits but is not a number; write e.g. 68 or 68%, "
            "monitor, or words without digits such as Increase",
        ),
    ]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_while_plans_load_and_left_as_it_was(enabled: bool) -> None:
    def states() -> Iterator[bool]:
        with collector_paused():
            yield gc.isenabled()
        yield gc.isenabled()

    (gc.enable if enabled else gc.disable)()
    try:
        assert list(states()) == [False, enabled]
    finally:
        gc.enable()


def test_models_given_the_same_keys_share_one_set_which_a_copy_leaves_alone(
    make_tree: Callable[[dict[str, str]], Path],
) -> None:
    root = make_tree({"plans/big.yaml": big_plan("big", 3, {})})
    plans, _ = load_plans(root)
    first, second = plans[0][1].indicators[:2]
    assert first.model_fields_set is second.model_fields_set
    assert first.targets["2017/18"].model_fields_set == {"annual", "Q1", "Q2", "Q3"}
    copied = first.model_copy(update={"benchmark": "London 80%"})
    assert "benchmark" in copied.model_fields_set
    assert "benchmark" not in second.model_fields_set
    assert second.model_dump(exclude_unset=True).keys() == {
        "ref",
        "title",
        "type",
        "polarity",
        "unit",
        "targets",
    }


PLAN_YEAR = st.dictionaries(
    st.sampled_from(["annual", "Q1", "Q2", "Q3", "Q4"]),
    st.one_of(
        st.none(),
        st.floats(-10, 110, allow_nan=False),
        st.sampled_from(["monitor", "68%", "101%", "-1%", "Sustain Reduction"]),
    ),
    max_size=5,
)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["percent", "number"]),
            st.dictionaries(st.sampled_from(["2016/17", "2017/18"]), PLAN_YEAR, max_size=2),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_a_plan_found_clean_at_once_has_no_target_problem(
    indicators: list[tuple[str, dict[str, Any]]],
) -> None:
    """``_targets_clean`` (a few C passes over a plan) says clean exactly when
    ``_target_problems`` finds nothing in any indicator."""
    from hypothesis import assume

    from barnet_rag.project import loading

    try:
        plan = models.Plan.model_validate(
            {
                "plan": "p",
                "committee": "C",
                "title": "T",
                "indicators": [
                    {**indicator(targets), "ref": f"A/{n}", "unit": unit}
                    for n, (unit, targets) in enumerate(indicators)
                ],
            }
        )
    except ValidationError:  # text as a quarter's target
        assume(False)
        return
    found = [loading._target_problems("p", "i", one) for one in plan.indicators]
    assert loading._targets_clean(plan) == (not any(found))
