"""Benchmark schemas flattened into the columns and filters the results explorer offers."""

from __future__ import annotations

import random
from typing import Any, get_args
from urllib.parse import quote

import pytest
from helpers import ALL_OPERATORS, DOCUMENTS, leaf_kind, leaves
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.sandbox import seed_schemas
from dashboard.sandbox.seed import generate
from dashboard.schema.fields import Kind, SchemaField, fields_from_data
from dashboard.schema.flatten import flatten_schema

KINDS = set(get_args(Kind))


# Each case: a schema and the fields it must give, in document order, with the
# attributes that matter for that case (the others are not checked).
FLATTEN_CASES = {
    "nested-objects-and-required": (
        {
            "type": "object",
            "required": ["machine"],
            "properties": {
                "machine": {
                    "type": "object",
                    "required": ["cpu"],
                    "properties": {
                        "cpu": {
                            "type": "object",
                            "required": ["count"],
                            "properties": {"count": {"type": "integer"}, "model": {}},
                        },
                        "os": {"type": "string"},
                    },
                },
                "ok": {"type": "boolean"},
            },
        },
        {
            "machine.cpu.count": {"kind": "integer", "required": True},
            "machine.cpu.model": {"kind": "any", "required": False},
            "machine.os": {"kind": "string", "required": False},
            "ok": {"kind": "boolean", "required": False},
        },
    ),
    "object-without-properties-is-a-leaf": (
        {
            "properties": {
                "meta": {"type": "object"},
                "extra": {
                    "type": "object",
                    "additionalProperties": {"type": "number"},
                    "patternProperties": {"^x": {"type": "string"}},
                },
            },
        },
        {"meta": {"kind": "object"}, "extra": {"kind": "object"}},
    ),
    "ref-to-$defs-2020-12": (
        {
            "$schema": seed_schemas.DRAFT_2020_12,
            "$defs": {"rate": {"type": "number", "description": "Best rate, in MB/s."}},
            "properties": {"copy": {"$ref": "#/$defs/rate"}},
        },
        {"copy": {"kind": "number", "description": "Best rate, in MB/s.", "unit": "MB/s"}},
    ),
    "ref-siblings-override-the-target-2019-09": (
        {
            "$schema": seed_schemas.DRAFT_2019_09,
            "$defs": {"rate": {"type": "number", "description": "Any rate.", "unit": "MB/s"}},
            "properties": {
                "triad": {"$ref": "#/$defs/rate", "description": "Triad.", "suggestToUser": True},
            },
        },
        {"triad": {"kind": "number", "description": "Triad.", "unit": "MB/s", "suggested": True}},
    ),
    "definitions-and-items-array-draft-07": (
        {
            "$schema": seed_schemas.DRAFT_07,
            "definitions": {"lat": {"type": "number", "description": "Latency in ms."}},
            "properties": {
                "latency": {"$ref": "#/definitions/lat"},
                "pair": {"items": [{"type": "number"}, {"type": "string"}]},
            },
        },
        {"latency": {"kind": "number", "unit": "ms"}, "pair": {"kind": "array"}},
    ),
    "root-recursion-stops-as-object": (
        {
            "type": "object",
            "properties": {"name": {"type": "string"}, "child": {"$ref": "#"}},
        },
        {"name": {"kind": "string"}, "child": {"kind": "object"}},
    ),
    "recursive-$defs-stop-as-object": (
        {
            "$defs": {
                "node": {
                    "properties": {"value": {"type": "number"}, "next": {"$ref": "#/$defs/node"}},
                },
            },
            "properties": {"list": {"$ref": "#/$defs/node"}},
        },
        {"list.value": {"kind": "number"}, "list.next": {"kind": "object"}},
    ),
    "json-pointer-escapes": (
        {
            "$defs": {
                "a/b": {"type": "integer"},
                "m~n": {"type": "boolean"},
                "sp ace": {"type": "string"},
            },
            "properties": {
                "slash": {"$ref": "#/$defs/a~1b"},
                "tilde": {"$ref": "#/$defs/m~0n"},
                "percent": {"$ref": "#/$defs/sp%20ace"},
                "array-index": {"$ref": "#/allOf/0"},
            },
            "allOf": [{"type": "number"}],
        },
        {
            "slash": {"kind": "integer"},
            "tilde": {"kind": "boolean"},
            "percent": {"kind": "string"},
            "array-index": {"kind": "number"},
        },
    ),
    "unresolvable-refs-are-any": (
        {
            "properties": {
                "missing": {"$ref": "#/$defs/nope"},
                "remote": {"$ref": "other.json#/x"},
                "anchor": {"$ref": "#some-anchor"},
                "not-a-string": {"$ref": 42, "description": "Kept."},
                "typed": {"$ref": "#/nope", "type": "integer"},
            },
        },
        {
            "missing": {"kind": "any"},
            "remote": {"kind": "any"},
            "anchor": {"kind": "any"},
            "not-a-string": {"kind": "any", "description": "Kept."},
            "typed": {"kind": "integer"},
        },
    ),
    "allOf-merges-properties-required-type-description": (
        {
            "allOf": [
                {"properties": {"a": {"type": "number"}}, "required": ["a"]},
                {"properties": {"b": {"type": "string"}}},
                {"required": ["b"]},
                {"properties": {"a": {"description": "Wall time in seconds."}}},
            ],
        },
        {
            "a": {"kind": "number", "required": True, "unit": "s"},
            "b": {"kind": "string", "required": True},
        },
    ),
    "allOf-ref-plus-extension": (
        {
            "$defs": {"hw": {"required": ["cpu"], "properties": {"cpu": {"type": "integer"}}}},
            "required": ["machine"],
            "properties": {
                "machine": {
                    "allOf": [{"$ref": "#/$defs/hw"}, {"properties": {"os": {"type": "string"}}}],
                },
            },
        },
        {"machine.cpu": {"required": True}, "machine.os": {"required": False}},
    ),
    "anyOf-unions-paths": (
        {
            "required": ["v"],
            "properties": {
                "v": {
                    "anyOf": [
                        {
                            "properties": {"x": {"type": "integer"}, "y": {"type": "string"}},
                            "required": ["x", "y"],
                        },
                        {
                            "properties": {
                                "x": {"type": "integer"},
                                "y": {"type": "number"},
                                "z": {"type": "boolean"},
                            },
                            "required": ["x"],
                        },
                    ],
                },
            },
        },
        {
            "v.x": {"kind": "integer", "required": True},
            "v.y": {"kind": "any", "required": False},
            "v.z": {"kind": "boolean", "required": False},
        },
    ),
    "anyOf-of-required-only-keeps-properties": (
        {
            "properties": {"read": {"type": "number"}, "write": {"type": "number"}},
            "anyOf": [{"required": ["read"]}, {"required": ["write"]}],
        },
        {"read": {"kind": "number", "required": False}, "write": {"required": False}},
    ),
    "oneOf-consts-make-an-enum": (
        {
            "properties": {
                "precision": {
                    "oneOf": [
                        {"const": "fp32", "description": "Single."},
                        {"const": "fp16", "description": "Mixed."},
                    ],
                },
            },
        },
        {"precision": {"kind": "string", "enum": ("fp32", "fp16"), "description": ""}},
    ),
    "oneOf-integer-or-number-is-number": (
        {"properties": {"n": {"oneOf": [{"type": "integer"}, {"type": "number"}]}}},
        {"n": {"kind": "number"}},
    ),
    "anyOf-with-null-keeps-the-type": (
        {"properties": {"n": {"anyOf": [{"type": "number"}, {"type": "null"}]}}},
        {"n": {"kind": "number"}},
    ),
    "const-kind-from-python-type": (
        {
            "properties": {
                "s": {"const": "x"},
                "i": {"const": 3},
                "f": {"const": 1.5},
                "b": {"const": True},
                "n": {"const": None},
            },
        },
        {
            "s": {"kind": "string", "enum": ("x",)},
            "i": {"kind": "integer", "enum": (3,)},
            "f": {"kind": "number", "enum": (1.5,)},
            "b": {"kind": "boolean", "enum": (True,)},
            "n": {"kind": "any", "enum": (None,)},
        },
    ),
    "enum-kind-from-values-unless-typed": (
        {
            "properties": {
                "ints": {"enum": [1, 2, 4]},
                "mixed": {"enum": ["a", 1]},
                "typed": {"type": "string", "enum": ["a", "b"]},
            },
        },
        {
            "ints": {"kind": "integer", "enum": (1, 2, 4)},
            "mixed": {"kind": "any", "enum": ("a", 1)},
            "typed": {"kind": "string", "enum": ("a", "b")},
        },
    ),
    "arrays-are-leaves": (
        {
            "properties": {
                "typed": {"type": "array", "items": {"properties": {"x": {"type": "number"}}}},
                "tuple": {"prefixItems": [{"type": "number"}]},
                "untyped": {"items": {"type": "number"}},
            },
        },
        {"typed": {"kind": "array"}, "tuple": {"kind": "array"}, "untyped": {"kind": "array"}},
    ),
    "date-time-and-date-formats": (
        {
            "properties": {
                "at": {"type": "string", "format": "date-time"},
                "day": {"type": "string", "format": "date"},
                "url": {"type": "string", "format": "uri"},
                "maybe": {"type": ["string", "null"], "format": "date-time"},
            },
        },
        {
            "at": {"kind": "datetime"},
            "day": {"kind": "datetime"},
            "url": {"kind": "string"},
            "maybe": {"kind": "datetime"},
        },
    ),
    "type-lists": (
        {
            "properties": {
                "nullable": {"type": ["number", "null"]},
                "mixed": {"type": ["integer", "string"]},
                "numeric": {"type": ["integer", "number"]},
                "null": {"type": "null"},
                "unknown": {"type": "nonsense"},
            },
        },
        {
            "nullable": {"kind": "number"},
            "mixed": {"kind": "any"},
            "numeric": {"kind": "number"},
            "null": {"kind": "any"},
            "unknown": {"kind": "any"},
        },
    ),
    "type-wins-over-properties": (
        {"properties": {"s": {"type": "string", "properties": {"x": {}}}}},
        {"s": {"kind": "string"}},
    ),
    "boolean-subschemas": (
        {"properties": {"yes": True, "no": False, "o": {"properties": {"x": True}}}},
        {"yes": {"kind": "any"}, "o.x": {"kind": "any"}},
    ),
    "descriptions-units-titles-suggestions": (
        {
            "properties": {
                "score": {
                    "type": "number",
                    "title": "Score",
                    "description": "Run time in seconds (lower is better).",
                    "suggestToUser": True,
                },
                "rate": {"type": "number", "units": "MB/s"},
                "odd": {"type": "number", "suggestToUser": "yes", "unit": 3},
            },
        },
        {
            "score": {"title": "Score", "unit": "s", "suggested": True},
            "rate": {"unit": "MB/s", "suggested": False},
            "odd": {"unit": None, "suggested": False},
        },
    ),
    "required-through-refs-needs-every-step": (
        {
            "required": ["a"],
            "properties": {"a": {"$ref": "#/$defs/o"}, "b": {"$ref": "#/$defs/o"}},
            "$defs": {
                "o": {
                    "required": ["x"],
                    "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
                },
            },
        },
        {
            "a.x": {"required": True},
            "a.y": {"required": False},
            "b.x": {"required": False},
            "b.y": {"required": False},
        },
    ),
    "names-kept-as-they-are": (
        {
            "properties": {
                "wall time": {"type": "number"},
                "<b>x</b>": {"type": "string"},
                "a.b": {"type": "integer"},
            },
        },
        {"wall time": {"kind": "number"}, "<b>x</b>": {"kind": "string"}, "a.b": {}},
    ),
    "garbage-keywords-are-ignored": (
        {
            "required": "a",
            "properties": {"a": 3, "b": "x", "c": None, "d": [], "e": {"properties": 5}},
            "allOf": "nope",
            "anyOf": {},
        },
        {"a": {}, "b": {}, "c": {}, "d": {}, "e": {"kind": "any", "required": False}},
    ),
}


