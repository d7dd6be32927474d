"""Summaries per group (median, quartiles) and each group relative to a reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.results.facets import options
from dashboard.results.stats import group_summary, relative_to


@pytest.mark.parametrize("by", ["site", "flavor", "tags", "benchmark"])
def test_group_summary_matches_numpy(seeded, by):
    summary = group_summary(seeded, "json.result.score", by)
    assert summary["median"].is_monotonic_increasing
    column = {"site": "site_id", "flavor": "flavor_id", "benchmark": "benchmark_id"}.get(by)
    for key, row in summary.set_index("id").iterrows():
        members = (
            seeded["tag_ids"].map(lambda t, k=key: k in t)
            if column is None
            else seeded[column] == key
        )
        values = seeded.loc[members.astype(bool), "json.result.score"].dropna().to_numpy()
        q1, median, q3 = np.percentile(values, [25, 50, 75])
        assert row["n"] == len(values)
        assert row[["median", "q1", "q3", "iqr", "min", "max"]].tolist() == pytest.approx(
            [median, q1, q3, q3 - q1, values.min(), values.max()]
        )
    assert dict(zip(summary["id"], summary.index, strict=True)) == dict(options(seeded, by))
    assert summary.index.name == by


def test_group_summary_ignores_na_and_refuses_non_numbers(frame):
    summary = group_summary(frame, "json.result.score", "tags")
    assert summary.index.tolist() == ["gpu", "baseline", "cloud"]  # by median
    assert summary.loc["baseline", "n"] == 1  # r4's score is null
    assert summary.loc["cloud", "median"] == pytest.approx((160.5 + 158) / 2)
    assert summary.loc["cloud", "id"] == "t-cloud"
    by_flavor = group_summary(frame, "json.result.score", "flavor")
    assert by_flavor.index.tolist() == [
        "gpu.v100x1",
        "standard.small (INFN-CLOUD-BARI)",
        "standard.small (CESNET-MetaCloud)",
    ]
    with pytest.raises(ValueError, match="not numbers"):
        group_summary(frame, "json.machine.os", "site")
    with pytest.raises(ValueError, match="no column"):
        group_summary(frame, "json.nope", "site")


SUMMARY = pd.DataFrame(
    {"id": ["a", "b", "c", "d"], "median": [50.0, 100.0, 100.5, 200.0]},
    index=pd.Index(["fast", "ref", "near", "slow"], name="site"),
)


@pytest.mark.parametrize(
    ("lower_is_better", "speedups", "verdicts"),
    [
        (True, [2.0, 1.0, 100 / 100.5, 0.5], ["faster", "same", "same", "slower"]),
        (False, [0.5, 1.0, 1.005, 2.0], ["slower", "same", "same", "faster"]),
    ],
    ids=["lower-is-better", "higher-is-better"],
)
def test_relative_to(lower_is_better, speedups, verdicts):
    for reference in ("ref", "b"):  # by name or by id
        relative = relative_to(SUMMARY, reference, lower_is_better)
        assert relative["ratio"].tolist() == pytest.approx([0.5, 1.0, 1.005, 2.0])
        assert relative["speedup"].tolist() == pytest.approx(speedups)
        assert relative["verdict"].tolist() == verdicts


def test_relative_to_a_missing_or_zero_reference_says_so():
    with pytest.raises(ValueError, match="'nowhere' is not one of the groups"):
        relative_to(SUMMARY, "nowhere", True)
    with pytest.raises(ValueError, match="median of 0"):
        relative_to(SUMMARY.assign(median=0.0), "ref", True)
