"""Beyond one ranking: runs inside a result, scaling with cores, and a workload profile.

- **Repetitions.** c-ray's ``result.all_results`` holds a result's individual runs as
  ``"2276.233:2266.157:2270.354"``: their spread beside the spread between results, and a
  flag on a result whose runs disagree (one run far from the others).
- **Scaling.** Per site, the metric against vCPUs: speed-up over the site's smallest
  machine, and parallel efficiency (speed-up over the ratio of cores).
- **Workload profile.** Several benchmarks, each with a weight: one ranking of the groups
  by the weighted geometric mean of their "times better than the reference", and the
  coverage matrix (results per group and benchmark). A group missing a benchmark is
  ranked apart, with what it lacks, never silently dropped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from dashboard.results.ranking import weighted_geometric_mean

__all__ = [
    "OUTLIER_RUN",
    "coverage",
    "profile",
    "run_spread",
    "runs",
    "scaling",
]

#: A run further than this (relatively) from its result's median run is an outlier.
OUTLIER_RUN = 0.10


def runs(text) -> np.ndarray:
    """The individual runs a result's ``"a:b:c"`` text holds (empty when it holds none)."""
    if not isinstance(text, str):
        return np.empty(0)
    values = []
    for part in text.split(":"):
        try:
            number = float(part)
        except ValueError:
            continue
        if math.isfinite(number):
            values.append(number)
    return np.asarray(values)


def run_spread(texts: pd.Series) -> pd.DataFrame:
    """Per result: how many runs, their relative spread ((max - min) / median), and
    whether one run is an outlier (more than :data:`OUTLIER_RUN` from the median run)."""
    rows = []
    for text in texts:
        found = runs(text)
        if found.size < 2 or not np.median(found):
            rows.append((int(found.size), math.nan, False))
            continue
        median = float(np.median(found))
        spread = float((found.max() - found.min()) / abs(median))
        outlier = bool(np.any(np.abs(found - median) / abs(median) > OUTLIER_RUN))
        rows.append((int(found.size), spread, outlier))
    return pd.DataFrame(rows, columns=["runs", "spread", "outlier_run"], index=texts.index)


def scaling(frame: pd.DataFrame, column: str, vcpus: str, *, lower_is_better: bool) -> pd.DataFrame:
    """Per site and vCPU count: the median, the speed-up over the site's smallest
    machine, and the parallel efficiency (speed-up / (vCPUs / the smallest's vCPUs))."""
    needed = frame[["site", vcpus, column]].dropna()
    needed = needed[pd.to_numeric(needed[vcpus], errors="coerce") > 0]
    if needed.empty:
        return pd.DataFrame(columns=["site", "vcpus", "n", "median", "speedup", "efficiency"])
    needed = needed.assign(vcpus=needed[vcpus].astype(float), value=needed[column].astype(float))
    table = (
        needed.groupby(["site", "vcpus"], observed=True)["value"]
        .agg(n="size", median="median")
        .reset_index()
        .sort_values(["site", "vcpus"])
    )
    first = table.groupby("site", observed=True).transform("first")
    ratio = table["median"] / first["median"]
    table["speedup"] = 1 / ratio if lower_is_better else ratio
    table["efficiency"] = table["speedup"] / (table["vcpus"] / first["vcpus"])
    return table.reset_index(drop=True)


def coverage(counts: Mapping[str, Mapping[str, int]]) -> pd.DataFrame:
    """Results per group (rows) and benchmark (columns), 0 where a group has none."""
    table = pd.DataFrame({bench: pd.Series(dict(found)) for bench, found in counts.items()})
    return table.fillna(0).astype(int).sort_index()


def profile(rankings: Mapping[str, pd.DataFrame], weights: Mapping[str, float]) -> pd.DataFrame:
    """One ranking of the groups over several benchmarks' rankings (each from
    :func:`~dashboard.results.ranking.rank_groups`): the weighted geometric mean of
    their ``times_better``, best first; groups missing a benchmark come after, ranked
    among themselves, with ``missing`` naming what to run there."""
    groups = sorted({g for ranked in rankings.values() for g in ranked["group"]})
    rows = []
    for group in groups:
        better, missing = {}, []
        for bench, ranked in rankings.items():
            found = ranked.loc[ranked["group"] == group, "times_better"]
            if len(found) and np.isfinite(found.iloc[0]):
                better[bench] = float(found.iloc[0])
            elif weights.get(bench, 0) > 0:
                missing.append(bench)
        rows.append((group, weighted_geometric_mean(better, weights), ", ".join(missing)))
    table = pd.DataFrame(rows, columns=["group", "score", "missing"])
    complete = table["missing"] == ""
    order = np.lexsort((-table["score"].fillna(-math.inf).to_numpy(), ~complete.to_numpy()))
    return table.iloc[order].reset_index(drop=True)
