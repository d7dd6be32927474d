"""Results as a frame: typed columns, categories, missing values, JSON leaves as columns."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import PATHS, RESULTS, documents_as_results
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.api import JsonFilter
from dashboard.results.filters import Filters, apply
from dashboard.results.frame import JSON_PREFIX, _compact_texts, compact_json, results_frame


def test_columns_types_and_index(frame):
    assert list(frame.columns) == [
        "id", "benchmark", "benchmark_id", "site", "site_id", "site_address", "flavor",
        "flavor_id", "tags", "tag_ids", "execution_datetime", "upload_datetime",
        *(JSON_PREFIX + path for path in PATHS), "raw",
    ]  # fmt: skip
    assert isinstance(frame.index, pd.RangeIndex)
    for name in ("benchmark", "site", "flavor", "site_id", "flavor_id", "tags", "tag_ids"):
        assert isinstance(frame[name].dtype, pd.CategoricalDtype), name
    assert str(frame["execution_datetime"].dtype) == "datetime64[ns, UTC]"
    assert frame["execution_datetime"][1] == pd.Timestamp("2024-03-01T00:00:00.000001Z")
    first = frame.iloc[1]
    assert first["benchmark"] == "thechristophe/openbench-c-ray:1.1"
    assert (first["site"], first["site_address"]) == ("CESNET-MetaCloud", "Prague, Czech Republic")
    assert (first["tags"], first["tag_ids"]) == (("cloud", "baseline"), ("t-cloud", "t-baseline"))
    assert frame["tags"][2] == ()
    assert first["raw"] is RESULTS[1].json


def test_missing_and_null_values_are_na(frame):
    assert frame["json.machine.cpu.count"].isna().tolist() == [False] * 4 + [True]
    assert frame["json.result.score"].isna().tolist() == [False, False, False, True, False]
    assert frame["json.result.runs"][0] == "[160.5,161.0]"


def test_an_empty_input_gives_an_empty_frame_with_every_column(frame):
    empty = results_frame([], PATHS)
    assert list(empty.columns) == list(frame.columns) and len(empty) == 0
    assert str(empty["upload_datetime"].dtype) == "datetime64[ns, UTC]"
    assert len(apply(empty, Filters(json_filters=(JsonFilter("result.score", ">", 1),)))) == 0


@pytest.mark.parametrize(
    ("values", "dtype"),
    [
        ([1, 2, None], "Int64"),
        ([1, 2.5], "float64"),
        ([True, False, None], "boolean"),
        (["2024-01-01T10:00:00Z", "2024-01-02T12:00+02:00", "2024-01-03"], "datetime64[ns, UTC]"),
        (["2024-13-01", "2024-01-01"], "str"),
        (["fp16", "fp32", "fp16", "fp32"], "category"),
        (["a", "b"], "str"),
        ([[1, 2], {"a": "é"}], "str"),
        ([1, "a"], "object"),
        ([None, None], "object"),
    ],
    ids=["ints", "numbers", "bools", "iso-datetimes", "not-datetimes", "enum", "text",
         "json-text", "mixed", "all-missing"],
)  # fmt: skip
def test_json_column_types(values, dtype):
    column = results_frame(documents_as_results({"v": value} for value in values), ["v"])["json.v"]
    assert str(column.dtype) == dtype
    assert column.isna().tolist() == [value is None for value in values]
    if dtype == "str" and isinstance(values[0], list):
        assert column.tolist() == ["[1,2]", '{"a":"é"}']


_JSON_LEAVES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=8,
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.integers() | st.floats()) | _JSON_LEAVES, max_size=6))
def test_lists_and_objects_in_a_json_column_are_the_text_the_api_compares(values):
    """A list of numbers is written the fast way only where that is the same text."""
    assert _compact_texts(values) == [
        compact_json(value) if isinstance(value, list | dict) else value for value in values
    ]
