"""Query-argument and body validation, with the messages the real service sends.

The real service validates with marshmallow schemas that refuse unknown fields;
its 422 answers name each bad field with marshmallow's wording ("Not a valid
integer.", "Unknown field.", ...). The clients show those messages to people, so
the sandbox keeps the same words. A spec maps each accepted name to a `Field`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dashboard.sandbox import errors

MISSING_MESSAGE = "Missing data for required field."
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FieldInvalid(ValueError):
    """One field's value is not acceptable; `messages` is what the client is told."""

    def __init__(self, messages: list[str] | dict[str, Any]):
        super().__init__(messages)
        self.messages = messages


@dataclass(frozen=True)
class Field:
    """One accepted argument: how to read it, whether it repeats, its default."""

    parse: Callable[[Any], Any]
    default: Any = None
    required: bool = False
    many: bool = False


def _integer(minimum: int, maximum: int | None) -> Callable[[str], int]:
    if maximum is None:
        range_message = f"Must be greater than or equal to {minimum}."
    else:
        range_message = (
            f"Must be greater than or equal to {minimum} and less than or equal to {maximum}."
        )

    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise FieldInvalid(["Not a valid integer."]) from None
        if value < minimum or (maximum is not None and value > maximum):
            raise FieldInvalid([range_message])
        return value

    return parse


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise FieldInvalid(["Not a valid string."])
    return raw


def _one_of(*choices: str) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        if raw not in choices:
            raise FieldInvalid([f"Must be one of: {', '.join(choices)}."])
        return raw

    return parse


def parse_uuid(raw: Any) -> str:
    """A UUID in canonical lower-case form, however it was written."""
    try:
        return str(uuid.UUID(str(raw)))
    except ValueError:
        raise FieldInvalid(["Not a valid UUID."]) from None


def _date(raw: str) -> dt.date:
    try:
        if not _ISO_DATE.match(raw):
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise FieldInvalid(["Not a valid date."]) from None


