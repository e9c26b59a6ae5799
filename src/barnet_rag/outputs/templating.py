"""Rendering a :class:`~barnet_rag.outputs.reporting.ReportContext` with Jinja2 templates.

Templates are looked up in ``--templates DIR`` first (a council may override one file and
keep the other), then in the installed package (``barnet_rag/templates``), then in the
repository's top-level ``templates/``. Jinja2 is imported here, inside the functions, so
``barnet-rag --help`` and ``rate`` never load it. Undefined names are errors
(StrictUndefined); HTML is autoescaped, and every value printed into Markdown is escaped
so that a title such as ``<script> & co`` shows as text.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from barnet_rag.errors import UserError, shown_name
from barnet_rag.outputs.reporting import ReportContext, SectionFailed

if TYPE_CHECKING:
    import jinja2

Format = Literal["md", "html"]
TEMPLATE_NAMES: dict[str, str] = {"md": "report.md.j2", "html": "report.html.j2"}

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
#: Text that :func:`markdown_escape` leaves as it is: words split by single spaces, with no
#: special character, no ``&`` and no other whitespace (``\s`` is exactly what
#: :meth:`str.split` splits on). Most cells are such text; matching is cheaper than escaping.
_PLAIN = re.compile(r"[^\\`*_\[\]<>|~&\s]+(?: [^\\`*_\[\]<>|~&\s]+)*")
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


#: The shipped templates' blocks: ``head`` (up to Table 1), ``plans`` (a section per plan)
#: and ``tail``. A project rated in parts writes each part's ``plans`` block on its own
#: (:data:`_ONLY_SECTIONS`) and the rest once around them (:data:`_AROUND_SECTIONS`).
_ONLY_SECTIONS = (
    '{{% extends "{name}" %}}{{% block head %}}{{% endblock %}}{{% block tail %}}{{% endblock %}}'
)
_AROUND_SECTIONS = (
    '{{% extends "{name}" %}}{{% block plans %}}{{% for text in sections %}}{{{{ text }}}}'
    "{{% endfor %}}{{% endblock %}}"
)


def default_template_dirs() -> list[Path]:
    """The shipped templates: the installed package's copy, then the repository's."""
    candidates = [_PACKAGE_DIR / "templates", _PACKAGE_DIR.parent.parent / "templates"]
    return [d for d in candidates if (d / TEMPLATE_NAMES["md"]).is_file()]


def markdown_escape(text: str) -> str:
    """Escape text for a Markdown paragraph or table cell: it renders as the same text.

    Backslash-escapes the characters that start emphasis, code, links, raw HTML, tables
    and strikethrough, escapes ``&`` only where it would start an entity, and folds line
    breaks into spaces so a value cannot break a table row.
    """
    text = str(text)
    if _PLAIN.fullmatch(text):
        return text
    text = " ".join(text.split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _ENTITY.sub(r"\\&", text)


def superscript(number: int) -> str:
    """12 -> '¹²', for Markdown footnote markers as the council's papers print them."""
    return str(number).translate(_SUPERSCRIPTS)


def environment(fmt: Format, templates: Path | None = None) -> jinja2.Environment:
    """A Jinja environment for ``fmt`` with StrictUndefined and the right escaping."""
    import jinja2
    from markupsafe import Markup

    if templates is not None:
        check_template_dir(templates)
    dirs = ([templates] if templates is not None else []) + default_template_dirs()
    if not dirs:
        raise UserError("the report templates are missing from this installation")

    def finalize(value: Any) -> Any:
        if fmt != "md" or isinstance(value, Markup):
            return value
        return markdown_escape(str(value))

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=fmt == "html",
        finalize=finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["sup"] = lambda n: Markup(superscript(int(n)))
    return env


def check_template_dir(templates: Path) -> None:
    """Refuse a ``--templates`` directory that is missing or holds no report template:
    falling back to the shipped templates then would hide the mistake."""
    shown = shown_name(templates)
    if not templates.is_dir():
        raise UserError(
            f"--templates {shown}: no such directory (give the directory of your templates)"
        )
    if not any((templates / name).is_file() for name in TEMPLATE_NAMES.values()):
        raise UserError(
            f"--templates {shown}: holds neither {TEMPLATE_NAMES['md']} nor "
            f"{TEMPLATE_NAMES['html']} (put your templates there under these names)"
        )


def _template_file(name: str, templates: Path | None) -> str:
    """The file the loader reads for template ``name``, as shown in messages."""
    for directory in ([templates] if templates is not None else []) + default_template_dirs():
        if (directory / name).is_file():
            return shown_name(directory / name)
    return name


