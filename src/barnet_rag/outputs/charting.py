"""A standalone, accessible SVG XmR chart of one indicator (``barnet-rag chart``).

Plain string building with XML escaping: no plotting library. The chart has a ``<title>``
and a ``<desc>`` that says in words what the picture shows (variation, assurance, limits,
the special-cause patterns); special-cause points differ from the others in shape as well
as colour, and a legend names every mark.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from barnet_rag.engine.rating import choose_target, format_number
from barnet_rag.engine.spc import describe, spc_for_indicator
from barnet_rag.errors import UserError
from barnet_rag.outputs.display import POLARITY_WORDS, format_value
from barnet_rag.outputs.explaining import limit_places
from barnet_rag.periods import Period

if TYPE_CHECKING:
    from barnet_rag.project.loading import Project
    from barnet_rag.project.models import SpcResult

WIDTH = 760
HEIGHT = 420
LEFT = 64
RIGHT = WIDTH - 140
TOP = 84
BOTTOM = HEIGHT - 92
#: Show at most this many x-axis labels; longer series label every n-th point.
MAX_LABELS = 16

COLOURS = {
    "common cause": "#425563",
    "special cause improving": "#005eb8",
    "special cause concerning": "#b35900",
}
SHAPES = {
    "common cause": "circle",
    "special cause improving": "square",
    "special cause concerning": "diamond",
}
LINE = "#1d1d1b"
LIMIT = "#505a5f"
TARGET = "#912b88"
GRID = "#e8eaeb"

Scale = Callable[[float], float]


@dataclass(frozen=True)
class ChartSubject:
    """What the chart is of: the indicator's identity and how its values are written."""

    ref: str
    title: str
    unit: str
    polarity: str
    period: str


def _n(value: float) -> str:
    """A coordinate with one decimal, without a trailing ``.0``."""
    text = f"{value:.1f}"
    return "0" if text == "-0.0" else text.removesuffix(".0")


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value: str) -> str:
    return escape(value, quote=True)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 times a power of ten), the first at or below
    ``low`` and the last at or above ``high``."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [round(n * step, 10) for n in range(first, last + 1)]


def _y_range(subject: ChartSubject, spc: SpcResult) -> list[float]:
    """The y-axis ticks: every value, line and the target in view, percent within 0-100."""
    numbers = [v for _, v in spc.points]
    numbers += [
        v for v in (spc.display_lower, spc.display_upper, spc.centre, spc.target) if v is not None
    ]
    if not numbers:
        return [0.0, 1.0]
    low, high = min(numbers), max(numbers)
    pad = (high - low) * 0.1 or max(abs(high) * 0.1, 1.0)
    ticks = nice_ticks(low - pad, high + pad)
    if subject.unit == "percent":
        ticks = [t for t in ticks if 0 <= t <= 100] or [0.0, 100.0]
        if ticks[0] > low:
            ticks.insert(0, 0.0)
        if ticks[-1] < high:
            ticks.append(100.0)
    return ticks


