"""A benchmark's schema made safe to use: its references, loops and depth are checked
first, and nothing outside the schema is ever fetched."""

from __future__ import annotations

import json

import pytest
from helpers import nested
from silent_listener import SilentListener, within

from dashboard.schema.checks import Problem, check_result, check_schema

HOSTILE_SCHEMAS = [
    pytest.param(
        {"$schema": 5},
        "schema, at $schema",
        "must be text in quotes: the address of a JSON Schema draft, such as "
        '"http://json-schema.org/draft-07/schema#"',
        id="schema-keyword-not-text",
    ),
    pytest.param(
        {"$defs": {"x": {"$schema": [1]}}},
        "schema, at $defs.x.$schema",
        "must be text in quotes: the address of a JSON Schema draft, such as "
        '"http://json-schema.org/draft-07/schema#"',
        id="nested-schema-keyword-not-text",
    ),
    pytest.param(
        {"$id": 5},
        "schema, at $id",
        "must be text in quotes: the address (URI) this schema is known by",
        id="id-not-text",
    ),
    pytest.param(
        json.loads(nested(70, b"{}", key="not")),
        "schema, at not.not.not.….not.not.not",
        "lists and objects are nested more than 64 levels deep here; a benchmark's schema may "
        "nest at most 64",
        id="nested-70-levels",
    ),
    pytest.param(
        {"$ref": "#"},
        "schema, at $ref",
        '"#" starts a loop of references that comes back here before checking any part of '
        "the value, so checking would never end",
        id="ref-to-itself",
    ),
    pytest.param(
        {
            "definitions": {
                "a": {"allOf": [{"$ref": "#/definitions/b"}]},
                "b": {"not": {"$ref": "#/definitions/a"}},
            },
            "properties": {"x": {"$ref": "#/definitions/a"}},
        },
        "schema, at definitions.a.allOf[0].$ref",
        '"#/definitions/b" starts a loop of references that comes back here before checking '
        "any part of the value, so checking would never end",
        id="ref-cycle",
    ),
    pytest.param(
        {"properties": {"x": {"$ref": "#/definitions/missing"}}},
        "schema, at properties.x.$ref",
        '"#/definitions/missing" points to nothing in this schema',
        id="ref-to-nothing",
    ),
    pytest.param(
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "#nowhere"},
        "schema, at $ref",
        '"#nowhere" names an anchor this schema does not define',
        id="ref-to-no-anchor",
    ),
]


@pytest.mark.parametrize(("schema", "where", "message"), HOSTILE_SCHEMAS)
def test_a_hostile_schema_is_refused_with_where_and_what(schema, where, message):
    assert [(p.where, p.message) for p in check_schema(schema)] == [(where, message)]
    (problem,) = check_result({"x": 1}, schema)
    assert problem.where == where.replace("schema", "the benchmark's schema", 1)
    assert problem.message == "cannot be used to check results: " + message


def test_a_bad_regex_is_refused_as_a_schema_and_said_when_checking_a_result():
    assert [(p.where, p.message) for p in check_schema({"pattern": "(unclosed"})] == [
        ("schema, at pattern", "'(unclosed' is not a 'regex'")
    ]
    (problem,) = check_result({"a": "x"}, {"properties": {"a": {"pattern": "(unclosed"}}})
    assert problem.where == "the benchmark's schema"
    assert problem.message.startswith(
        "cannot be used to check results: its pattern '(unclosed' is not a regular expression"
    )


def test_a_long_chain_of_refs_is_refused_before_it_exhausts_the_stack():
    chain = {f"d{i}": {"$ref": f"#/$defs/d{i + 1}"} for i in range(2000)}
    schema = {"$defs": {**chain, "d2000": {"type": "number"}}, "$ref": "#/$defs/d0"}
    (problem,) = check_schema(schema)
    assert problem.where.startswith("schema, at $defs.d")
    assert problem.message == (
        "starts a chain of more than 32 references and subschemas that all apply to the "
        "same value: too long to check"
    )
    (problem,) = check_result(1, schema)
    assert problem.message.startswith("cannot be used to check results: starts a chain")
    short = {"$defs": {**dict(list(chain.items())[:20]), "d20": {"type": "number"}}}
    assert check_result("x", {**short, "$ref": "#/$defs/d0"})[0].message.endswith('"number"')


# -- nothing is fetched ---------------------------------------------------------------------


@pytest.fixture
def listener():
    with SilentListener() as silent:
        yield silent


def remote_refs(port: int) -> list[str]:
    """References to documents outside the schema: none may be fetched."""
    return [
        f"http://127.0.0.1:{port}/schema.json",
        f"https://127.0.0.1:{port}/schema.json#/definitions/x",
        "file:///etc/passwd",
        "other.json#/definitions/x",
    ]


