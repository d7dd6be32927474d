"""An example result for a benchmark: a JSON document its schema accepts.

The upload form offers it for download beside the fields it expects, so that a
contributor sees what to upload before they have a file. It is made from the schema
(:func:`example_result`): its ``examples``, ``const``, ``enum`` and ``default`` first,
else a value of the type asked for within the bounds given (``minimum``,
``minItems``, a format's example). Optional fields that the made-up value does not
satisfy (a ``pattern``, say) are left out, and whatever comes out is checked with the
same check as an upload (:func:`~dashboard.schema.checks.check_result`): an example
that would fail is never offered. Schemas come from users: this never raises, follows
only the schema's own ``$ref``s and stops at a bounded depth.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

import jsonschema

from dashboard.schema.checks import FORMAT_EXAMPLES, check_result
from dashboard.schema.offline import errors_of, offline_validator

__all__ = ["example_result", "example_text"]

_MAX_DEPTH = 24
_MISSING = object()


class _Maker:
    """Makes a value for a subschema of one root schema; notes the optional fields."""

    def __init__(self, root: Any, optional: bool) -> None:
        self.root = root
        self.optional = optional  # whether to fill in optional properties too

    def resolve(self, schema: Mapping[str, Any]) -> Any:
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#"):
            return schema
        node: Any = self.root
        for part in filter(None, ref[1:].split("/")):
            key = unquote(part).replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                return {}
        if not isinstance(node, Mapping):
            return node
        merged = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
        return merged

    def merged(self, schema: Any, depth: int) -> Any:
        """The schema with its $ref followed and its allOf (and first anyOf/oneOf) folded in."""
        if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
            return schema
        schema = self.resolve(schema)
        if not isinstance(schema, Mapping):
            return schema
        parts = [s for s in schema.get("allOf", []) if isinstance(s, Mapping)]
        for keyword in ("anyOf", "oneOf"):
            branches = [s for s in schema.get(keyword, []) if isinstance(s, Mapping)]
            parts += branches[:1]
        result = {k: v for k, v in schema.items() if k not in ("allOf", "anyOf", "oneOf", "$ref")}
        for part in parts:
            part = self.merged(part, depth + 1)
            if not isinstance(part, Mapping):
                continue
            for key, value in part.items():
                if key == "properties" and isinstance(value, Mapping):
                    own = result.get("properties", {})
                    result["properties"] = {
                        **own,
                        **{k: v for k, v in value.items() if k not in own},
                    }
                elif key == "required" and isinstance(value, list):
                    result["required"] = [*result.get("required", []), *value]
                else:
                    result.setdefault(key, value)
        return result

    def value(self, schema: Any, depth: int = 0) -> Any:
        """A value the (sub)schema accepts, as far as can be told without checking."""
        schema = self.merged(schema, depth)
        if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
            return _MISSING if schema is False else {}
        for keyword in ("const", "default"):
            if keyword in schema:
                return schema[keyword]
        for keyword in ("examples", "enum"):
            values = schema.get(keyword)
            if isinstance(values, list) and values:
                return values[0]
        return self.typed(schema, _type_of(schema), depth)

    def typed(self, schema: Mapping[str, Any], kind: str, depth: int) -> Any:
        if kind == "object":
            return self.object(schema, depth)
        if kind == "array":
            items = schema.get("items")
            prefix = schema.get("prefixItems")
            if isinstance(prefix, list) and prefix:
                return [self.value(item, depth + 1) for item in prefix]
            count = max(1, _number(schema.get("minItems"), 1))
            return [self.value(items, depth + 1) for _ in range(min(count, 10))]
        if kind in ("number", "integer"):
            return _number_in(schema, kind)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        example = FORMAT_EXAMPLES.get(str(schema.get("format")))
        text = example or "example"
        shortest = _number(schema.get("minLength"), 0)
        return text + "x" * max(0, shortest - len(text))

    def object(self, schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
        properties = schema.get("properties")
        properties = properties if isinstance(properties, Mapping) else {}
        required = schema.get("required")
        required = [n for n in required if isinstance(n, str)] if isinstance(required, list) else []
        names = list(properties) if self.optional else [n for n in properties if n in required]
        names += [n for n in required if n not in names]
        made: dict[str, Any] = {}
        for name in names:
            value = self.value(properties.get(name, {}), depth + 1)
            if value is not _MISSING:
                made[name] = value
        return made


def _type_of(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "required" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    if any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")):
        return "number"
    return "string" if "format" in schema or "pattern" in schema else "object"


def _number(value: Any, default: float) -> Any:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else default


def _number_in(schema: Mapping[str, Any], kind: str) -> int | float:
    """A number within the schema's bounds: just above its lower bound, or 1."""
    low = _number(schema.get("minimum"), None)
    above = _number(schema.get("exclusiveMinimum"), None)
    high = _number(schema.get("maximum"), _number(schema.get("exclusiveMaximum"), None))
    value: float = 1
    if low is not None:
        value = max(value, low) if high is None or high >= 1 else low
    if above is not None:
        value = max(value, above + 1) if high is None or high > above + 1 else above + 0.5
    if high is not None and value > high:
        value = high if low is not None or above is None else (above + high) / 2
    return int(value) if kind == "integer" and float(value).is_integer() else value


def _drop(document: Any, path: list) -> bool:
    """Remove the optional field at ``path`` (or its closest parent the maker added)."""
    for end in range(len(path), 0, -1):
        parent: Any = document
        for key in path[: end - 1]:
            parent = parent[key]
        if isinstance(parent, dict) and path[end - 1] in parent:
            del parent[path[end - 1]]
            return True
    return False


def example_result(schema: Any) -> dict[str, Any] | None:
    """A result JSON that ``schema`` accepts, with its optional fields where possible;
    None when none could be made (the form then shows the fields alone)."""
    try:
        return _example(schema)
    except Exception:  # a user's schema can surprise: no example is better than a failure
        return None


def _example(schema: Any) -> dict[str, Any] | None:
    for optional in (True, False):
        document = _Maker(schema, optional).value(schema)
        if not isinstance(document, dict):
            continue
        if optional and isinstance(schema, Mapping):
            # optional fields the made-up value does not satisfy are left out
            try:
                validator = offline_validator(schema, jsonschema.validators._LATEST_VERSION)
                for _ in range(20):
                    errors = errors_of(validator, document, 20)
                    if not errors or not any(
                        _drop(document, list(e.absolute_path)) for e in errors
                    ):
                        break
            except Exception:
                continue
        if not check_result(document, schema):
            return document
    return None


def example_text(schema: Any) -> str:
    """The example result as an indented JSON file's text; "" when there is none."""
    document = example_result(schema)
    return "" if document is None else json.dumps(document, indent=2, ensure_ascii=False) + "\n"
