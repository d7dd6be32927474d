"""Result files, pasted text and benchmark schemas read in the session, bounded: a hostile
file is a problem that says where and what, never an error."""

from __future__ import annotations

import json

import pytest
from helpers import nested
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.schema.checks import (
    MAX_FILE_BYTES,
    MAX_SCHEMA_BYTES,
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


# -- hostile files ----------------------------------------------------------------------


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


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300), text=st.text(max_size=300))
def test_reading_anything_gives_a_document_or_problems_and_never_raises(data, text):
    for read in (read_result("r.json", data), read_pasted("pasted JSON", text)):
        assert (read.document is None) == bool(read.problems)
    schema, problems = read_schema(text)
    assert schema is not None or problems
