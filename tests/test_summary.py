"""Table 1 arithmetic (DESIGN section 7)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from barnet_rag.engine.summary import half_up_percent


@pytest.mark.parametrize(
    ("count", "total", "percent"),
    [(1, 8, 13), (3, 6, 50), (2, 6, 33), (4, 7, 57), (3, 7, 43), (0, 0, 0), (1, 200, 1)],
)
def test_design_examples(count: int, total: int, percent: int) -> None:
    assert half_up_percent(count, total) == percent


def test_python_round_would_be_wrong_here() -> None:
    assert round(12.5) == 12  # banker's rounding
    assert half_up_percent(1, 8) == 13


def test_half_up_for_every_fraction_up_to_200() -> None:
    for total in range(1, 201):
        for count in range(total + 1):
            exact = Decimal(100 * count) / Decimal(total)
            expected = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
            assert half_up_percent(count, total) == expected, (count, total)
