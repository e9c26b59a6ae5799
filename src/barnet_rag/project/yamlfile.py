"""Safe YAML reading that keeps line numbers, so every error can say where it is.

The data comes from one parser, the compiled ``yaml_rs`` (YAML 1.2, no Python objects
from tags, duplicate keys refused). Aliases (the "billion laughs" bomb) and tags are
refused before it runs: a text that holds any of ``& * !`` where a node can open is first
read as events by PyYAML's safe parser, which finds any anchor, alias or tag with its
line. Lines for problems come from PyYAML's node tree, composed only when there is a
problem to locate, so a clean file is parsed once, by the compiled parser. pydantic error
locations are walked back along that tree to a line.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import yaml_rs
from pydantic import BaseModel, ValidationError

from barnet_rag.errors import Problem

if TYPE_CHECKING:  # PyYAML is imported only to locate a problem or scan for aliases
    import yaml

#: Characters YAML does not allow in a document (PyYAML's reader refuses them, with a line):
#: every one but tab, line ends, printable ASCII, NEL, and the rest of Unicode less the
#: C1 controls, surrogates and U+FFFE/U+FFFF. Written as the characters refused, a tenth
#: of the time to compile that the class of those allowed takes, on every start.
_NON_PRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)
#: The ASCII characters of :data:`_NON_PRINTABLE` (controls but tab and line ends, and DEL).
_NON_PRINTABLE_ASCII = bytes(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)) + b"\x7f"


def _has_non_printable(text: str) -> bool:
    """Whether the text holds a character YAML does not allow: for ASCII text (the usual
    file) by deleting those bytes from a copy, a C pass some seven times faster than the
    regex, which reads any other text."""
    if text.isascii():
        data = text.encode("ascii")
        return len(data.translate(None, _NON_PRINTABLE_ASCII)) != len(data)
    return _NON_PRINTABLE.search(text) is not None


def _loader() -> Any:
    """PyYAML's safe loader, compiled where libyaml is available."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


Loc = tuple[str | int, ...]

_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)
_SYNTAX_HINT = "check the indentation, quotes and brackets on this line and the lines above"
_UNKNOWN_TAG = re.compile(r"constructor for the tag '([^']*)'")


class YamlDocument:
    """A parsed YAML file: its data, and the node tree that locates each value (composed
    from the text only when a problem needs a line)."""

    def __init__(self, file: str, data: Any, text: str) -> None:
        self.file = file
        self.data = data
        self.text = text
        self._root: yaml.Node | None = None
        self._composed = False
        self._problems: list[Problem] = []

    @property
    def root(self) -> yaml.Node | None:
        """The document's node tree (PyYAML's safe composer), composed on first use; None
        when PyYAML cannot read what the compiled parser read (see :meth:`problems`)."""

        if self._root is None and not self._composed:
            self._composed = True
            self._problems = _pyyaml_problems(self.file, self.text)
            if not self._problems:
                loader = _loader()(self.text)
                try:
                    self._root = loader.get_single_node()
                finally:
                    loader.dispose()
        return self._root

    def problems(self) -> list[Problem]:
        """What PyYAML's composer finds wrong with the text (asked only on the path that
        reports): where the two parsers disagree, the stricter reading is reported."""
        _ = self.root
        return self._problems

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
    import yaml

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
    import yaml

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
    import yaml

    line, name = node.start_mark.line + 1, "name"
    for event in yaml.parse(text, Loader=_loader()):
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
    import yaml

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
    tab = _TAB_INDENT.search(text) if "\t" in text else None
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
    if _has_non_printable(text):
        problems = _pyyaml_problems(file, text)
        if problems:
            return None, problems
    if _has_markup(text):
        problems = _markup_problems(file, text)
        if problems:
            return None, problems
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except (yaml_rs.YAMLDecodeError, ValueError, TypeError, RecursionError) as error:
        return None, _located_problems(file, text, error)
    if data is None:
        return None, [
            Problem("yaml-empty", "the file is empty", file, 1, hint="fill it in or delete it")
        ]
    return YamlDocument(file, data, text), []


