"""Rating schemes: the built-in ``barnet``, ``bands``, ``traffic-light`` and ``floor``
schemes (docs/schemes.md).

Schemes are data; a project may add ``schemes/<name>.yaml`` files, loaded by
:mod:`barnet_rag.project.loading`, which take precedence over the built-ins of the same name.
"""

from __future__ import annotations

from collections.abc import Mapping

from barnet_rag.project.models import Band, Level, Scheme

BARNET = Scheme(
    name="barnet",
    survey_tolerance=True,
    bands=[
        Band(rag="GA", up_to=0.05),
        Band(rag="RA", long_term=["improving", "same"]),
        Band(rag="R"),
    ],
)

BANDS = Scheme(
    name="bands",
    survey_tolerance=True,
    bands=[Band(rag="GA", up_to=0.10), Band(rag="RA", up_to=0.20), Band(rag="R")],
)

#: Green, Amber and Red in GOV.UK's colours, each with a text colour of AA contrast.
THREE_LEVELS = [
    Level(code="G", label="Green", colour="#00703c", text_colour="#ffffff"),
    Level(code="A", label="Amber", colour="#ffdd00", text_colour="#0b0c0c"),
    Level(code="R", label="Red", colour="#d4351c", text_colour="#ffffff"),
]

TRAFFIC_LIGHT = Scheme(
    name="traffic-light",
    survey_tolerance=True,
    levels=THREE_LEVELS,
    bands=[Band(rag="G", met=True), Band(rag="A", up_to=0.10), Band(rag="R")],
)

FLOOR = Scheme(
    name="floor",
    survey_tolerance=True,
    levels=THREE_LEVELS,
    bands=[Band(rag="G", met=True), Band(rag="A", floor="met"), Band(rag="R")],
)

BUILTIN_SCHEMES: Mapping[str, Scheme] = {s.name: s for s in (BARNET, BANDS, TRAFFIC_LIGHT, FLOOR)}


def available_schemes(project_schemes: Mapping[str, Scheme]) -> dict[str, Scheme]:
    """Built-in schemes overlaid with the project's own."""
    return {**BUILTIN_SCHEMES, **project_schemes}