def _datetime(raw: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(raw.strip())
        if value.tzinfo is not None:
            value.astimezone(dt.UTC)  # an offset pushing it out of the calendar is no datetime
        return value
    except (ValueError, OverflowError):
        raise FieldInvalid(["Not a valid datetime."]) from None


def _mapping(raw: Any) -> dict:
    if not isinstance(raw, dict):
        raise FieldInvalid(["Not a valid mapping type."])
    return raw


def _uuid_list(raw: Any) -> list[str]:
    if not isinstance(raw, list):
        raise FieldInvalid(["Not a valid list."])
    parsed, problems = [], {}
    for index, item in enumerate(raw):
        try:
            if not isinstance(item, str):  # a number would otherwise pass as a UUID's int
                raise FieldInvalid(["Not a valid UUID."])
            parsed.append(parse_uuid(item))
        except FieldInvalid as exc:
            problems[str(index)] = exc.messages
    if problems:
        raise FieldInvalid(problems)
    return parsed


# Field kinds, named as the spec names them.
Text = Field(_text)
Uuid = Field(parse_uuid)
Date = Field(_date)
Mapping_ = Field(_mapping)
UuidList = Field(_uuid_list)

PAGINATION = {
    "per_page": Field(_integer(1, 100), default=100),
    "page": Field(_integer(1, None), default=1),
}
UPLOAD_DATES = {"upload_before": Date, "upload_after": Date}
STATUS = {"status": Field(_one_of("on_review", "approved"), default="approved")}
SEARCH = {"terms": Field(_text, default=(), many=True), "sort_by": Field(_text, default="")}


def sorted_by(default: str) -> dict[str, Field]:
    """The ``sort_by`` argument with a list's default order."""
    return {"sort_by": Field(_text, default=default)}


RESULT_FILTERS = {
    **PAGINATION,
    **UPLOAD_DATES,
    "execution_before": Date,
    "execution_after": Date,
    "benchmark_id": Uuid,
    "site_id": Uuid,
    "flavor_id": Uuid,
    "tags_ids": Field(parse_uuid, default=(), many=True),
    "filters": Field(_text, default=(), many=True),
    **sorted_by("+execution_datetime"),
}
RESULT_CONTEXT = {
    "execution_datetime": Field(_datetime, required=True),
    "benchmark_id": Field(parse_uuid, required=True),
    "flavor_id": Field(parse_uuid, required=True),
    "tags_ids": Field(parse_uuid, default=(), many=True),
}
CLAIM_FILTERS = {**PAGINATION, **UPLOAD_DATES, **STATUS, **sorted_by("+upload_datetime")}
SUBMIT_FILTERS = {
    **PAGINATION,
    **UPLOAD_DATES,
    "resource_type": Field(_one_of("benchmark", "claim", "site", "flavor")),
    **sorted_by("+resource_type"),
}
USER_SELECTORS = {"sub": Text, "iss": Text, "email": Text}


def parse_query(arguments: Mapping[str, list[bytes]], spec: Mapping[str, Field]) -> dict[str, Any]:
    """Validate decoded query arguments against `spec`; 422 (shape 1) on any problem.

    Names ending in ``[]`` (the PHP and axios habit for arrays) count as the bare
    name, as on the real service.
    """
    values: dict[str, list[str]] = {}
    for name, raw in arguments.items():
        key = name[:-2] if name.endswith("[]") else name
        values.setdefault(key, []).extend(item.decode("utf-8", "replace") for item in raw)
    problems: dict[str, Any] = {}
    parsed: dict[str, Any] = {}
    for name in values:
        if name not in spec:
            problems[name] = ["Unknown field."]
    for name, field in spec.items():
        if name not in values:
            if field.required:
                problems[name] = [MISSING_MESSAGE]
            else:
                parsed[name] = list(field.default) if field.many else field.default
            continue
        try:
            if field.many:
                parsed[name] = _parse_each(field, values[name])
            else:
                parsed[name] = field.parse(values[name][0])
        except FieldInvalid as exc:
            problems[name] = exc.messages
    if problems:
        raise errors.invalid({"query": problems})
    return parsed


def _parse_each(field: Field, raw_values: list[str]) -> list[Any]:
    parsed, problems = [], {}
    for index, raw in enumerate(raw_values):
        try:
            parsed.append(field.parse(raw))
        except FieldInvalid as exc:
            problems[str(index)] = exc.messages
    if problems:
        raise FieldInvalid(problems)
    return parsed


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def decode_json(body: bytes) -> Any:
    """The request body as JSON; 400 if it is not JSON (or holds text no UTF-8 can carry)."""
    try:
        document = json.loads(body, parse_constant=_refuse_constant)
        # Escaped lone surrogates ("\ud800") parse, but could be neither stored nor sent.
        json.dumps(document, ensure_ascii=False).encode("utf-8")
        return document
    except (ValueError, UnicodeError, RecursionError):
        raise errors.ApiError(
            400, {"code": 400, "status": "Bad Request", "errors": {"json": ["Invalid JSON body."]}}
        ) from None


def parse_body(body: bytes, spec: Mapping[str, Field] | None) -> dict[str, Any]:
    """Validate a JSON object body against `spec` (``None``: any object); 422 (shape 1).

    Every body the API takes is required, so an absent one is refused like a body
    that is not an object.
    """
    document = decode_json(body) if body.strip() else None
    if not isinstance(document, dict):
        raise errors.invalid({"json": {"_schema": ["Invalid input type."]}})
    if spec is None:
        return document
    problems: dict[str, Any] = {name: ["Unknown field."] for name in document if name not in spec}
    parsed: dict[str, Any] = {}
    for name, field in spec.items():
        if name not in document:
            if field.required:
                problems[name] = [MISSING_MESSAGE]
            continue
        if document[name] is None:
            problems[name] = ["Field may not be null."]
            continue
        try:
            parsed[name] = field.parse(document[name])
        except FieldInvalid as exc:
            problems[name] = exc.messages
    if problems:
        raise errors.invalid({"json": problems})
    return parsed


def required(field: Field) -> Field:
    """The same field, but the body must carry it."""
    return Field(field.parse, field.default, True, field.many)


BENCHMARK_BODY = {
    "docker_image": required(Text),
    "docker_tag": required(Text),
    "url": required(Text),
    "json_schema": required(Mapping_),
    "description": Text,
}
SITE_BODY = {"name": required(Text), "address": required(Text), "description": Text}
NAMED_BODY = {"name": required(Text), "description": Text}
CLAIM_BODY = {"message": required(Text)}
TAGS_BODY = {"tags_ids": UuidList}
