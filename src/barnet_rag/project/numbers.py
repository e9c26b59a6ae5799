"""Reading one number as officers write it: ``60``, ``60%``, ``1,234``, ``69.4``, or a word
for "not reported" (docs/rules.md).

Shared by the results file (its value cells) and the plan models (targets written as text,
such as ``"95%"``), so that a figure is read the same way wherever it is written.
"""

from __future__ import annotations

import re

#: What councils write for "not reported", read as a blank value: n/a, N/A, - and an en dash.
NOT_REPORTED = frozenset({"n/a", "-", "\u2013"})

#: Results bigger than this are typing slips, not data.
MAX_MAGNITUDE = 1e12

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


class CellError(ValueError):
    """A cell that cannot be read; the message says what to write instead."""


def parse_value(text: str) -> tuple[float | None, int]:
    """``60``, ``60%``, ``1,234``, ``69.4`` -> (number, decimals written); blank, ``n/a``,
    ``N/A``, ``-`` or ``–`` -> None (not reported)."""
    cleaned = text.strip()
    if not cleaned or cleaned.lower() in NOT_REPORTED:
        return None, 0
    number = cleaned.removesuffix("%").strip()
    if _GROUPED.match(number):
        number = number.replace(",", "")
    if not _NUMBER.match(number):
        raise CellError(
            f"value {text!r} is not a number; write e.g. 60, 60%, 1,234 or 69.4, "
            "or leave it blank when not reported"
        )
    value = float(number)
    if abs(value) > MAX_MAGNITUDE:
        raise CellError(f"value {text!r} is too large to be a result; check the figure")
    decimals = len(number.split(".")[1]) if "." in number else 0
    return value, decimals
