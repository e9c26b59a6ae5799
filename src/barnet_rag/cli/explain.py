"""``barnet-rag explain PERIOD REF``: how one rating came about, step by step."""

from __future__ import annotations

import json
from pathlib import Path

import click

from barnet_rag.cli.common import PERIOD, format_option, root_option
from barnet_rag.periods import Period


@click.command(
    epilog="\b\nExamples:\n  barnet-rag explain Q3-2017 CG/S4\n"
    "  barnet-rag explain Q3-2017 CG/C6 --format json"
)
@click.argument("period", type=PERIOD)
@click.argument("ref")
@root_option
@format_option(
    ["text", "json"],
    "Plain-English steps, or the rating, the engine's trace and the steps as JSON.",
)
def explain(period: Period, ref: str, root: Path, output_format: str) -> None:
    """Explain REF's rating for PERIOD: target, survey interval, shortfall, band and DOTs."""
    from barnet_rag.outputs.explaining import explain as explain_indicator

    explanation = explain_indicator(root, period, ref)
    if output_format == "json":
        click.echo(json.dumps(explanation.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(explanation.text())
