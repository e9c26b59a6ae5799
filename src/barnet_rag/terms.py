"""The domain's vocabulary: the words a rating is made of, as plain types and constants.

Plain Python (no pydantic), so that the engine's rules, the columnar path and the
terminal table can use them without importing the models; :mod:`barnet_rag.project.models`
builds its fields from the same types.
"""

from __future__ import annotations

from typing import Literal

#: A rating: a level code of the plan's scheme (Barnet: G, GA, RA, R), Monitor or Not reported.
Rag = str
#: A band's rating: a level code of its scheme.
MissedRag = str
#: Ratings that are never a level code (DESIGN section 5).
RESERVED_RAGS: tuple[str, ...] = ("Monitor", "Not reported")
FloorCondition = Literal["met", "missed"]
Dot = Literal[
    "improving", "worsening", "same", "new", "not comparable", "not reported", "no comparison"
]
Polarity = Literal["bigger", "smaller"]
Unit = Literal["percent", "number"]
IndicatorType = Literal["CPI", "SPI"]
Frequency = Literal["quarterly", "biannual", "annual"]
Variation = Literal[
    "common cause", "special cause improving", "special cause concerning", "insufficient data"
]
Assurance = Literal["consistently meets", "consistently fails", "hit and miss"]
PointType = Literal["common cause", "special cause improving", "special cause concerning"]
RuleName = Literal["outside limits", "shift", "trend", "two of three"]
Side = Literal["high", "low"]
TargetSource = Literal["quarter", "annual", "text annual", "monitor", "no targets"]

#: Barnet's ratings from best to worst (the default levels).
RAG_ORDER: tuple[Rag, ...] = ("G", "GA", "RA", "R")
#: Reporting by exception shows these with Barnet's levels: missed targets, and Monitor.
EXCEPTION_RAGS: tuple[Rag, ...] = ("GA", "RA", "R", "Monitor")
RAG_WORDS: dict[str, str] = {
    "G": "Green",
    "GA": "Green Amber",
    "RA": "Red Amber",
    "R": "Red",
    "Monitor": "Monitor",
    "Not reported": "Not reported",
}
DOT_ARROWS: dict[str, str] = {"improving": "▲", "worsening": "▼", "same": "↔"}