@pytest.mark.parametrize(
    ("schema", "expected"), list(FLATTEN_CASES.values()), ids=list(FLATTEN_CASES)
)
def test_flatten_schema(schema: dict[str, Any], expected: dict[str, dict[str, Any]]) -> None:
    fields = flatten_schema(schema)
    assert [f.path for f in fields] == list(expected)
    for f in fields:
        assert {name: getattr(f, name) for name in expected[f.path]} == expected[f.path]


@pytest.mark.parametrize(
    "schema",
    [None, True, False, {}, 42, "x", [], {"type": "number"}, {"type": "object"}],
    ids=["none", "true", "false", "empty", "int", "str", "list", "number-root", "object-root"],
)
def test_schemas_without_named_properties_give_no_fields(schema: Any) -> None:
    assert flatten_schema(schema) == []


def test_cycles_of_python_objects_and_deep_nesting_end() -> None:
    cyclic: dict[str, Any] = {"properties": {"leaf": {"type": "number"}}}
    cyclic["properties"]["self"] = cyclic
    assert [(f.path, f.kind) for f in flatten_schema(cyclic)] == [
        ("leaf", "number"),
        ("self", "object"),
    ]

    deep: dict[str, Any] = {"type": "number"}
    for _ in range(2000):
        deep = {"properties": {"x": deep}}
    fields = flatten_schema(deep)
    assert len(fields) == 1 and fields[0].kind == "object"


