"""A benchmark's JSON Schema, flattened into typed columns of its result JSON.

The results explorer offers one column, filter and tooltip per leaf of a result's
JSON, and the upload form one hint per field; both need the leaves as dotted paths
(``machine.cpu.count``) with a kind that picks the filter operators and widget.
:func:`flatten_schema` reads them from the benchmark's schema, :func:`fields_from_data`
from the results themselves (free-form benchmarks have the empty schema, and results
may carry fields their schema does not name), and :func:`merge_fields` joins both.

Benchmark schemas come from users, so :func:`flatten_schema` never raises: whatever it
cannot make sense of becomes a field of kind ``"any"`` rather than an error.
"""

from __future__ import annotations

import enum
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal, get_args
from urllib.parse import unquote

__all__ = [
    "MISSING",
    "Kind",
    "SchemaField",
    "fields_from_data",
    "flatten_schema",
    "lookup",
    "merge_fields",
]

Kind = Literal["number", "integer", "boolean", "string", "datetime", "array", "object", "any"]

_KINDS = frozenset(get_args(Kind))
_OPERATORS = ("==", ">", "<", ">=", "<=")
_ORDERED_KINDS = frozenset({"number", "integer", "datetime"})
_SCALAR_KINDS = frozenset({"number", "integer", "boolean", "string", "datetime"})
_DATE_FORMATS = frozenset({"date-time", "date"})
_JSON_TYPES = frozenset({"number", "integer", "boolean", "string", "array", "object", "null"})
# Each level of a schema costs a few Python frames; real schemas nest a dozen levels,
# so this only stops hostile or generated ones before the interpreter's own limit does.
_MAX_DEPTH = 64
# Shared $defs referenced twice per level double the tree at every level; past this many
# subschemas a hostile schema's remaining branches become object leaves instead of hanging.
_MAX_SUBSCHEMAS = 20_000

# Units: a custom "unit" keyword wins; otherwise a description names one in brackets,
# in parentheses or after "in". Only tokens that look like units count, so that
# "(lower is better)" or "in the container" never become one.
_UNIT = re.compile(
    r"[kKMGTPE]i?B(?:/s)?|[kMGTP]?bit(?:/s|ps)?|[kMGT]bps"  # GiB, MB/s, Gbit/s, Mbps
    r"|[mµun]?s|min|h"  # durations
    r"|%|IOPS|[kMGTP]?FLOPS|[kMG]?Hz"
    r"|[A-Za-z]+/s"  # rates of things: images/s, events/s
)
_UNIT_WORDS = {"seconds": "s", "milliseconds": "ms", "minutes": "min", "hours": "h"}
_BRACKETED = re.compile(r"\[([^\[\]]{1,20})\]|\(([^()]{1,20})\)")
_AFTER_IN = re.compile(r"(?i:\bin)\s+([\w/%µ]+)(\s+per\s+second)?")
# Unambiguous even without "in" or brackets; a lone "s" or "h" would not be.
_BARE_UNIT = re.compile(r"(?<![\w/])([A-Za-z]+/s|[kKMGTP]i?B|ms|IOPS)(?![\w/])")
_TIME_UNITS = frozenset({"s", "ms", "µs", "us", "ns", "min", "h"})
_LOWER_BETTER = re.compile(r"\b(?:lower|less|smaller) is better\b")
_HIGHER_BETTER = re.compile(r"\b(?:higher|more|larger|bigger) is better\b")
_THROUGHPUT_TEXT = re.compile(r"per second|\biops\b|\w/s\b")
_TIME_TEXT = re.compile(r"\blatency\b|\bseconds\b")
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)


class _Missing(enum.Enum):
    MISSING = "MISSING"


MISSING = _Missing.MISSING
"""What :func:`lookup` returns for a path that a document does not have (JSON null is ``None``)."""


