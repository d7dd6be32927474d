"""What the explorer says of its numbers and of an empty selection: one format per column,
the filters to blame, each result's headline figure."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import PRAGUE, RESULTS, SANTANDER, score

from dashboard.api import JsonFilter
from dashboard.results.blame import culprits
from dashboard.results.filters import Filters
from dashboard.results.numbers import decimals_for, numbro_format
from dashboard.results.table import headline
from dashboard.schema.flatten import flatten_schema
from dashboard.state.explorer_filters import nothing_matches


@pytest.mark.parametrize(
    ("values", "decimals"),
    [
        ([0.7925, 0.81, 0.6], 4),  # 0.7925 and 0.8100, not 0.7925 beside 0.81
        ([14590.0, 2320.5], 0),  # 14,590 and 2,321, not 1.459e+04 beside 2,320
        ([18.4, 58.1, 47.2, 9876.5], 2),  # one outlier leaves the others their decimals
        ([1.0, 2.0, 3.0], 0),  # whole numbers stay whole
        ([], 0),
        ([np.nan, 0.0], 0),
        ([0.000012345], 6),  # at most six
    ],
    ids=["fractions", "thousands", "outlier", "whole", "empty", "nan-and-zero", "tiny"],
)
def test_a_column_gets_the_decimals_its_typical_value_needs(values, decimals):
    assert decimals_for(values) == decimals


def test_the_formats_group_thousands():
    assert numbro_format(0) == "0,0" and numbro_format(2) == "0,0.00"


def test_the_filter_that_alone_empties_the_selection_is_named_with_what_it_would_leave(frame):
    chosen = Filters(site_ids=frozenset({SANTANDER.id}), json_filters=(score(">", 150),))
    assert frame[~frame["site_id"].isin([SANTANDER.id])].shape[0] > 0
    found, every = culprits(frame, chosen)
    # without the site, two Prague results score over 150; without the condition, two at Santander
    assert sorted(found) == [("Sites: IFCA-LCG2", 2), ("the condition result.score > 150", 2)]
    assert len(every) == 2
    said = nothing_matches(frame, chosen)
    assert said.startswith("No result matches every filter. Without ")
    assert "result.score > 150" in said and "IFCA-LCG2" in said and "2 results" in said


def test_when_only_several_filters_together_empty_the_selection_all_are_named(frame):
    # Prague's two results, the one with 4 CPUs (Bari), the one scoring under 50 (Santander)
    cpus = JsonFilter("machine.cpu.count", "==", 4)
    chosen = Filters(site_ids=frozenset({PRAGUE.id}), json_filters=(cpus, score("<", 50)))
    found, every = culprits(frame, chosen)
    assert found == [] and len(every) == 3
    said = nothing_matches(frame, chosen)
    assert said.startswith("No result matches these filters together: ")
    assert all(words in said for words in every)


def test_no_message_while_results_are_left_or_none_were_loaded(frame):
    assert nothing_matches(frame.iloc[:0], Filters(text="x")) == ""


def test_a_results_headline_is_its_suggested_figure_with_its_unit():
    schema = {
        "type": "object",
        "properties": {
            "machine": {"properties": {"cpu": {"properties": {"count": {"type": "integer"}}}}},
            "result": {
                "properties": {
                    "score": {"type": "number", "description": "Render time [s]"},
                    "threads": {"type": "integer"},
                }
            },
        },
    }
    fields = flatten_schema(schema)
    first = RESULTS[0]
    assert headline(first, fields) == "score 160.5 s"
    assert headline(RESULTS[3], fields) == "count 8"  # no score: the next figure it holds
