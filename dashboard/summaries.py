"""What a selection of results looks like: its fields, facets and groups, side by side, exported.

Everything here reads a frame made by :func:`dashboard.frames.results_frame` (or a
selection of its rows) and computes in the session, without I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from dashboard.filters import Filters, category_codes, mask
from dashboard.frames import BASE_COLUMNS, JSON_PREFIX, compact_json

__all__ = [
    "SUMMARY_COLUMNS",
    "compare",
    "facet_counts",
    "group_names",
    "group_summary",
    "leaf_paths",
    "options",
    "relative_to",
    "to_csv",
    "to_json",
    "value_at",
]

SUMMARY_COLUMNS = ("id", "n", "median", "q1", "q3", "iqr", "min", "max")
_GROUP_IDS = {"site": "site_id", "flavor": "flavor_id", "benchmark": "benchmark_id"}
#: Medians closer than this (relatively) to the reference's are "the same".
_SAME_WITHIN = 0.01


def value_at(document: Any, path: str) -> Any:
    """The value at a dotted path of a JSON document; None when missing (or null)."""
    for key in path.split("."):
        if not isinstance(document, dict):
            return None
        document = document.get(key)
    return document


def leaf_paths(documents: Iterable[Mapping], limit: int = 5000) -> list[str]:
    """Sorted dotted paths of the leaves in `documents` (lists and empty objects are leaves).

    Keys containing a dot are left out: no dotted path, the API's included, can
    reach them. At most `limit` paths, so a document with data in its keys (one key
    per host, say) cannot flood a field picker.
    """
    found: set[str] = set()
    for document in documents:
        stack = [("", document)] if isinstance(document, Mapping) else []
        while stack:
            prefix, node = stack.pop()
            for key, value in node.items():
                if "." in key:
                    continue
                if isinstance(value, dict) and value:
                    stack.append((f"{prefix}{key}.", value))
                else:
                    found.add(prefix + key)
        if len(found) >= limit:
            break
    return sorted(found)[:limit]


def facet_counts(
    frame: pd.DataFrame, filters: Filters, facet: Literal["site", "flavor", "tags"]
) -> dict[str, int]:
    """Rows the selection would leave per option id of `facet`, every option present.

    Sites and flavors: rows matching every other filter, at that site or flavor —
    what choosing only that option gives. Tags: rows matching all the filters,
    chosen tags included, that carry that tag — what adding that tag gives.
    """
    if facet == "tags":
        rows = mask(frame, filters)
        codes, combos = category_codes(frame["tag_ids"])
        present = np.bincount(codes[codes >= 0], minlength=len(combos))
        chosen = np.bincount(codes[rows & (codes >= 0)], minlength=len(combos))
        counts: dict[str, int] = {}
        for combo, seen, count in zip(combos, present, chosen, strict=True):
            for tag in combo if seen else ():
                counts[tag] = counts.get(tag, 0) + int(count)
        return counts
    if facet not in ("site", "flavor"):
        raise ValueError(f"No facet {facet!r}: choose site, flavor or tags")
    rows = mask(frame, filters, skip=facet)
    codes, ids = category_codes(frame[f"{facet}_id"])
    present = np.bincount(codes[codes >= 0], minlength=len(ids))
    chosen = np.bincount(codes[rows & (codes >= 0)], minlength=len(ids))
    return {key: int(count) for key, seen, count in zip(ids, present, chosen, strict=True) if seen}


def _present_pairs(frame: pd.DataFrame, first: str, second: str) -> list[tuple[Any, Any]]:
    """The distinct (first, second) value pairs of two row-aligned columns."""
    first_codes, first_values = category_codes(frame[first])
    second_codes, second_values = category_codes(frame[second])
    both = (first_codes >= 0) & (second_codes >= 0)
    width = len(second_values)
    pairs = np.unique(first_codes[both].astype(np.int64) * width + second_codes[both])
    return [(first_values[pair // width], second_values[pair % width]) for pair in pairs]


def site_flavors(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """The distinct ``(site_id, flavor_id)`` pairs of `frame`."""
    return _present_pairs(frame, "site_id", "flavor_id")


def options(
    frame: pd.DataFrame, facet: Literal["site", "flavor", "tags", "benchmark"]
) -> list[tuple[str, str]]:
    """``(id, name)`` of each site, flavor, tag or benchmark present in `frame`, by name.

    A flavor name found at several sites (``standard.small``) is shown as
    ``"standard.small (CESNET-MetaCloud)"`` so that the choices can be told apart.
    """
    if facet == "tags":
        pairs = {
            pair
            for ids, names in _present_pairs(frame, "tag_ids", "tags")
            for pair in zip(ids, names, strict=True)
        }
    elif facet in _GROUP_IDS:
        pairs = set(_present_pairs(frame, f"{facet}_id", facet))
    else:
        raise ValueError(f"No facet {facet!r}: choose site, flavor, tags or benchmark")
    if facet == "flavor":
        sites = dict(_present_pairs(frame, "flavor_id", "site"))
        ids_by_name: dict[str, set[str]] = {}
        for key, name in pairs:
            ids_by_name.setdefault(name, set()).add(key)
        pairs = {
            (key, f"{name} ({sites[key]})" if len(ids_by_name[name]) > 1 else name)
            for key, name in pairs
        }
    return sorted(pairs, key=lambda pair: (pair[1].casefold(), pair[1], pair[0]))


def _numbers(frame: pd.DataFrame, value: str) -> np.ndarray:
    if value not in frame.columns:
        raise ValueError(f"There is no column {value!r} to summarise")
    dtype = frame[value].dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        raise ValueError(f"{value!r} holds {dtype} values, not numbers: it has no median")
    return frame[value].to_numpy(dtype=np.float64, na_value=np.nan)


def group_summary(
    frame: pd.DataFrame, value: str, by: Literal["site", "flavor", "tags", "benchmark"]
) -> pd.DataFrame:
    """Per group, the distribution of `value`: n, median, q1, q3, iqr, min and max.

    Indexed by the group's name as `options` shows it (index named `by`), with the
    group's ``id`` in a column; sorted by median. NA values are ignored and groups
    without any value left out. By tags, a result counts in the group of each of its
    tags (and results without tags in none).
    """
    numbers = _numbers(frame, value)
    names = _unique_names(options(frame, by))
    if by == "tags":
        codes, combos = category_codes(frame["tag_ids"])
        groups = (
            (tag, np.isin(codes, [i for i, combo in enumerate(combos) if tag in combo]))
            for tag in names
        )
    else:
        codes, keys = category_codes(frame[_GROUP_IDS[by]])
        groups = ((key, codes == i) for i, key in enumerate(keys) if key in names)
    rows = []
    for key, members in groups:
        found = numbers[members]
        found = found[~np.isnan(found)]
        if found.size:
            q1, median, q3 = np.percentile(found, [25, 50, 75])
            rows.append(
                (names[key], key, found.size, median, q1, q3, q3 - q1, found.min(), found.max())
            )
    summary = pd.DataFrame(rows, columns=[by, *SUMMARY_COLUMNS]).set_index(by)
    return summary.sort_values("median", kind="stable")


def group_names(
    frame: pd.DataFrame, by: Literal["site", "flavor", "tags", "benchmark"]
) -> dict[str, str]:
    """The groups of `frame` by `by`, id → the name :func:`group_summary` shows."""
    return _unique_names(options(frame, by))


def _unique_names(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Names by id, a name shared by several ids told apart by the start of the id."""
    seen: dict[str, int] = {}
    for _, name in pairs:
        seen[name] = seen.get(name, 0) + 1
    return {key: name if seen[name] == 1 else f"{name} ({key[:8]})" for key, name in pairs}


