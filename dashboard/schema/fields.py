"""A field of a result's JSON: its dotted path, kind, unit and label; found in the data.

The results explorer offers one column, filter and tooltip per leaf of a result's
JSON, and the upload form one hint per field; both need the leaves as dotted paths
(``machine.cpu.count``) with a kind that picks the filter operators and widget.
:func:`~dashboard.schema.flatten.flatten_schema` reads them from a
benchmark's schema, :func:`fields_from_data` from the results themselves (free-form
benchmarks have the empty schema, and results may carry fields their schema does not
name), and :func:`merge_fields` joins both.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal, get_args

from dashboard.schema.jsonpath import leaves

__all__ = [
    "Kind",
    "SchemaField",
    "field_labels",
    "fields_from_data",
    "join_kinds",
    "merge_fields",
    "public_kind",
    "unit_in",
    "value_kind",
]

Kind = Literal["number", "integer", "boolean", "string", "datetime", "array", "object", "any"]

_KINDS = frozenset(get_args(Kind))
_OPERATORS = ("==", ">", "<", ">=", "<=")
_ORDERED_KINDS = frozenset({"number", "integer", "datetime"})

# Units: a custom "unit" keyword wins; otherwise a description names one in brackets,
# in parentheses or after "in". Only tokens that look like units count, so that
# "(lower is better)" or "in the container" never become one.
_UNIT = re.compile(
    r"[kKMGTPE]i?B(?:/s)?|[kMGTP]?bit(?:/s|ps)?|[kMGT]bps"  # GiB, MB/s, Gbit/s, Mbps
    r"|[mµun]?s|min|h"  # durations
    r"|%|IOPS|[kMGTP]?FLOPS|[kMG]?Hz"
    r"|[A-Za-z]+/s"  # rates of things: images/s, events/s
)
_UNIT_WORDS = {"seconds": "s", "milliseconds": "ms", "minutes": "min", "hours": "h"}
_BRACKETED = re.compile(r"\[([^\[\]]{1,20})\]|\(([^()]{1,20})\)")
_AFTER_IN = re.compile(r"(?i:\bin)\s+([\w/%µ]+)(\s+per\s+second)?")
# Unambiguous even without "in" or brackets; a lone "s" or "h" would not be.
_BARE_UNIT = re.compile(r"(?<![\w/])([A-Za-z]+/s|[kKMGTP]i?B|ms|IOPS)(?![\w/])")
_TIME_UNITS = frozenset({"s", "ms", "µs", "us", "ns", "min", "h"})
_LOWER_BETTER = re.compile(r"\b(?:lower|less|smaller) is better\b")
_HIGHER_BETTER = re.compile(r"\b(?:higher|more|larger|bigger) is better\b")
_THROUGHPUT_TEXT = re.compile(r"per second|\biops\b|\w/s\b")
_TIME_TEXT = re.compile(r"\blatency\b|\bseconds\b")
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)


@dataclass(frozen=True)
class SchemaField:
    """One leaf of a result's JSON: where it is, what kind of value, and how to show it."""

    path: str
    kind: Kind
    description: str = ""
    unit: str | None = None
    suggested: bool = False
    required: bool = False
    enum: tuple[Any, ...] | None = None
    title: str = ""

    @property
    def numeric(self) -> bool:
        """Whether values are numbers (plots and range filters make sense)."""
        return self.kind in ("number", "integer")

    @property
    def operators(self) -> tuple[str, ...]:
        """The filter operators that fit: ordering for numbers and times, ``==`` for enums."""
        if self.kind in ("array", "object"):
            return ()
        if self.enum is not None:
            return ("==",)
        if self.kind in _ORDERED_KINDS:
            return _OPERATORS
        return ("==",) if self.kind in ("boolean", "string") else ()

    @property
    def label(self) -> str:
        """A human label: the title or the last path part, and the unit, as ``score [s]``."""
        name = self.title or self.path.rsplit(".", 1)[-1]
        return f"{name} [{self.unit}]" if self.unit else name

    @property
    def lower_is_better(self) -> bool | None:
        """Whether smaller values are better, from the wording or the unit; None if unknown."""
        text = f"{self.title} {self.description}".lower()
        if _LOWER_BETTER.search(text):
            return True
        if _HIGHER_BETTER.search(text):
            return False
        if self.unit:
            if self.unit.endswith(("/s", "bps")) or self.unit.upper() in ("IOPS", "FLOPS"):
                return False
            if self.unit in _TIME_UNITS:
                return True
        if _THROUGHPUT_TEXT.search(text):
            return False
        return True if _TIME_TEXT.search(text) else None


