"""Every error shape the API answers with becomes the documented exception, in words."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.api import errors
from dashboard.api.errors import decipher_response

SCHEMA_FAILURE = (
    b'{"code":422,"status":"Unprocessable Entity","errors":'
    b'{"error":"\'test\' is a required property","path":"deque([\'machine\', \'cpu\', 0])"}}'
)


@pytest.mark.parametrize(
    ("status", "body", "cls", "words"),
    [
        pytest.param(
            422,
            b'{"code":422,"status":"Unprocessable Entity","errors":{"query":{"per_page":'
            b'["Must be greater than or equal to 1 and less than or equal to 100."]}}}',
            errors.ValidationFailed,
            "query.per_page: Must be greater",
            id="shape1-query-field",
        ),
        pytest.param(
            422,
            SCHEMA_FAILURE,
            errors.ValidationFailed,
            "'test' is a required property",
            id="shape1-schema-failure",
        ),
        pytest.param(
            422,
            b'{"code":422,"status":"Unprocessable Entity","message":{"KeyError":'
            b"\"Unknown order operator 'x'\",\"hint\":\"Use '+'(asc) or '-'(desc)\"}}",
            errors.ValidationFailed,
            "(HTTP 422): Unknown order operator 'x'; Use '+'(asc) or '-'(desc)",
            id="shape2-message-dict",
        ),
        pytest.param(
            401,
            b'{"error":"Unauthenticated","error_description":"No valid access token",'
            b'"error_details":null}',
            errors.Unauthorized,
            "No valid access token",
            id="shape3-auth-layer-401",
        ),
        pytest.param(
            403,
            b'{"error":"Forbidden","error_description":"Admin rights required"}',
            errors.Forbidden,
            "Admin rights required",
            id="shape3-auth-layer-403",
        ),
        pytest.param(
            404,
            b'{"code":404,"status":"Not Found"}',
            errors.NotFound,
            "Not found (HTTP 404)",
            id="bare-404",
        ),
        pytest.param(
            409,
            b'{"code":409,"status":"Conflict","errors":{"error":"exists"}}',
            errors.Conflict,
            "exists",
            id="conflict",
        ),
        pytest.param(
            500,
            b"<html>Internal Server Error</html>",
            errors.ServerError,
            "failed while answering (HTTP 500)",
            id="5xx-html-body",
        ),
        pytest.param(503, b"", errors.ServerError, "HTTP 503", id="5xx-empty-body"),
        pytest.param(400, b'{"code":400}', errors.BadRequest, "HTTP 400", id="400"),
    ],
)
def test_each_error_shape_becomes_its_exception(status, body, cls, words):
    with pytest.raises(cls) as caught:
        decipher_response(status, {}, body, request="GET /results")
    assert words in str(caught.value)
    assert caught.value.status == status
    assert caught.value.request == "GET /results"


def test_a_422_keeps_its_field_errors():
    body = (
        b'{"code":422,"status":"Unprocessable Entity","errors":{"query":'
        b'{"per_page":["Not a valid integer."],"foo":["Unknown field."]}}}'
    )
    with pytest.raises(errors.ValidationFailed) as caught:
        decipher_response(422, {}, body)
    fields = {(e.location, e.field): e.message for e in caught.value.field_errors}
    assert fields == {
        ("query", "per_page"): "Not a valid integer.",
        ("query", "foo"): "Unknown field.",
    }


def test_a_schema_failure_says_which_path_failed():
    with pytest.raises(errors.ValidationFailed) as caught:
        decipher_response(422, {}, SCHEMA_FAILURE)
    assert caught.value.schema_path == ("machine", "cpu", "0")
    assert "at machine/cpu/0 of the result" in str(caught.value)


def test_success_bodies_decode_and_204_is_none():
    assert decipher_response(200, {}, b'{"a": 1}') == {"a": 1}
    assert decipher_response(204, {}, b"") is None


def test_a_success_that_is_not_json_is_malformed():
    with pytest.raises(errors.MalformedResponse, match="not JSON"):
        decipher_response(200, {"content-type": "text/html"}, b"<html>proxy login</html>")


def test_transport_and_status_errors_are_apart():
    assert issubclass(errors.ConnectionFailed, errors.TransportError)
    assert issubclass(errors.RequestTimeout, errors.TransportError)
    assert not issubclass(errors.ServerError, errors.TransportError)
    assert issubclass(errors.InvalidQuery, ValueError)


@given(
    st.lists(
        st.one_of(
            st.text(alphabet=st.characters(blacklist_characters="'\\")),
            st.integers(min_value=0, max_value=10**6),
        )
    )
)
def test_deque_paths_are_read_back(parts):
    text = "deque([" + ", ".join(repr(p) for p in parts) + "])"
    assert errors._parse_deque_path(text) == tuple(str(p) for p in parts)


@given(st.integers(min_value=100, max_value=599), st.binary(max_size=200))
def test_any_answer_is_data_or_an_api_error(status, body):
    try:
        decipher_response(status, {}, body)
    except errors.APIError as error:
        assert str(error)
