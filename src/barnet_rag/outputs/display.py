"""How values, targets, RAGs and DOTs are written for people (tables and reports).

Numbers are shown as the council writes them: ``%`` for percent units, thousands
separators, and as many decimals as the data was given with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from barnet_rag.terms import DOT_ARROWS, RAG_WORDS, Dot, Rag

if TYPE_CHECKING:
    from barnet_rag.project.models import RatedIndicator

POLARITY_WORDS = {"bigger": "Bigger is Better", "smaller": "Smaller is Better"}


class TableRow(NamedTuple):
    """What the terminal table shows of one rated indicator, as plain values: from a
    :class:`~barnet_rag.project.models.RatedIndicator`, or from the columnar path without models."""

    plan: str
    ref: str
    title: str
    polarity: str
    unit: str
    value: float | None
    label: str | None
    decimals: int
    target: float | None
    rag: Rag
    dot_short: Dot
    dot_long: Dot
    recent: list[float | None]
    variation: str | None
    assurance: str | None

    @classmethod
    def of(cls, indicator: RatedIndicator) -> TableRow:
        """The row of a rated indicator model."""
        return cls(*(getattr(indicator, name) for name in cls._fields))


def format_value(value: float | None, unit: str, decimals: int = 0, missing: str = "") -> str:
    """60.0 -> '60%', 69.4 -> '69.4', 1234 -> '1,234'; ``missing`` when there is no value."""
    if value is None:
        return missing
    text = f"{value:,.{decimals}f}"
    return f"{text}%" if unit == "percent" else text


def format_target(target: float | None, unit: str) -> str:
    """A numeric target as written (68 -> '68%'), or 'Monitor'."""
    if target is None:
        return "Monitor"
    decimals = 0 if target == int(target) else len(f"{target:g}".split(".")[-1])
    return format_value(target, unit, decimals)


def format_annual(indicator: RatedIndicator) -> str:
    """The annual target as written: '68%', 'Sustain Reduction' or 'Monitor'."""
    annual = indicator.annual_target
    if annual is None or annual.lower() == "monitor":
        return "Monitor"
    try:
        return format_target(float(annual), indicator.unit)
    except ValueError:
        return annual


def rag_words(rag: str) -> str:
    """'GA' -> 'Green Amber'."""
    return RAG_WORDS[rag]


def dot_words(dot: str) -> str:
    """'worsening' -> '▼ Worsening'; words without an arrow are capitalised."""
    arrow = DOT_ARROWS.get(dot)
    word = dot[:1].upper() + dot[1:]
    return f"{arrow} {word}" if arrow else word


def spc_words(variation: str | None, assurance: str | None) -> str:
    """'Special cause improving; hit and miss', or '' without an SPC reading."""
    if variation is None:
        return ""
    text = variation[:1].upper() + variation[1:]
    return f"{text}; {assurance}" if assurance else text


def result_text(indicator: RatedIndicator | TableRow) -> str:
    """The result with its label: '60% (Autumn 2017)'."""
    text = format_value(indicator.value, indicator.unit, indicator.decimals, "Not reported")
    return (
        f"{text} ({indicator.label})" if indicator.label and indicator.value is not None else text
    )
