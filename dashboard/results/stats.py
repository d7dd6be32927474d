"""What a selection's values look like, per group: n, median, quartiles, range; and each
group against a reference group.

Everything reads a frame made by :func:`dashboard.results.frame.results_frame` (or a
selection of its rows) and computes in the session, without I/O.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from dashboard.results.facets import group_names
from dashboard.results.filters import category_codes

__all__ = ["SUMMARY_COLUMNS", "group_summary", "relative_to"]

SUMMARY_COLUMNS = ("id", "n", "median", "q1", "q3", "iqr", "min", "max")
_GROUP_IDS = {"site": "site_id", "flavor": "flavor_id", "benchmark": "benchmark_id"}
#: Medians closer than this (relatively) to the reference's are "the same".
_SAME_WITHIN = 0.01


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
    names = group_names(frame, by)
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
