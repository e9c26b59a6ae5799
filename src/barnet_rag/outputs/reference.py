"""JSON Schemas and the key-by-key reference of plan, scheme and risk register files.

Both are generated from the pydantic models the loader validates with, so that neither can
drift from what the loader accepts: :func:`json_schema` is a model's JSON Schema, corrected
where a validator reads a file's own spelling (a financial year written ``2017/18``, any
case of ``monitor``, a risk id written as a number); :func:`reference_markdown` renders
``docs/reference.md`` from those schemas. ``barnet-rag schema`` prints either.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from barnet_rag.project.models import Plan, Scheme
from barnet_rag.project.risks import DEFAULT_THRESHOLD, RiskRegister

Schema = dict[str, Any]

#: A financial year as files write it, e.g. ``2017/18`` (the years must be consecutive).
YEAR_PATTERN = r"^\s*\d{4}[/-]\d{2}\s*$"
#: A plan's slug, as ``Plan`` checks it.
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
#: ``monitor`` in any case, as ``YearTargets`` reads it.
MONITOR_PATTERN = r"^\s*[Mm][Oo][Nn][Ii][Tt][Oo][Rr]\s*$"

#: A number written as text, or a percent with its sign, e.g. ``95%`` (95 on a percent
#: indicator).
PERCENT_PATTERN = r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*%?\s*$"
#: A quarter as the command line and files write it: ``Q3-2017``, ``2017/18-Q3``, ``Q3 2017/18``.
PERIOD_PATTERN = r"^\s*([Qq][1-4][- ]\d{4}(/\d{2})?|\d{4}[/-]\d{2}[- ][Qq][1-4])\s*$"

#: A level's code and colours, as ``Level`` checks them.
LEVEL_CODE_PATTERN = r"^[A-Za-z]{1,8}$"
COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"

_PATTERN_WORDS = {
    LEVEL_CODE_PATTERN: "1 to 8 letters",
    COLOUR_PATTERN: "a colour written `#rrggbb`",
    YEAR_PATTERN: "financial year such as `2017/18`",
    PERCENT_PATTERN: "a number written as text, or a percent such as `95%`",
    PERIOD_PATTERN: "a quarter such as `2016/17-Q1`",
    SLUG_PATTERN: "lower-case letters, digits and hyphens",
    MONITOR_PATTERN: "`monitor`",
}


#: Model names that do not read as words when split at capitals.
_TITLES = {"SpcRules": "SPC rules"}


@dataclass(frozen=True)
class FileKind:
    """One kind of project file: its model, where it lives and what the reference says."""

    name: str
    model: type[BaseModel]
    title: str
    where: str
    intro: str


KINDS: dict[str, FileKind] = {
    kind.name: kind
    for kind in (
        FileKind(
            "plan",
            Plan,
            "Plan files",
            "plans/<slug>.yaml",
            "One file per committee's commissioning plan. The shipped example is "
            "[plans/community-leadership.yaml](../plans/community-leadership.yaml); how targets, "
            "ratings and directions of travel are worked out is in [rules.md](rules.md).",
        ),
        FileKind(
            "scheme",
            Scheme,
            "Scheme files",
            "schemes/<name>.yaml",
            "Optional: a rating scheme of the project's own, named by a plan's `scheme` key. "
            "`barnet` (the default) and `bands` are built in; a file of the same name takes "
            "their place. See [rules.md](rules.md) for the bands and [spc.md](spc.md) for the "
            "`spc` rules.",
        ),
        FileKind(
            "risks",
            RiskRegister,
            "Risk registers",
            "risks/<name>.yaml",
            "Optional: a service risk register, named by a plan's `risks` key; the exception "
            f"report lists its risks scoring {DEFAULT_THRESHOLD} or more (`--risk-threshold`). "
            "See [reports.md](reports.md#risk-registers).",
        ),
    )
}


class _FileSchema(GenerateJsonSchema):
    """Pydantic's generator without the titles it makes up from field names ("Dot Tolerance"),
    keeping keys and examples in the order the models give them."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def sort(self, value: Any, parent_key: str | None = None) -> Any:
        return value


def json_schema(kind: str) -> Schema:
    """The JSON Schema of one kind of file: ``plan``, ``scheme`` or ``risks``.

    Declared draft-07, the newest draft editors' YAML language server fully supports; it
    uses only keywords that mean the same in draft 2020-12 (pydantic's), and each ``$ref``
    points into ``$defs`` by JSON pointer, with no keyword beside it.
    """
    file_kind = KINDS[kind]
    generated = file_kind.model.model_json_schema(schema_generator=_FileSchema)
    schema: Schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"barnet-rag {file_kind.title.lower()}: {file_kind.where}",
        **{k: v for k, v in generated.items() if k != "title"},
    }
    _as_files_write_it(kind, schema)
    return schema


