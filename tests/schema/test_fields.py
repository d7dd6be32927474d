"""Fields in the users' words: units, which way is better, fitting operators, labels; and
the fields a benchmark's results hold, schema or not."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import ALL_OPERATORS, DOCUMENTS, leaf_kind, leaves
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.schema.fields import SchemaField, fields_from_data, merge_fields
from dashboard.schema.flatten import flatten_schema
from dashboard.schema.jsonpath import value_at as lookup

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


# --- data: fields_from_data, merge_fields ---


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


PROPERTY_SETTINGS = settings(max_examples=150, derandomize=True, deadline=None)


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
