"""How values, targets, RAGs and DOTs are written for people (tables and reports).

Numbers are shown as the council writes them: ``%`` for percent units, thousands
separators, and as many decimals as the data was given with.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from barnet_rag.engine.inputs import BARNET_LEVELS, LevelRule
from barnet_rag.terms import DOT_ARROWS, RAG_WORDS, Dot, Rag

if TYPE_CHECKING:
    from barnet_rag.engine.summary import Tally
    from barnet_rag.project.models import RatedIndicator

_BARNET = frozenset(
    (level.code, level.label, level.colour, level.text_colour) for level in BARNET_LEVELS
)


def is_barnet_level(level: LevelRule) -> bool:
    """True for one of Barnet's four levels as shipped: each output keeps the colours it has
    always drawn them in; any other level is drawn in its scheme's colours."""
    return (level.code, level.label, level.colour.lower(), level.text_colour.lower()) in _BARNET


def level_for(rag: str, levels: Sequence[LevelRule]) -> LevelRule | None:
    """The level a rating names among a scheme's levels (None: Monitor, Not reported)."""
    return next((level for level in levels if level.code == rag), None)


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
    levels: Sequence[LevelRule] = BARNET_LEVELS

    @classmethod
    def of(cls, indicator: RatedIndicator) -> TableRow:
        """The row of a rated indicator model."""
        return cls(*(getattr(indicator, name) for name in cls._fields))

    @property
    def level(self) -> LevelRule | None:
        """The scheme's level of the rating, if rated."""
        return level_for(self.rag, self.levels)

    @property
    def is_exception(self) -> bool:
        """Missed target (rated below the best level), or Monitor for information."""
        rated = self.level is not None
        return (rated and self.rag != self.levels[0].code) or self.rag == "Monitor"


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


def rag_words(rag: str, levels: Sequence[LevelRule] = BARNET_LEVELS) -> str:
    """'GA' -> 'Green Amber': the level's label in the plan's scheme."""
    level = level_for(rag, levels)
    return level.label if level is not None else RAG_WORDS.get(rag, rag)


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


def summary_levels(rows: Sequence[Tally]) -> list[str]:
    """The level columns of Table 1: each row's level labels in order of first appearance
    (Barnet's four for Barnet's plans; with mixed level sets, every set's labels, and "–"
    in a row whose scheme lacks one)."""
    labels: list[str] = []
    for row in rows:
        labels += [s.label for s in row.levels if s.label not in labels]
    return labels


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