def _as_files_write_it(kind: str, schema: Schema) -> None:
    """Correct the generated schema where a validator reads input the types do not show."""
    if kind == "plan":
        _property(schema, "Plan", "plan")["pattern"] = SLUG_PATTERN
        _property(schema, "Plan", "surveys")["propertyNames"] = {"title": "code"}
        since = _property(schema, "Indicator", "since")
        since["anyOf"] = [{"type": "string", "pattern": YEAR_PATTERN}, {"type": "null"}]
        targets = _property(schema, "Indicator", "targets")
        targets["propertyNames"] = {"title": "year", "pattern": YEAR_PATTERN}
        for quarter in ("Q1", "Q2", "Q3", "Q4"):
            _property(schema, "YearTargets", quarter)["anyOf"] = [
                {"type": "number"},
                {"type": "string", "pattern": MONITOR_PATTERN},
                {"type": "string", "pattern": PERCENT_PATTERN},
                {"type": "null"},
            ]
        rebase = _property(schema, "IndicatorSpc", "rebase")
        rebase["items"] = {"type": "string", "pattern": PERIOD_PATTERN}
        schema["$defs"].pop("Period", None)
    elif kind == "scheme":
        _property(schema, "Level", "code")["pattern"] = LEVEL_CODE_PATTERN
        for key in ("colour", "text_colour"):
            _property(schema, "Level", key)["pattern"] = COLOUR_PATTERN
    elif kind == "risks":
        risk_id = _property(schema, "Risk", "id")
        del risk_id["type"], risk_id["minLength"]
        risk_id["anyOf"] = [{"type": "string", "minLength": 1}, {"type": "integer"}]
        mitigations = _property(schema, "Risk", "mitigations")
        mitigations["anyOf"] = [
            {"type": "array", "items": mitigations.pop("items")},
            {"type": "string"},
        ]
        del mitigations["type"]


def _property(schema: Schema, model: str, key: str) -> Schema:
    """One property of one model in ``schema`` (a KeyError if the model no longer has it)."""
    roots = {kind.model.__name__ for kind in KINDS.values()}
    node = schema if model in roots else schema["$defs"][model]
    found: Schema = node["properties"][key]
    return found


def json_schema_text(kind: str) -> str:
    """The JSON Schema of ``kind`` as committed under ``schemas/``."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


# -- The reference ------------------------------------------------------------------------


def reference_markdown() -> str:
    """``docs/reference.md``: every key of every kind of file, in tables."""
    lines = [
        "# File formats: every key of plans, schemes and risk registers",
        "",
        "<!-- Generated from the models in src/barnet_rag/project/ by "
        "`barnet-rag schema --markdown > docs/reference.md`; do not edit by hand. "
        "tests/test_reference.py fails when this page differs from the models. -->",
        "",
        "Every file is YAML. Unknown keys are errors, and so is a value of the wrong kind: "
        "`barnet-rag check` names the file, the line and the key to fix "
        "([errors.md](errors.md)). A key marked optional may be left out; its default "
        "applies. Results files are CSV, described in "
        "[rules.md](rules.md#results-files-resultsfilepy).",
        "",
        "Editors that use the YAML language server (VS Code's YAML extension, for one) check "
        "and complete a file whose first line names its JSON Schema, as the shipped plan does:",
        "",
        "```yaml",
        "# yaml-language-server: $schema=../schemas/plan.schema.json",
        "```",
        "",
        "The schemas are [schemas/plan.schema.json](../schemas/plan.schema.json), "
        "[schemas/scheme.schema.json](../schemas/scheme.schema.json) and "
        "[schemas/risks.schema.json](../schemas/risks.schema.json); "
        "`barnet-rag schema plan|scheme|risks` prints them.",
    ]
    for kind in KINDS.values():
        lines += ["", f"## {kind.title}: `{kind.where}`", "", kind.intro]
        schema = json_schema(kind.name)
        lines += ["", "The smallest valid file: only the keys that are required.", "", "```yaml"]
        lines += yaml.dump(
            smallest_file(kind.name),
            Dumper=_IndentedLists,
            sort_keys=False,
            allow_unicode=True,
            width=100,
        ).splitlines()
        lines += ["```"]
        for path, node in _objects(schema):
            lines += ["", _heading(path, node), ""]
            if path and node.get("description"):
                lines += [_text(node["description"]), ""]
            lines += _table(node, schema)
    return "\n".join(lines) + "\n"


class _IndentedLists(yaml.SafeDumper):
    """YAML with list items indented under their key, as the shipped files write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def smallest_file(kind: str) -> dict[str, Any]:
    """A file of ``kind`` with only its required keys, each set to its first example."""
    schema = json_schema(kind)
    return _smallest(schema, schema)


def _smallest(node: Schema, schema: Schema) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key in node.get("required", []):
        prop = node["properties"][key]
        if prop.get("examples"):
            found[key] = prop["examples"][0]
        elif prop.get("type") == "array" and "$ref" in prop.get("items", {}):
            item = schema["$defs"][_ref_name(prop["items"])]
            found[key] = [_smallest(item, schema)] * max(prop.get("minItems", 1), 1)
        else:
            raise ValueError(f"the required key {key!r} needs an example")
    return found


