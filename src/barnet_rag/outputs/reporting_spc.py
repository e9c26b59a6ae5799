"""The report's Trend and Variation / assurance columns, and the notes on how to read them.

Pure, like :mod:`barnet_rag.outputs.reporting`: each indicator's ``recent`` results become a
unicode sparkline (Markdown), an inline SVG sparkline with a spoken title (HTML), and its
SPC reading becomes words such as 'Common cause; hit and miss' (docs/spc.md).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from barnet_rag.outputs import narrative
from barnet_rag.outputs.display import contrast, format_target, format_value, is_barnet_level
from barnet_rag.outputs.sparklines import QUARTERS, svg_sparkline, unicode_sparkline
from barnet_rag.periods import Period
from barnet_rag.project.models import RatedIndicator, SpcRules

TREND_HEADER = f"Trend (last {QUARTERS} quarters)"
SPC_HEADER = "Variation / assurance"


class KeyNote(BaseModel):
    """A note marked † or ‡ on a column header, saying how to read the column; ``text`` is
    the Markdown report's wording, ``html_text`` the HTML report's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mark: str
    anchor: str
    text: str
    html_text: str


def key_notes(plan: str, rules: SpcRules) -> list[KeyNote]:
    """The plan's † Trend and ‡ Variation / assurance notes (anchors unique per plan)."""
    trend_md, trend_html = narrative.trend_notes(QUARTERS)
    spc = narrative.spc_note(rules.min_points)
    return [
        KeyNote(mark="†", anchor=f"{plan}-note-trend", text=trend_md, html_text=trend_html),
        KeyNote(mark="‡", anchor=f"{plan}-note-spc", text=spc, html_text=spc),
    ]


def header_notes_for(headers: Sequence[str], notes: Sequence[KeyNote]) -> list[KeyNote | None]:
    """Each header's key note: † on the Trend header, ‡ on Variation / assurance."""
    by_header = dict(zip((TREND_HEADER, SPC_HEADER), notes, strict=True))
    return [by_header.get(header) for header in headers]


def trend_periods(period: Period, count: int) -> list[str]:
    """The ``count`` quarters up to ``period``, oldest first: ['Q4 2015/16', ...]."""
    return list(_trend_periods(period, count))


@functools.lru_cache(maxsize=64)
def _trend_periods(period: Period, count: int) -> tuple[str, ...]:
    """:func:`trend_periods`, worked out once per period and count: every row of a report
    names the same quarters, and a national report has 75,000 rows."""
    periods = [period]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return tuple(str(p) for p in reversed(periods))


@functools.lru_cache(maxsize=4096)
def _cached_target(target: float, unit: str) -> str:
    return format_target(target, unit)


def target_text(target: float | None, unit: str) -> str:
    """:func:`~barnet_rag.outputs.display.format_target`, remembered: a report writes each
    row's target twice (its cell and its sparkline's words), and targets repeat. Zero is not
    remembered, so that -0.0 keeps its sign (0.0 == -0.0 as a cache key)."""
    if target is None or target == 0:
        return format_target(target, unit)
    return _cached_target(target, unit)


def _written(indicator: RatedIndicator, values: Sequence[float | None]) -> list[str | None]:
    """``values`` (the indicator's ``recent``) as the report writes them: the rated,
    previous and last-year results with the decimals the results files gave them (22.0%),
    the others with as many as needed."""
    known = {
        1: (indicator.value, indicator.decimals),
        2: (indicator.previous_value, indicator.previous_decimals),
        5: (indicator.last_year_value, indicator.last_year_decimals),
    }
    written: list[str | None] = []
    for back, value in zip(range(len(values), 0, -1), values, strict=True):
        if value is None:
            written.append(None)
            continue
        same, decimals = known.get(back, (None, 0))
        if same != value:
            decimals = narrative.decimals_of(value)
        written.append(format_value(value, indicator.unit, decimals))
    return written


class TrendWords(NamedTuple):
    """What the words of a sparkline are made from, kept so that they are written only when
    asked for: the HTML report's SVG carries them, the Markdown and Word reports print
    neither (for a national report, 75,000 sentences of eight written-out results)."""

    indicator: RatedIndicator
    values: tuple[float | None, ...]
    period: Period
    latest: str
    target: str | None

    @property
    def text(self) -> str:
        """ "Trend for C/1, Q4 2016/17 to Q3 2017/18: …"."""
        indicator, values = self.indicator, self.values
        periods = _trend_periods(self.period, len(values))
        return narrative.trend_description(
            indicator.ref, _written(indicator, values), periods, self.latest, self.target
        )


class TrendSvg(NamedTuple):
    """What an inline SVG sparkline is drawn from, kept so that it is drawn only when a
    template prints it (the HTML report does; the Markdown and Word ones do not)."""

    values: tuple[float | None, ...]
    target: float | None
    rag: str
    words: TrendWords
    colour: str | None
    outline: str

    @property
    def title(self) -> str:
        """The words the SVG carries, for a screen reader."""
        return self.words.text

    def svg(self) -> str:
        """The SVG markup (:func:`~barnet_rag.outputs.sparklines.svg_sparkline`)."""
        return svg_sparkline(
            self.values, self.target, self.rag, self.title, self.colour, self.outline
        )


def trend_parts(
    indicator: RatedIndicator, period: Period, recent: Sequence[float | None] | None = None
) -> tuple[str, TrendSvg]:
    """:func:`trend_cells` with the SVG sparkline and its words not yet written (they are
    the :class:`TrendSvg`'s); ``recent`` stands for the indicator's own when it was rated
    without detail (its ``recent`` empty)."""
    values = tuple(indicator.recent if recent is None else recent)
    level = indicator.level
    latest = level.label if level is not None else indicator.rag
    unit = indicator.unit
    target = target_text(indicator.target, unit) if indicator.target is not None else None
    words = TrendWords(indicator, values, period, latest, target)
    line = unicode_sparkline(values).replace(" ", narrative.TREND_GAP)
    colour, outline = None, "#ffffff"
    if level is not None and not is_barnet_level(level):
        colour = level.colour
        # A light level (Amber's #ffdd00) is ringed in its text colour, so that the point
        # keeps 3:1 contrast with the white page (WCAG 1.4.11).
        if contrast(colour, "#ffffff") < 3:
            outline = level.text_colour
    return line, TrendSvg(values, indicator.target, indicator.rag, words, colour, outline)


def trend_cells(indicator: RatedIndicator, period: Period) -> tuple[str, str, str]:
    """The indicator's last quarters up to ``period`` (``recent``) as a unicode sparkline
    (· for no result), an inline SVG sparkline, and the words the SVG carries as its title."""
    line, svg = trend_parts(indicator, period)
    return line, svg.svg(), svg.title
