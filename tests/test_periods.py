"""Financial-year quarters (DESIGN section 1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barnet_rag.errors import UsageError
from barnet_rag.periods import Period, parse_financial_year, parse_period

Q3_2017 = Period(2017, 3)


@pytest.mark.parametrize("text", ["Q3-2017", "2017/18-Q3", "2017-18-Q3", "Q3 2017/18", "q3-2017"])
def test_accepted_forms(text: str) -> None:
    assert parse_period(text) == Q3_2017


@pytest.mark.parametrize("text", ["Q5-2017", "Q3-17", "2017Q3", "Q0-2017", "2017/19-Q3", ""])
def test_other_forms_are_usage_errors_showing_the_accepted_forms(text: str) -> None:
    with pytest.raises(UsageError) as error:
        parse_period(text)
    assert str(error.value) == (
        f"{text!r} is not a period; write it as "
        'Q3-2017, 2017/18-Q3, 2017-18-Q3 or "Q3 2017/18" '
        "(Q3-2017 is Oct-Dec 2017, in financial year 2017/18)"
    )


def test_display_and_names() -> None:
    assert str(Q3_2017) == "Q3 2017/18"
    assert Q3_2017.financial_year == "2017/18"
    assert Q3_2017.directory == "2017-18"
    assert Q3_2017.months == "Oct-Dec"
    assert str(Period(2017, 4)) == "Q4 2017/18"  # Jan-Mar 2018
    assert str(Period(1999, 1)) == "Q1 1999/00"


def test_comparison_periods() -> None:
    assert Period(2017, 1).previous() == Period(2016, 4)
    assert Q3_2017.previous() == Period(2017, 2)
    assert Q3_2017.last_year() == Period(2016, 3)


def test_financial_years() -> None:
    assert parse_financial_year("2017/18") == 2017
    assert parse_financial_year("2017-18") == 2017
    with pytest.raises(ValueError, match="is not a financial year"):
        parse_financial_year("2017/19")


@given(st.integers(1900, 2200), st.integers(1, 4))
def test_every_period_round_trips_through_each_form(year: int, quarter: int) -> None:
    period = Period(year, quarter)
    for text in (period.cli_form, str(period), f"{period.financial_year}-Q{quarter}"):
        assert parse_period(text) == period
    assert period.next().previous() == period
    assert period.previous() < period < period.next()
