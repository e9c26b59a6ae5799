"""Officers' Markdown as a small safe document: headings, paragraphs, lists, bold, italic,
code and links, and nothing else.

Parsed with markdown-it-py (CommonMark, raw HTML off, so ``<script>`` stays text), then
reduced to plain blocks that the Markdown, HTML and Word reports each render their own way.
Block quotes and code blocks keep their text as paragraphs; images keep their alt text;
links keep only http, https and mailto targets (others keep their words).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

SAFE_SCHEMES = ("http://", "https://", "mailto:")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_SPACES = re.compile(r"\s+")
_LIST_NUMBER = re.compile(r"^(\d{1,9})([.)])")
_BLOCK_MARK = re.compile(r"^([#+=-])")


@dataclass(frozen=True)
class Span:
    """A run of text with its emphasis, and a link target when it is a link's text."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Heading:
    """A heading; ``level`` 1 for ``#``, as the officer wrote it."""

    level: int
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of spans (line breaks inside it fold into spaces)."""

    spans: tuple[Span, ...]


@dataclass(frozen=True)
class ListBlock:
    """A bulleted or numbered list; each item is a sequence of blocks."""

    ordered: bool
    start: int
    items: tuple[tuple[Heading | Paragraph | ListBlock, ...], ...]


Block = Heading | Paragraph | ListBlock

#: Narrative headings sit below the report's "Progress on key activities" (a level 3
#: heading), so an officer's ``#`` is a level 4 heading in the report.
PROGRESS_HEADING_OFFSET = 3


@dataclass(frozen=True)
class Progress:
    """A plan's "Progress on key activities" as the report prints it: the file it came
    from, its blocks, and those blocks written as Markdown and as HTML (every text escaped,
    headings below the section's own)."""

    source: str
    blocks: tuple[Block, ...]
    markdown: str
    html: str


def progress(source: str, text: str) -> Progress | None:
    """Parse a narrative file's ``text`` once for every report format; None when it holds
    nothing to print (a file ``new-quarter`` started but nobody wrote)."""
    blocks = parse(text)
    if not blocks:
        return None
    return Progress(
        source=source,
        blocks=blocks,
        markdown=to_markdown(blocks, PROGRESS_HEADING_OFFSET),
        html=to_html(blocks, PROGRESS_HEADING_OFFSET),
    )


def parse(text: str) -> tuple[Block, ...]:
    """The blocks of Markdown ``text`` (empty for a blank file)."""
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

    tokens = MarkdownIt("commonmark", {"html": False}).parse(text)
    return _blocks(SyntaxTreeNode(tokens).children)


def _blocks(nodes: list[SyntaxTreeNode]) -> tuple[Block, ...]:
    blocks: list[Block] = []
    for node in nodes:
        if node.type == "heading":
            blocks.append(Heading(level=int(node.tag[1]), spans=_inline(node.children)))
        elif node.type == "paragraph":
            blocks.append(Paragraph(spans=_inline(node.children)))
        elif node.type in ("bullet_list", "ordered_list"):
            start = node.attrs.get("start", 1)
            blocks.append(
                ListBlock(
                    ordered=node.type == "ordered_list",
                    start=int(start) if isinstance(start, int | float | str) else 1,
                    items=tuple(_blocks(item.children) for item in node.children),
                )
            )
        elif node.type == "blockquote":
            blocks += _blocks(node.children)
        elif node.type in ("fence", "code_block") and node.content.strip():
            blocks.append(Paragraph(spans=(Span(" ".join(node.content.split()), code=True),)))
    return tuple(blocks)


def _inline(nodes: list[SyntaxTreeNode]) -> tuple[Span, ...]:
    spans: list[Span] = []
    for node in nodes:
        if node.type == "inline":
            _walk(node.children, Span(""), spans)
    return _merged(spans)


def _walk(nodes: list[SyntaxTreeNode], style: Span, out: list[Span]) -> None:
    for node in nodes:
        kind = node.type
        if kind == "text":
            out.append(Span(node.content, style.bold, style.italic, style.code, style.href))
        elif kind in ("softbreak", "hardbreak"):
            out.append(Span(" ", style.bold, style.italic, style.code, style.href))
        elif kind == "code_inline":
            out.append(Span(node.content, style.bold, style.italic, True, style.href))
        elif kind == "image":
            _walk(node.children, style, out)
        elif kind == "strong":
            _walk(node.children, Span("", True, style.italic, style.code, style.href), out)
        elif kind == "em":
            _walk(node.children, Span("", style.bold, True, style.code, style.href), out)
        elif kind == "link":
            href = str(node.attrs.get("href", ""))
            safe = href if href.lower().startswith(SAFE_SCHEMES) else None
            _walk(node.children, Span("", style.bold, style.italic, style.code, safe), out)
        else:
            _walk(node.children, style, out)


def _merged(spans: list[Span]) -> tuple[Span, ...]:
    """Neighbouring spans of one style joined, so renderers see whole runs."""
    out: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        last = out[-1] if out else None
        if last is not None and (last.bold, last.italic, last.code, last.href) == (
            span.bold,
            span.italic,
            span.code,
            span.href,
        ):
            out[-1] = Span(last.text + span.text, span.bold, span.italic, span.code, span.href)
        else:
            out.append(span)
    return tuple(out)


def plain_text(spans: tuple[Span, ...]) -> str:
    """The words of some spans, without their styling."""
    return "".join(s.text for s in spans)


# Markdown ---------------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    text = _MD_SPECIAL.sub(r"\\\1", _SPACES.sub(" ", text))
    return _ENTITY.sub(r"\\&", text)


def _md_spans(spans: tuple[Span, ...]) -> str:
    parts = []
    for span in spans:
        if span.code:
            text = f"`{span.text}`" if "`" not in span.text else _md_escape(span.text)
        else:
            text = _md_escape(span.text)
        if span.italic:
            text = f"*{text}*"
        if span.bold:
            text = f"**{text}**"
        if span.href:
            target = span.href.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
            text = f"[{text}]({target})"
        parts.append(text)
    text = "".join(parts)
    # A paragraph must not start what would read as a heading or a list item ("1. ").
    return _BLOCK_MARK.sub(r"\\\1", _LIST_NUMBER.sub(r"\1\\\2", text, count=1), count=1)


def to_markdown(blocks: tuple[Block, ...], heading_offset: int = 0) -> str:
    """The blocks as Markdown again, every text escaped; headings moved down ``offset``."""
    return "\n\n".join(_md_block(b, heading_offset) for b in blocks) + ("\n" if blocks else "")


def _md_block(block: Block, offset: int) -> str:
    if isinstance(block, Heading):
        return "#" * min(block.level + offset, 6) + " " + _md_spans(block.spans)
    if isinstance(block, Paragraph):
        return _md_spans(block.spans)
    items = []
    for number, item in enumerate(block.items, start=block.start):
        marker = f"{number}. " if block.ordered else "- "
        body = "\n\n".join(_md_block(b, offset) for b in item) or ""
        indent = " " * len(marker)
        lines = body.split("\n")
        items.append(marker + "\n".join([lines[0], *[indent + x if x else x for x in lines[1:]]]))
    return "\n".join(items) if all(len(i) <= 1 for i in block.items) else "\n\n".join(items)


# HTML -------------------------------------------------------------------------------------


def _html_spans(spans: tuple[Span, ...]) -> str:
    parts = []
    for span in spans:
        text = html.escape(span.text, quote=False)
        if span.code:
            text = f"<code>{text}</code>"
        if span.italic:
            text = f"<em>{text}</em>"
        if span.bold:
            text = f"<strong>{text}</strong>"
        if span.href:
            text = f'<a href="{html.escape(span.href, quote=True)}">{text}</a>'
        parts.append(text)
    return "".join(parts)


def to_html(blocks: tuple[Block, ...], heading_offset: int = 0) -> str:
    """The blocks as HTML, every text escaped; headings moved down ``offset`` levels."""
    return "\n".join(_html_block(b, heading_offset) for b in blocks)


def _html_block(block: Block, offset: int) -> str:
    if isinstance(block, Heading):
        level = min(block.level + offset, 6)
        return f"<h{level}>{_html_spans(block.spans)}</h{level}>"
    if isinstance(block, Paragraph):
        return f"<p>{_html_spans(block.spans)}</p>"
    tag = "ol" if block.ordered else "ul"
    start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
    items = []
    for item in block.items:
        if len(item) == 1 and isinstance(item[0], Paragraph):
            items.append(f"<li>{_html_spans(item[0].spans)}</li>")
        else:
            items.append("<li>" + "\n".join(_html_block(b, offset) for b in item) + "</li>")
    return f"<{tag}{start}>\n" + "\n".join(items) + f"\n</{tag}>"


# Skeleton --------------------------------------------------------------------------------


def skeleton(blocks: tuple[Block, ...]) -> list[str]:
    """The headings of a narrative, one Markdown line each, for next quarter's file.

    Headings are kept as headings; a top-level bullet that opens with bold words (the
    seed's ``- **Community safety** – ...``) keeps those words as ``- **Community safety** –``.
    """
    lines = []
    for block in blocks:
        if isinstance(block, Heading):
            lines.append("#" * block.level + " " + _md_spans(block.spans))
        elif isinstance(block, ListBlock) and not block.ordered:
            for item in block.items:
                first = item[0] if item else None
                if isinstance(first, Paragraph) and first.spans and first.spans[0].bold:
                    lead = Span(first.spans[0].text.strip(), bold=True)
                    lines.append(f"- {_md_spans((lead,))} –")
    return lines
