"""Where to run: groups ranked against a reference group, with intervals that say how sure.

Each group's results (a site and flavor, say) are compared with a reference group's by
the ratio of their medians. The 95 % interval of that ratio comes from scipy:

- up to :data:`BOOTSTRAP_UP_TO` results in both groups, ``scipy.stats.bootstrap`` of the
  ratio of medians (percentile method, :data:`RESAMPLES` resamples, a fixed seed: the
  same data always gives the same interval);
- above that, where the bootstrap's cost grows with every result and its answer no
  longer moves, a distribution-free interval: each median's order-statistic interval
  (from the binomial distribution, ``scipy.stats.binom``), combined on the log scale.

A group with fewer than :data:`FEW` results (or a reference with fewer) is ranked but
"too few results to conclude"; a ratio whose interval holds 1 is "no clear difference",
never "faster". Direction comes from the caller (the schema says whether lower is
better). Nothing here raises on what data can hold: empty groups, NaN, ties, zeros.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "BOOTSTRAP_UP_TO",
    "FEW",
    "RANKING_COLUMNS",
    "group_values",
    "median_group",
    "per_unit",
    "rank_groups",
    "ranking",
    "ratio_interval",
    "verdict",
    "weighted_geometric_mean",
]

FEW = 3
BOOTSTRAP_UP_TO = 200
RESAMPLES = 999
SEED = 20261207
LEVEL = 0.95

BOOTSTRAP = "bootstrap of the ratio of medians (percentile, 999 resamples, fixed seed)"
DISTRIBUTION_FREE = "distribution-free: order-statistic intervals of each median, on a log scale"

TOO_FEW = "too few results to conclude"
NO_CLEAR = "no clear difference"
REFERENCE = "reference"

RANKING_COLUMNS = (
    "group",
    "n",
    "median",
    "q1",
    "q3",
    "iqr",
    "ratio",
    "low",
    "high",
    "times_better",
    "verdict",
    "method",
)


def _clean(values) -> np.ndarray:
    numbers = np.asarray(values, dtype=np.float64).ravel()
    return numbers[np.isfinite(numbers)]


def _median_ratio(sample, reference, axis=-1):
    return np.median(sample, axis=axis) / np.median(reference, axis=axis)


def _bootstrap(sample: np.ndarray, reference: np.ndarray) -> tuple[float, float]:
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")  # degenerate samples (all ties) give a point
        found = stats.bootstrap(
            (sample, reference),
            _median_ratio,
            vectorized=True,
            paired=False,
            confidence_level=LEVEL,
            n_resamples=RESAMPLES,
            method="percentile",
            random_state=np.random.default_rng(SEED),
        )
    return float(found.confidence_interval.low), float(found.confidence_interval.high)


def _median_bounds(values: np.ndarray) -> tuple[float, float]:
    """The distribution-free 95 % interval of a median: two order statistics."""
    ordered = np.sort(values)
    n = ordered.size
    lower = int(stats.binom.ppf((1 - LEVEL) / 2, n, 0.5))
    upper = int(stats.binom.isf((1 - LEVEL) / 2, n, 0.5))
    lower, upper = max(lower - 1, 0), min(upper, n - 1)
    return float(ordered[lower]), float(ordered[upper])


def _distribution_free(sample: np.ndarray, reference: np.ndarray, ratio: float):
    spans = []
    for values in (sample, reference):
        low, high = _median_bounds(values)
        if low <= 0 or high <= 0:
            return math.nan, math.nan
        spans.append((math.log(high) - math.log(low)) / 2)
    half = math.sqrt(spans[0] ** 2 + spans[1] ** 2)
    return ratio * math.exp(-half), ratio * math.exp(half)


def ratio_interval(sample, reference) -> tuple[float, float, float, str]:
    """The ratio of the medians of ``sample`` over ``reference``, its 95 % interval, and
    how the interval was found; NaN where there is nothing to divide by or too little."""
    sample, reference = _clean(sample), _clean(reference)
    if not sample.size or not reference.size:
        return math.nan, math.nan, math.nan, ""
    base = float(np.median(reference))
    if base == 0:
        return math.nan, math.nan, math.nan, ""
    ratio = float(np.median(sample)) / base
    if sample.size < FEW or reference.size < FEW:
        return ratio, math.nan, math.nan, ""
    if max(sample.size, reference.size) <= BOOTSTRAP_UP_TO:
        low, high = _bootstrap(sample, reference)
        return ratio, low, high, BOOTSTRAP
    low, high = _distribution_free(sample, reference, ratio)
    return ratio, low, high, DISTRIBUTION_FREE


def verdict(n: int, reference_n: int, low: float, high: float, lower_is_better: bool) -> str:
    """What the comparison lets one say, in words."""
    if n < FEW or reference_n < FEW or math.isnan(low) or math.isnan(high):
        return TOO_FEW
    if low <= 1 <= high:
        return NO_CLEAR
    smaller = high < 1
    return "faster" if smaller == lower_is_better else "slower"


def median_group(medians: Mapping[str, float], counts: Mapping[str, int]) -> str | None:
    """The default reference: the group whose median is the middle one (among the groups
    with enough results, when any has)."""
    enough = {g: m for g, m in medians.items() if counts.get(g, 0) >= FEW and np.isfinite(m)}
    pool = enough or {g: m for g, m in medians.items() if np.isfinite(m)}
    if not pool:
        return None
    ordered = sorted(pool, key=lambda g: (pool[g], g))
    return ordered[(len(ordered) - 1) // 2]


def _describe(values: np.ndarray) -> tuple[float, float, float]:
    if not values.size:
        return math.nan, math.nan, math.nan
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    return float(median), float(q1), float(q3)


def rank_groups(
    groups: Mapping[str, object],
    *,
    lower_is_better: bool,
    reference: str | None = None,
) -> pd.DataFrame:
    """One row per group (``RANKING_COLUMNS``), best first: its n, median and quartiles,
    the ratio of its median to the reference's with its 95 % interval, how many times
    better that is (oriented by ``lower_is_better``), and the verdict.

    ``groups`` maps a group's name to its values. ``reference`` defaults to the middle
    group (:func:`median_group`); one not among the groups is taken as that default.
    """
    values = {name: _clean(found) for name, found in groups.items()}
    described = {name: _describe(found) for name, found in values.items()}
    counts = {name: int(found.size) for name, found in values.items()}
    if reference not in values:
        reference = median_group({g: d[0] for g, d in described.items()}, counts)
    rows = []
    for name, found in values.items():
        median, q1, q3 = described[name]
        if name == reference:
            ratio, low, high, method = 1.0, 1.0, 1.0, ""
            said = REFERENCE
        else:
            base = values.get(reference, np.empty(0)) if reference is not None else np.empty(0)
            ratio, low, high, method = ratio_interval(found, base)
            said = verdict(counts[name], counts.get(reference, 0), low, high, lower_is_better)
        better = (1 / ratio if ratio else math.nan) if lower_is_better else ratio
        rows.append((name, counts[name], median, q1, q3, q3 - q1, ratio, low, high, better,
                     said, method))  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(RANKING_COLUMNS))
    order = frame["times_better"].fillna(-math.inf)
    return frame.iloc[np.argsort(-order.to_numpy(), kind="stable")].reset_index(drop=True)


def weighted_geometric_mean(ratios: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """The weighted geometric mean of ratios (one per benchmark), over the benchmarks
    with both a positive, finite ratio and a positive weight; NaN when none has."""
    kept = [
        (math.log(ratio), weights[key])
        for key, ratio in ratios.items()
        if key in weights
        and weights[key] > 0
        and ratio is not None
        and np.isfinite(ratio)
        and ratio > 0
    ]
    if not kept:
        return math.nan
    total = sum(weight for _, weight in kept)
    return math.exp(sum(log * weight for log, weight in kept) / total)


def per_unit(values, count, *, lower_is_better: bool):
    """A metric per core (or per GPU), ``count`` of them per value: a rate (higher is
    better) is divided by the count, a time (lower is better) multiplied by it (core
    seconds), so that either way the machine doing more per core ranks first. NaN
    where the count is missing or not positive. A Series keeps its index."""
    numbers = np.asarray(values, dtype=np.float64)
    counts = np.asarray(count, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        counts = np.where(counts > 0, counts, np.nan)
    found = numbers * counts if lower_is_better else numbers / counts
    return pd.Series(found, index=values.index) if isinstance(values, pd.Series) else found


def group_values(
    frame: pd.DataFrame, column: str, by: tuple[str, ...] = ("site", "flavor")
) -> dict[str, np.ndarray]:
    """The values of ``column`` per group of ``by`` (named ``"site / flavor"``): a flavor
    name at five sites is five machines, never one group."""
    if column not in frame.columns or not len(frame):
        return {}
    keys = [frame[part].astype(str) for part in by]
    names = keys[0].str.cat(keys[1:], sep=" / ") if len(keys) > 1 else keys[0]
    numbers = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    grouped = numbers.groupby(names.to_numpy(), sort=True)
    return {str(name): values.to_numpy() for name, values in grouped}


def ranking(
    frame: pd.DataFrame,
    column: str,
    *,
    lower_is_better: bool,
    by: tuple[str, ...] = ("site", "flavor"),
    reference: str | None = None,
) -> pd.DataFrame:
    """:func:`rank_groups` of ``frame``'s ``column`` per group of ``by``."""
    return rank_groups(
        group_values(frame, column, by), lower_is_better=lower_is_better, reference=reference
    )
