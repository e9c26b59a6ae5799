"""The scan that sends a YAML text to PyYAML's event parser before the compiled one runs.

The compiled parser expands aliases and applies tags, so every text that holds an anchor,
alias or tag must be caught by ``_has_markup`` first. A ``&`` in running text
(``Racist & Religious Hate Crime``, in the shipped plan) is not markup and costs no
second parse.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from barnet_rag.project.yamlfile import _has_markup, read_yaml

#: Pieces of YAML: markup, separators, indicators and text, joined at random.
PIECES = [
    "&a", "*a", "&", "*", "!", "!!str", "!x", "&a ", "*a ", "! ", "a", "b c", "1", "-", "- ",
    ":", ": ", "? ", ",", ", ", "[", "]", "{", "}", "\n", "\n  ", "  ", "\t", "'", '"', "#",
    "\ufeff", "x&y", "a*b", "e!f", "---\n", "|\n  ", "\\",
]  # fmt: skip


def _markup_events(text: str) -> bool | None:
    """Whether PyYAML's events hold an anchor, alias or explicit tag; None when it refuses
    the text."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return True
            tag: Any = getattr(event, "tag", None)
            implicit: Any = getattr(event, "implicit", True)
            explicit = tag is not None and not (
                implicit is True or (isinstance(implicit, tuple) and implicit[0])
            )
            if explicit and not isinstance(event, yaml.DocumentStartEvent):
                return True
    except yaml.YAMLError:
        return None
    return False


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_every_text_with_an_anchor_alias_or_tag_is_scanned(text: str) -> None:
    if not _has_markup(text):
        assert _markup_events(text) is not True, "markup the scan missed"


@pytest.mark.parametrize(
    "text",
    ['{"a":&x 1}', "&a\n- 1", "\ufeff&a x: 1", "a: b\n  &c d", "a: ! 1\n"],
)
def test_anchors_and_tags_anywhere_a_node_opens_are_scanned(text: str) -> None:
    assert _has_markup(text)


@pytest.mark.parametrize("text", ["a: &x 1\nb: *x\n", "a: !!str 1\n", "x: [1, &a 2, *a]"])
def test_aliases_and_tags_the_compiled_parser_would_apply_are_refused(text: str) -> None:
    assert _has_markup(text)
    document, problems = read_yaml("plans/x.yaml", text)
    assert document is None and problems


@pytest.mark.parametrize(
    "text",
    ["title: Racist & Religious Hate Crime\n", "a: b&c d*e\n", 'a: "q&y"\n', "-&a x\n"],
)
def test_ampersands_and_stars_in_text_are_not_markup(text: str) -> None:
    assert not _has_markup(text)
    document, problems = read_yaml("plans/x.yaml", text)
    assert document is not None and not problems


def test_the_characters_refused_are_pyyaml_readers_for_every_code_point() -> None:
    """The characters refused before the compiled parser runs are exactly those PyYAML's
    reader refuses (its class of allowed characters, negated): every code point, alone and
    after ASCII and non-ASCII text, so both ways of looking agree with it."""
    from yaml.reader import Reader

    from barnet_rag.project.yamlfile import _has_non_printable

    refused = [c for c in range(0x110000) if Reader.NON_PRINTABLE.search(chr(c))]
    assert refused and len(refused) < 0x110000
    ours = [c for c in range(0x110000) if _has_non_printable(chr(c))]
    assert ours == refused
    for code in (0x00, 0x09, 0x1F, 0x7F, 0x85, 0x9F, 0xA0, 0xD800, 0xFFFE, 0x10FFFF):
        for before in ("plan: x\n", "title: Café\n"):
            text = before + chr(code)
            assert _has_non_printable(text) == bool(Reader.NON_PRINTABLE.search(text))
