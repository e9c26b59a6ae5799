"""``barnet-rag import FILE.xlsx --period PERIOD``: a quarter's results from Excel."""

from __future__ import annotations

from pathlib import Path

import click

from barnet_rag.cli.common import PERIOD, root_option
from barnet_rag.periods import Period


@click.command(
    "import",
    epilog="\b\nExamples:\n  barnet-rag import q3.xlsx --period Q3-2017\n"
    "  barnet-rag import council.xlsx --period Q3-2017 --sheet Results --force",
)
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--period", type=PERIOD, required=True, help="The quarter the sheet holds.")
@click.option(
    "--sheet", help="Sheet name (default: the one visible sheet with a header row with ref)."
)
@click.option("--force", is_flag=True, help="Replace an existing results file, keeping a .bak.")
@root_option
def import_results(
    workbook: Path, period: Period, sheet: str | None, force: bool, root: Path
) -> None:
    """Check a sheet of results and write results/<yyyy-yy>/Q<n>.csv from it.

    Nothing is written unless every cell can be read: a sheet for another quarter, an empty
    sheet, a second value column or a true/false value is an error naming the cell."""
    from barnet_rag.errors import shown_name
    from barnet_rag.project.excel_import import read_sheet
    from barnet_rag.project.loading import load_project
    from barnet_rag.project.projectfiles import check_workbook, relative, results_path
    from barnet_rag.project.writing import write_new_file

    check_workbook(workbook)
    project = load_project(root)
    indicators = {i.ref: i for p in project.plans for i in p.indicators}
    levels = {i.ref: project.schemes[p.scheme].levels for p in project.plans for i in p.indicators}
    imported = read_sheet(workbook, period, indicators, sheet, levels)
    path = results_path(root, period)
    shown = relative(path, root)
    backup = write_new_file(
        path,
        shown,
        imported.text,
        force=force,
        instead="edit it instead, or pass --force to replace it",
    )
    source = workbook.name + (f", sheet {imported.sheet!r}" if imported.several_sheets else "")
    missing = f" ({imported.not_reported} not reported)" if imported.not_reported else ""
    click.echo(
        f"Wrote {shown_name(shown)}: {imported.results} results{missing} from {shown_name(source)}."
    )
    if imported.ignored:
        click.echo(f"Not imported (not results columns): {', '.join(imported.ignored)}.")
    if backup:
        click.echo(f"The previous file is kept as {shown_name(backup)}.")
