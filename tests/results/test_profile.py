"""Runs inside a result, scaling with cores, and a workload profile, by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dashboard.results.profile import coverage, profile, run_spread, runs, scaling
from dashboard.results.ranking import rank_groups


def test_a_results_runs_are_read_from_its_text():
    assert list(runs("2276.233:2266.157:2270.354")) == [2276.233, 2266.157, 2270.354]
    assert runs(None).size == 0 and list(runs("1:x:nan:2")) == [1.0, 2.0]


def test_a_result_with_a_run_far_from_the_others_is_flagged():
    spread = run_spread(pd.Series(["100:101:99", "100:101:886.9", "5", None]))
    assert list(spread["runs"]) == [3, 3, 1, 0]
    assert spread.at[0, "spread"] == pytest.approx(0.02)
    assert list(spread["outlier_run"]) == [False, True, False, False]


def test_scaling_gives_speed_up_and_efficiency_over_the_sites_smallest_machine():
    frame = pd.DataFrame({
        "site": ["A"] * 3 + ["B"],
        "cpus": [2, 4, 8, 4],
        "time": [100.0, 50.0, 40.0, 30.0],
    })  # fmt: skip
    table = scaling(frame, "time", "cpus", lower_is_better=True).set_index(["site", "vcpus"])
    assert table.loc[("A", 4.0), "speedup"] == pytest.approx(2.0)
    assert table.loc[("A", 4.0), "efficiency"] == pytest.approx(1.0)
    assert table.loc[("A", 8.0), "speedup"] == pytest.approx(2.5)
    assert table.loc[("A", 8.0), "efficiency"] == pytest.approx(2.5 / 4)
    assert table.loc[("B", 4.0), "speedup"] == pytest.approx(1.0)  # its own smallest


def test_a_profile_ranks_complete_groups_by_weighted_geometric_mean_and_the_rest_apart():
    fast, slow = [10.0, 10.5, 11.0], [20.0, 21.0, 19.0]
    cray = rank_groups({"x": fast, "y": slow, "z": slow}, lower_is_better=True, reference="y")
    stream = rank_groups({"x": slow, "y": fast}, lower_is_better=False, reference="y")
    table = profile({"cray": cray, "stream": stream}, {"cray": 1.0, "stream": 3.0})
    assert list(table["group"]) == ["x", "y", "z"]
    x = table.set_index("group").loc["x"]
    expected = math.exp((math.log(20.0 / 10.5) + 3 * math.log(20.0 / 10.5)) / 4)
    assert x["score"] == pytest.approx(expected)
    assert table.set_index("group").at["z", "missing"] == "stream"  # run stream there


def test_coverage_counts_each_group_and_benchmark():
    table = coverage({"cray": {"x": 3, "y": 1}, "stream": {"y": 2}})
    assert table.to_dict() == {"cray": {"x": 3, "y": 1}, "stream": {"x": 0, "y": 2}}
    assert np.issubdtype(table.dtypes.iloc[0], np.integer)