@dataclass(frozen=True)
class SchemaField:
    """One leaf of a result's JSON: where it is, what kind of value, and how to show it."""

    path: str
    kind: Kind
    description: str = ""
    unit: str | None = None
    suggested: bool = False
    required: bool = False
    enum: tuple[Any, ...] | None = None
    title: str = ""

    @property
    def numeric(self) -> bool:
        """Whether values are numbers (plots and range filters make sense)."""
        return self.kind in ("number", "integer")

    @property
    def operators(self) -> tuple[str, ...]:
        """The filter operators that fit: ordering for numbers and times, ``==`` for enums."""
        if self.kind in ("array", "object"):
            return ()
        if self.enum is not None:
            return ("==",)
        if self.kind in _ORDERED_KINDS:
            return _OPERATORS
        return ("==",) if self.kind in ("boolean", "string") else ()

    @property
    def label(self) -> str:
        """A human label: the title or the last path part, and the unit, as ``score [s]``."""
        name = self.title or self.path.rsplit(".", 1)[-1]
        return f"{name} [{self.unit}]" if self.unit else name

    @property
    def lower_is_better(self) -> bool | None:
        """Whether smaller values are better, from the wording or the unit; None if unknown."""
        text = f"{self.title} {self.description}".lower()
        if _LOWER_BETTER.search(text):
            return True
        if _HIGHER_BETTER.search(text):
            return False
        if self.unit:
            if self.unit.endswith(("/s", "bps")) or self.unit.upper() in ("IOPS", "FLOPS"):
                return False
            if self.unit in _TIME_UNITS:
                return True
        if _THROUGHPUT_TEXT.search(text):
            return False
        return True if _TIME_TEXT.search(text) else None


def field_labels(fields: Iterable[SchemaField]) -> dict[str, str]:
    """Path → label, the full path where labels would clash (``rtt_ms.avg``, ``cpu.avg``)."""
    fields = list(fields)
    uses = Counter(f.label for f in fields)
    return {
        f.path: f.label if uses[f.label] == 1 else f"{f.path} [{f.unit}]" if f.unit else f.path
        for f in fields
    }


def _unit_in(description: str) -> str | None:
    """The unit a description names (``"in seconds"``, ``"[MB/s]"``, ``"(ms)"``), or None."""
    for match in _BRACKETED.finditer(description):
        unit = _as_unit((match.group(1) or match.group(2)).strip())
        if unit:
            return unit
    for match in _AFTER_IN.finditer(description):
        token, per_second = match.groups()
        if per_second:
            return f"{token}/s" if token.isalpha() else None
        unit = _as_unit(token)
        if unit:
            return unit
    match = _BARE_UNIT.search(description)
    return match.group(1) if match else None


def _as_unit(token: str) -> str | None:
    if token.lower() in _UNIT_WORDS:
        return _UNIT_WORDS[token.lower()]
    return token if _UNIT.fullmatch(token) else None


# --- flatten_schema: a schema becomes a tree of _Nodes, the tree becomes fields ---


@dataclass(frozen=True)
class _Info:
    """What a schema says about a value itself; kind None means it does not constrain it."""

    kind: str | None = None
    description: str = ""
    title: str = ""
    unit: str | None = None
    suggested: bool = False
    enum: tuple[Any, ...] | None = None


@dataclass
class _Node:
    """A schema as the value it describes: the value itself and its named properties."""

    info: _Info
    children: dict[str, _Node] = field(default_factory=dict)
    required: frozenset[str] = frozenset()


def _join_kinds(kinds: Iterable[str | None]) -> str | None:
    """The kind of a value that may be any of ``kinds`` (a type list, anyOf branches)."""
    present = set(kinds)
    if None in present:
        return None
    present.discard("null")  # ["number", "null"] is a number column with gaps
    if not present:
        return "null"
    if present <= {"integer", "number"}:
        return "number" if "number" in present else "integer"
    if present == {"string", "datetime"}:
        return "string"
    return present.pop() if len(present) == 1 else "any"


