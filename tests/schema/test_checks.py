"""Result files and benchmark schemas checked in the session, before any request."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from helpers import no_traceback_logged
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.sandbox import seed_schemas
from dashboard.schema.checks import (
    MAX_PROBLEMS,
    Problem,
    check_execution_datetime,
    check_result,
    check_schema,
    read_result,
    read_schema,
)

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


def test_a_date_time_format_is_checked_with_an_example_of_one():
    schema = {"properties": {"start": {"type": "string", "format": "date-time"}}}
    (problem,) = check_result({"start": "yesterday"}, schema)
    assert (problem.where, problem.message) == (
        "start",
        '"yesterday" is not a valid date-time, such as 2024-05-01T12:00:00Z',
    )
    assert check_result({"start": "2024-05-01T12:00:00+02:00"}, schema) == []
    (problem,) = check_result({"start": "2024-05-01T12:00:00"}, schema)  # no timezone
    assert "is not a valid date-time" in problem.message


def test_the_formats_jsonschema_checks_include_date_time():
    """date-time needs rfc3339-validator (a dependency): without it, it is not checked."""
    import jsonschema

    for draft in (jsonschema.Draft7Validator, jsonschema.Draft202012Validator):
        assert {"date-time", "date", "email", "ipv4", "regex"} <= set(draft.FORMAT_CHECKER.checkers)


def test_too_many_problems_are_cut_short_and_said():
    schema = {"properties": {"v": {"items": {"type": "string"}}}}
    problems = check_result({"v": list(range(1000))}, schema)
    assert len(problems) == MAX_PROBLEMS + 1
    assert [p.where for p in problems[:2]] == ["v[0]", "v[1]"]
    assert problems[-1] == Problem(
        "(the whole result)",
        f"has more problems than the {MAX_PROBLEMS} listed: fix these and check again",
    )


def test_long_texts_and_names_are_cut_short_in_problems():
    name = "k" * 1000
    problems = check_result(
        {name: "v" * 1_000_000},
        {"properties": {name: {"type": "integer"}}, "additionalProperties": False},
    )
    (problem,) = problems
    assert problem.where == "k" * 39 + "…"
    assert problem.message == '"' + "v" * 78 + '… is not of type "integer"'
    (problem,) = check_result({"a": "x" * 100_000}, {"properties": {"a": {"pattern": "^y"}}})
    assert len(problem.message) <= 300 and problem.message.endswith("…")


def test_an_unexpected_error_is_a_problem_naming_it_without_a_traceback(monkeypatch, caplog):
    import dashboard.schema.checks as checks

    def broken(*args):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(checks, "read_json", broken)
    monkeypatch.setattr(checks, "value_flaw", broken)
    caplog.set_level(logging.DEBUG)
    expected = (
        "could not be checked: the dashboard met an unexpected ZeroDivisionError "
        "(division by zero); please tell the dashboard's maintainers"
    )
    assert read_result("r.json", b"{}").problems == (Problem("r.json", expected),)
    assert check_result({}, {}) == [Problem("the result", expected)]
    assert check_schema({}) == [Problem("schema", expected)]
    assert read_schema("{}") == (None, [Problem("schema", expected)])
    assert caplog.records
    no_traceback_logged(caplog)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


SCHEMA_WORDS = st.sampled_from(
    [
        "$ref",
        "$id",
        "$schema",
        "$defs",
        "definitions",
        "properties",
        "allOf",
        "anyOf",
        "not",
        "items",
        "type",
        "pattern",
        "format",
        "enum",
        "#",
        "#/definitions/a",
        "a",
        "$anchor",
    ]
)


SCHEMA_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | SCHEMA_WORDS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(SCHEMA_WORDS, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(schema=SCHEMA_LIKE | JSON_VALUES, document=JSON_VALUES)
def test_checking_any_schema_says_what_is_wrong_and_never_fails_unexpectedly(schema, document):
    for problem in [*check_schema(schema), *check_result(document, schema)]:
        assert isinstance(problem, Problem)
        assert "unexpected" not in problem.message, problem
