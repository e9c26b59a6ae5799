"""``barnet-rag schema plan|scheme|risks``: the JSON Schema of a kind of file, or the reference."""

from __future__ import annotations

import click

KINDS = ("plan", "scheme", "risks")


@click.command(
    epilog="\b\nExamples:\n  barnet-rag schema plan > schemas/plan.schema.json\n"
    "  barnet-rag schema --markdown > docs/reference.md"
)
@click.argument("kind", type=click.Choice(KINDS), required=False, metavar="[KIND]")
@click.option(
    "--markdown",
    is_flag=True,
    help="Print instead the reference of every key of the three kinds (docs/reference.md).",
)
def schema(kind: str | None, markdown: bool) -> None:
    """Print the JSON Schema of KIND of file: plan, scheme or risks (a risk register).

    An editor using the YAML language server checks and completes a file whose first
    line names its schema, as the shipped plan's does:

    \b
      # yaml-language-server: $schema=../schemas/plan.schema.json
    """
    if kind is None and not markdown:
        raise click.UsageError(
            "name the kind of file: plan, scheme or risks (or give --markdown for the "
            "reference of all three)"
        )
    if kind is not None and markdown:
        raise click.UsageError(
            f"--markdown prints the reference of all three kinds of file; give it without {kind}"
        )
    from barnet_rag.outputs.reference import json_schema_text, reference_markdown

    click.echo(reference_markdown() if kind is None else json_schema_text(kind), nl=False)