def relative_to(summary: pd.DataFrame, reference: str, lower_is_better: bool) -> pd.DataFrame:
    """`summary` with each group's median against the `reference` group's.

    `reference` is a group's name (the index of `summary`) or its id. Adds
    ``ratio`` (median / reference median), ``speedup`` (how many times faster than
    the reference) and ``verdict``: "faster", "slower", or "same" within 1%.
    """
    by_id = summary.index[summary["id"] == reference]
    if reference in summary.index:
        name = reference
    elif len(by_id):
        name = by_id[0]
    else:
        known = ", ".join(map(str, summary.index[:10])) or "none"
        raise ValueError(f"The reference {reference!r} is not one of the groups ({known})")
    base = summary.at[name, "median"]
    if not base or np.isnan(base):
        raise ValueError(
            f"The reference {name!r} has a median of {base}: nothing can be compared with it"
        )
    relative = summary.copy()
    relative["ratio"] = relative["median"] / base
    relative["speedup"] = 1 / relative["ratio"] if lower_is_better else relative["ratio"]
    same = (relative["ratio"] - 1).abs() <= _SAME_WITHIN
    faster = relative["speedup"] > 1
    relative["verdict"] = np.where(same, "same", np.where(faster, "faster", "slower"))
    return relative


def compare(frame: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    """The chosen results side by side: one column per result, one row per field.

    Columns are labelled "site / flavor / short id", in the order of `ids`; rows are
    the base fields, then ``json.<path>`` for every JSON leaf of any of them (lists
    as JSON text, missing → None). The boolean column ``differs`` tells the rows
    whose values are not all equal.
    """
    wanted = list(dict.fromkeys(ids))
    positions = pd.Index(frame["id"]).get_indexer(wanted)
    unknown = [key for key, position in zip(wanted, positions, strict=True) if position < 0]
    if unknown:
        raise ValueError(f"Not among the loaded results: {', '.join(unknown)}")
    chosen = frame.iloc[positions]
    documents = list(chosen["raw"])
    paths = leaf_paths(documents)
    fields = [name for name in BASE_COLUMNS if name != "id"]
    table: dict[str, list[Any]] = {}
    for (_, row), document in zip(chosen.iterrows(), documents, strict=True):
        label = f"{row['site']} / {row['flavor']} / {row['id'][:8]}"
        if label in table:  # ids sharing their first characters
            label = f"{row['site']} / {row['flavor']} / {row['id']}"
        base = [", ".join(sorted(row[f])) if f == "tags" else row[f] for f in fields]
        leaves = [_cell(value_at(document, path)) for path in paths]
        table[label] = base + leaves
    comparison = pd.DataFrame(table, index=fields + [JSON_PREFIX + path for path in paths])
    comparison["differs"] = [
        len({_comparable(value) for value in values}) > 1
        for values in comparison.itertuples(index=False)
    ]
    return comparison


def _cell(value: Any) -> Any:
    return compact_json(value) if isinstance(value, list | dict) else value


def _comparable(value: Any) -> tuple[str, Any]:
    # True == 1 in Python, but not in JSON: booleans compare apart from numbers.
    if value is None:
        return ("missing", None)
    if isinstance(value, bool):
        return ("bool", value)
    return ("value", value)


def _iso_z(column: pd.Series) -> np.ndarray:
    """Datetimes as ISO 8601 in UTC with a Z, microseconds only when there are some."""
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        column = column.dt.tz_convert("UTC").dt.tz_localize(None)
    moments = column.to_numpy(dtype="datetime64[us]")
    whole = moments.astype("datetime64[s]") == moments
    text = np.where(
        whole,
        np.datetime_as_string(moments, unit="s"),
        np.datetime_as_string(moments, unit="us"),
    )
    return np.where(np.isnat(moments), None, np.char.add(text, "Z").astype(object))


def to_csv(frame: pd.DataFrame) -> str:
    """The rows as CSV: every column but ``raw``; tags joined by ", "; datetimes ISO with Z."""
    columns: dict[str, Any] = {}
    for name in frame.columns:
        column = frame[name]
        if name in ("tags", "tag_ids"):
            columns[name] = [", ".join(values) for values in column]
        elif pd.api.types.is_datetime64_any_dtype(column.dtype):
            columns[name] = _iso_z(column)
        elif name != "raw":
            columns[name] = column.to_numpy()
    return pd.DataFrame(columns).to_csv(index=False)


def to_json(frame: pd.DataFrame) -> str:
    """The rows as a JSON list of results shaped as the API's, with names for references.

    Each: ``id``, ``execution_datetime`` and ``upload_datetime`` (ISO 8601, Z),
    ``benchmark`` ("image:tag"), ``site``, ``flavor``, ``tags`` (names) and ``json``.
    """
    fields = zip(
        frame["id"],
        _iso_z(frame["execution_datetime"]),
        _iso_z(frame["upload_datetime"]),
        frame["benchmark"],
        frame["site"],
        frame["flavor"],
        frame["tags"],
        frame["raw"],
        strict=True,
    )
    results = [
        {
            "id": key,
            "execution_datetime": executed,
            "upload_datetime": uploaded,
            "benchmark": benchmark,
            "site": site,
            "flavor": flavor,
            "tags": list(tags),
            "json": document,
        }
        for key, executed, uploaded, benchmark, site, flavor, tags, document in fields
    ]
    return json.dumps(results, ensure_ascii=False)
