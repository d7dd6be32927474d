"""One benchmark's results as a DataFrame, filtered in the session.

When a user picks a benchmark, all its results are loaded once and turned into one
frame (:func:`results_frame`); every filter after that is computed here with pandas,
without asking the API again (:mod:`dashboard.results.filters`; facet counts, summaries,
comparisons and exports of the selection are in the other modules of :mod:`dashboard.results`).

Benchmark, site, flavor and tag columns are categoricals: a condition is worked out
once per category (a few dozen) and spread to the rows through the category codes,
which keeps a facet change on 100,000 rows within a few milliseconds.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import msgspec
import numpy as np
import pandas as pd

from dashboard.api.columns import ResultColumns, values_in_texts
from dashboard.api.columns import documents as read_documents
from dashboard.api.records import Benchmark, Flavor, Result, Site, Tag
from dashboard.schema.jsonpath import values_at

__all__ = [
    "BASE_COLUMNS",
    "JSON_PREFIX",
    "appended",
    "columns_frame",
    "compact_json",
    "documents",
    "results_frame",
    "with_json_columns",
]

JSON_PREFIX = "json."
BASE_COLUMNS = (
    "id",
    "benchmark",
    "site",
    "flavor",
    "tags",
    "execution_datetime",
    "upload_datetime",
)
_ISO_8601 = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
#: The integers a 64-bit column holds (larger ones stay Python objects).
INT64 = range(-(2**63), 2**63)
#: At most this many JSON values (documents times paths) are read at once by a build.
VALUES_PER_PASS = 3_000_000
# One encoder for every value: json.dumps would build one per call, per row.
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_FAST = msgspec.json.Encoder()
_PLAIN_NUMBER_LIST = re.compile(rb"\[[-0-9.,]*\]")
# a float from 1e16, which Python writes with an exponent and msgspec with 17 digits or
# more before the point (below 1e-4 it is 0.0000..., looked for apart)
_BIG_FLOAT = re.compile(rb"[0-9]{17}\.")


def compact_json(value: Any) -> str:
    """JSON text as the sandbox stores it, and as the API compares objects and arrays."""
    return _COMPACT.encode(value)


def _compact_texts(values: list[Any]) -> list[Any]:
    """Each list or object among ``values`` as :func:`compact_json` writes it, the rest
    as they are.

    A list of plain numbers (a benchmark's individual runs, the common case) is written
    by msgspec, ten times faster (the standard library's encoder took a fifth of a
    100,000-result build), wherever the two write the same text: only digits, signs
    and points between the brackets (nothing beyond a float: Python writes
    ``Infinity``, msgspec ``null``; no string, boolean or null inside), and no float
    that Python writes with an exponent (below 1e-4 or from 1e16: ``1e-05`` against
    ``0.00001``).
    """
    encode, slow = _FAST.encode, _COMPACT.encode
    plain, big = _PLAIN_NUMBER_LIST.fullmatch, _BIG_FLOAT.search
    texts = []
    for value in values:
        kind = type(value)
        if kind is list:
            try:
                text = encode(value)
            except (OverflowError, TypeError):  # an integer beyond 64 bits
                text = b""
            fast = plain(text) and b"0.0000" not in text and not (len(text) > 18 and big(text))
            texts.append(text.decode() if fast else slow(value))
        elif kind is dict:
            texts.append(slow(value))
        else:
            texts.append(value)
    return texts


def results_frame(results: Sequence[Result], json_paths: Sequence[str] = ()) -> pd.DataFrame:
    """One row per result, for exploring one benchmark's results in the session.

    Columns: ``id``; ``benchmark`` ("image:tag"), ``benchmark_id``; ``site``,
    ``site_id``, ``site_address``; ``flavor``, ``flavor_id``; ``tags`` (tuple of
    names), ``tag_ids`` (tuple of ids); ``execution_datetime``, ``upload_datetime``
    (datetime64[ns, UTC]); ``json.<path>`` for each of `json_paths`; and ``raw``, each
    result's JSON document (in a bulk load's frame, its JSON text: :func:`documents`).
    All but ``id``, the datetimes and the JSON columns are categoricals (the tag
    columns' categories are the tag combinations met).

    A JSON column holds the value at its path, missing or null → NA: numbers →
    Int64 when all are integers, else float64; booleans → boolean; strings that are
    all ISO 8601 datetimes → datetime64[ns, UTC]; other strings (lists and objects
    as compact JSON text) → category when each value repeats on average (enums such
    as an OS or a GPU model: filters then compare each distinct value once), else
    str; a mix of kinds → object (values as they are).
    """
    return columns_frame(ResultColumns.of(results), json_paths)


def columns_frame(results: ResultColumns, json_paths: Sequence[str] = ()) -> pd.DataFrame:
    """The frame of :func:`results_frame`, from results read as columns (a bulk load)."""
    record = results.record
    columns: dict[str, Any] = {"id": pd.array(results.ids, dtype="str")}
    columns |= _record_columns(
        results.benchmark_ids, "benchmark", {"benchmark": lambda i: record(Benchmark, i).name}
    )
    columns |= _record_columns(
        results.site_ids,
        "site",
        {
            "site": lambda i: record(Site, i).name,
            "site_address": lambda i: record(Site, i).address,
        },
    )
    columns |= _record_columns(
        results.flavor_ids, "flavor", {"flavor": lambda i: record(Flavor, i).name}
    )
    columns |= _tag_columns(results.tag_ids, lambda i: record(Tag, i).name)
    for name, stamps in (
        ("execution_datetime", results.executed),
        ("upload_datetime", results.uploaded),
    ):
        columns[name] = pd.to_datetime(stamps, utc=True, format="ISO8601").as_unit("ns")
    docs = results.docs
    columns |= _json_columns(docs, json_paths)
    raw = np.empty(len(docs), dtype=object)
    raw[:] = docs
    columns["raw"] = raw
    return pd.DataFrame(columns)


def with_json_columns(
    frame: pd.DataFrame, paths: Sequence[str], order: Sequence[str]
) -> pd.DataFrame:
    """``frame`` (of :func:`columns_frame`) with the JSON columns of ``paths`` too, read
    from its documents, its JSON columns in the order of the paths of ``order``: a new
    frame; ``frame`` stays as it was."""
    added = _json_columns(list(frame["raw"]), paths)
    before = [n for n in frame.columns if not n.startswith(JSON_PREFIX) and n != "raw"]
    json_names = [JSON_PREFIX + path for path in dict.fromkeys([*order, *paths])]
    columns = {name: frame[name] for name in before}
    for name in json_names:
        if name in added or name in frame:
            columns[name] = added[name] if name in added else frame[name]
    columns["raw"] = frame["raw"]
    return pd.DataFrame(columns)


def _json_columns(docs: Sequence[Any], json_paths: Sequence[str]) -> dict[str, Any]:
    """A column per path of the documents' values."""
    columns = {}
    paths = list(dict.fromkeys(json_paths))
    # A few paths per reading of the documents: each value read is a Python object until
    # its column is made, and a million results times every path did not fit in memory.
    per_pass = max(1, VALUES_PER_PASS // max(len(docs), 1))
    for start in range(0, len(paths), per_pass):
        values = _values_at(docs, paths[start : start + per_pass])
        for path in list(values):
            columns[JSON_PREFIX + path] = _json_column(values.pop(path))
    return columns


def documents(raw: Iterable[Any]) -> list[Any]:
    """The JSON documents of a ``raw`` column (a bulk load keeps them as JSON text)."""
    return read_documents(raw)


def _values_at(raw: Sequence[Any], paths: Sequence[str], step: int = 5000) -> dict[str, list]:
    """``values_at`` over the documents, decoded a few thousand at a time: the texts by
    the paths alone, the documents read whole (a page that named a new record) as they
    are, each value in its document's place."""
    found: dict[str, list] = {path: [] for path in dict.fromkeys(paths)}
    for start in range(0, len(raw), step) if found else ():
        part = raw[start : start + step]
        whole = [i for i, value in enumerate(part) if not isinstance(value, bytes)]
        texts = [value for value in part if isinstance(value, bytes)] if whole else part
        values = values_in_texts(texts, list(found)) if texts else None
        if values is None:  # texts the paths do not fit: every document read whole
            values = values_at(documents(part), found)
        elif whole:  # the documents read whole go back in their places
            read = values_at([part[i] for i in whole], found)
            values = {path: _interleaved(col, read[path], whole) for path, col in values.items()}
        for path, column in values.items():
            found[path].extend(column)
    return found


def _interleaved(texts: list, others: list, at: list[int]) -> list:
    """``others`` at the positions ``at``, ``texts`` in the other positions, in order."""
    placed = dict(zip(at, others, strict=True))
    remaining = iter(texts)
    return [placed[i] if i in placed else next(remaining) for i in range(len(texts) + len(at))]


def appended(frame: pd.DataFrame, more: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s rows, then ``more``'s (results uploaded since): a new frame, in which
    the categorical columns stay categoricals over the categories of both."""
    if not len(more):
        return frame
    if not len(frame):
        return more
    columns: dict[str, Any] = {}
    for name in dict.fromkeys([*frame.columns, *more.columns]):
        first, then = _or_missing(frame, more, name), _or_missing(more, frame, name)
        if isinstance(first.dtype, pd.CategoricalDtype) and isinstance(
            then.dtype, pd.CategoricalDtype
        ):
            columns[name] = _joined_categories(first.array, then.array)
        else:
            columns[name] = pd.concat([first, then], ignore_index=True)
    return pd.DataFrame(columns)


def _joined_categories(first: pd.Categorical, then: pd.Categorical) -> pd.Categorical:
    # by hand: tag combinations are tuples, which pandas' own union would make a MultiIndex
    categories = list(dict.fromkeys([*first.categories, *then.categories]))
    position = {category: code for code, category in enumerate(categories)}
    remap = np.array([position[c] for c in then.categories] + [-1], dtype=np.intp)
    codes = np.concatenate([first.codes, remap[then.codes]])  # -1 (missing) stays -1
    return _category(codes, categories)


def _or_missing(frame: pd.DataFrame, other: pd.DataFrame, name: str) -> pd.Series:
    """``frame[name]``, or as many missing values (a field only the other frame has)."""
    if name in frame:
        return frame[name].reset_index(drop=True)
    return pd.Series([None] * len(frame), dtype=other[name].dtype)


def _category(codes: np.ndarray, categories: Sequence[Any]) -> pd.Categorical:
    # tupleize_cols=False: tag combinations are categories, not a MultiIndex.
    index = pd.Index(list(categories), dtype=object, tupleize_cols=False)
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(index))


def _factorize(keys: Iterable[Any]) -> tuple[np.ndarray, list[Any]]:
    index: dict[Any, int] = {}
    codes = np.fromiter((index.setdefault(key, len(index)) for key in keys), dtype=np.intp)
    return codes, list(index)


def _record_columns(
    ids: list[str], name: str, labels: Mapping[str, Callable[[str], str]]
) -> dict[str, pd.Categorical]:
    """``<name>_id`` and label columns; labels are computed once per record, not per row."""
    codes, uniques = _factorize(ids)
    columns = {f"{name}_id": _category(codes, uniques)}
    for column, label in labels.items():
        label_codes, names = _factorize(label(record_id) for record_id in uniques)
        columns[column] = _category(label_codes[codes], names)
    # The name first, as people read it: site, site_id, site_address.
    name_first, *others = labels
    return {column: columns[column] for column in [name_first, f"{name}_id", *others]}


def _tag_columns(
    tag_ids: list[tuple[str, ...]], name: Callable[[str], str]
) -> dict[str, pd.Categorical]:
    codes, combos = _factorize(tag_ids)
    name_codes, names = _factorize(tuple([name(i) for i in combo]) for combo in combos)
    return {"tags": _category(name_codes[codes], names), "tag_ids": _category(codes, combos)}


def _json_column(values: list[Any]) -> Any:
    kinds = set(map(type, values)) - {type(None)}
    if kinds & {list, dict}:
        values = _compact_texts(values)
        kinds = (kinds - {list, dict}) | {str}
    if kinds == {bool}:
        return pd.array(values, dtype="boolean")
    if kinds == {int}:
        with contextlib.suppress(OverflowError):  # beyond 64 bits: as floats, below
            return pd.array(values, dtype="Int64")
    if kinds and kinds <= {int, float}:
        return np.array(values, dtype=np.float64)
    if kinds == {str}:
        return _text_column(values)
    column = np.empty(len(values), dtype=object)
    column[:] = values
    return column


def _text_column(values: list[str | None]) -> Any:
    distinct = set(values) - {None}
    if all(_ISO_8601.fullmatch(text) for text in distinct):
        try:
            return pd.to_datetime(values, format="ISO8601", utc=True).as_unit("ns")
        except (ValueError, OverflowError):
            pass  # looks like dates but is not (month 13...): keep the text
    if len(distinct) <= len(values) // 2:
        # pandas' factorize, then the categories sorted as Categorical(values) sorts them
        codes, uniques = pd.factorize(np.array(values, dtype=object), use_na_sentinel=True)
        order = np.argsort(np.array(uniques, dtype=str), kind="stable")
        position = np.empty(len(order) + 1, dtype=np.intp)
        position[order] = np.arange(len(order))
        position[-1] = -1  # missing stays missing
        return pd.Categorical.from_codes(position[codes], categories=uniques[order])
    return pd.array(values, dtype="str")
