"""A benchmark's JSON Schema, flattened into the typed fields of its result JSON.

:func:`flatten_schema` turns the schema into :class:`~dashboard.schema.fields.SchemaField` objects:
dotted leaf paths with kinds, descriptions, units and enums. Benchmark schemas come
from users, so it never raises: whatever it cannot make sense of becomes a field of
kind ``"any"`` rather than an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from dashboard.schema.fields import SchemaField, join_kinds, public_kind, unit_in, value_kind

__all__ = ["flatten_schema"]

_SCALAR_KINDS = frozenset({"number", "integer", "boolean", "string", "datetime"})
_DATE_FORMATS = frozenset({"date-time", "date"})
_JSON_TYPES = frozenset({"number", "integer", "boolean", "string", "array", "object", "null"})
# Each level of a schema costs a few Python frames; real schemas nest a dozen levels,
# so this only stops hostile or generated ones before the interpreter's own limit does.
_MAX_DEPTH = 64
# Shared $defs referenced twice per level double the tree at every level; past this many
# subschemas a hostile schema's remaining branches become object leaves instead of hanging.
_MAX_SUBSCHEMAS = 20_000


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
        kind=join_kinds(branch.info.kind for branch in branches),
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
        kind = join_kinds("datetime" if t == "string" and is_date else t for t in types)
    elif has_children:
        kind = "object"
    elif "items" in schema or "prefixItems" in schema:
        kind = "array"
    elif enum_ is not None:
        kind = join_kinds(value_kind(value, detect_dates=False) for value in enum_)
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
        kind=public_kind(info.kind),
        description=info.description,
        unit=info.unit or unit_in(info.description),
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
