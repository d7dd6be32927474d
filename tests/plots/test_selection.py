"""Selections in the plot map back to result ids: boxes, dates, tags and log axes."""

from __future__ import annotations

import holoviews as hv
import numpy as np
import pandas as pd
from helpers import SCORE

from dashboard.plots.selection import selection_ids


def test_selection_ids_of_a_box_selection(results):
    box = (hv.dim(SCORE) > 5) & (hv.dim(SCORE) < 10)
    inside = results[(results[SCORE] > 5) & (results[SCORE] < 10)]
    assert 0 < len(inside) < len(results)
    assert selection_ids(results, box) == set(inside["id"])


def test_selection_ids_of_dates_tags_and_log_axes(results):
    after = hv.dim("execution_datetime") > np.datetime64("2024-01-01")
    later = results["execution_datetime"] > pd.Timestamp("2024-01-01", tz="UTC")
    assert selection_ids(results, after) == set(results.loc[later, "id"])
    gpu = hv.dim("tags").isin(["gpu"])
    assert selection_ids(results, gpu) == {
        i for i, t in zip(results["id"], results["tags"], strict=True) if "gpu" in t
    }
    assert selection_ids(results, hv.dim(f"log10({SCORE})") > 1) == set(
        results.loc[results[SCORE] > 10, "id"]
    )


def test_selection_ids_without_selection_or_on_missing_columns(results):
    assert selection_ids(results, None) == set(results["id"])
    assert selection_ids(results, hv.dim("json.not.here") > 1) == set()
