"""Filters on a results frame, meaning exactly what the API's filters mean.

Every filter is computed here with pandas on the frame of loaded results
(:func:`dashboard.results.frame.results_frame`), without asking the API again. The filters
mean what the API's mean (as ``dashboard/sandbox/query.py`` implements them), so the
explorer shows the rows the API would return for the same query
(:meth:`Filters.api_query`). A condition on a categorical column is worked out once
per category and spread to the rows through the category codes.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from dashboard.api.query import JsonFilter
from dashboard.results.frame import INT64, JSON_PREFIX, compact_json, documents
from dashboard.schema.jsonpath import values_at

__all__ = ["FACETS", "Filters", "apply", "category_codes", "mask"]

#: What `mask` can leave out, one facet at a time (for facet counts).
FACETS = ("site", "flavor", "tags", "execution", "upload", "json", "text")

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
}
_BOOLEAN_WORDS = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})


@dataclass(frozen=True)
class Filters:
    """A selection of results, meaning what the API's query parameters mean.

    Sites and flavors: a row must be at one of the chosen (the API takes only one
    of each, so several are filtered in the session only, see `local_only`). Tags:
    a row must carry all of them. Dates: strictly after/before midnight UTC of the
    day. JSON filters: as the API applies them, results lacking the path excluded.
    ``text``: words that must each appear (any case) in the benchmark, site, site
    address, flavor or a tag name; the session's own search, not an API filter.
    ``result_ids``: only these results (a link to what was just uploaded); the API has
    no such filter either.
    """

    site_ids: frozenset[str] = frozenset()
    flavor_ids: frozenset[str] = frozenset()
    tag_ids: frozenset[str] = frozenset()
    execution_after: date | None = None
    execution_before: date | None = None
    upload_after: date | None = None
    upload_before: date | None = None
    json_filters: tuple[JsonFilter, ...] = ()
    text: str = ""
    result_ids: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # Widgets hand over lists; frozen sets and tuples keep Filters hashable.
        for name in ("site_ids", "flavor_ids", "tag_ids", "result_ids"):
            value = getattr(self, name)
            object.__setattr__(self, name, frozenset([value] if isinstance(value, str) else value))
        object.__setattr__(self, "json_filters", tuple(self.json_filters))
        for name in ("execution_after", "execution_before", "upload_after", "upload_before"):
            if isinstance(getattr(self, name), datetime):
                raise TypeError(f"{name} takes a date: the API filters by whole days")

    @property
    def local_only(self) -> tuple[str, ...]:
        """The facets `api_query` cannot express: several sites or flavors, and text."""
        return tuple(
            facet
            for facet, chosen in (
                ("site", len(self.site_ids) > 1),
                ("flavor", len(self.flavor_ids) > 1),
                ("text", bool(self.text.split())),
                ("results", bool(self.result_ids)),
            )
            if chosen
        )

    def api_query(self) -> dict[str, Any]:
        """These filters as keyword arguments of ``client.results.list``/``all``.

        ``site_id``/``flavor_id`` are None unless exactly one is chosen: the API
        takes one of each, so several are filtered in the session only, and so is
        ``text`` (see `local_only`). None means "no condition".
        """
        return {
            "site_id": next(iter(self.site_ids)) if len(self.site_ids) == 1 else None,
            "flavor_id": next(iter(self.flavor_ids)) if len(self.flavor_ids) == 1 else None,
            "tags_ids": sorted(self.tag_ids) or None,
            "execution_after": self.execution_after,
            "execution_before": self.execution_before,
            "upload_after": self.upload_after,
            "upload_before": self.upload_before,
            "filters": list(self.json_filters) or None,
        }


def category_codes(column: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Codes (-1 for NA) and the distinct values they index; free for categoricals."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.array.codes, list(column.array.categories)
    codes, uniques = pd.factorize(column)
    return codes, list(uniques)


def _hits(column: pd.Series, keep: Callable[[Any], bool]) -> tuple[np.ndarray, np.ndarray]:
    """Whether each distinct value passes `keep` (and False for NA, code -1), and the codes."""
    codes, values = category_codes(column)
    hits = np.fromiter(map(keep, values), dtype=bool, count=len(values))
    return np.append(hits, False), codes


def _rows_where(column: pd.Series, keep: Callable[[Any], bool]) -> np.ndarray:
    """Rows whose value passes `keep`, evaluated once per distinct value."""
    hits, codes = _hits(column, keep)
    return hits.take(codes)


def mask(frame: pd.DataFrame, filters: Filters, *, skip: str | None = None) -> np.ndarray:
    """Boolean row mask for `filters`; `skip` names one of `FACETS` to leave out."""
    if skip is not None and skip not in FACETS:
        raise ValueError(f"Cannot skip {skip!r}: choose one of {', '.join(FACETS)}")
    keep = np.ones(len(frame), dtype=bool)
    for facet, chosen in (("site", filters.site_ids), ("flavor", filters.flavor_ids)):
        if chosen and skip != facet:
            keep &= _rows_where(frame[f"{facet}_id"], chosen.__contains__)
    if filters.tag_ids and skip != "tags":
        keep &= _rows_where(frame["tag_ids"], filters.tag_ids.issubset)
    for facet in ("execution", "upload"):
        after, before = getattr(filters, f"{facet}_after"), getattr(filters, f"{facet}_before")
        if skip != facet and (after or before):
            keep &= _date_mask(frame[f"{facet}_datetime"], after, before)
    if skip != "json":
        for condition in filters.json_filters:
            keep &= _json_mask(frame, condition)
    if skip != "text":
        for word in filters.text.casefold().split():
            keep &= _text_mask(frame, word)
    if filters.result_ids:
        keep &= frame["id"].isin(filters.result_ids).to_numpy()
    return keep


def apply(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows matching `filters` (they keep their index labels in `frame`): `frame`
    itself when every row matches, rather than a copy of it per session."""
    keep = mask(frame, filters)
    return frame if keep.all() else frame[keep]


