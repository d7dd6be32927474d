"""Results side by side: the JSON paths they hold, and the fields that differ."""

from __future__ import annotations

import pytest
from helpers import documents_as_results

from dashboard.results.compare import compare, leaf_paths
from dashboard.results.frame import results_frame


def test_leaf_paths_lists_are_leaves_dotted_keys_unreachable():
    documents = [{"a": {"b": 1, "c": [1, {"x": 2}]}, "d.e": 3}, {"a": {"f": {}}, "g": None}, []]
    assert leaf_paths(documents) == ["a.b", "a.c", "a.f", "g"]
    assert leaf_paths(documents, limit=2) == ["a.b", "a.c"]


def test_compare_marks_the_fields_that_differ(frame):
    table = compare(frame, ["r1", "r2"])
    assert list(table.columns) == [
        "CESNET-MetaCloud / standard.small / r1",
        "CESNET-MetaCloud / standard.small / r2",
        "differs",
    ]
    differs = table["differs"].to_dict()
    assert differs["site"] is False and differs["flavor"] is False
    assert differs["tags"] and differs["execution_datetime"] and differs["json.result.score"]
    assert differs["json.machine.cpu.count"] is False
    assert table.loc["json.result.runs"].tolist()[:2] == ["[160.5,161.0]", "[158]"]
    only_r5 = compare(frame, ["r4", "r5"]).loc["json.notes"]
    assert only_r5.tolist() == [None, "text", True]
    with pytest.raises(ValueError, match="r9"):
        compare(frame, ["r1", "r9"])


def test_compare_tells_booleans_from_numbers():
    made = documents_as_results([{"v": True, "w": 1}, {"v": 1, "w": 1}])
    table = compare(results_frame(made), ["r0", "r1"])
    assert table.loc["json.v", "differs"] and not table.loc["json.w", "differs"]
