"""Rated indicators as flat rows for CSV, with spreadsheet formula injection neutralised."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO, Any

from barnet_rag.models import RatedIndicator

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with ``'``; numbers stay numbers."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def indicator_fields() -> list[str]:
    """The CSV columns: the JSON field names of a rated indicator, in order."""
    return [name for name, field in RatedIndicator.model_fields.items() if not field.exclude]


def indicator_rows(indicators: Iterable[RatedIndicator]) -> list[dict[str, Any]]:
    """One dict per indicator, keyed by the JSON field names."""
    return [i.model_dump(mode="json") for i in indicators]


def write_csv(rows: Sequence[dict[str, Any]], fields: Sequence[str], stream: IO[str]) -> None:
    """Write rows as CSV; blanks for None; every text cell neutralised."""
    writer = csv.DictWriter(stream, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else neutralise(row.get(k)) for k in fields})
