"""What a user uploads, checked in the session before any request is made.

A result file is read (:func:`read_result`), then checked against its benchmark's JSON
Schema (:func:`check_result`) under the draft the schema's ``$schema`` names, the way
the service will check it. Each problem says where it is (a line and column of the
file, or a path in the JSON) and what is wrong, in words, with the schema's own
description of the field when it has one. A benchmark's schema is checked against its
meta-schema (:func:`check_schema`) before it is submitted.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jsonschema
from jsonschema.protocols import Validator

__all__ = [
    "MAX_FILE_BYTES",
    "Problem",
    "ReadFile",
    "check_execution_datetime",
    "check_result",
    "check_schema",
    "read_result",
]

#: Results are a few kilobytes of JSON; a file this large is not one.
MAX_FILE_BYTES = 2 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_CONSTANT = re.compile(r"-?Infinity|NaN")
_LONGEST_VALUE = 80


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload: where, what, and what the schema says there."""

    where: str
    message: str
    description: str = ""

    def __str__(self) -> str:
        described = f" ({self.description})" if self.description else ""
        return f"{self.where}: {self.message}{described}"


@dataclass(frozen=True)
class ReadFile:
    """A file as read: its JSON object, or the problems that stop it being a result."""

    name: str
    document: dict[str, Any] | None
    problems: tuple[Problem, ...] = ()


def _position(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}"


def _constant_outside_strings(text: str) -> re.Match[str] | None:
    """The first NaN/Infinity that is a value, not text inside a string."""
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "-IN":
            match = _CONSTANT.match(text, index)
            if match:
                return match
    return None


def read_result(name: str, data: bytes) -> ReadFile:
    """Read one result file: UTF-8 JSON text holding one object, of a sane size."""

    def refused(where: str, message: str) -> ReadFile:
        return ReadFile(name, None, (Problem(where, message),))

    if not data.strip():
        return refused(name, "the file is empty: a result is a JSON object")
    if len(data) > MAX_FILE_BYTES:
        return refused(
            name,
            f"the file is {len(data) / 1024 / 1024:.1f} MB; a result file may be at most "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB",
        )
    if data.startswith(_BOM):
        return refused(
            name,
            "the file starts with a byte order mark (BOM), which JSON does not allow: "
            "save it as UTF-8 without BOM",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return refused(name, f"the file is not UTF-8 text (byte {error.start + 1} is not)")
    constant = _constant_outside_strings(text)
    if constant:
        return refused(
            f"{name}, {_position(text, constant.start())}",
            f"{constant.group()} is not a JSON value: use a number, or null",
        )
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return refused(
            f"{name}, line {error.lineno}, column {error.colno}", f"not JSON: {error.msg}"
        )
    if not isinstance(document, dict):
        kind = {list: "a list", str: "a string", bool: "true or false"}.get(
            type(document), "null" if document is None else "a number"
        )
        return refused(name, f"a result is a JSON object ({{...}}), but this file holds {kind}")
    return ReadFile(name, document)


def _validator_class(schema: Mapping[str, Any], default: type[Validator]) -> type[Validator]:
    with warnings.catch_warnings():  # an unknown $schema falls back, as on the service
        warnings.simplefilter("ignore", DeprecationWarning)
        return jsonschema.validators.validator_for(schema, default=default)


def _json_path(parts) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path or "(the whole result)"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _LONGEST_VALUE else text[: _LONGEST_VALUE - 1] + "…"


def _in_words(error: jsonschema.ValidationError) -> tuple[list, str, str]:
    """The error's path, message and the schema's description of the field it is about."""
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    path = list(error.absolute_path)
    description = str(schema.get("description", "") or "")
    if error.validator == "required":
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        names = [n for n in error.validator_value if n not in instance and repr(n) in error.message]
        missing = names[0] if names else ""
        field = schema.get("properties", {}).get(missing, {})
        described = field.get("description", "") if isinstance(field, Mapping) else ""
        return [*path, missing], "is required but missing", str(described or "")
    if error.validator == "additionalProperties":
        return path, error.message, description
    value = _short(error.instance)
    messages = {
        "type": lambda: f"{value} is not of type {_short(error.validator_value)}",
        "enum": lambda: f"{value} is not one of {_short(error.validator_value)}",
        "const": lambda: f"{value} must be {_short(error.validator_value)}",
    }
    message = messages.get(str(error.validator), lambda: error.message)()
    return path, message, description


def check_result(document: Any, schema: Mapping[str, Any] | bool) -> list[Problem]:
    """Every way `document` fails `schema`, in document order; empty when it passes."""
    if schema is False:
        schema = {"not": {}}
    elif not isinstance(schema, Mapping):
        schema = {}
    cls = _validator_class(schema, jsonschema.validators._LATEST_VERSION)
    try:
        errors = sorted(cls(schema).iter_errors(document), key=lambda e: list(map(str, e.path)))
    except Exception as error:  # a user's schema can fail in many ways (a bad $ref, regex)
        return [Problem("the benchmark's schema", f"cannot be used to check results: {error}")]
    problems = []
    for error in errors:
        path, message, description = _in_words(error)
        problems.append(Problem(_json_path(path), message, description))
    return problems


def check_schema(schema: Any) -> list[Problem]:
    """Whether `schema` is a JSON Schema its meta-schema accepts (draft-07 unless named)."""
    if not isinstance(schema, Mapping):
        return [Problem("schema", "a benchmark's JSON Schema is a JSON object ({...})")]
    cls = _validator_class(schema, jsonschema.Draft7Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as error:
        where = _json_path(list(error.absolute_path))
        return [Problem(f"schema {where}" if error.absolute_path else "schema", error.message)]
    except Exception as error:  # e.g. a $schema that is not text
        return [Problem("schema", str(error))]
    return []


def check_execution_datetime(when: datetime | None, now: datetime | None = None) -> str:
    """Why `when` cannot be a result's execution time, or "" when it can."""
    if when is None:
        return "choose when the benchmark ran"
    if when.tzinfo is None or when.utcoffset() is None:
        return f"{when.isoformat()} has no timezone: say which (UTC if unsure)"
    if when > (now or datetime.now(UTC)):
        return f"{when.isoformat()} is in the future"
    return ""
