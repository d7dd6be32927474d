"""A benchmark's JSON Schema made safe to use in the session: offline, bounded, self-contained.

Apart from :mod:`dashboard.schema.checks` along the data flow: before a schema checks anything
(a result, or itself against its meta-schema) it must be one the dashboard can use
without harm, and that is a concern of its own. Benchmark schemas come from users, and
jsonschema left to itself fetches any ``$ref`` it cannot resolve (a request from the
dashboard's server to any address, and a listener that never answers freezes every
session of the server), recurses as deep as the schema goes and works as long as the
schema makes it. Here:

- references resolve in a `referencing.Registry` that holds the schema itself and,
  as jsonschema adds them, the drafts' meta-schemas; nothing is ever retrieved;
- every ``$ref`` (``$dynamicRef``, ``$recursiveRef``) is looked up before the schema is
  used, and one the schema does not define (another document, a pointer to nothing)
  is a :class:`Flaw` naming it, as is a ``$ref`` that leads back to itself before any
  part of the value is checked (checking would never end), or a chain of them longer
  than :data:`MAX_CHAIN`;
- a schema nests at most :data:`MAX_SCHEMA_DEPTH` levels, and its ``$schema`` is text;
- checking one value evaluates at most :data:`MAX_WORK` keywords (:func:`errors_of`), and
  its patterns match within a time limit (:mod:`dashboard.schema.patterns`). To count
  every keyword, the whole schema is checked under the draft its root names (a
  subschema's own ``$schema`` is not followed; benchmark schemas have none).

Failures are :class:`UnusableSchema` / :class:`Flaw` (a path in the schema and words)
and :class:`TooMuchWork`; :mod:`dashboard.schema.checks` turns them into the problems
the forms show.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import Any
from urllib.parse import urldefrag, urljoin

import jsonschema
import referencing
import referencing.jsonschema
from jsonschema.protocols import Validator
from referencing.exceptions import NoSuchAnchor, PointerToNowhere, Unresolvable

from dashboard.schema.patterns import BOUNDED

__all__ = [
    "MAX_CHAIN",
    "MAX_SCHEMA_DEPTH",
    "MAX_WORK",
    "Flaw",
    "TooMuchWork",
    "UnusableSchema",
    "errors_of",
    "meta_schema_error",
    "offline_validator",
    "reference_flaws",
    "too_deep",
    "validator_class",
]

#: Real benchmark schemas nest under ten levels (two per level of the result they
#: describe); checking one against its meta-schema costs about five Python frames per
#: level, so this keeps far from the interpreter's limit.
MAX_SCHEMA_DEPTH = 64
#: Real schemas chain a handful of $refs and allOf/anyOf that apply to the same value.
MAX_CHAIN = 32
#: Keywords evaluated while checking one value: a 50,000-value result checked with a few
#: keywords per value takes a hundred thousand or two (about a second); schemas whose
#: references branch at every level take exponentially many, and are stopped here rather
#: than hold every session of the server.
MAX_WORK = 200_000
#: Nothing is retrieved: an unknown URI is simply not there (jsonschema combines this
#: with its registry of the drafts' meta-schemas, so those resolve, offline).
OFFLINE = referencing.Registry()
_REF_KEYWORDS = ("$ref", "$dynamicRef", "$recursiveRef")
# Keywords whose values are data, not schemas: a "$ref" key inside them refers to nothing.
_DATA = frozenset({"enum", "const", "default", "examples"})
# Keywords whose values map names to schemas (the names are not keywords).
_NAMED = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"}
)
# Keywords applying a subschema to the same value: a loop through these alone never ends.
_IN_PLACE = frozenset({"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas"})
_LONGEST_REF = 80
_TEXT_KEYWORDS = (
    (
        "$schema",
        'the address of a JSON Schema draft, such as "http://json-schema.org/draft-07/schema#"',
    ),
    ("$id", "the address (URI) this schema is known by"),
)


@dataclass(frozen=True)
class Flaw:
    """Why a schema cannot be used: where in it (JSON path parts) and what, in words."""

    path: tuple[str | int, ...]
    message: str


class TooMuchWork(Exception):
    """Checking a value against a schema took more than :data:`MAX_WORK` keyword checks."""


class UnusableSchema(Exception):
    """A schema that must not be used to check anything; carries its :class:`Flaw`."""

    def __init__(self, flaw: Flaw) -> None:
        super().__init__(flaw.message)
        self.flaw = flaw


def _shown(ref: str) -> str:
    return ref if len(ref) <= _LONGEST_REF else ref[: _LONGEST_REF - 1] + "…"


def too_deep(value: Any, limit: int) -> tuple[str | int, ...] | None:
    """The path of the first list or object nested deeper than `limit`, or None.

    Written out with a stack rather than recursion: the point is to stop values that
    nest deeper than the interpreter's own recursion limit."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, Mapping):
            children = node.items()
        elif isinstance(node, list):
            children = enumerate(node)
        else:
            continue
        if len(path) >= limit:
            return path
        stack.extend((child, (*path, key)) for key, child in children)
    return None


