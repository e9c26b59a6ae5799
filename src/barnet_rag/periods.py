"""Financial-year quarters: parsing, naming and the two comparison periods.

A council's financial year 2017/18 runs 1 April 2017 to 31 March 2018; Q1 is Apr-Jun and
Q4 is Jan-Mar. A :class:`Period` is identified by the year the financial year starts in
and the quarter number, so periods sort in time order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from barnet_rag.errors import UsageError

ACCEPTED_FORMS = 'Q3-2017, 2017/18-Q3, 2017-18-Q3 or "Q3 2017/18"'

_QUARTER_MONTHS = {1: "Apr-Jun", 2: "Jul-Sep", 3: "Oct-Dec", 4: "Jan-Mar"}

_PATTERNS = (
    re.compile(r"^Q(?P<q>[1-4])-(?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})[/-](?P<y2>\d{2})-Q(?P<q>[1-4])$"),
    re.compile(r"^Q(?P<q>[1-4]) (?P<y>\d{4})/(?P<y2>\d{2})$"),
)
_YEAR = re.compile(r"^(?P<y>\d{4})[/-](?P<y2>\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    """One quarter of a financial year: ``Period(2017, 3)`` is Q3 2017/18 (Oct-Dec 2017)."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be 1-4, not {self.quarter}")

    @property
    def financial_year(self) -> str:
        """The financial year as councils write it, e.g. ``2017/18``."""
        return financial_year_label(self.year)

    @property
    def directory(self) -> str:
        """The results directory name, e.g. ``2017-18``."""
        return self.financial_year.replace("/", "-")

    @property
    def quarter_label(self) -> str:
        """``Q3``."""
        return f"Q{self.quarter}"

    @property
    def months(self) -> str:
        """The months the quarter covers, e.g. ``Oct-Dec``."""
        return _QUARTER_MONTHS[self.quarter]

    @property
    def cli_form(self) -> str:
        """The short command-line form, e.g. ``Q3-2017``."""
        return f"Q{self.quarter}-{self.year}"

    def __str__(self) -> str:
        return f"Q{self.quarter} {self.financial_year}"

    def previous(self) -> Period:
        """The quarter before: Q1 2017/18 -> Q4 2016/17."""
        if self.quarter == 1:
            return Period(self.year - 1, 4)
        return Period(self.year, self.quarter - 1)

    def next(self) -> Period:
        """The quarter after: Q4 2016/17 -> Q1 2017/18."""
        if self.quarter == 4:
            return Period(self.year + 1, 1)
        return Period(self.year, self.quarter + 1)

    def last_year(self) -> Period:
        """The same quarter of the previous financial year."""
        return Period(self.year - 1, self.quarter)


def financial_year_label(start_year: int) -> str:
    """``2017`` -> ``2017/18``."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def parse_financial_year(text: str) -> int:
    """Parse ``2017/18`` or ``2017-18`` into its start year; the two years must be consecutive."""
    match = _YEAR.match(text.strip())
    if not match or (int(match["y"]) + 1) % 100 != int(match["y2"]):
        raise ValueError(f"{text!r} is not a financial year; write it as 2017/18")
    return int(match["y"])


def parse_period(text: str) -> Period:
    """Parse a period as typed on the command line or in a file, e.g. ``Q3-2017``.

    Raises :class:`UsageError` listing the accepted forms for anything else.
    """
    cleaned = text.strip()
    for pattern in _PATTERNS:
        match = pattern.match(cleaned.upper())
        if match:
            year = int(match["y"])
            if "y2" in match.groupdict() and (year + 1) % 100 != int(match["y2"]):
                break
            return Period(year, int(match["q"]))
    raise UsageError(
        f"{text!r} is not a period; write it as {ACCEPTED_FORMS} "
        "(Q3-2017 is Oct-Dec 2017, in financial year 2017/18)"
    )
