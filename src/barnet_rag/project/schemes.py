"""Rating schemes: the built-in ``barnet`` and ``bands`` schemes (docs/rules.md).

Schemes are data; a project may add ``schemes/<name>.yaml`` files, loaded by
:mod:`barnet_rag.project.loading`, which take precedence over the built-ins of the same name.
"""

from __future__ import annotations

from collections.abc import Mapping

from barnet_rag.project.models import Band, Scheme

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

BUILTIN_SCHEMES: Mapping[str, Scheme] = {s.name: s for s in (BARNET, BANDS)}


def available_schemes(project_schemes: Mapping[str, Scheme]) -> dict[str, Scheme]:
    """Built-in schemes overlaid with the project's own."""
    return {**BUILTIN_SCHEMES, **project_schemes}