def validator_class(schema: Any, default: type[Validator]) -> type[Validator]:
    """The validator of the draft `schema` names (`default` for none or an unknown one)."""
    if not isinstance(schema, Mapping):
        return default
    path = too_deep(schema, MAX_SCHEMA_DEPTH)
    if path is not None:
        raise UnusableSchema(
            Flaw(
                path,
                f"lists and objects are nested more than {MAX_SCHEMA_DEPTH} levels deep here; "
                f"a benchmark's schema may nest at most {MAX_SCHEMA_DEPTH}",
            )
        )
    flaw = _not_text(schema, ())
    if flaw is not None:
        raise UnusableSchema(flaw)
    with warnings.catch_warnings():  # an unknown $schema falls back, as on the service
        warnings.simplefilter("ignore", DeprecationWarning)
        return jsonschema.validators.validator_for(schema, default=default)


def meta_schema_error(schema: Any, cls: type[Validator]) -> jsonschema.ValidationError | None:
    """The first way `schema` fails its draft's meta-schema (formats checked, offline)."""
    meta = jsonschema.validators.validator_for(cls.META_SCHEMA, default=cls)
    checker = meta(cls.META_SCHEMA, registry=OFFLINE, format_checker=meta.FORMAT_CHECKER)
    return next(iter(checker.iter_errors(schema)), None)


def _identifier(node: Mapping[str, Any], cls: type[Validator]) -> str | None:
    try:
        own_id = cls.ID_OF(node)
    except (AttributeError, TypeError):  # an $id that is not text: a flaw of its own
        return None
    return own_id if isinstance(own_id, str) else None


def _schemas(schema: Mapping[str, Any], cls: type[Validator]) -> Iterator[tuple]:
    """Every object in a schema position: (it, its path, its base URI, its in-place children)."""
    stack: list[tuple[Any, tuple[str | int, ...], str]] = [(schema, (), "")]
    while stack:
        node, path, base = stack.pop()
        own_id = _identifier(node, cls)
        if own_id is not None:
            base = urldefrag(urljoin(base, own_id)).url
        in_place, below = [], []
        for key, value in node.items():
            if key in _DATA:
                continue
            if key in _NAMED and isinstance(value, Mapping):
                children = [(v, (*path, key, name)) for name, v in value.items()]
            elif isinstance(value, list):
                children = [(v, (*path, key, index)) for index, v in enumerate(value)]
            else:
                children = [(value, (*path, key))]
            children = [(child, where) for child, where in children if isinstance(child, Mapping)]
            if key in _IN_PLACE:
                in_place.extend(child for child, _ in children)
            below.extend((child, where, base) for child, where in children)
        stack.extend(reversed(below))  # popped in the order they are written
        yield node, path, base, in_place


def _not_text(node: Mapping[str, Any], path: tuple) -> Flaw | None:
    """A $schema or $id that is not text: referencing and jsonschema cannot read one."""
    for keyword, meaning in _TEXT_KEYWORDS:
        if keyword in node and not isinstance(node[keyword], str):
            return Flaw((*path, keyword), f"must be text in quotes: {meaning}")
    return None


def _unresolvable(ref: str, error: Unresolvable) -> str:
    shown = _shown(ref)
    if isinstance(error, PointerToNowhere):
        return f'"{shown}" points to nothing in this schema'
    if isinstance(error, NoSuchAnchor):
        return f'"{shown}" names an anchor this schema does not define'
    return (
        f'"{shown}" refers to a document outside this schema, which the dashboard does not '
        'fetch: put the definition under "$defs" and refer to it as "#/$defs/its-name"'
    )


def reference_flaws(schema: Any, cls: type[Validator]) -> list[Flaw]:
    """Every reference of `schema` that it does not resolve itself, and the first loop.

    referencing resolves each reference; it has no way to list them, or to tell a loop
    that never checks anything from a recursive schema that descends into the value,
    so the walk over the schema's keywords is written here."""
    if not isinstance(schema, Mapping):
        return []
    schemas = list(_schemas(schema, cls))
    flaws = [flaw for node, path, *_ in schemas if (flaw := _not_text(node, path))]
    if flaws:
        return flaws
    specification = referencing.jsonschema.specification_with(
        cls.ID_OF(cls.META_SCHEMA) or "urn:unknown-dialect",
        default=referencing.Specification.OPAQUE,
    )
    resource = specification.create_resource(schema)
    registry = jsonschema.validators.SPECIFICATIONS.combine(OFFLINE)
    registry = registry.with_resource(resource.id() or "", resource).crawl()
    edges: dict[int, list[tuple[Any, tuple]]] = {}
    paths = {id(node): path for node, path, *_ in schemas}
    for node, path, base, in_place in schemas:
        edges[id(node)] = [(child, ()) for child in in_place]
        for keyword in _REF_KEYWORDS:
            ref = node.get(keyword)
            if not isinstance(ref, str):
                continue
            try:
                target = registry.resolver(base).lookup(ref).contents
            except Unresolvable as error:
                flaws.append(Flaw((*path, keyword), _unresolvable(ref, error)))
                continue
            if isinstance(target, Mapping):
                edges[id(node)].append((target, (*path, keyword, ref)))
    return flaws or _first_loop(schema, edges, paths)


