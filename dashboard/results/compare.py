"""Chosen results side by side: one column per result, one row per field, differences marked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from dashboard.results.frame import BASE_COLUMNS, JSON_PREFIX, compact_json
from dashboard.results.frame import documents as frame_documents
from dashboard.schema.jsonpath import MISSING, leaves, value_at

__all__ = ["compare", "leaf_paths"]


def leaf_paths(documents: Iterable[Mapping], limit: int = 5000) -> list[str]:
    """Sorted dotted paths of the leaves in `documents` (see
    :func:`~dashboard.schema.jsonpath.leaves`). At most `limit` paths, so a document
    with data in its keys (one key per host, say) cannot flood a field picker.
    """
    found: set[str] = set()
    for document in documents:
        found.update(path for path, _ in leaves(document))
        if len(found) >= limit:
            break
    return sorted(found)[:limit]


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
    documents = frame_documents(chosen["raw"])
    paths = leaf_paths(documents)
    fields = [name for name in BASE_COLUMNS if name != "id"]
    table: dict[str, list[Any]] = {}
    for (_, row), document in zip(chosen.iterrows(), documents, strict=True):
        label = f"{row['site']} / {row['flavor']} / {row['id'][:8]}"
        if label in table:  # ids sharing their first characters
            label = f"{row['site']} / {row['flavor']} / {row['id']}"
        base = [", ".join(sorted(row[f])) if f == "tags" else row[f] for f in fields]
        cells = [_cell(_present(value_at(document, path))) for path in paths]
        table[label] = base + cells
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


def _present(value: Any) -> Any:
    return None if value is MISSING else value