def description(subject: ChartSubject, spc: SpcResult) -> str:
    """The chart in words, for ``<desc>``: what a sighted reader would take from it."""
    count = len(spc.points)
    polarity = POLARITY_WORDS.get(subject.polarity, subject.polarity).lower()
    if not spc.points:
        return f"No results to plot up to {subject.period}; {polarity}."
    first, last = spc.points[0][0], spc.points[-1][0]
    span = first if count == 1 else f"from {first} to {last}"
    sentences = [f"{_count(count, 'comparable result')} {span}; {polarity}."]
    if spc.baseline_from is not None and spc.rebased:
        sentences.append(
            f"The baseline starts at {spc.baseline_from}, where the process was rebased; "
            "earlier results are left out."
        )
    elif spc.baseline_from is not None:
        sentences.append(
            f"The baseline starts at {spc.baseline_from}, where the method changed; "
            "earlier results are not comparable and are left out."
        )
    if spc.target is not None:
        sentences.append(f"Target {format_value(spc.target, subject.unit, _places(spc.target))}.")
    if spc.variation == "insufficient data":
        sentences.append(
            f"Variation: insufficient data ({_count(count, 'comparable point')}; "
            f"{spc.rules.min_points} are needed for process limits), so no limits are drawn."
        )
        return " ".join(sentences)
    assert spc.centre is not None and spc.display_lower is not None
    assert spc.display_upper is not None
    sentences.append(f"Variation: {spc.variation}.")
    if spc.assurance is not None:
        sentences.append(f"Assurance: {spc.assurance}.")
    fixed = spc.rules.baseline
    on = (
        f", fixed on the first {fixed} points ({spc.points[0][0]} to {spc.points[fixed - 1][0]})"
        if fixed is not None and fixed < count
        else ""
    )
    # One place, or as many as show the target's side of each limit truly.
    shown = (spc.display_lower, spc.display_upper)
    places = limit_places(spc.target if spc.assurance else None, shown, least=1)
    sentences.append(
        f"Centre {format_value(spc.centre, subject.unit, places)}; process limits "
        f"{format_value(spc.display_lower, subject.unit, places)} to "
        f"{format_value(spc.display_upper, subject.unit, places)}{on}."
    )
    labels = [label for label, _ in spc.points]
    if spc.special:
        found = "; ".join(describe(cause, labels) for cause in spc.special)
        sentences.append(f"Special cause: {found}.")
    else:
        sentences.append("No special-cause patterns.")
    return " ".join(sentences)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _places(value: float) -> int:
    text = format_number(value)
    return len(text.split(".")[1]) if "." in text else 0


def _marker(kind: str, x: float, y: float) -> str:
    colour = COLOURS[kind]
    if SHAPES[kind] == "square":
        return (
            f'<rect x="{_n(x - 4.5)}" y="{_n(y - 4.5)}" width="9" height="9" fill="{colour}" '
            'stroke="#ffffff" stroke-width="1"/>'
        )
    if SHAPES[kind] == "diamond":
        points = f"{_n(x)},{_n(y - 6)} {_n(x + 6)},{_n(y)} {_n(x)},{_n(y + 6)} {_n(x - 6)},{_n(y)}"
        return f'<polygon points="{points}" fill="{colour}" stroke="#ffffff" stroke-width="1"/>'
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{colour}"/>'


def _spread(
    labels: list[tuple[float, str, str]], gap: float = 13.0
) -> list[tuple[float, str, str]]:
    """Move line labels apart vertically so that none overlaps the next."""
    placed: list[tuple[float, str, str]] = []
    for y, text, colour in sorted(labels):
        if placed and y - placed[-1][0] < gap:
            y = placed[-1][0] + gap
        placed.append((y, text, colour))
    return placed