def test_schemas_that_double_at_every_level_stay_bounded() -> None:
    defs = {
        f"d{i}": {
            "properties": {"l": {"$ref": f"#/$defs/d{i + 1}"}, "r": {"$ref": f"#/$defs/d{i + 1}"}}
        }
        for i in range(40)
    }
    fields = flatten_schema({"$defs": defs, "$ref": "#/$defs/d0"})
    assert 1000 < len(fields) < 40_000


# --- the sandbox's seeded benchmarks ---


SUGGESTED = {
    "c-ray CPU ray tracing": {"machine.cpu.count", "result.score"},
    "TensorFlow CNN training throughput": {"machine.gpu.model", "training.model", "result.score"},
    "fio random I/O on the root volume": {"machine.disk.type", "result.total_iops"},
    "STREAM memory bandwidth": {"config.threads", "result.triad"},
    "iperf3 TCP throughput between two VMs": {"result.score"},
    "sysbench CPU prime numbers": {"result.events_per_second"},
}


# The seed adds the operating system to every machine, but only c-ray's schema names it.
UNDECLARED = {"c-ray CPU ray tracing": set()}


@pytest.fixture(scope="module")
def seeded() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    data = generate(size=50)
    return [
        (b["json_schema"], [r["json"] for r in data.results if r["benchmark_id"] == b["id"]])
        for b in data.benchmarks
    ]