def _meet_kinds(a: str | None, b: str | None) -> str | None:
    """The kind of a value that is both ``a`` and ``b`` (allOf branches, $ref siblings)."""
    if a in (None, "any", "null"):  # they say less than a type does: the other side wins
        return a if b is None else b
    if b in (None, "any", "null") or a == b:
        return a
    if {a, b} == {"integer", "number"}:
        return "integer"
    return "datetime" if {a, b} == {"string", "datetime"} else "any"


def _meet(a: _Node, b: _Node) -> _Node:
    """Both schemas at once (allOf): the first description, title and unit found win."""
    enum_ = a.info.enum if b.info.enum is None else b.info.enum
    if a.info.enum is not None and b.info.enum is not None:
        enum_ = tuple(value for value in a.info.enum if value in b.info.enum)
    info = _Info(
        kind=_meet_kinds(a.info.kind, b.info.kind),
        description=a.info.description or b.info.description,
        title=a.info.title or b.info.title,
        unit=a.info.unit or b.info.unit,
        suggested=a.info.suggested or b.info.suggested,
        enum=enum_,
    )
    children = dict(a.children)
    for name, child in b.children.items():
        children[name] = _meet(children[name], child) if name in children else child
    return _Node(info, children, a.required | b.required)


def _join(branches: list[_Node]) -> _Node:
    """Either schema (anyOf/oneOf): texts kept only where the branches agree."""

    def agreed(values: Iterable[Any]) -> Any:
        distinct = {value for value in values if value}
        return distinct.pop() if len(distinct) == 1 else None

    enum_: tuple[Any, ...] | None = None
    if all(branch.info.enum is not None for branch in branches):
        values = [value for branch in branches for value in branch.info.enum or ()]
        enum_ = tuple(value for i, value in enumerate(values) if value not in values[:i])
    info = _Info(
        kind=_join_kinds(branch.info.kind for branch in branches),
        description=agreed(branch.info.description for branch in branches) or "",
        title=agreed(branch.info.title for branch in branches) or "",
        unit=agreed(branch.info.unit for branch in branches),
        suggested=any(branch.info.suggested for branch in branches),
        enum=enum_,
    )
    names = dict.fromkeys(name for branch in branches for name in branch.children)
    children = {
        name: _join([branch.children[name] for branch in branches if name in branch.children])
        for name in names
    }
    required = frozenset.intersection(*(branch.required for branch in branches))
    return _Node(info, children, required)