#: Where YAML markup can be: an anchor (``&name``), alias (``*name``) or tag (``!...``)
#: opens a node, so it follows the start of a line or text, white space, a byte order mark
#: or one of ``[ { , :``. An ``&`` or ``*`` that is followed by white space, a flow
#: indicator or the end of the text names nothing, and the compiled parser refuses it
#: (then PyYAML locates the error). So ``Racist & Religious`` is text, and needs no events.
_MARKUP = re.compile(r"(?:^|(?<=[\s\[{,:\ufeff]))(?:[&*][^\s,\[\]{}]|!)", re.MULTILINE)


def _has_markup(text: str) -> bool:
    """Whether the text may hold an anchor, alias or tag: any of ``& * !`` (three fast
    scans, far faster than a regex's) where :data:`_MARKUP` says markup can be."""
    if "&" in text or "*" in text or "!" in text:
        return _MARKUP.search(text) is not None
    return False


def _markup_problems(file: str, text: str) -> list[Problem]:
    """An anchor, alias or tag anywhere in the text, found by PyYAML's event parser (which
    builds nothing), as one located problem; none when the characters were only text."""
    import yaml

    try:
        for event in yaml.parse(text, Loader=_loader()):
            anchor = getattr(event, "anchor", None)
            tag = getattr(event, "tag", None)
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, yaml.AliasEvent):
                return [
                    Problem(
                        "yaml-alias",
                        f"YAML aliases (*{anchor}) are not allowed",
                        file,
                        line,
                        hint="write the value out in full",
                    )
                ]
            implicit = getattr(event, "implicit", True)
            explicit_tag = tag is not None and not (
                implicit is True or (isinstance(implicit, tuple) and implicit[0])
            )
            if explicit_tag and not isinstance(event, yaml.DocumentStartEvent):
                name = str(tag).replace("tag:yaml.org,2002:", "!!")
                return [
                    Problem(
                        "yaml-tag",
                        f"the YAML tag {name} is not allowed",
                        file,
                        line,
                        hint="remove it: only plain text, numbers, lists and mappings are read",
                    )
                ]
    except yaml.MarkedYAMLError as error:
        return [_syntax_problem(file, error)]
    except yaml.YAMLError:
        return _pyyaml_problems(file, text) or [
            Problem("yaml-syntax", "not valid YAML", file, hint=_SYNTAX_HINT)
        ]
    return []


def _located_problems(file: str, text: str, error: BaseException) -> list[Problem]:
    """What the compiled parser refused, located and worded by PyYAML's composer; its own
    message where the two parsers disagree."""
    import yaml

    problems = _pyyaml_problems(file, text)
    if problems:
        return problems
    try:  # e.g. a mapping used as a key: PyYAML's constructor says where
        yaml.load(text, Loader=_loader())
    except yaml.MarkedYAMLError as marked:
        return [_syntax_problem(file, marked)]
    except yaml.YAMLError:
        pass
    message = str(error).splitlines()[0] if str(error) else "not valid YAML"
    at = _RS_LINE.search(str(error))
    return [
        Problem(
            "yaml-syntax",
            f"not valid YAML: {message}",
            file,
            int(at[1]) if at else _complex_key_line(text),
            hint=_SYNTAX_HINT,
        )
    ]


def _complex_key_line(text: str) -> int:
    """Where an unlocated refusal most likely is: the first explicit ``? key`` (a list or
    mapping as a key, which PyYAML composes and the compiled parser cannot hash), else 1."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("?"):
            return number
    return 1


_RS_LINE = re.compile(r"line (\d+)")


def _pyyaml_problems(file: str, text: str) -> list[Problem]:
    """Every problem PyYAML's safe composer finds: syntax, characters, duplicate keys."""
    import yaml

    loader = _loader()(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return [
                Problem("yaml-empty", "the file is empty", file, 1, hint="fill it in or delete it")
            ]
        return _structure_problems(file, root, text)
    except yaml.MarkedYAMLError as error:
        return [_syntax_problem(file, error)]
    except yaml.reader.ReaderError as error:
        # The C reader counts UTF-8 bytes, the Python one characters: find the character.
        where = text.find(chr(error.character)) if isinstance(error.character, int) else -1
        return [
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
        return [Problem("yaml-syntax", f"not valid YAML: {error}", file)]
    finally:
        loader.dispose()


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
    if document.problems():
        return document.problems()
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
            import difflib  # only for an unknown key: not on every run's start-up

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
