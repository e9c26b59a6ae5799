"""Safe YAML reading that keeps line numbers, so every error can say where it is.

The document is composed into a node tree first: duplicate keys (which PyYAML would
silently resolve to the last one) and aliases (the "billion laughs" bomb) are rejected
before anything is constructed, and pydantic error locations are walked back along the
tree to a line. Only the safe loader is used: ``!!python/object`` tags never build objects.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Sequence
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from barnet_rag.errors import Problem

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Loc = tuple[str | int, ...]

_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)
_SYNTAX_HINT = "check the indentation, quotes and brackets on this line and the lines above"
_UNKNOWN_TAG = re.compile(r"constructor for the tag '([^']*)'")


class YamlDocument:
    """A parsed YAML file: its data and the node tree that locates each value."""

    def __init__(self, file: str, data: Any, root: yaml.Node | None) -> None:
        self.file = file
        self.data = data
        self.root = root

    def line_of(self, loc: Loc) -> tuple[int | None, Loc]:
        """The line of the deepest node along ``loc`` and the part of ``loc`` found."""
        node = self.root
        if node is None:
            return None, ()
        line: int | None = node.start_mark.line + 1
        found: list[str | int] = []
        for key in loc:
            child = _child(node, key)
            if child is None:
                break
            key_node, node = child
            line = key_node.start_mark.line + 1
            found.append(key)
        return line, tuple(found)


def _child(node: yaml.Node, key: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if str(key_node.value) == str(key):
                return key_node, value_node
    elif (
        isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value)
    ):
        item = node.value[key]
        return item, item
    return None


def format_loc(loc: Sequence[str | int]) -> str:
    """``('indicators', 3, 'polarity')`` -> ``indicators[3].polarity``."""
    text = ""
    for key in loc:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def _structure_problems(file: str, root: yaml.Node, text: str) -> list[Problem]:
    """Duplicate keys and aliases, found by one walk over the node tree."""
    problems: list[Problem] = []
    seen: set[int] = set()
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return [_alias_problem(file, node, text)]
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in first:
                    problems.append(
                        Problem(
                            "yaml-duplicate-key",
                            f"duplicate key {key!r} (first given on line {first[key]})",
                            file,
                            line,
                            hint="keep one of them; YAML would silently use the last",
                        )
                    )
                else:
                    first[key] = line
                stack.extend((key_node, value_node))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return problems


def _alias_problem(file: str, node: yaml.Node, text: str) -> Problem:
    """Point at the first ``*alias`` in the text (the node tree no longer shows where it was)."""
    line, name = node.start_mark.line + 1, "name"
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark else line
            name = str(event.anchor)
            break
    return Problem(
        "yaml-alias",
        f"YAML aliases (*{name}) are not allowed",
        file,
        line,
        hint="write the value out in full",
    )


def _syntax_problem(file: str, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    at = mark.line + 1 if mark is not None else None
    tag = _UNKNOWN_TAG.search(str(error.problem or ""))
    if isinstance(error, yaml.constructor.ConstructorError) and tag:
        name = tag[1].replace("tag:yaml.org,2002:", "!!")
        return Problem(
            "yaml-tag",
            f"the YAML tag {name} is not allowed",
            file,
            at,
            hint="remove it: only plain text, numbers, lists and mappings are read",
        )
    message = str(error.problem or error.context or "not valid YAML")
    if error.context and error.problem:
        message = f"{error.context}, {error.problem}"
    return Problem("yaml-syntax", f"not valid YAML: {message}", file, at, hint=_SYNTAX_HINT)


def read_yaml(file: str, text: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse YAML text safely; return the document, or the problems that stop it."""
    tab = _TAB_INDENT.search(text)
    if tab is not None:
        line = text[: tab.start()].count("\n") + 1
        return None, [
            Problem(
                "yaml-tab",
                "a tab character; YAML indentation must use spaces",
                file,
                line,
                hint="replace tabs with spaces",
            )
        ]
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, [
                Problem("yaml-empty", "the file is empty", file, 1, hint="fill it in or delete it")
            ]
        problems = _structure_problems(file, root, text)
        if problems:
            return None, problems
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as error:
        return None, [_syntax_problem(file, error)]
    except yaml.reader.ReaderError as error:
        # The C reader counts UTF-8 bytes, the Python one characters: find the character.
        where = text.find(chr(error.character)) if isinstance(error.character, int) else -1
        return None, [
            Problem(
                "yaml-character",
                f"the control character U+{error.character:04X} is not allowed in YAML"
                if isinstance(error.character, int)
                else f"not valid YAML: {error.reason}",
                file,
                text[:where].count("\n") + 1 if where >= 0 else None,
                hint="delete it; it often comes with text pasted from another program",
            )
        ]
    except yaml.YAMLError as error:  # pragma: no cover - unmarked errors are rare
        return None, [Problem("yaml-syntax", f"not valid YAML: {error}", file)]
    finally:
        loader.dispose()
    return YamlDocument(file, data, root), []


