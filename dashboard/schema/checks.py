"""What a user uploads, checked in the session before any request is made.

A result file is read (:func:`read_result`), then checked against its benchmark's JSON
Schema (:func:`check_result`) under the draft the schema's ``$schema`` names, the way
the service will check it, and with the schema's formats (``date-time`` and the rest)
checked too. Each problem says where it is (a line and column of the file, or a path in
the JSON) and what is wrong, in words, with the schema's own description of the field
when it has one. A benchmark's schema is read (:func:`read_schema`) and checked against
its meta-schema (:func:`check_schema`) before it is submitted.

The steps live apart along the data flow: :mod:`dashboard.schema.reading` turns bytes
into JSON within bounds (files come from anyone), :mod:`dashboard.schema.offline` makes a
schema safe to use (it never fetches anything), and this module puts them together
for the forms. None of these functions raises: whatever goes wrong unexpectedly is
itself a problem, said in the form (and logged in one line, without a traceback).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import jsonschema

from dashboard.schema.offline import (
    Flaw,
    TooMuchWork,
    UnusableSchema,
    errors_of,
    meta_schema_error,
    offline_validator,
    reference_flaws,
    validator_class,
)
from dashboard.schema.patterns import UnusablePattern
from dashboard.schema.reading import (
    MAX_FILE_BYTES,
    MAX_RESULT_DEPTH,
    MAX_SCHEMA_BYTES,
    MAX_VALUES,
    RESULT,
    SCHEMA,
    Problem,
    ReadFile,
    encoded,
    json_path,
    read_json,
    shorter,
    unexpected,
    value_flaw,
)

__all__ = [
    "FORMAT_EXAMPLES",
    "MAX_FILE_BYTES",
    "MAX_PROBLEMS",
    "MAX_RESULT_DEPTH",
    "MAX_SCHEMA_BYTES",
    "MAX_VALUES",
    "Problem",
    "ReadFile",
    "check_execution_datetime",
    "check_result",
    "check_schema",
    "read_pasted",
    "read_result",
    "read_schema",
]

#: More problems than this are not read by anyone; the rest are not even looked for.
MAX_PROBLEMS = 50
#: A value of each common format, to show what one looks like (and to make examples).
FORMAT_EXAMPLES = {
    "date-time": "2024-05-01T12:00:00Z",
    "date": "2024-05-01",
    "time": "12:00:00Z",
    "duration": "PT1H30M",
    "email": "name@example.org",
    "uri": "https://example.org/page",
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
}


def read_result(name: str, data: bytes) -> ReadFile:
    """Read one result file: UTF-8 JSON text holding one object, of a sane size."""
    try:
        return read_json(name, data, RESULT)
    except Exception as error:
        return ReadFile(name, None, (unexpected(name, error),))


def read_pasted(name: str, text: str) -> ReadFile:
    """Read a result pasted as text, like a file."""
    try:
        data = encoded(name, text)
        if isinstance(data, Problem):
            return ReadFile(name, None, (data,))
        return read_json(name, data, RESULT)
    except Exception as error:
        return ReadFile(name, None, (unexpected(name, error),))


def read_schema(text: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A benchmark's schema from its text: JSON, an object, valid for its meta-schema, and
    self-contained; with what is wrong with it (the schema is None if it is unreadable)."""
    try:
        data = encoded("schema", text)
        if isinstance(data, Problem):
            return None, [data]
        read = read_json("schema", data, SCHEMA)
        if read.document is None:
            return None, list(read.problems)
        return read.document, check_schema(read.document)
    except Exception as error:
        return None, [unexpected("schema", error)]


def _short(value: Any) -> str:
    return shorter(json.dumps(value, ensure_ascii=False, default=str))


def _in_words(error: jsonschema.ValidationError) -> tuple[list, str, str]:
    """The error's path, message and the schema's description of the field it is about."""
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    path = list(error.absolute_path)
    description = shorter(str(schema.get("description", "") or ""), 300)
    if error.validator == "required":
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        names = [n for n in error.validator_value if n not in instance and repr(n) in error.message]
        missing = names[0] if names else ""
        field = schema.get("properties", {}).get(missing, {})
        described = field.get("description", "") if isinstance(field, Mapping) else ""
        return [*path, missing], "is required but missing", shorter(str(described or ""), 300)
    value = _short(error.instance)
    example = FORMAT_EXAMPLES.get(str(error.validator_value))
    messages = {
        "type": lambda: f"{value} is not of type {_short(error.validator_value)}",
        "enum": lambda: f"{value} is not one of {_short(error.validator_value)}",
        "const": lambda: f"{value} must be {_short(error.validator_value)}",
        "format": lambda: (
            f"{value} is not a valid {shorter(str(error.validator_value))}"
            + (f", such as {example}" if example else "")
        ),
    }
    message = messages.get(str(error.validator), lambda: shorter(error.message, 300))()
    return path, message, description