def _date_mask(column: pd.Series, after: date | None, before: date | None) -> np.ndarray:
    # The API compares with midnight UTC of the day, strictly. The UTC instants as
    # naive datetime64 (a view) compare twice as fast as the Series; NaT never matches.
    moments = column.array.tz_convert(None).to_numpy()
    keep = np.ones(len(column), dtype=bool)
    if after is not None:
        keep &= moments > np.datetime64(after, "ns")
    if before is not None:
        keep &= moments < np.datetime64(before, "ns")
    return keep


def _text_mask(frame: pd.DataFrame, word: str) -> np.ndarray:
    def contains(text: Any) -> bool:
        return isinstance(text, str) and word in text.casefold()

    found = np.zeros(len(frame), dtype=bool)
    for name in ("benchmark", "site", "site_address", "flavor", "tags"):
        test = (lambda names: any(map(contains, names))) if name == "tags" else contains
        hits, codes = _hits(frame[name], test)
        if hits.any():  # most words name one thing: skip the columns they are not in
            found |= hits.take(codes)
    return found


def _json_mask(frame: pd.DataFrame, condition: JsonFilter) -> np.ndarray:
    """Rows that `condition` keeps, as the API decides it (``sandbox/query.py``).

    The API reads the value as sent: a number compares with JSON numbers only, true
    or false with JSON booleans only, anything else as text with the value's text
    (numbers, text, objects and arrays); null and missing values never match.
    """
    if '"' in condition.path:  # the API cannot build a path from it: nothing matches
        return np.zeros(len(frame), dtype=bool)
    sent = str(condition).split(" ")[2]
    value: float | bool | str
    try:
        kind, value = "number", float(sent)
    except ValueError:
        if sent in _BOOLEAN_WORDS:
            kind, value = "bool", sent.lower() == "true"
        else:
            kind, value = "text", sent
    compare = _OPERATORS[condition.op]
    column = frame.get(JSON_PREFIX + condition.path)
    if column is not None:
        found = _typed_mask(column, kind, value, compare)
        if found is not None:
            return found
    if column is None or not pd.api.types.is_object_dtype(column.dtype):
        # The column's type lost what the comparison needs (the text of a number or
        # a datetime): read the documents themselves.
        column = values_at(documents(frame["raw"]), [condition.path])[condition.path]
    if kind == "text" and set(map(type, column)) <= {str, type(None)}:
        # Only text, as under a datetime path: compare it all at once.
        texts = np.array(["" if cell is None else cell for cell in column], dtype=object)
        return compare(texts, value) & np.array([cell is not None for cell in column], bool)
    return np.fromiter(
        (_matches(cell, kind, value, compare) for cell in column), dtype=bool, count=len(frame)
    )


def _typed_mask(column: pd.Series, kind: str, value: Any, compare: Callable) -> Any:
    """The mask from a typed JSON column, or None when the column cannot tell."""
    dtype = column.dtype
    if pd.api.types.is_object_dtype(dtype):
        return None
    if isinstance(dtype, pd.CategoricalDtype):
        return _rows_where(column, lambda cell: _matches(cell, kind, value, compare))
    if pd.api.types.is_bool_dtype(dtype):
        if kind != "bool":
            return np.zeros(len(column), dtype=bool)
        as_int = column.astype("Int8")
        return compare(as_int, int(value)).to_numpy(dtype=bool, na_value=False)
    if pd.api.types.is_numeric_dtype(dtype):
        if kind == "number":
            return compare(column.to_numpy(dtype=np.float64, na_value=np.nan), value)
        return None if kind == "text" else np.zeros(len(column), dtype=bool)
    if pd.api.types.is_string_dtype(dtype):
        if kind != "text":
            return np.zeros(len(column), dtype=bool)
        # Plain object arrays compare several times faster than pandas' str arrays.
        texts = column.to_numpy(dtype=object, na_value="")
        return compare(texts, value) & column.notna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(dtype) and kind != "text":
        return np.zeros(len(column), dtype=bool)  # JSON strings: never numbers or booleans
    return None


def _matches(cell: Any, kind: str, value: Any, compare: Callable) -> bool:
    """One JSON value against a filter value, cell by cell (see `_json_mask`)."""
    if isinstance(cell, bool):
        return kind == "bool" and compare(int(cell), int(value))
    if isinstance(cell, int | float | np.integer | np.floating):
        if cell != cell:  # NaN: how pandas marks a missing value; JSON has no NaN
            return False
        if kind == "number":
            # SQLite reads integers beyond 64 bits as reals.
            exact = not isinstance(cell, int) or cell in INT64
            return bool(compare(cell if exact else float(cell), value))
        return kind == "text" and compare(_number_text(cell), value)
    if isinstance(cell, str):
        return kind == "text" and compare(cell, value)
    if isinstance(cell, list | dict):
        return kind == "text" and compare(compact_json(cell), value)
    return False  # None, NA: null or missing


def _number_text(number: float) -> str:
    """A JSON number as SQLite casts it to text (reals: ``%!.15g``, e.g. ``1.0e+20``)."""
    if isinstance(number, int | np.integer) and int(number) in INT64:
        return str(int(number))
    if number == 0:
        return "0.0"
    mantissa, e, exponent = format(float(number), ".15g").partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}{e}{exponent}"