def _allowed_keys(model: type[BaseModel], loc: Loc) -> list[str] | None:
    """The keys allowed in the mapping at ``loc`` of ``model``, for "did you mean" hints."""
    current: Any = model
    for key in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(key))
            if field is None:
                return None
            current = field.annotation
        else:
            current = _element(current)
            if current is None:
                return None
        current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return None


def _unwrap(annotation: Any) -> Any:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        models = [a for a in typing.get_args(annotation) if a is not type(None)]
        return models[0] if len(models) == 1 else annotation
    return annotation


def _element(annotation: Any) -> Any:
    args = typing.get_args(annotation)
    return _unwrap(args[-1]) if args else None


def _clean_message(message: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    message = message.replace(", unable to parse string as a number", "")
    return message.replace("Input should be", "should be").replace("a valid string", "text")


def validation_problems(
    document: YamlDocument, model: type[BaseModel], error: ValidationError
) -> list[Problem]:
    """Turn pydantic errors into located problems: ``file:line: yaml.path: message``."""
    grouped: dict[tuple[Loc, str], list[str]] = {}
    lines: dict[tuple[Loc, str], int | None] = {}
    misspelt: set[tuple[Loc, str]] = set()
    missing: dict[tuple[Loc, str], str] = {}
    for item in error.errors():
        loc = tuple(item["loc"])
        line, found = document.line_of(loc)
        kind = item["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = _allowed_keys(model, found[:-1]) or []
            close = difflib.get_close_matches(key, allowed, n=1)
            message = f"unknown key {key!r}" + (f"; did you mean {close[0]!r}?" if close else ".")
            if allowed:
                message += f" Allowed keys: {', '.join(allowed)}"
            if close:
                misspelt.add((found[:-1], close[0]))
            place = found[:-1]
        elif kind == "missing":
            message = f"missing required key {str(loc[-1])!r}"
            place = found
            missing[(found, str(loc[-1]))] = message
        else:
            message = _clean_message(item["msg"])
            place = found
        group = (place, kind if kind in ("extra_forbidden", "missing") else "value")
        grouped.setdefault(group, []).append(message)
        lines.setdefault(group, line)
    for place, key in misspelt & set(missing):
        # "unknown key 'polarty'; did you mean 'polarity'?" says it all.
        grouped[(place, "missing")].remove(missing[(place, key)])
    problems = []
    for (place, kind), messages in grouped.items():
        if not messages:
            continue
        if kind == "value" and len(messages) > 1:
            parts = [m.removeprefix("should be ") for m in dict.fromkeys(messages)]
            text = "should be " + " or ".join(parts)
        else:
            text = "; ".join(dict.fromkeys(messages))
        problems.append(
            Problem(
                "schema",
                text,
                document.file,
                lines[(place, kind)],
                path=format_loc(place) or None,
            )
        )
    return problems