def render_chart(subject: ChartSubject, spc: SpcResult) -> str:
    """The SVG document of an XmR chart for ``spc``, described in words for screen readers."""
    ticks = _y_range(subject, spc)
    low, high = ticks[0], ticks[-1]
    count = len(spc.points)
    step = (RIGHT - LEFT) / max(count - 1, 1)

    def x(index: int) -> float:
        return LEFT + index * step if count > 1 else (LEFT + RIGHT) / 2

    def y(value: float) -> float:
        return BOTTOM - (value - low) / (high - low) * (BOTTOM - TOP)

    heading = f"{subject.ref} {subject.title}"
    lines = textwrap.wrap(heading, 88)
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), 88, placeholder=" …")]
    title = f"{heading}: XmR chart to {subject.period}"
    desc = description(subject, spc)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" aria-labelledby="chart-title '
        'chart-desc" font-family="Arial, Helvetica, sans-serif">',
        f'<title id="chart-title">{_text(title)}</title>',
        f'<desc id="chart-desc">{_text(desc)}</desc>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    for index, line in enumerate(lines):
        out.append(
            f'<text x="{LEFT}" y="{22 + 18 * index}" font-size="15" font-weight="bold" '
            f'fill="{LINE}">{_text(line)}</text>'
        )
    status = [f"XmR chart to {subject.period}", POLARITY_WORDS.get(subject.polarity, "")]
    status.append(f"Variation: {spc.variation}")
    if spc.assurance is not None:
        status.append(f"Assurance: {spc.assurance}")
    out.append(
        f'<text x="{LEFT}" y="{26 + 18 * len(lines)}" font-size="12" fill="{LINE}">'
        f"{_text(' · '.join(s for s in status if s))}</text>"
    )
    out.extend(_axes(subject, ticks, y))
    out.extend(_lines(subject, spc, y))
    fixed = spc.rules.baseline
    if spc.centre is not None and fixed is not None and fixed < count:
        # Where the fixed baseline ends: the limits are those of the points left of it.
        between = (x(fixed - 1) + x(fixed)) / 2
        bx = _n(between)
        out.append(
            f'<line class="baseline" x1="{bx}" y1="{TOP}" x2="{bx}" y2="{BOTTOM}" '
            f'stroke="{LINE}" stroke-width="1" stroke-dasharray="2 3"/>'
        )
        out.append(
            f'<text x="{_n(between - 4)}" y="{TOP + 12}" font-size="11" text-anchor="end" '
            f'fill="{LINE}">Limits from the first {fixed} points \u2190</text>'
        )
    if count > 1:
        path = " ".join(f"{_n(x(i))},{_n(y(v))}" for i, (_, v) in enumerate(spc.points))
        out.append(f'<polyline points="{path}" fill="none" stroke="{LIMIT}" stroke-width="1.5"/>')
    labels = [label for label, _ in spc.points]
    for index, ((label, value), kind) in enumerate(zip(spc.points, spc.point_types, strict=True)):
        rules = sorted({c.rule for c in spc.special if index in c.points})
        because = f" ({', '.join(rules)})" if rules else ""
        tip = f"{label}: {format_value(value, subject.unit, _places(value))}, {kind}{because}"
        out.append(
            f'<g class="point"><title>{_text(tip)}</title>{_marker(kind, x(index), y(value))}</g>'
        )
    if spc.points and spc.variation == "insufficient data":
        out.append(
            f'<text x="{RIGHT + 8}" y="{TOP}" font-size="11" fill="{LINE}">'
            f'<tspan x="{RIGHT + 8}">No process limits:</tspan>'
            f'<tspan x="{RIGHT + 8}" dy="14">{_count(count, "point")} of the</tspan>'
            f'<tspan x="{RIGHT + 8}" dy="14">{spc.rules.min_points} needed</tspan></text>'
        )
    if not spc.points:
        out.append(
            f'<text x="{_n((LEFT + RIGHT) / 2)}" y="{_n((TOP + BOTTOM) / 2)}" font-size="14" '
            f'text-anchor="middle" fill="{LINE}">No results up to {_text(subject.period)}</text>'
        )
    out.extend(_x_labels(labels, x))
    out.extend(_legend(spc))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _axes(subject: ChartSubject, ticks: Sequence[float], y: Scale) -> list[str]:
    """Y gridlines with tick labels, and the two axis lines."""
    out = []
    for tick in ticks:
        ty = _n(y(tick))
        out.append(
            f'<line x1="{LEFT}" y1="{ty}" x2="{RIGHT}" y2="{ty}" stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 8}" y="{ty}" font-size="11" text-anchor="end" '
            f'dominant-baseline="middle" fill="{LINE}">'
            f"{_text(format_value(tick, subject.unit, _places(tick)))}</text>"
        )
    out.append(
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{BOTTOM}" stroke="{LINE}" stroke-width="1"/>'
    )
    out.append(
        f'<line x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT}" y2="{BOTTOM}" stroke="{LINE}" '
        'stroke-width="1"/>'
    )
    return out