def _objects(schema: Schema) -> Iterator[tuple[str, Schema]]:
    """Each object of a file, with the path of keys that leads to it, parents first."""
    seen: set[str] = set()
    queue: list[tuple[str, Schema]] = [("", schema)]
    while queue:
        path, node = queue.pop(0)
        yield path, node
        for key, prop in node.get("properties", {}).items():
            for inner, name in _refs(prop, f"{path}.{key}" if path else key):
                if name not in seen:
                    seen.add(name)
                    queue.append((inner, schema["$defs"][name]))


def _refs(prop: Schema, path: str) -> Iterator[tuple[str, str]]:
    """The models a property holds, with the path of each: ``indicators[]``, ``surveys.<code>``."""
    if "$ref" in prop:
        yield path, _ref_name(prop)
    for option in prop.get("anyOf", []):
        yield from _refs(option, path)
    if isinstance(prop.get("items"), dict):
        yield from _refs(prop["items"], f"{path}[]")
    if isinstance(prop.get("additionalProperties"), dict):
        key = prop.get("propertyNames", {}).get("title", "key")
        yield from _refs(prop["additionalProperties"], f"{path}.<{key}>")


def _ref_name(prop: Schema) -> str:
    return str(prop["$ref"]).rsplit("/", 1)[-1]


def _heading(path: str, node: Schema) -> str:
    if not path:
        return "### Top-level keys"
    return f"### {_words(node['title'])}: `{path}`"


def _words(title: str) -> str:
    """``YearTargets`` -> ``Year targets``."""
    if title in _TITLES:
        return _TITLES[title]
    spaced = "".join(f" {c.lower()}" if c.isupper() and i else c for i, c in enumerate(title))
    return spaced[:1].upper() + spaced[1:]


def _table(node: Schema, schema: Schema) -> list[str]:
    required = set(node.get("required", []))
    rows = [
        "| key | required | value | default | example | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for key, prop in node.get("properties", {}).items():
        cells = [
            f"`{key}`",
            "**required**" if key in required else "optional",
            _value_text(prop, schema),
            _default_text(prop) if key not in required else "",
            _example_text(key, prop),
            _text(prop.get("description", "")),
        ]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return rows


def _value_text(prop: Schema, schema: Schema) -> str:
    """What a value may be, in words: ``number, more than 0, at most 100``."""
    if "$ref" in prop:
        return _words(_ref_name(prop))
    if "anyOf" in prop:
        options = [o for o in prop["anyOf"] if o.get("type") != "null"]
        return " or ".join(_value_text(o, schema) for o in options)
    if "const" in prop:
        return f"`{prop['const']}`"
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items", {})
        if "enum" in items:
            text = "list of any of " + ", ".join(f"`{v}`" for v in items["enum"])
        else:
            text = "list of " + _value_text(items, schema)
        return text + (" (at least one)" if prop.get("minItems") == 1 else "")
    if kind == "object":
        key = prop.get("propertyNames", {})
        key_text = _PATTERN_WORDS.get(key.get("pattern", ""), key.get("title", "key"))
        return f"for each {key_text}: {_value_text(prop.get('additionalProperties', {}), schema)}"
    words = {"string": "text", "number": "number", "integer": "whole number", "boolean": ""}
    text = words.get(str(kind), str(kind))
    if kind == "boolean":
        text = "`true` or `false`"
    if "pattern" in prop:
        text = _PATTERN_WORDS.get(prop["pattern"], f"text matching `{prop['pattern']}`")
    limits = [
        f"{word} {_number(prop[bound])}"
        for bound, word in (
            ("minimum", "at least"),
            ("exclusiveMinimum", "more than"),
            ("maximum", "at most"),
        )
        if bound in prop
    ]
    if prop.get("minLength") == 1:
        limits.append("not empty")
    return f"{text} ({', '.join(limits)})" if limits else text


def _number(value: float) -> str:
    return f"{value:g}"


def _default_text(prop: Schema) -> str:
    if "default" not in prop or prop["default"] is None:
        return "none"
    return f"`{_flow(prop['default'])}`"


def _example_text(key: str, prop: Schema) -> str:
    examples = prop.get("examples")
    if not examples:
        return ""
    return f"`{key}: {_flow(examples[0])}`"


def _flow(value: Any) -> str:
    """``value`` written as YAML on one line, quoted only where YAML would misread it."""
    plain = _plain(value)
    try:
        if yaml.safe_load(f"key: {plain}") == {"key": value}:
            return plain
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    return str(value)


def _text(description: str) -> str:
    """A description as Markdown table text: ``<name>`` must not read as an HTML tag."""
    return description.replace("<", "&lt;").replace(">", "&gt;")
