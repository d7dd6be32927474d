"""Benchmark schemas on the sandbox: nothing is ever fetched, and what cannot be used is 422.

A ``$ref`` to another document would make the server connect wherever the schema says
(and wait as long as the other end likes): the sandbox refuses such a schema when it is
submitted, with the reason in the real service's error shape, and its result validation
resolves references only within the schema.
"""

from __future__ import annotations

import json
import uuid

import pytest
from silent_listener import SilentListener, within

from dashboard.sandbox import errors, validation

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


@pytest.fixture
def listener():
    with SilentListener() as silent:
        yield silent


def submit(client, schema):
    """POST a benchmark with `schema`; the raw answer."""
    body = {
        "docker_image": f"example/schemas-{uuid.uuid4().hex[:10]}",
        "docker_tag": "1.0",
        "url": "https://example.org/bench",
        "json_schema": schema,
    }
    return client.post("/benchmarks", json=body, timeout=5)


def remote_refs(port: int) -> list[pytest.param]:
    return [
        pytest.param(f"http://127.0.0.1:{port}/schema.json", id="http"),
        pytest.param(f"https://127.0.0.1:{port}/schema.json#/definitions/x", id="https"),
        pytest.param("file:///etc/passwd", id="file"),
        pytest.param("other.json#/definitions/x", id="relative-without-id"),
    ]


@pytest.mark.parametrize("draft", [None, DRAFT_2020_12], ids=["draft-07", "2020-12"])
def test_a_schema_referring_outside_itself_is_refused_without_a_connection(
    sandbox_client, listener, draft
):
    admin = sandbox_client("admin")
    for param in remote_refs(listener.port):
        (ref,) = param.values
        schema = {"type": "object", "properties": {"score": {"$ref": ref}}}
        if draft:
            schema["$schema"] = draft
        answer = within(1, lambda s=schema: submit(admin, s))
        assert answer.status_code == 422, answer.text
        assert answer.json() == {
            "code": 422,
            "status": "Unprocessable Entity",
            "errors": {
                "error": f"Unresolvable JSON reference: {ref!r} (only references within the "
                "schema are resolved)",
                "path": "deque(['properties', 'score', '$ref'])",
            },
        }
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
                "$schema": DRAFT_2020_12,
                "$defs": {"n": {}},
                "properties": {"x": {"$ref": "#/$defs/n"}},
            },
            id="$defs",
        ),
        pytest.param(
            {
                "$id": "https://example.org/bench.json",
                "definitions": {"n": {"$id": "n.json", "type": "number"}},
                "properties": {"x": {"$ref": "n.json"}},
            },
            id="id-inside",
        ),
        pytest.param(
            {"properties": {"x": {"$ref": "http://json-schema.org/draft-07/schema#"}}},
            id="the-drafts-meta-schema",
        ),
        pytest.param({"enum": [{"$ref": "http://127.0.0.1:9/x"}]}, id="a-ref-that-is-data"),
    ],
)
def test_a_schema_resolving_its_own_refs_is_accepted(sandbox_client, listener, schema):
    answer = within(5, lambda: submit(sandbox_client("admin"), schema))
    assert answer.status_code == 201, answer.text
    assert answer.json()["json_schema"] == schema
    assert listener.connections == 0


def test_a_schema_too_deep_or_too_large_is_refused(sandbox_client):
    admin = sandbox_client("admin")
    deep: dict = {}
    for _ in range(100):
        deep = {"not": deep}
    answer = submit(admin, deep)
    assert answer.status_code == 422
    assert answer.json()["errors"]["error"] == "JSON schema nested too deep"
    assert answer.json()["errors"]["path"] == f"deque({['not'] * 64!r})"
    answer = submit(admin, {"description": "x" * (300 * 1024)})
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"error": "JSON schema too large", "path": "deque([])"}


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param({"properties": {"a": {"$ref": "http://127.0.0.1:{port}/a.json"}}}, id="http"),
        pytest.param({"$ref": "#"}, id="a-loop"),
        pytest.param({"properties": {"a": {"pattern": "("}}}, id="bad-regex"),
    ],
)
def test_result_validation_never_fetches_and_refuses_what_it_cannot_check(listener, schema):
    schema = json.loads(json.dumps(schema).replace("{port}", str(listener.port)))
    validator = validation.result_validator(schema)
    with pytest.raises(errors.ApiError) as refused:
        within(1, lambda: validation.validate_result(validator, {"a": "x"}))
    assert refused.value.status == 422
    assert listener.connections == 0


def test_result_validation_does_not_check_formats_as_the_real_service_does_not():
    schema = {"properties": {"when": {"type": "string", "format": "date-time"}}}
    validation.validate_result(validation.result_validator(schema), {"when": "yesterday"})
