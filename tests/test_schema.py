"""Benchmark schemas flattened into the columns and filters the results explorer offers."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any, get_args
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.sandbox import seed_schemas
from dashboard.sandbox.seed import generate
from dashboard.schema.fields import Kind, SchemaField, fields_from_data, merge_fields
from dashboard.schema.flatten import flatten_schema
from dashboard.schema.jsonpath import MISSING
from dashboard.schema.jsonpath import value_at as lookup

ALL_OPERATORS = ("==", ">", "<", ">=", "<=")
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


# --- presentation: units, direction, operators, labels ---


@pytest.mark.parametrize(
    ("description", "unit"),
    [
        ("Median render time, in seconds (lower is better).", "s"),
        ("Render time (s)", "s"),
        ("Bandwidth [MB/s]", "MB/s"),
        ("Throughput in images per second.", "images/s"),
        ("Throughput, images/s", "images/s"),
        ("Mean latency, ms", "ms"),
        ("Memory of the VM in GiB.", "GiB"),
        ("Receiver throughput in Gbit/s.", "Gbit/s"),
        ("When the run started (RFC 3339, UTC).", None),
        ("Number of vCPUs visible in the container.", None),
        ("Triad (a = b + q*c), option (b)", None),
        ("Events per second (higher is better).", None),
        ("", None),
    ],
    ids=lambda value: (value or "none")[:24],
)
def test_unit_from_description(description: str, unit: str | None) -> None:
    fields = flatten_schema({"properties": {"x": {"type": "number", "description": description}}})
    assert fields[0].unit == unit


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (SchemaField("t", "number", description="Run time (lower is better)"), True),
        (SchemaField("t", "number", description="Errors; less is better"), True),
        (SchemaField("t", "number", title="Size, smaller is better"), True),
        (SchemaField("t", "number", description="Score, higher is better"), False),
        (SchemaField("t", "number", description="More is better."), False),
        (SchemaField("t", "number", description="Larger is better"), False),
        (SchemaField("t", "number", unit="ms"), True),
        (SchemaField("t", "number", unit="s"), True),
        (SchemaField("t", "number", description="Mean latency"), True),
        (SchemaField("t", "number", description="Duration in seconds"), True),
        (SchemaField("t", "number", unit="MB/s"), False),
        (SchemaField("t", "number", unit="images/s"), False),
        (SchemaField("t", "number", unit="IOPS"), False),
        (SchemaField("t", "number", description="Operations per second"), False),
        (SchemaField("t", "number", description="Number of vCPUs"), None),
        (SchemaField("t", "number"), None),
    ],
    ids=lambda value: (
        value.description or value.title or value.unit or "bare"
        if isinstance(value, SchemaField)
        else str(value)
    ),
)
def test_lower_is_better(field: SchemaField, expected: bool | None) -> None:
    assert field.lower_is_better is expected


@pytest.mark.parametrize(
    ("field", "operators", "numeric"),
    [
        (SchemaField("x", "number"), ALL_OPERATORS, True),
        (SchemaField("x", "integer"), ALL_OPERATORS, True),
        (SchemaField("x", "datetime"), ALL_OPERATORS, False),
        (SchemaField("x", "boolean"), ("==",), False),
        (SchemaField("x", "string"), ("==",), False),
        (SchemaField("x", "integer", enum=(1, 2)), ("==",), True),
        (SchemaField("x", "array"), (), False),
        (SchemaField("x", "object"), (), False),
        (SchemaField("x", "any"), (), False),
        (SchemaField("x", "any", enum=("a", 1)), ("==",), False),
    ],
    ids=lambda value: (
        value.kind + ("-enum" if value.enum else "") if isinstance(value, SchemaField) else None
    ),
)
def test_operators_fit_the_kind(field: SchemaField, operators: tuple[str, ...], numeric: bool):
    assert (field.operators, field.numeric) == (operators, numeric)


@pytest.mark.parametrize(
    ("field", "label"),
    [
        (SchemaField("result.score", "number", unit="s"), "score [s]"),
        (SchemaField("result.score", "number", title="Render time", unit="s"), "Render time [s]"),
        (SchemaField("machine.cpu.count", "integer"), "count"),
        (SchemaField("top", "string"), "top"),
    ],
    ids=["unit", "title-and-unit", "last-part", "top-level"],
)
def test_label(field: SchemaField, label: str) -> None:
    assert field.label == label


# --- data: fields_from_data, merge_fields, lookup ---


def test_fields_from_data_infers_kinds_across_documents() -> None:
    documents = [
        {"n": 1, "x": 1, "t": "2024-05-01T10:00:00Z", "s": "a", "m": 1, "e": {}, "l": [1]},
        {"n": 2, "x": 2.5, "t": "2024-05-02", "s": "2024-05-02", "m": "a", "z": None},
        "not a document",
    ]
    kinds = {f.path: f.kind for f in fields_from_data(documents)}  # type: ignore[arg-type]
    assert kinds == {
        "n": "integer",
        "x": "number",
        "t": "datetime",
        "s": "string",
        "m": "any",
        "e": "object",
        "l": "array",
        "z": "any",
    }
    assert [f.path for f in fields_from_data(documents, limit=1)] == list(documents[0])


def test_merge_fields_puts_schema_first_then_sorted_data_paths() -> None:
    schema_fields = [
        SchemaField("b", "number", description="From the schema."),
        SchemaField("a", "any"),
    ]
    data_fields = [
        SchemaField("z", "string"),
        SchemaField("a", "integer"),
        SchemaField("b", "integer"),
        SchemaField("machine.os", "string"),
    ]
    merged = merge_fields(schema_fields, data_fields)
    assert [(f.path, f.kind) for f in merged] == [
        ("b", "number"),
        ("a", "integer"),  # the schema did not say; the data does
        ("machine.os", "string"),
        ("z", "string"),
    ]
    assert merged[0].description == "From the schema."


@pytest.mark.parametrize(
    ("document", "path", "value"),
    [
        ({"a": {"b": {"c": 1}}}, "a.b.c", 1),
        ({"a": {"b": None}}, "a.b", None),
        ({"a": {"b": 1}}, "a.c", MISSING),
        ({"a": 1}, "a.b", MISSING),
        ({"a": [1, 2]}, "a.0", MISSING),
        # a path is split on its dots, as the API splits it: a key holding a dot is
        # out of every path's reach, and filters, columns and summaries agree on that
        ({"a.b": 1}, "a.b", MISSING),
        ({"a": {"b.c": {"d": 2}}}, "a.b.c.d", MISSING),
        ({"a": {"b": {}}, "a.b": {"c": 3}}, "a.b.c", MISSING),
        ({"a": {"b": {"c": 3}}, "a.b": {"c": 4}}, "a.b.c", 3),
        ({"wall time": 4}, "wall time", 4),
    ],
    ids=["nested", "null", "absent", "through-scalar", "into-list", "dotted-name-unreachable",
         "dotted-inner-name-unreachable", "no-backtracking", "nested-not-dotted", "space"],
)  # fmt: skip
def test_lookup(document: dict[str, Any], path: str, value: Any) -> None:
    assert lookup(document, path) is value or lookup(document, path) == value


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


KEYS = st.text(alphabet="ab~/%# <é_1", min_size=1, max_size=5)
DATETIMES = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(datetime.isoformat)
LEAF_VALUES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5)
    | DATETIMES
    | st.lists(st.integers(), max_size=3)
)
DOCUMENTS = st.dictionaries(
    KEYS,
    st.recursive(
        LEAF_VALUES, lambda inner: st.dictionaries(KEYS, inner, max_size=4), max_leaves=15
    ),
    min_size=1,
    max_size=5,
)


def leaf_kind(value: Any) -> str:
    """The kind a column of this one value has (what the dashboard should call it)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "datetime" if len(value) > 5 else "string"  # only DATETIMES are that long
    return {list: "array", dict: "object"}.get(type(value), "any")


def leaves(document: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Every leaf of a document (lists and empty objects included) by dotted path."""
    found: dict[str, Any] = {}
    for name, value in document.items():
        path = f"{prefix}.{name}" if prefix else name
        if isinstance(value, dict) and value:
            found.update(leaves(value, path))
        else:
            found[path] = value
    return found


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


@PROPERTY_SETTINGS
@given(st.lists(DOCUMENTS, min_size=1, max_size=3))
def test_fields_from_data_finds_every_leaf(documents: list[dict[str, Any]]) -> None:
    fields = {f.path: f.kind for f in fields_from_data(documents)}
    expected = {path for document in documents for path in leaves(document)}
    assert set(fields) == expected
    first = leaves(documents[0])
    if len(documents) == 1:
        assert fields == {path: leaf_kind(value) for path, value in first.items()}
    for path, value in first.items():
        assert lookup(documents[0], path) == value