def _flaw_problem(where: str, flaw: Flaw, before: str = "") -> Problem:
    at = f"{where}, at {json_path(flaw.path)}" if flaw.path else where
    return Problem(at, before + flaw.message)


def check_result(document: Any, schema: Mapping[str, Any] | bool) -> list[Problem]:
    """Every way `document` fails `schema`, in document order; empty when it passes.

    At most :data:`MAX_PROBLEMS` are listed (and a last one saying there are more)."""
    try:
        return _check_result(document, schema)
    except Exception as error:
        return [unexpected("the result", error)]


def _check_result(document: Any, schema: Mapping[str, Any] | bool) -> list[Problem]:
    if schema is False:
        schema = {"not": {}}
    elif not isinstance(schema, Mapping):
        schema = {}
    found = value_flaw(document, RESULT)
    if found is not None:
        path, message = found
        return [Problem(json_path(path), message)]
    unusable = "cannot be used to check results: "
    try:
        validator = offline_validator(schema, jsonschema.validators._LATEST_VERSION)
        errors = errors_of(validator, document, MAX_PROBLEMS + 1)
    except UnusableSchema as error:
        return [_flaw_problem("the benchmark's schema", error.flaw, unusable)]
    except TooMuchWork:
        return [
            Problem(
                "the benchmark's schema",
                unusable + "checking this result takes too long (its $refs branch out at "
                "every level)",
            )
        ]
    except UnusablePattern as error:
        return [Problem("the benchmark's schema", unusable + str(error))]
    except RecursionError:
        return [
            Problem(
                "the benchmark's schema",
                unusable + "checking went deeper than Python allows (do its $refs loop?)",
            )
        ]
    except Exception as error:  # a user's schema can fail in many ways (a bad regex)
        return [Problem("the benchmark's schema", unusable + shorter(str(error), 300))]
    problems = []
    for error in sorted(errors[:MAX_PROBLEMS], key=lambda e: list(map(str, e.path))):
        path, message, description = _in_words(error)
        problems.append(Problem(json_path(path), message, description))
    if len(errors) > MAX_PROBLEMS:
        problems.append(
            Problem(
                "(the whole result)",
                f"has more problems than the {MAX_PROBLEMS} listed: fix these and check again",
            )
        )
    return problems


def check_schema(schema: Any) -> list[Problem]:
    """Whether `schema` is a JSON Schema its meta-schema accepts (draft-07 unless named),
    that holds every definition it refers to and can be used without end."""
    try:
        return _check_schema(schema)
    except Exception as error:
        return [unexpected("schema", error)]


def _check_schema(schema: Any) -> list[Problem]:
    if not isinstance(schema, Mapping):
        return [Problem("schema", "a benchmark's JSON Schema is a JSON object ({...})")]
    found = value_flaw(schema, SCHEMA)
    if found is not None:
        return [_flaw_problem("schema", Flaw(*found))]
    try:
        cls = validator_class(schema, jsonschema.Draft7Validator)
    except UnusableSchema as error:
        return [_flaw_problem("schema", error.flaw)]
    error = meta_schema_error(schema, cls)
    if error is not None:
        flaw = Flaw(tuple(error.absolute_path), shorter(error.message, 300))
        return [_flaw_problem("schema", flaw)]
    return [_flaw_problem("schema", flaw) for flaw in reference_flaws(schema, cls)]


def check_execution_datetime(when: datetime | None, now: datetime | None = None) -> str:
    """Why `when` cannot be a result's execution time, or "" when it can."""
    if when is None:
        return "choose when the benchmark ran"
    if when.tzinfo is None or when.utcoffset() is None:
        return f"{when.isoformat()} has no timezone: say which (UTC if unsure)"
    if when > (now or datetime.now(UTC)):
        return f"{when.isoformat()} is in the future"
    return ""
