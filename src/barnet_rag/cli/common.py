"""Options and argument types shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from barnet_rag.errors import UsageError
from barnet_rag.periods import Period, parse_period

F = TypeVar("F", bound=Callable[..., Any])


class PeriodType(click.ParamType):  # type: ignore[type-arg]
    """A financial-year quarter such as ``Q3-2017``."""

    name = "PERIOD"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Period:
        if isinstance(value, Period):
            return value
        try:
            return parse_period(str(value))
        except UsageError as error:
            self.fail(str(error), param, ctx)


PERIOD = PeriodType()


def root_option(function: F) -> F:
    """``--root DIR``: the project directory (default: the current directory)."""
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(),
        show_default=".",
        help="Project directory holding plans/ and results/.",
    )(function)


def plan_option(function: F) -> F:
    """``--plan SLUG`` (repeatable): rate only these plans."""
    return click.option(
        "--plan",
        "plans",
        multiple=True,
        metavar="SLUG",
        help="Only this plan (repeat for several).",
    )(function)


def format_option(choices: list[str], help_text: str) -> Callable[[F], F]:
    """``--format`` with the given choices, the first being the default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help=help_text,
    )


class OutputPath(click.Path):
    """``-o FILE``: a file to write; an empty name is refused rather than read as ``.``."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("the file name is empty (give a file, e.g. -o q3.html)", param, ctx)
        return super().convert(value, param, ctx)
