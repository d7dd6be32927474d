"""Exports: CSV that reads back as it was, JSON shaped like the API's results."""

from __future__ import annotations

import io
import json

import pandas as pd
from helpers import RESULTS

from dashboard.results.export import to_csv, to_json
from dashboard.results.filters import Filters, apply


def test_csv_export_round_trips(frame):
    text = to_csv(apply(frame, Filters(site_ids={"s-prague"})))
    back = pd.read_csv(io.StringIO(text))
    assert "raw" not in back.columns and back["id"].tolist() == ["r1", "r2"]
    assert back["tags"].tolist() == ["cloud", "cloud, baseline"]
    assert back["execution_datetime"].tolist() == [
        "2024-03-01T00:00:00Z",
        "2024-03-01T00:00:00.000001Z",
    ]
    assert back["json.result.score"].tolist() == [160.5, 158.0]
    assert pd.to_datetime(back["upload_datetime"]).tolist() == frame["upload_datetime"][:2].tolist()


def test_json_export_is_api_shaped(frame):
    exported = json.loads(to_json(frame))
    assert [item["id"] for item in exported] == ["r1", "r2", "r3", "r4", "r5"]
    assert exported[1] == {
        "id": "r2",
        "execution_datetime": "2024-03-01T00:00:00.000001Z",
        "upload_datetime": "2024-03-02T00:00:00Z",
        "benchmark": "thechristophe/openbench-c-ray:1.1",
        "site": "CESNET-MetaCloud",
        "flavor": "standard.small",
        "tags": ["cloud", "baseline"],
        "json": RESULTS[1].json,
    }
