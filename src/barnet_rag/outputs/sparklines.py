"""Sparklines: a unicode one for Markdown and terminals, a tiny inline SVG one for HTML.

Pure string building, no plotting library; the SVG is accessible (``role="img"``, an
``aria-label`` and a ``<title>``) and carries no external assets.
"""

from __future__ import annotations

from collections.abc import Sequence

BARS = "▁▂▃▄▅▆▇█"
#: The bar a constant series is drawn with: a flat line at mid height.
FLAT = BARS[3]

#: RAG fills for the last point; each has at least 3:1 contrast with white (WCAG 1.4.11).
RAG_COLOURS = {
    "G": "#00703c",
    "GA": "#6b7c0e",
    "RA": "#b35900",
    "R": "#c62828",
    "Monitor": "#505a5f",
    "Not reported": "#6f777b",
}
LINE_COLOUR = "#425563"
TARGET_COLOUR = "#1d1d1b"

WIDTH = 96
HEIGHT = 24
PAD = 3.0
QUARTERS = 8


def unicode_sparkline(values: Sequence[float | None]) -> str:
    """One bar per value, lowest ▁ to highest █; a space for a missing value.

    A constant series is a flat line of ``▄``; no values at all give spaces only.
    """
    present = [v for v in values if v is not None]
    if not present:
        return " " * len(values)
    low, high = min(present), max(present)
    span = high - low
    bars = []
    for value in values:
        if value is None:
            bars.append(" ")
        elif span == 0:
            bars.append(FLAT)
        else:
            bars.append(BARS[int((value - low) / span * (len(BARS) - 1) + 0.5)])
    return "".join(bars)


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def svg_sparkline(
    values: Sequence[float | None],
    target: float | None,
    rag: str | None,
    title: str,
    colour: str | None = None,
    outline: str = "#ffffff",
) -> str:
    """An inline SVG sparkline of the last 8 quarters: the line, a dashed target line and
    the last reported point filled in its RAG colour (``colour``, for a level of another
    council's scheme, ringed in ``outline``), with ``title`` for screen readers."""
    shown = list(values)[-QUARTERS:]
    present = [v for v in shown if v is not None]
    scale = present + ([target] if target is not None else [])
    low, high = (min(scale), max(scale)) if scale else (0.0, 1.0)
    if high == low:
        low, high = low - 1, high + 1
    step = (WIDTH - 2 * PAD) / max(len(shown) - 1, 1)

    def x(index: int) -> str:
        return _number(PAD + index * step)

    def y(value: float) -> str:
        return _number(HEIGHT - PAD - (value - low) / (high - low) * (HEIGHT - 2 * PAD))

    from html import escape  # the SVG only: the terminal's sparklines need no html

    label = escape(title, quote=True)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" role="img" '
        f'aria-label="{label}" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}">',
        f"<title>{escape(title, quote=False)}</title>",
    ]
    if target is not None:
        parts.append(
            f'<line x1="0" y1="{y(target)}" x2="{WIDTH}" y2="{y(target)}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="1" stroke-dasharray="3 2"/>'
        )
    segment: list[str] = []
    segments: list[list[str]] = []
    for index, value in enumerate(shown):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
        else:
            segment.append(f"{x(index)},{y(value)}")
    if segment:
        segments.append(segment)
    for points in segments:
        if len(points) > 1:
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" '
                f'stroke="{LINE_COLOUR}" stroke-width="1.5"/>'
            )
        else:
            cx, cy = points[0].split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="1.5" fill="{LINE_COLOUR}"/>')
    last = max((i for i, v in enumerate(shown) if v is not None), default=None)
    if last is not None:
        value = shown[last]
        assert value is not None
        fill = colour or RAG_COLOURS.get(rag or "", LINE_COLOUR)
        parts.append(
            f'<circle cx="{x(last)}" cy="{y(value)}" r="2.5" fill="{fill}" '
            f'stroke="{outline}" stroke-width="0.5"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