def _lines(subject: ChartSubject, spc: SpcResult, y: Scale) -> list[str]:
    """Centre, process limits and target as horizontal lines labelled at the right."""
    lines: list[tuple[float, str, str, str, str]] = []
    if spc.centre is not None and spc.display_lower is not None and spc.display_upper is not None:
        lines += [
            (spc.display_upper, "Upper limit", LIMIT, "6 4", "limit"),
            (spc.centre, "Centre", LINE, "", "centre"),
            (spc.display_lower, "Lower limit", LIMIT, "6 4", "limit"),
        ]
    if spc.target is not None:
        lines.append((spc.target, "Target", TARGET, "10 3 2 3", "target"))
    out = []
    labels = []
    for value, name, colour, dash, kind in lines:
        ly = y(value)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line class="{kind}" x1="{LEFT}" y1="{_n(ly)}" x2="{RIGHT}" y2="{_n(ly)}" '
            f'stroke="{colour}" stroke-width="{2 if kind == "target" else 1.5}"{dashes}/>'
        )
        places = _places(value) if kind == "target" else 1
        labels.append((ly, f"{name} {format_value(value, subject.unit, places)}", colour))
    for ly, text, colour in _spread(labels):
        out.append(
            f'<text x="{RIGHT + 8}" y="{_n(ly)}" font-size="11" dominant-baseline="middle" '
            f'fill="{colour}">{_text(text)}</text>'
        )
    return out


def _x_labels(labels: Sequence[str], x: Callable[[int], float]) -> list[str]:
    """Quarter labels on two lines (``Q3`` over ``2017/18``), thinned for long series."""
    every = max(1, math.ceil(len(labels) / MAX_LABELS))
    out = []
    for index, label in enumerate(labels):
        if (len(labels) - 1 - index) % every:
            continue
        quarter, _, year = label.partition(" ")
        lx = _n(x(index))
        out.append(
            f'<text x="{lx}" y="{BOTTOM + 16}" font-size="11" text-anchor="middle" '
            f'fill="{LINE}"><tspan x="{lx}">{_text(quarter)}</tspan>'
            f'<tspan x="{lx}" dy="13">{_text(year)}</tspan></text>'
        )
    return out


def _legend(spc: SpcResult) -> list[str]:
    """A key to every mark: the three point types and the lines drawn."""
    out = [f'<g class="legend" font-size="11" fill="{LINE}">']
    lx = LEFT
    ly = HEIGHT - 28
    for kind in ("common cause", "special cause improving", "special cause concerning"):
        out.append(_marker(kind, lx + 6, ly))
        out.append(f'<text x="{lx + 16}" y="{ly + 4}">{_text(kind.capitalize())}</text>')
        lx += 175
    ly += 18
    lx = LEFT
    keys = [] if spc.centre is None else [("Centre", LINE, ""), ("Process limits", LIMIT, "6 4")]
    if spc.target is not None:
        keys.append(("Target", TARGET, "10 3 2 3"))
    for name, colour, dash in keys:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{lx}" y1="{ly}" x2="{lx + 24}" y2="{ly}" stroke="{colour}" '
            f'stroke-width="1.5"{dashes}/>'
        )
        out.append(f'<text x="{lx + 30}" y="{ly + 4}">{_text(name)}</text>')
        lx += 175
    out.append("</g>")
    return out


def indicator_chart(project: Project, period: Period, ref: str) -> str:
    """The SVG XmR chart of indicator ``ref`` up to ``period`` in a loaded project."""
    found = [(plan, i) for plan in project.plans for i in plan.indicators if i.ref == ref]
    if not found:
        refs = ", ".join(i.ref for plan in project.plans for i in plan.indicators)
        raise UserError(f"no indicator {ref!r} in the plans; refs: {refs}")
    plan, indicator = found[0]
    project.results.require(period)
    target = choose_target(indicator, period).value
    scheme = project.schemes.get(plan.scheme)
    rules = None if scheme is None else scheme.spc
    spc = spc_for_indicator(indicator, plan, period, project.results, target, rules=rules)
    subject = ChartSubject(
        ref=indicator.ref,
        title=indicator.title,
        unit=indicator.unit,
        polarity=indicator.polarity,
        period=str(period),
    )
    return render_chart(subject, spc)
