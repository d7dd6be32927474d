"""Result files and benchmark schemas checked in the session, before any request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.sandbox import seed_schemas
from dashboard.uploads import (
    MAX_FILE_BYTES,
    check_execution_datetime,
    check_result,
    check_schema,
    read_result,
)


@pytest.mark.parametrize(
    ("data", "where", "words"),
    [
        (b"", "r.json", "the file is empty"),
        (b"  \n ", "r.json", "the file is empty"),
        (b'{"a": 1,\n "b": }', "r.json, line 2, column 7", "not JSON: Expecting value"),
        (b'{"a": 1', "r.json, line 1, column 8", "not JSON"),
        (b"[1, 2]", "r.json", "this file holds a list"),
        (b'"text"', "r.json", "this file holds a string"),
        (b"12", "r.json", "this file holds a number"),
        (b"null", "r.json", "this file holds null"),
        (b'\xef\xbb\xbf{"a": 1}', "r.json", "byte order mark"),
        (b'{"a": "\xff"}', "r.json", "not UTF-8 text (byte 8 is not)"),
        (b'{"a": NaN}', "r.json, line 1, column 7", "NaN is not a JSON value"),
        (b'{"a":\n  -Infinity}', "r.json, line 2, column 3", "-Infinity is not a JSON value"),
        (b" " * MAX_FILE_BYTES + b"{}", "r.json", "at most 2 MB"),
    ],
)
def test_a_file_that_is_not_a_result_is_refused_with_where_and_why(data, where, words):
    read = read_result("r.json", data)
    assert read.document is None
    (problem,) = read.problems
    assert problem.where == where and words in problem.message


def test_nan_inside_a_string_is_text():
    read = read_result("r.json", b'{"note": "NaN \\" Infinity", "v": 1}')
    assert read.problems == () and read.document == {"note": 'NaN " Infinity', "v": 1}


SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["result", "machine"],
    "properties": {
        "result": {
            "type": "object",
            "required": ["score"],
            "properties": {
                "score": {"type": "number", "description": "Median time in seconds"},
                "unit": {"const": "s"},
            },
        },
        "machine": {
            "type": "object",
            "properties": {
                "arch": {"enum": ["x86_64", "aarch64"], "description": "CPU architecture"},
                "disks": {"type": "array", "items": {"type": "integer"}},
            },
        },
    },
}


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"result": {"score": 1}}, [("machine", "is required but missing", "")]),
        (
            {"result": {}, "machine": {}},
            [("result.score", "is required but missing", "Median time in seconds")],
        ),
        (
            {"result": {"score": "fast"}, "machine": {}},
            [("result.score", '"fast" is not of type "number"', "Median time in seconds")],
        ),
        (
            {"result": {"score": 1, "unit": "ms"}, "machine": {}},
            [("result.unit", '"ms" must be "s"', "")],
        ),
        (
            {"result": {"score": 1}, "machine": {"arch": "riscv"}},
            [("machine.arch", '"riscv" is not one of ["x86_64", "aarch64"]', "CPU architecture")],
        ),
        (
            {"result": {"score": 1}, "machine": {"disks": [1, "two"]}},
            [("machine.disks[1]", '"two" is not of type "integer"', "")],
        ),
        ({"result": {"score": 1.5}, "machine": {"arch": "aarch64", "disks": [1]}}, []),
    ],
    ids=["missing", "nested-missing", "type", "const", "enum", "array-item", "valid"],
)
def test_every_schema_violation_names_its_path_and_the_fields_description(document, expected):
    problems = check_result(document, SCHEMA)
    assert [(p.where, p.message, p.description) for p in problems] == expected


def test_all_violations_are_listed_at_once():
    problems = check_result({"result": {"score": "x", "unit": 3}}, SCHEMA)
    assert [p.where for p in problems] == ["machine", "result.score", "result.unit"]


def test_the_draft_named_by_the_schema_is_used():
    # prefixItems is a 2020-12 keyword: draft-07 ignores it, 2020-12 applies it.
    items = {"type": "array", "prefixItems": [{"type": "integer"}]}
    for draft, failures in [
        ("http://json-schema.org/draft-07/schema#", 0),
        ("https://json-schema.org/draft/2019-09/schema", 0),
        ("https://json-schema.org/draft/2020-12/schema", 1),
    ]:
        assert len(check_result(["x"], {"$schema": draft, **items})) == failures, draft


def test_the_seeded_schemas_accept_the_seeded_results():
    from dashboard.sandbox.seed import generate

    data = generate(100, seed=3)
    schemas = {b["id"]: b["json_schema"] for b in data.benchmarks}
    for result in data.results[:200]:
        assert check_result(result["json"], schemas[result["benchmark_id"]]) == []


@pytest.mark.parametrize(
    ("schema", "words"),
    [
        ([], "is a JSON object"),
        ({"type": "nonsense"}, "'nonsense' is not valid"),
        ({"properties": {"a": {"minimum": "zero"}}}, "'zero' is not of type 'number'"),
        ({"required": "score"}, "'score' is not of type 'array'"),
    ],
)
def test_an_invalid_benchmark_schema_is_refused(schema, words):
    (problem,) = check_schema(schema)
    assert words in problem.message


def test_the_seeded_benchmark_schemas_are_valid():
    for build in (seed_schemas.c_ray, seed_schemas.fio, seed_schemas.anything):
        assert check_schema(build()) == []


def test_execution_times_must_be_aware_and_past():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert check_execution_datetime(now - timedelta(hours=1), now) == ""
    assert "no timezone" in check_execution_datetime(datetime(2025, 1, 1), now)
    assert "in the future" in check_execution_datetime(now + timedelta(minutes=1), now)
    assert "choose when" in check_execution_datetime(None, now)
