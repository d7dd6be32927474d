"""Result files and benchmark schemas checked in the session, before any request."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from silent_listener import SilentListener, within

from dashboard.sandbox import seed_schemas
from dashboard.schema.checks import (
    MAX_FILE_BYTES,
    MAX_PROBLEMS,
    MAX_SCHEMA_BYTES,
    Problem,
    check_execution_datetime,
    check_result,
    check_schema,
    read_pasted,
    read_result,
    read_schema,
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


# -- hostile files ----------------------------------------------------------------------


def nested(levels: int, inner: bytes = b"1") -> bytes:
    """A result whose objects nest `levels` deep: {"a": {"a": ... inner ...}}."""
    return b'{"a": ' * levels + inner + b"}" * levels


@pytest.mark.parametrize(
    ("data", "where", "message"),
    [
        pytest.param(
            b'{"result": {"score": 1e400}}',
            "r.json, at result.score",
            "1e400 is beyond the largest number JSON results can carry (about 1.8e308)",
            id="float-too-large",
        ),
        pytest.param(
            b'{"result": {"score": -1E+400}}',
            "r.json, at result.score",
            "-1E+400 is beyond the largest number JSON results can carry (about 1.8e308)",
            id="negative-float-too-large",
        ),
        pytest.param(
            b'{"result": {"score": ' + b"9" * 5000 + b"}}",
            "r.json, at result.score",
            "a number of 5,000 digits is beyond the largest number JSON results can carry "
            "(about 1.8e308)",
            id="integer-of-5000-digits",
        ),
        pytest.param(
            b'{"t": [1, 2, 1e-400]}',
            "r.json, at t[2]",
            "1e-400 is too small for JSON results to carry: it would become 0",
            id="float-too-small",
        ),
        pytest.param(
            b'{"note": "ok \\ud800"}',
            "r.json, at note",
            "the text holds \\ud800, half of a UTF-16 surrogate pair without its other half, "
            "which is no character: write the character itself, or both halves",
            id="lone-surrogate",
        ),
        pytest.param(
            b'{"m": {"\\udfff": 1}}',
            "r.json, at m",
            'the key "\\udfff" holds \\udfff, half of a UTF-16 surrogate pair without its '
            "other half, which is no character: write the character itself, or both halves",
            id="lone-surrogate-in-a-key",
        ),
        pytest.param(
            b'{"note": "a\\u0000b"}',
            "r.json, at note",
            "the text holds the NUL character (\\u0000), which the service's database cannot store",
            id="nul-character",
        ),
        pytest.param(
            b'{"m": {"cores": 4, "cores": 8}}',
            "r.json, at m",
            'the key "cores" is given twice: JSON keeps only the last value, so the first '
            "would be lost",
            id="duplicate-key",
        ),
        pytest.param(
            nested(33),
            "r.json, at a.a.a.….a.a.a",
            "lists and objects are nested more than 32 levels deep here; a result may nest at "
            "most 32",
            id="nested-33-levels",
        ),
        pytest.param(
            nested(10_000),
            "r.json",
            "lists and objects are nested more than 32 levels deep; a result may nest at most 32",
            id="nested-10000-levels",
        ),
        pytest.param(
            b'{"v": [' + b"0," * 50_000 + b"0]}",
            "r.json",
            "holds more than 50,000 values (numbers, texts, lists and objects); a result may "
            "hold at most 50,000",
            id="huge-array",
        ),
        pytest.param(
            json.dumps({f"k{i}": i for i in range(50_000)}).encode(),
            "r.json",
            "holds more than 50,000 values (numbers, texts, lists and objects); a result may "
            "hold at most 50,000",
            id="huge-object",
        ),
    ],
)
def test_a_hostile_file_is_a_problem_that_says_where_and_what(data, where, message):
    read = read_result("r.json", data)
    assert read.document is None
    assert [(p.where, p.message) for p in read.problems] == [(where, message)]


@pytest.mark.parametrize(
    ("data", "document"),
    [
        pytest.param(nested(32), None, id="nested-32-levels"),
        pytest.param(b'{"v": [' + b"0," * 49_997 + b"0]}", None, id="50000-values"),
        pytest.param(b'{"a": -0, "b": -0.0, "c": 0e0}', {"a": 0, "b": -0.0, "c": 0.0}, id="-0"),
        pytest.param(b'{"a": 5e-324}', {"a": 5e-324}, id="smallest-float"),
        pytest.param(b'{"a": 1.7976931348623157e308}', {"a": 1.7976931348623157e308}, id="max"),
        pytest.param(b'{"a": ' + b"9" * 300 + b"}", {"a": int("9" * 300)}, id="300-digits"),
        pytest.param(b'{"a": "\\ud83d\\ude00"}', {"a": "\U0001f600"}, id="surrogate-pair"),
        pytest.param(b'{"\\"": "x" }', {'"': "x"}, id="escaped-key"),
    ],
)
def test_what_is_just_within_the_bounds_is_read(data, document):
    read = read_result("r.json", data)
    assert read.problems == ()
    if document is not None:
        assert read.document == document


def test_a_lone_surrogate_pasted_as_text_is_a_problem_with_its_position():
    read = read_pasted("pasted JSON", '{"note":\n "x\ud800"}')
    assert [(p.where, p.message) for p in read.problems] == [
        (
            "pasted JSON, line 2, column 4",
            "holds \\ud800, half of a UTF-16 surrogate pair without its other half, which is "
            "no character",
        )
    ]


def test_a_schema_has_its_own_words_and_size_bound():
    assert MAX_SCHEMA_BYTES < MAX_FILE_BYTES
    big = json.dumps({"description": "x" * (2 * 1024 * 1024 + 50_000)})
    schema, problems = read_schema(big)
    assert schema is None
    assert [(p.where, p.message) for p in problems] == [
        ("schema", "the schema is 2.1 MB; a benchmark's schema may be at most 256 kB")
    ]
    assert read_schema("[1]")[1][0].message == (
        "a benchmark's schema is a JSON object ({...}), but this schema holds a list"
    )
    assert read_schema(" ")[1][0].message == (
        "the schema is empty: a benchmark's schema is a JSON object"
    )


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
        json.loads(nested(70, b"{}").replace(b'"a"', b'"not"')),
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
    assert caplog.records and all(not r.exc_info for r in caplog.records)
    assert "Traceback" not in caplog.text


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
@given(data=st.binary(max_size=300), text=st.text(max_size=300))
def test_reading_anything_gives_a_document_or_problems_and_never_raises(data, text):
    for read in (read_result("r.json", data), read_pasted("pasted JSON", text)):
        assert (read.document is None) == bool(read.problems)
    schema, problems = read_schema(text)
    assert schema is not None or problems


@settings(max_examples=300, deadline=None)
@given(schema=SCHEMA_LIKE | JSON_VALUES, document=JSON_VALUES)
def test_checking_any_schema_says_what_is_wrong_and_never_fails_unexpectedly(schema, document):
    for problem in [*check_schema(schema), *check_result(document, schema)]:
        assert isinstance(problem, Problem)
        assert "unexpected" not in problem.message, problem


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param(
            {"properties": {"name": {"type": "string", "pattern": "^(a|a)*$"}}}, id="pattern"
        ),
        pytest.param(
            {"patternProperties": {"^(a|a)*$": {"type": "integer"}}}, id="patternProperties"
        ),
        pytest.param(
            {"patternProperties": {"^(a|a)*$": {}}, "additionalProperties": False},
            id="additionalProperties",
        ),
    ],
)
def test_a_pattern_that_backtracks_without_end_is_stopped_and_named(schema):
    """Python's re would take hours on these (and hold every session of the server)."""
    document = {"name": "a" * 40 + "!", "a" * 40 + "!": 1}
    started = time.monotonic()
    (problem,) = check_result(document, schema)
    assert time.monotonic() - started < 1
    assert problem.where == "the benchmark's schema"
    assert "its pattern '^(a|a)*$' takes too long to match" in problem.message


def test_patterns_that_match_still_check_as_the_draft_says():
    schema = {
        "properties": {"resolution": {"type": "string", "pattern": "^[0-9]+x[0-9]+$"}},
        "patternProperties": {"^run_[0-9]+$": {"type": "number"}},
        "additionalProperties": False,
    }
    assert check_result({"resolution": "1920x1080", "run_1": 2.5}, schema) == []
    problems = [str(p) for p in check_result({"resolution": "big", "run_1": "x", "z": 1}, schema)]
    assert len(problems) == 3, problems
    assert any("'big' does not match" in p for p in problems)
    assert any("'z' was unexpected" in p for p in problems)
