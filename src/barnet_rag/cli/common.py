"""Options and argument types shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from barnet_rag.errors import UsageError, UserError
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


def find_root(here: Path | None = None) -> Path:
    """The project holding ``here`` (the current directory): the nearest of it and its
    parents that has a ``plans/`` directory, as git finds its repository. The answer is
    relative to ``here`` (``.``, ``..``, ``../..``), so that messages name files as seen from
    where the user is; a UserError when there is none."""
    try:
        start = Path.cwd() if here is None else here
    except OSError as error:  # the current directory was deleted under the shell
        raise UserError(f"cannot find the current directory ({error.strerror}); cd again") from None
    for up, directory in enumerate([start, *start.absolute().parents]):
        if (directory / "plans").is_dir():
            return Path(*[".."] * up) if up else Path()
    raise UserError(
        "no barnet-rag project here: neither the current directory nor any directory above "
        "it has a plans/ directory (run inside a project or pass --root DIR)"
    )


def _resolve_root(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    """``--root`` as given, or else the project found from the current directory; the
    cycle collector is turned off for a large project's command (:func:`collect_less`)."""
    root = find_root() if value is None else value
    collect_less(ctx, root)
    return root


def collect_less(ctx: click.Context, root: Path) -> None:
    """Turn Python's cycle collector off for the rest of a large project's command, and on
    again when it ends (for callers in one process, such as tests).

    A national run holds millions of acyclic objects (plan models, result rows, ratings);
    each full collection walks them all and finds nothing: about 2 s of a 18 s ``rate``
    (measured, paired), with the same peak memory. Pausing only while plans are read, or
    freezing the heap after loading, saved less or cost more. Small projects are unchanged.
    """
    import gc

    from barnet_rag.project.projectfiles import is_large

    if gc.isenabled() and is_large(root):
        gc.disable()
        ctx.call_on_close(gc.enable)


def root_option(function: F) -> F:
    """``--root DIR``: the project directory (default: the nearest directory, from the
    current one up, that holds plans/)."""
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        callback=_resolve_root,
        help="Project directory holding plans/ and results/ "
        "(default: found from the current directory up, as git does).",
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