class _Flattener:
    """Walks one schema document, resolving its local ``$ref``s against its root."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.budget = _MAX_SUBSCHEMAS

    def walk(self, schema: Any, refs: tuple[str, ...], ids: frozenset[int]) -> _Node | None:
        """The tree of ``schema``; None for ``false`` (no value is valid, so no field)."""
        if schema is False:
            return None
        if not isinstance(schema, Mapping):  # ``true`` or garbage: anything goes
            return _Node(_Info())
        self.budget -= 1
        if id(schema) in ids or len(ids) > _MAX_DEPTH or self.budget < 0:  # cycle or too big
            return _Node(_Info(kind="object"))
        ids = ids | {id(schema)}
        # The schema's own keywords come first, so its description beats a referenced one.
        parts = [self.own(schema, refs, ids)]
        if "$ref" in schema:
            parts.append(self.follow(schema["$ref"], refs, ids))
        all_of = schema.get("allOf")
        if isinstance(all_of, list):
            parts.extend(self.walk(branch, refs, ids) for branch in all_of)
        for keyword in ("anyOf", "oneOf"):
            branches = schema.get(keyword)
            if isinstance(branches, list):
                nodes = [node for b in branches if (node := self.walk(b, refs, ids)) is not None]
                parts.append(_join(nodes) if nodes else None)
        nodes = [part for part in parts if part is not None]
        node = nodes[0]
        for part in nodes[1:]:
            node = _meet(node, part)
        return node

    def follow(self, ref: Any, refs: tuple[str, ...], ids: frozenset[int]) -> _Node | None:
        """The tree of the schema ``ref`` points at; a cycle stops as an object leaf."""
        target = self.resolve(ref)
        if target is None:
            return _Node(_Info(kind="any"))
        pointer, schema = target
        if pointer in refs:
            return _Node(_Info(kind="object"))
        return self.walk(schema, (*refs, pointer), ids)

    def resolve(self, ref: Any) -> tuple[str, Any] | None:
        """The JSON pointer and schema of a local ``$ref``; None if it leads nowhere."""
        if not isinstance(ref, str) or not ref.startswith("#"):
            return None  # other documents are out of reach without I/O
        pointer = unquote(ref[1:])
        if not pointer:
            return "", self.root
        if not pointer.startswith("/"):
            return None  # a plain-name fragment ($anchor)
        node = self.root
        for token in pointer[1:].split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdecimal() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
        return pointer, node

    def own(self, schema: Mapping[str, Any], refs: tuple[str, ...], ids: frozenset[int]) -> _Node:
        """The tree of the schema's own keywords, without $ref and combinators."""
        raw_type = schema.get("type")
        types = [raw_type] if isinstance(raw_type, str) else raw_type
        types = [t for t in types if t in _JSON_TYPES] if isinstance(types, list) else []
        names = schema.get("required")
        names = names if isinstance(names, list) else []
        required = frozenset(name for name in names if isinstance(name, str))
        properties = schema.get("properties")
        children: dict[str, _Node] = {}
        if isinstance(properties, Mapping) and (not types or "object" in types):
            for name, subschema in properties.items():
                child = self.walk(subschema, refs, ids)
                if child is not None:
                    children[str(name)] = child
        return _Node(_info(schema, types, bool(children)), children, required)


def _info(schema: Mapping[str, Any], types: list[str], has_children: bool) -> _Info:
    enum_: tuple[Any, ...] | None = None
    if "const" in schema:
        enum_ = (schema["const"],)
    elif isinstance(schema.get("enum"), list):
        enum_ = tuple(schema["enum"])
    is_date = schema.get("format") in _DATE_FORMATS
    kind: str | None
    if types:
        kind = _join_kinds("datetime" if t == "string" and is_date else t for t in types)
    elif has_children:
        kind = "object"
    elif "items" in schema or "prefixItems" in schema:
        kind = "array"
    elif enum_ is not None:
        kind = _join_kinds(_value_kind(value, detect_dates=False) for value in enum_)
        kind = "datetime" if kind == "string" and is_date else kind
    else:
        kind = "datetime" if is_date else None
    unit = next((schema[k] for k in ("unit", "units") if isinstance(schema.get(k), str)), None)
    return _Info(
        kind=kind,
        description=_text(schema.get("description")),
        title=_text(schema.get("title")),
        unit=unit or None,
        suggested=schema.get("suggestToUser") is True,
        enum=enum_,
    )


def _public_kind(kind: str | None) -> Kind:
    """Unconstrained (None) and null-only values are "any" to callers."""
    return kind if kind in _KINDS else "any"  # type: ignore[return-value]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _fields(node: _Node, prefix: str, required: bool, out: dict[str, SchemaField]) -> None:
    for name, child in node.children.items():
        path = f"{prefix}.{name}" if prefix else name
        child_required = required and name in node.required
        # A value that may be a scalar or an object (anyOf) is a column as well as a parent.
        if not child.children or child.info.kind in _SCALAR_KINDS:
            out.setdefault(path, _field(path, child.info, child_required))
        _fields(child, path, child_required, out)


def _field(path: str, info: _Info, required: bool) -> SchemaField:
    return SchemaField(
        path=path,
        kind=_public_kind(info.kind),
        description=info.description,
        unit=info.unit or _unit_in(info.description),
        suggested=info.suggested,
        required=required,
        enum=info.enum,
        title=info.title,
    )