def test_seeded_results_are_covered_by_their_schemas(seeded: list[Any]) -> None:
    checked = 0
    for schema, documents in seeded:
        if not schema or not documents:
            continue
        fields = {f.path: f for f in flatten_schema(schema)}
        undeclared = set()
        for found in fields_from_data(documents):
            if found.path not in fields:
                undeclared.add(found.path)
                continue
            declared = fields[found.path].kind
            assert found.kind == declared or (found.kind, declared) == ("integer", "number")
        assert undeclared == UNDECLARED.get(schema["title"], {"machine.os"})
        checked += 1
    assert checked == 4


def test_seeded_schemas_suggest_the_headline_fields(seeded: list[Any]) -> None:
    titles = set()
    for schema, _ in seeded:
        if schema:
            suggested = {f.path for f in flatten_schema(schema) if f.suggested}
            assert suggested == SUGGESTED[schema["title"]]
            titles.add(schema["title"])
    assert titles == set(SUGGESTED)
    assert flatten_schema(seed_schemas.anything()) == []


def test_seeded_scores_know_their_direction_and_unit() -> None:
    def score(schema: dict[str, Any], path: str) -> SchemaField:
        return next(f for f in flatten_schema(schema) if f.path == path)

    render_time = score(seed_schemas.c_ray(), "result.score")
    assert (render_time.label, render_time.lower_is_better) == ("score [s]", True)
    stream_copy = score(seed_schemas.stream(), "result.copy")
    assert (stream_copy.unit, stream_copy.lower_is_better) == ("MB/s", False)
    assert stream_copy.description.startswith("Best rate")  # inherited through the $ref
    latency = score(seed_schemas.fio(), "result.read.latency_ms.p99")
    assert (latency.unit, latency.lower_is_better, latency.required) == ("ms", True, False)
    precision = score(seed_schemas.tf_cnn(), "training.precision")
    assert (precision.enum, precision.operators) == (("fp32", "fp16"), ("==",))
    assert score(seed_schemas.sysbench_cpu(), "result.events_per_second").lower_is_better is False


# --- properties ---


NAMES = st.sampled_from(["a", "b", "c", "a.b", "x y", "<i>", "~/", ""])


REFS = st.sampled_from(
    [
        "#",
        "#/$defs/a",
        "#/$defs/b",
        "#/$defs/a~1b",
        "#/%24defs/a",
        "#/definitions/c",
        "#/properties/a",
        "#/allOf/0",
        "#/$defs/missing",
        "#/",
        "other.json#/x",
        "#anchor",
        7,
        None,
    ]
)