def _first_loop(schema: Mapping[str, Any], edges: dict, paths: dict) -> list[Flaw]:
    """A reference that leads back to where it started through in-place keywords only,
    or a chain of them too long to follow (each step costs the validator a few frames)."""
    done: set[int] = set()
    height: dict[int, int] = {}
    for start in [schema, *(target for out in edges.values() for target, _ in out)]:
        if id(start) in done:
            continue
        on_path = {id(start)}
        stack = [(start, iter(edges.get(id(start), ())), ())]
        while stack:
            node, out, _ = stack[-1]
            step = next(out, None)
            if step is None:
                stack.pop()
                on_path.discard(id(node))
                done.add(id(node))
                steps = [height.get(id(target), 0) for target, _ in edges.get(id(node), ())]
                height[id(node)] = 1 + max(steps, default=0)
                if height[id(node)] > MAX_CHAIN:
                    message = (
                        f"starts a chain of more than {MAX_CHAIN} references and subschemas "
                        "that all apply to the same value: too long to check"
                    )
                    return [Flaw(paths.get(id(node), ()), message)]
                continue
            target, ref = step
            if id(target) in on_path:
                start_at = next(i for i, entry in enumerate(stack) if entry[0] is target)
                refs = [r for *_, r in stack[start_at + 1 :] if r] + ([ref] if ref else [])
                *where, keyword, shown = refs[0] if refs else ("$ref", "")
                return [
                    Flaw(
                        (*where, keyword),
                        f'"{_shown(shown)}" starts a loop of references that comes back here '
                        "before checking any part of the value, so checking would never end",
                    )
                ]
            if id(target) not in done:
                on_path.add(id(target))
                stack.append((target, iter(edges.get(id(target), ())), ref))
    return []


_WORK_LEFT: ContextVar[list[int]] = ContextVar("work_left")


def _counted(keyword: Any) -> Any:
    def counted(validator: Validator, value: Any, instance: Any, schema: Any) -> Iterator:
        left = _WORK_LEFT.get(None)
        if left is not None:
            left[0] -= 1
            if left[0] < 0:
                raise TooMuchWork
        errors = keyword(validator, value, instance, schema)
        if errors is not None:
            yield from errors

    return counted


@cache
def _counting(cls: type[Validator]) -> type[Validator]:
    """`cls` with every keyword counted against the check's budget (jsonschema has no
    budget of its own; subschemas are checked by the same class, so they count too), and
    patterns matched with a time limit."""
    keywords = {
        name: _counted(BOUNDED.get(name, keyword)) for name, keyword in cls.VALIDATORS.items()
    }
    return jsonschema.validators.extend(cls, keywords)


def offline_validator(schema: Any, default: type[Validator]) -> Validator:
    """A validator of values for `schema` that never fetches anything and checks formats.

    Raises :class:`UnusableSchema` when the schema is too deep, names its draft wrongly,
    refers outside itself or loops. Use it through :func:`errors_of`, which bounds the work."""
    cls = validator_class(schema, default)
    flaws = reference_flaws(schema, cls)
    if flaws:
        raise UnusableSchema(flaws[0])
    counting = _counting(cls)
    return counting(_one_dialect(schema), registry=OFFLINE, format_checker=cls.FORMAT_CHECKER)


def _one_dialect(schema: Any) -> Any:
    """A copy of `schema` without ``$schema``: checked wholly under the draft its root
    names, by the counting class (a subschema naming a draft would switch to jsonschema's
    own class, which counts nothing). The depth is bounded, so recursion is safe here."""
    if isinstance(schema, list):
        return [_one_dialect(item) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    copy: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "$schema":
            continue
        if key in _DATA:
            copy[key] = value
        elif key in _NAMED and isinstance(value, Mapping):
            copy[key] = {name: _one_dialect(sub) for name, sub in value.items()}
        else:
            copy[key] = _one_dialect(value)
    return copy


def errors_of(validator: Validator, value: Any, most: int) -> list[jsonschema.ValidationError]:
    """The first `most` ways `value` fails; :class:`TooMuchWork` past :data:`MAX_WORK`."""
    token = _WORK_LEFT.set([MAX_WORK])
    try:
        return list(islice(validator.iter_errors(value), most))
    finally:
        _WORK_LEFT.reset(token)