def flatten_schema(schema: Mapping[str, Any] | bool | None) -> list[SchemaField]:
    """The leaf fields of a result JSON that ``schema`` describes, in document order.

    Objects with ``properties`` are descended into (also through local ``$ref``,
    ``allOf``, ``anyOf`` and ``oneOf``); arrays, objects without properties and
    anything unresolvable are leaves. The root is never a field itself, so the empty
    schema (a free-form benchmark) gives no fields. Never raises.
    """
    root = _Flattener(schema).walk(schema, ("",), frozenset())
    out: dict[str, SchemaField] = {}
    if root is not None:
        _fields(root, "", True, out)
    return list(out.values())


# --- fields from the results themselves ---


def _value_kind(value: Any, *, detect_dates: bool = True) -> str:
    if isinstance(value, bool):  # before int: bool is an int in Python
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "datetime" if detect_dates and _is_datetime(value) else "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return "null" if value is None else "any"


def _is_datetime(text: str) -> bool:
    if not _ISO_DATETIME.fullmatch(text):
        return False
    try:
        datetime.fromisoformat(text)
    except ValueError:  # shaped like a date, but 2024-13-45 is not one
        return False
    return True


def fields_from_data(
    documents: Iterable[Mapping[str, Any]], limit: int = 2000
) -> list[SchemaField]:
    """The leaf fields found in up to ``limit`` result JSONs, kinds inferred from values.

    Lists and empty objects are leaves. A path whose values differ in kind is
    ``"any"``, except that integers and floats make ``"number"`` and datetimes and
    other strings make ``"string"``; nulls count for nothing. Paths are in the order
    first seen.
    """
    kinds: dict[str, set[str]] = {}

    def visit(node: Mapping[str, Any], prefix: str) -> None:
        for name, value in node.items():
            path = f"{prefix}.{name}" if prefix else str(name)
            if isinstance(value, Mapping) and value:
                visit(value, path)
            else:
                kinds.setdefault(path, set()).add(_value_kind(value))

    for document in itertools.islice(documents, max(limit, 0)):
        if isinstance(document, Mapping):
            visit(document, "")
    return [
        SchemaField(path=path, kind=_public_kind(_join_kinds(found)))
        for path, found in kinds.items()
    ]


def merge_fields(
    schema_fields: list[SchemaField], data_fields: list[SchemaField]
) -> list[SchemaField]:
    """Schema fields first in schema order, then paths only the data has, sorted.

    A schema field of kind ``"any"`` (untyped, or an unresolvable ``$ref``) takes the
    kind the data shows, so that it still gets a filter that fits its values.
    """
    observed = {f.path: f.kind for f in data_fields}
    merged: dict[str, SchemaField] = {}
    for schema_field in schema_fields:
        kind = observed.get(schema_field.path, "any")
        if schema_field.kind == "any" and kind != "any":
            schema_field = replace(schema_field, kind=kind)
        merged.setdefault(schema_field.path, schema_field)
    extra = sorted((f for f in data_fields if f.path not in merged), key=lambda f: f.path)
    for data_field in extra:
        merged.setdefault(data_field.path, data_field)
    return list(merged.values())


def lookup(document: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` of ``document``, or :data:`MISSING` if absent.

    A property name may itself contain dots (``{"a.b": 1}`` has the path ``a.b``),
    so each step tries the shortest name first and then longer ones.
    """

    def find(node: Any, parts: list[str]) -> Any:
        if not parts:
            return node
        if not isinstance(node, Mapping):
            return MISSING
        for end in range(1, len(parts) + 1):
            name = ".".join(parts[:end])
            if name in node:
                found = find(node[name], parts[end:])
                if found is not MISSING:
                    return found
        return MISSING

    return find(document, path.split("."))