@pytest.mark.parametrize("draft", [None, "https://json-schema.org/draft/2020-12/schema"])
@pytest.mark.parametrize("keyword", ["$ref", "$dynamicRef"])
def test_a_remote_ref_is_never_fetched_and_is_named(listener, draft, keyword):
    for ref in remote_refs(listener.port):
        schema = {"properties": {"score": {keyword: ref}}}
        if draft:
            schema["$schema"] = draft
        for problems in (
            within(1, lambda s=schema: check_result({"score": 1}, s)),
            within(1, lambda s=schema: check_schema(s)),
        ):
            (problem,) = problems
            assert problem.where.endswith(f"at properties.score.{keyword}")
            assert f'"{ref}" refers to a document outside this schema' in problem.message
    assert listener.connections == 0


def test_a_schema_naming_an_unknown_draft_address_fetches_nothing(listener):
    schema = {"$schema": f"http://127.0.0.1:{listener.port}/draft", "type": "object"}
    assert within(1, lambda: check_schema(schema)) == []
    assert within(1, lambda: check_result([], schema))[0].message.endswith('of type "object"')
    assert listener.connections == 0


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param(
            {
                "definitions": {"n": {"type": "number"}},
                "properties": {"x": {"$ref": "#/definitions/n"}},
            },
            id="definitions",
        ),
        pytest.param(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$defs": {"n": {"type": "number"}},
                "properties": {"x": {"$ref": "#/$defs/n"}},
            },
            id="$defs",
        ),
        pytest.param(
            {
                "$id": "https://example.org/bench.json",
                "definitions": {"n": {"$id": "number.json", "type": "number"}},
                "properties": {"x": {"$ref": "number.json"}},
            },
            id="id-inside",
        ),
        pytest.param(
            {
                "$id": "https://example.org/bench.json",
                "definitions": {"n": {"type": "number"}},
                "properties": {"x": {"$ref": "https://example.org/bench.json#/definitions/n"}},
            },
            id="own-absolute-uri",
        ),
        pytest.param(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$defs": {"n": {"$anchor": "number", "type": "number"}},
                "properties": {"x": {"$ref": "#number"}},
            },
            id="anchor",
        ),
        pytest.param(
            {
                "type": "object",
                "properties": {"x": {"type": "number"}},
                "additionalProperties": {"$ref": "#"},
            },
            id="recursive-tree",
        ),
    ],
)
def test_refs_the_schema_defines_itself_keep_working(listener, schema):
    assert check_schema(schema) == []
    assert check_result({"x": 1.5}, schema) == []
    (problem,) = check_result({"x": "fast"}, schema)
    assert (problem.where, problem.message) == ("x", '"fast" is not of type "number"')
    assert listener.connections == 0


def test_a_ref_to_the_drafts_own_meta_schema_works_offline(listener):
    schema = {"properties": {"inner": {"$ref": "http://json-schema.org/draft-07/schema#"}}}
    assert within(1, lambda: check_schema(schema)) == []
    assert within(1, lambda: check_result({"inner": {"type": "string"}}, schema)) == []
    (problem,) = within(1, lambda: check_result({"inner": {"type": 5}}, schema))
    assert problem.where == "inner.type"
    assert listener.connections == 0


def _schema_of_nested_objects(levels: int) -> dict:
    schema: dict = {"type": "number"}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def test_a_schema_just_within_the_depth_bound_is_used_and_one_past_it_is_not():
    within_bound = _schema_of_nested_objects(31)  # 63 levels of objects in the schema
    assert check_schema(within_bound) == []
    document = json.loads(nested(31, b'"x"'))
    (problem,) = check_result(document, within_bound)
    assert problem.where == ".".join(["a"] * 3 + ["…"] + ["a"] * 3)
    assert problem.message == '"x" is not of type "number"'
    (problem,) = check_schema(_schema_of_nested_objects(32))
    assert "nested more than 64 levels deep here" in problem.message


def test_a_schema_whose_refs_branch_at_every_level_is_stopped_not_left_running():
    # every level checks the next one twice: 2**31 checks for a result nested 31 deep
    doubling = {"properties": {"a": {"allOf": [{"$ref": "#"}, {"$ref": "#"}]}}}
    assert check_schema(doubling) == []  # a valid schema; only the work it takes is wrong
    document = json.loads(nested(31))
    (problem,) = within(5, lambda: check_result(document, doubling))
    assert problem == Problem(
        "the benchmark's schema",
        "cannot be used to check results: checking this result takes too long (its $refs "
        "branch out at every level)",
    )
    assert check_result(json.loads(nested(3)), doubling) == []