def field_labels(fields: Iterable[SchemaField]) -> dict[str, str]:
    """Path → label, the full path where labels would clash (``rtt_ms.avg``, ``cpu.avg``)."""
    fields = list(fields)
    uses = Counter(f.label for f in fields)
    return {
        f.path: f.label if uses[f.label] == 1 else f"{f.path} [{f.unit}]" if f.unit else f.path
        for f in fields
    }


def unit_in(description: str) -> str | None:
    """The unit a description names (``"in seconds"``, ``"[MB/s]"``, ``"(ms)"``), or None."""
    for match in _BRACKETED.finditer(description):
        unit = _as_unit((match.group(1) or match.group(2)).strip())
        if unit:
            return unit
    for match in _AFTER_IN.finditer(description):
        token, per_second = match.groups()
        if per_second:
            return f"{token}/s" if token.isalpha() else None
        unit = _as_unit(token)
        if unit:
            return unit
    match = _BARE_UNIT.search(description)
    return match.group(1) if match else None


def _as_unit(token: str) -> str | None:
    if token.lower() in _UNIT_WORDS:
        return _UNIT_WORDS[token.lower()]
    return token if _UNIT.fullmatch(token) else None


def join_kinds(kinds: Iterable[str | None]) -> str | None:
    """The kind of a value that may be any of ``kinds`` (a type list, anyOf branches)."""
    present = set(kinds)
    if None in present:
        return None
    present.discard("null")  # ["number", "null"] is a number column with gaps
    if not present:
        return "null"
    if present <= {"integer", "number"}:
        return "number" if "number" in present else "integer"
    if present == {"string", "datetime"}:
        return "string"
    return present.pop() if len(present) == 1 else "any"


def public_kind(kind: str | None) -> Kind:
    """Unconstrained (None) and null-only values are "any" to callers."""
    return kind if kind in _KINDS else "any"  # type: ignore[return-value]


# --- fields from the results themselves ---


def value_kind(value: Any, *, detect_dates: bool = True) -> str:
    """The kind of one JSON value; ISO 8601 text is a datetime unless told otherwise."""
    if isinstance(value, bool):  # before int: bool is an int in Python
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "datetime" if detect_dates and _is_datetime(value) else "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return "null" if value is None else "any"


def _is_datetime(text: str) -> bool:
    if not _ISO_DATETIME.fullmatch(text):
        return False
    try:
        datetime.fromisoformat(text)
    except ValueError:  # shaped like a date, but 2024-13-45 is not one
        return False
    return True


def fields_from_data(
    documents: Iterable[Mapping[str, Any]], limit: int = 2000
) -> list[SchemaField]:
    """The leaf fields found in up to ``limit`` result JSONs, kinds inferred from values.

    Lists and empty objects are leaves (see :func:`~dashboard.schema.jsonpath.leaves`;
    a key holding a dot is left out, as no path reaches it). A path whose values differ in kind is
    ``"any"``, except that integers and floats make ``"number"`` and datetimes and
    other strings make ``"string"``; nulls count for nothing. Paths are in the order
    first seen.
    """
    kinds: dict[str, set[str]] = {}
    for document in itertools.islice(documents, max(limit, 0)):
        for path, value in leaves(document):
            kinds.setdefault(path, set()).add(value_kind(value))
    return [
        SchemaField(path=path, kind=public_kind(join_kinds(found))) for path, found in kinds.items()
    ]


def merge_fields(
    schema_fields: list[SchemaField], data_fields: list[SchemaField]
) -> list[SchemaField]:
    """Schema fields first in schema order, then paths only the data has, sorted.

    A schema field of kind ``"any"`` (untyped, or an unresolvable ``$ref``) takes the
    kind the data shows, so that it still gets a filter that fits its values.
    """
    observed = {f.path: f.kind for f in data_fields}
    merged: dict[str, SchemaField] = {}
    for schema_field in schema_fields:
        kind = observed.get(schema_field.path, "any")
        if schema_field.kind == "any" and kind != "any":
            schema_field = replace(schema_field, kind=kind)
        merged.setdefault(schema_field.path, schema_field)
    extra = sorted((f for f in data_fields if f.path not in merged), key=lambda f: f.path)
    for data_field in extra:
        merged.setdefault(data_field.path, data_field)
    return list(merged.values())