def _template_line(error: BaseException) -> str:
    """``report.html.j2:12`` from the traceback Jinja rewrites to point into templates."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".j2")]
    if not frames:
        return ""
    frame = frames[-1]
    return f"{frame.filename}:{frame.lineno}: "


def _chunks(
    context: ReportContext,
    fmt: Format,
    templates: Path | None,
    wrapper: str | None = None,
    sections: Sequence[bytes] = (),
) -> Iterator[str]:
    """The report as the template writes it; or as ``wrapper`` (a template extending it,
    :data:`_ONLY_SECTIONS` or :data:`_AROUND_SECTIONS`) writes it, with ``sections``."""
    import jinja2
    from markupsafe import Markup

    try:
        env = environment(fmt, templates)
        name = TEMPLATE_NAMES[fmt]
        if wrapper is None:
            yield from env.get_template(name).generate(report=context)
        else:
            template = env.from_string(wrapper.format(name=name))
            texts = (Markup(piece.decode("utf-8", "surrogatepass")) for piece in sections)
            yield from template.generate(report=context, sections=texts)
    except SectionFailed as failed:  # raised by our code building a plan section
        raise failed.error from failed.error.__cause__
    except jinja2.TemplateSyntaxError as error:
        where = f"{error.filename or error.name}:{error.lineno}"
        raise UserError(f"{where}: template syntax error: {error.message}") from None
    except jinja2.TemplateNotFound as error:
        raise UserError(f"template {error.name} not found") from None
    except jinja2.UndefinedError as error:
        raise UserError(
            f"{_template_line(error)}template uses an undefined value: {error.message} "
            "(docs/reports.md lists the fields a template can use)"
        ) from None
    except UnicodeDecodeError as error:
        raise UserError(
            f"{_template_file(TEMPLATE_NAMES[fmt], templates)}: is not UTF-8 text "
            f"(byte {error.start}); save the template as UTF-8"
        ) from None
    except Exception as error:
        where = _template_line(error)
        if not where:
            raise  # not raised inside a template: a bug of ours
        raise UserError(
            f"{where}the template failed: {type(error).__name__}: {error} "
            "(fix the expression on that line)"
        ) from None


def render_report(
    context: ReportContext,
    fmt: Format,
    templates: Path | None = None,
    sections: Sequence[bytes] | None = None,
) -> str:
    """The whole report as one string (``sections`` as for :func:`write_report`)."""
    return "".join(_whole(context, fmt, templates, sections))


def write_report(
    context: ReportContext,
    fmt: Format,
    stream: IO[str],
    templates: Path | None = None,
    sections: Sequence[bytes] | None = None,
) -> None:
    """Stream the report into ``stream`` chunk by chunk (used with an atomic file); with
    ``sections`` (a project rated in parts: each part's :func:`plan_sections_text`
    pieces, in order) the shipped template writes those in place of its ``plans`` block, and
    ``templates`` is not read."""
    stream.writelines(_whole(context, fmt, templates, sections))


def _whole(
    context: ReportContext, fmt: Format, templates: Path | None, sections: Sequence[bytes] | None
) -> Iterator[str]:
    """The report's chunks: from the template, or around parts' ``sections``."""
    if sections is None:
        return _chunks(context, fmt, templates)
    return _chunks(context, fmt, None, _AROUND_SECTIONS, sections)


def plan_sections_text(context: ReportContext, fmt: Format) -> list[bytes]:
    """The shipped template's plan sections of ``context``, with nothing around them, as
    UTF-8 (lone surrogates kept, to come back as they were) in pieces of about
    :data:`PIECE_CHARS`: one part's share of a report rated in parts. (One string would be
    copied whole on its way out, and text with an arrow in it takes two bytes a character
    as a string: some 250 MB for half of a twice-national HTML report.)"""
    pieces: list[bytes] = []
    pending: list[str] = []
    size = 0
    for chunk in _chunks(context, fmt, None, _ONLY_SECTIONS):
        pending.append(chunk)
        size += len(chunk)
        if size >= PIECE_CHARS:
            pieces.append("".join(pending).encode("utf-8", "surrogatepass"))
            pending, size = [], 0
    if pending:
        pieces.append("".join(pending).encode("utf-8", "surrogatepass"))
    return pieces


#: The size of the pieces :func:`plan_sections_text` gives, in characters.
PIECE_CHARS = 1 << 20