TYPES = st.sampled_from(["number", "integer", "boolean", "string", "array", "object", "null", "x"])


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4)


GARBAGE = st.none() | st.integers() | st.text(max_size=3) | st.lists(st.integers(), max_size=2)


KEYWORDS = {
    "type": TYPES | st.lists(TYPES, max_size=3) | GARBAGE,
    "format": st.sampled_from(["date-time", "date", "uri"]),
    "const": JSON_SCALARS,
    "enum": st.lists(JSON_SCALARS, max_size=3) | GARBAGE,
    "description": st.text(max_size=20) | GARBAGE,
    "title": st.text(max_size=5),
    "unit": st.sampled_from(["s", "MB/s", ""]) | GARBAGE,
    "suggestToUser": st.booleans() | GARBAGE,
    "$ref": REFS,
    "required": st.lists(NAMES, max_size=3) | GARBAGE,
}


def subschemas(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    listed = st.lists(inner, max_size=3)
    return st.fixed_dictionaries(
        {},
        optional={
            **KEYWORDS,
            "properties": st.dictionaries(NAMES, inner, max_size=3) | GARBAGE,
            "allOf": listed | GARBAGE,
            "anyOf": listed,
            "oneOf": listed,
            "items": inner | listed,
            "prefixItems": listed,
        },
    )


SCHEMAS = st.recursive(
    st.booleans() | GARBAGE | st.fixed_dictionaries({}, optional=KEYWORDS),
    subschemas,
    max_leaves=12,
)


ROOTS = st.builds(
    lambda body, a, b, c: (
        {**body, "$defs": {"a": a, "b": b, "a/b": a}, "definitions": {"c": c}}
        if isinstance(body, dict)
        else body
    ),
    SCHEMAS,
    SCHEMAS,
    SCHEMAS,
    SCHEMAS,
)


PROPERTY_SETTINGS = settings(max_examples=150, derandomize=True, deadline=None)


@PROPERTY_SETTINGS
@given(ROOTS)
def test_flatten_never_raises_and_gives_unique_fields(schema: Any) -> None:
    fields = flatten_schema(schema)
    assert all(isinstance(f, SchemaField) for f in fields)
    assert len({f.path for f in fields}) == len(fields)
    for f in fields:
        assert f.kind in KINDS
        assert set(f.operators) <= set(ALL_OPERATORS)
        assert isinstance(f.label, str) and f.lower_is_better in (True, False, None)


def schema_for(value: Any, rng: random.Random, defs: dict[str, Any]) -> dict[str, Any]:
    """A schema that ``value`` is valid against, written in one of the ways people do."""
    if isinstance(value, dict) and value:
        properties = {name: schema_for(item, rng, defs) for name, item in value.items()}
        required = [name for name in value if rng.random() < 0.5]
        schema: dict[str, Any] = {"type": "object", "properties": properties, "required": required}
        if len(properties) > 1 and rng.random() < 0.3:
            cut = rng.randrange(1, len(properties))
            items = list(properties.items())
            schema = {
                "allOf": [
                    {"properties": dict(items[:cut])},
                    {"type": "object", "properties": dict(items[cut:]), "required": required},
                ],
            }
    else:
        kind = leaf_kind(value)
        schema = {"type": {"datetime": "string", "any": "null"}.get(kind, kind)}
        if kind == "datetime":
            schema["format"] = "date-time"
        if kind not in ("object", "any") and rng.random() < 0.3:
            schema = rng.choice(
                [
                    {"anyOf": [schema, {"type": "null"}]},
                    {**schema, "type": [schema["type"], "null"]},
                ]
            )
    if rng.random() < 0.3:  # move it to $defs; the escapes in its name exercise the pointer
        name = f"{rng.choice(list(value) or ['x']) if isinstance(value, dict) else 'v'}#{len(defs)}"
        defs[name] = schema
        return {"$ref": "#/$defs/" + quote(name.replace("~", "~0").replace("/", "~1"))}
    return schema


@PROPERTY_SETTINGS
@given(DOCUMENTS, st.integers(0, 2**32))
def test_flatten_finds_every_leaf_of_a_described_document(document: dict, seed: int) -> None:
    defs: dict[str, Any] = {}
    schema = {**schema_for(document, random.Random(seed), defs), "$defs": defs}
    fields = {f.path: f.kind for f in flatten_schema(schema)}
    assert fields == {path: leaf_kind(value) for path, value in leaves(document).items()}
