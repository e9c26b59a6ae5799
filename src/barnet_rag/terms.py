"""The domain's vocabulary: the words a rating is made of, as plain types and constants.

Plain Python (no pydantic), so that the engine's rules, the columnar path and the
terminal table can use them without importing the models; :mod:`barnet_rag.project.models`
builds its fields from the same types.
"""

from __future__ import annotations

from typing import Literal

Rag = Literal["G", "GA", "RA", "R", "Monitor", "Not reported"]
MissedRag = Literal["GA", "RA", "R"]
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

#: Ratings from best to worst; ``--fail-on`` and ordering use it.
RAG_ORDER: tuple[Rag, ...] = ("G", "GA", "RA", "R")
#: Reporting by exception shows these: missed targets, and Monitor for information.
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
