"""Query strings exactly as the API wants them.

- arrays repeat the key: ``tags_ids=a&tags_ids=b``;
- JSON filters are ``path op value`` with single spaces (:class:`JsonFilter`);
- ``sort_by`` is ``+a,-b`` with no spaces (:func:`sort_by`);
- the date-range parameters are ISO dates; ``execution_datetime`` is ISO 8601 with a zone.

Everything the API would refuse is refused here first, with :class:`InvalidQuery`,
before any request is sent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from dashboard.api.errors import InvalidQuery

__all__ = [
    "OPERATORS",
    "JsonFilter",
    "JsonPath",
    "encode_params",
    "iso_datetime",
    "json_path",
    "sort_by",
]

#: The comparison operators the API understands in ``filters``.
OPERATORS = ("==", ">", "<", ">=", "<=")

# The API splits a filter on single spaces and a path on dots: neither may hide in a
# part, and no part may be empty.
_PATH_PART = re.compile(r"^[^\s.]+$")
_SORT_FIELD = re.compile(r"^[+-][A-Za-z0-9_]+(\.[^\s.,]+)*$")

Scalar = bool | int | float | str


def _check_path(path: str) -> str:
    if not isinstance(path, str) or not path:
        raise InvalidQuery("A JSON filter needs a field path, e.g. machine.cpu.count")
    if not all(_PATH_PART.match(part) for part in path.split(".")):
        raise InvalidQuery(
            f"{path!r} is not a JSON path: use dot-separated names without spaces, "
            "e.g. machine.cpu.count"
        )
    return path


def _encode_value(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidQuery(f"{value} cannot be compared against: use a finite number")
        return repr(value)
    if isinstance(value, str):
        if not value or any(ch.isspace() for ch in value):
            raise InvalidQuery(
                f"The API cannot filter on {value!r}: a filter value must be one word "
                "without spaces"
            )
        return value
    raise InvalidQuery(f"Cannot filter on a {type(value).__name__}; use a number, text or bool")


@dataclass(frozen=True)
class JsonFilter:
    """One condition on a result's JSON, e.g. ``JsonFilter("machine.cpu.count", ">=", 8)``."""

    path: str
    op: str
    value: Scalar

    def __post_init__(self) -> None:
        _check_path(self.path)
        if self.op not in OPERATORS:
            raise InvalidQuery(
                f"{self.op!r} is not a filter operator; use one of {' '.join(OPERATORS)}"
            )
        _encode_value(self.value)

    def __str__(self) -> str:
        return f"{self.path} {self.op} {_encode_value(self.value)}"

    @classmethod
    def parse(cls, text: str) -> JsonFilter:
        """Read ``"machine.cpu.count >= 8"`` (numbers and true/false become typed)."""
        parts = text.split(" ")
        if len(parts) != 3:
            raise InvalidQuery(
                f"{text!r} is not a filter: write path, operator and value separated "
                "by single spaces, e.g. 'machine.cpu.count >= 8'"
            )
        path, op, raw = parts
        return cls(path, op, _typed(raw))


def _typed(raw: str) -> Scalar:
    if raw in ("true", "True", "TRUE"):
        return True
    if raw in ("false", "False", "FALSE"):
        return False
    for kind in (int, float):
        try:
            number = kind(raw)
        except ValueError:
            continue
        # "inf" and "nan" (Python reads them as floats) stay text: no filter compares
        # against them, and a text field may well hold the word.
        return number if math.isfinite(number) else raw
    return raw


class JsonPath:
    """A path into results' JSON that builds filters with comparison operators.

    ``json_path("machine.cpu.count") >= 8`` is ``JsonFilter("machine.cpu.count", ">=", 8)``.
    """

    __hash__ = None  # type: ignore[assignment]  # == builds a filter, so no hashing

    def __init__(self, path: str) -> None:
        self.path = _check_path(path)

    def __eq__(self, value: Scalar) -> JsonFilter:  # type: ignore[override]
        return JsonFilter(self.path, "==", value)

    def __gt__(self, value: Scalar) -> JsonFilter:
        return JsonFilter(self.path, ">", value)

    def __lt__(self, value: Scalar) -> JsonFilter:
        return JsonFilter(self.path, "<", value)

    def __ge__(self, value: Scalar) -> JsonFilter:
        return JsonFilter(self.path, ">=", value)

    def __le__(self, value: Scalar) -> JsonFilter:
        return JsonFilter(self.path, "<=", value)

    def __repr__(self) -> str:
        return f"json_path({self.path!r})"


def json_path(path: str) -> JsonPath:
    """Start a JSON filter on ``path`` (dot-separated keys of the result's JSON)."""
    return JsonPath(path)


def sort_by(fields: str | Iterable[str]) -> str:
    """``["+site_name", "-json.result.score"]`` → ``"+site_name,-json.result.score"``.

    A field without a sign sorts ascending.
    """
    if isinstance(fields, str):
        fields = [part for part in fields.split(",") if part]
    encoded = []
    for field in fields:
        signed = field if field[:1] in "+-" else f"+{field}"
        if not _SORT_FIELD.match(signed):
            raise InvalidQuery(
                f"Cannot sort by {field!r}: use +field or -field, and json.<path> for "
                "a field of the results' JSON"
            )
        encoded.append(signed)
    return ",".join(encoded)


def iso_datetime(value: datetime) -> str:
    """An aware datetime as ISO 8601 with its zone; a naive one is refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidQuery(
            f"{value.isoformat()} has no timezone; say which one, e.g. "
            "datetime(..., tzinfo=timezone.utc)"
        )
    return value.isoformat()


def _encode_scalar(name: str, value: Any) -> str:
    if isinstance(value, JsonFilter):
        return str(value)
    if isinstance(value, datetime):
        if name.endswith(("_before", "_after")):
            raise InvalidQuery(
                f"{name} takes a date, not a time of day: the API filters by whole days "
                f"(e.g. {value.date().isoformat()})"
            )
        return iso_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, UUID):
        return str(value)
    if hasattr(value, "id") and isinstance(value.id, str):  # a record stands for its id
        return value.id
    return str(value)


def encode_params(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Query parameters as the API wants them: ``None`` dropped, sequences repeated."""
    encoded: list[tuple[str, str]] = []
    for name, value in params.items():
        if value is None:
            continue
        if name == "sort_by":
            encoded.append((name, sort_by(value)))
        elif name == "filters":
            values = [value] if isinstance(value, str | JsonFilter) else list(value)
            for item in values:
                item = JsonFilter.parse(item) if isinstance(item, str) else item
                encoded.append((name, str(item)))
        elif isinstance(value, list | tuple | set | frozenset):
            encoded.extend((name, _encode_scalar(name, item)) for item in value)
        else:
            encoded.append((name, _encode_scalar(name, value)))
    return encoded
