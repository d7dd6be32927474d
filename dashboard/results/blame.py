"""Which filters leave no result: each one the user set, and what dropping it would leave.

When the filters together match nothing, "0 results" alone sends the user hunting
through every widget. Each filter is left out in turn (one pass of
:func:`~dashboard.results.filters.mask` per filter set, a few at most), and the message
names those whose removal alone brings results back, with how many.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from dashboard.results.facets import options
from dashboard.results.filters import Filters, mask

__all__ = ["Culprit", "culprits", "filter_parts"]

Culprit = tuple[str, int]  # (the filter in words, results left without it)


def _names(frame: pd.DataFrame, facet: str, ids: frozenset[str]) -> str:
    named = dict(options(frame, facet))  # type: ignore[arg-type]
    return ", ".join(sorted(named.get(key, key) for key in ids))


def _days(after, before) -> str:
    if after and before:
        return f"after {after} and before {before}"
    return f"after {after}" if after else f"before {before}"


def filter_parts(frame: pd.DataFrame, filters: Filters) -> list[tuple[str, dict[str, Any]]]:
    """Each filter set, in words, with the change to ``filters`` that leaves it out."""
    parts: list[tuple[str, dict[str, Any]]] = []
    for facet, attribute, what in (
        ("site", "site_ids", "Sites"),
        ("flavor", "flavor_ids", "Flavors"),
        ("tags", "tag_ids", "Tags"),
    ):
        chosen = getattr(filters, attribute)
        if chosen:
            parts.append((f"{what}: {_names(frame, facet, chosen)}", {attribute: frozenset()}))
    for facet, what in (("execution", "Executed"), ("upload", "Uploaded")):
        after, before = getattr(filters, f"{facet}_after"), getattr(filters, f"{facet}_before")
        if after or before:
            parts.append(
                (
                    f"{what} {_days(after, before)}",
                    {f"{facet}_after": None, f"{facet}_before": None},
                )
            )
    if filters.text.strip():
        parts.append((f"Search: {filters.text.strip()}", {"text": ""}))
    for condition in filters.json_filters:
        others = tuple(c for c in filters.json_filters if c != condition)
        parts.append((f"the condition {condition}", {"json_filters": others}))
    if filters.result_ids:
        parts.append(("only the results the link names", {"result_ids": frozenset()}))
    return parts


def culprits(frame: pd.DataFrame, filters: Filters) -> tuple[list[Culprit], list[str]]:
    """The filters whose removal alone would leave results (each with how many), and
    every filter set (in words): when the first list is empty, only several together
    are to blame."""
    parts = filter_parts(frame, filters)
    found = []
    for words, without in parts:
        left = int(mask(frame, replace(filters, **without)).sum())
        if left:
            found.append((words, left))
    return sorted(found, key=lambda culprit: -culprit[1]), [words for words, _ in parts]
