"""Checks the real service makes on what users upload: images, schemas, results.

The real service asks its container registry whether a benchmark's image exists;
the sandbox has no registry to ask, so it keeps an offline list of the images it
knows (the seeded ones, and any added by its configuration) and refuses the rest
the same way (422). A
benchmark's JSON Schema must be valid for its own meta-schema, and a result must
pass its benchmark's schema, under the draft the schema's ``$schema`` names (the
real service's defaults: draft-07 to check schemas, the latest draft to validate
results; formats are not checked, as on the real service). Failures answer 422 with
``errors.error`` and ``errors.path``.

Nothing here ever fetches: references resolve in a registry holding only the schema
(and the drafts' meta-schemas), and a schema whose ``$ref`` points outside itself is
refused when submitted, as are schemas too large or too deeply nested to check. The
sandbox imports nothing from the rest of the dashboard, so it keeps its own small
version of these checks.
"""

from __future__ import annotations

import json
import re
import warnings
from collections import deque
from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import urldefrag, urljoin

import jsonschema
import referencing
import referencing.jsonschema
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from referencing.exceptions import Unresolvable

from dashboard.sandbox import errors

_IMAGE = re.compile(
    r"^(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?"  # optional registry host[:port]
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$"
)
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
#: Nothing is retrieved; jsonschema adds the drafts' meta-schemas to this registry.
_OFFLINE = referencing.Registry()
# The dashboard's own bounds (real schemas are a few kB and nest under ten levels).
MAX_SCHEMA_BYTES = 256 * 1024
MAX_SCHEMA_DEPTH = 64
# Values, not schemas: a "$ref" inside refers to nothing. (A property of that name is
# not looked into either; results are checked offline all the same.)
_DATA = frozenset({"enum", "const", "default", "examples"})


def check_image(image: str, tag: str, known: frozenset[str]) -> None:
    """422 unless `image`:`tag` is one the sandbox's registry knows (`known`: ``image:tag``
    names, or patterns such as ``example/*``), as the real service answers for an image
    its container registry has no manifest of."""
    name = f"{image}:{tag}"
    listed = name in known or any(fnmatchcase(name, p) for p in known if "*" in p)
    if not (_IMAGE.match(image) and _TAG.match(tag) and listed):
        raise errors.invalid(
            {"error": "Could not validate container image: Error: manifest not found"}
        )


def _validator_class(schema: dict[str, Any], default: type[Validator]) -> type[Validator]:
    # An unknown `$schema` falls back to the default draft, as on the real service;
    # jsonschema warns about that fallback, which is expected here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return jsonschema.validators.validator_for(schema, default=default)


def check_schema(schema: dict[str, Any]) -> None:
    """422 unless `schema` is valid for its meta-schema, of a sane size and self-contained."""
    too_deep = _too_deep(schema)
    if too_deep is not None:
        raise errors.invalid({"error": "JSON schema nested too deep", "path": f"{too_deep}"})
    if len(json.dumps(schema)) > MAX_SCHEMA_BYTES:
        raise errors.invalid({"error": "JSON schema too large", "path": "deque([])"})
    try:
        cls = _validator_class(schema, jsonschema.Draft7Validator)
        cls.check_schema(schema)
        _check_references(schema, cls)
    except jsonschema.SchemaError as exc:
        raise errors.invalid({"error": exc.message, "path": f"{exc.path}"}) from None
    except errors.ApiError:
        raise
    except Exception as exc:  # e.g. a `$schema` that is not even a string
        raise errors.invalid({"error": str(exc), "path": "deque([])"}) from None


def _too_deep(value: Any) -> deque | None:
    """The path to the first list or object nested past the bound (a stack: no recursion)."""
    stack: list[tuple[Any, tuple]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            items: Any = node.items()
        elif isinstance(node, list):
            items = enumerate(node)
        else:
            continue
        if len(path) >= MAX_SCHEMA_DEPTH:
            return deque(path)
        stack.extend((child, (*path, key)) for key, child in items)
    return None


def _check_references(schema: dict[str, Any], cls: type[Validator]) -> None:
    """422 for the first ``$ref`` that the schema itself does not resolve (none is fetched)."""
    resource = referencing.jsonschema.specification_with(
        cls.ID_OF(cls.META_SCHEMA) or "", default=referencing.Specification.OPAQUE
    ).create_resource(schema)
    registry = jsonschema.validators.SPECIFICATIONS.combine(_OFFLINE)
    registry = registry.with_resource(resource.id() or "", resource).crawl()
    stack: list[tuple[Any, tuple, str]] = [(schema, (), "")]
    while stack:
        node, path, base = stack.pop()
        if isinstance(node, list):
            stack.extend((child, (*path, i), base) for i, child in enumerate(node))
            continue
        if not isinstance(node, Mapping):
            continue
        own_id = cls.ID_OF(node)
        if isinstance(own_id, str):
            base = urldefrag(urljoin(base, own_id)).url
        for keyword in ("$ref", "$dynamicRef", "$recursiveRef"):
            ref = node.get(keyword)
            if isinstance(ref, str):
                try:
                    registry.resolver(base).lookup(ref)
                except Unresolvable:
                    raise errors.invalid(
                        {
                            "error": f"Unresolvable JSON reference: {ref!r} (only references "
                            "within the schema are resolved)",
                            "path": f"{deque((*path, keyword))}",
                        }
                    ) from None
        stack.extend((child, (*path, key), base) for key, child in node.items() if key not in _DATA)


def result_validator(schema: dict[str, Any]) -> Validator:
    """A validator for results of a benchmark with `schema`."""
    cls = _validator_class(schema, jsonschema.validators._LATEST_VERSION)
    return cls(schema, registry=_OFFLINE)


def validate_result(validator: Validator, document: Any) -> None:
    """422 unless `document` passes; the error names the most relevant failure and its path."""
    try:
        error = best_match(validator.iter_errors(document))
    except Exception as exc:  # a user's schema can fail in many ways (unresolvable $ref, bad regex)
        raise errors.invalid({"error": str(exc), "path": "deque([])"}) from None
    if error is not None:
        raise errors.invalid({"error": error.message, "path": f"{error.path}"})
