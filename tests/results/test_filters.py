"""Filters with the API's meaning: facets, strict date bounds, JSON conditions, free text.

Pure and fast: results are built by hand, and the JSON filters are checked against the
very SQL the sandbox runs for them.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import msgspec
import pandas as pd
import pytest
from helpers import RESULTS, documents_as_results, score
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.api import OPERATORS, JsonFilter
from dashboard.results.filters import Filters, apply, mask
from dashboard.results.frame import results_frame
from dashboard.sandbox.query import json_filter
from dashboard.sandbox.store import compact_json


def ids(rows: pd.DataFrame) -> set[str]:
    return set(rows["id"])


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(site_ids={"s-prague"}), {"r1", "r2"}),
        (Filters(site_ids={"s-prague", "s-bari"}), {"r1", "r2", "r3"}),
        (Filters(flavor_ids={"f-small-bari"}), {"r3"}),
        (Filters(tag_ids={"t-baseline"}), {"r2", "r4"}),
        (Filters(tag_ids={"t-cloud", "t-baseline"}), {"r2"}),
        (Filters(execution_after=date(2024, 3, 1)), {"r2", "r4", "r5"}),
        (Filters(execution_before=date(2024, 3, 1)), {"r3"}),
        (Filters(execution_after=date(2024, 3, 1),
                 execution_before=date(2024, 3, 6)), {"r2", "r4"}),
        (Filters(upload_after=date(2024, 3, 1)), {"r1", "r2", "r4", "r5"}),
        (Filters(upload_before=date(2024, 3, 2)), {"r1", "r3"}),
        (Filters(json_filters=(JsonFilter("machine.cpu.count", ">=", 4),)), {"r3", "r4"}),
        (Filters(json_filters=(score("<", 100),)), {"r3", "r5"}),
        (Filters(json_filters=(score("==", 158.0),)), {"r2"}),
        (Filters(json_filters=(score(">", 50), score("<=", 158))), {"r2", "r3"}),
        (Filters(json_filters=(JsonFilter("result.ok", "==", True),)), {"r1", "r3"}),
        (Filters(json_filters=(JsonFilter("result.ok", "<", "true"),)), {"r2"}),
        (Filters(json_filters=(JsonFilter("machine.os", "==", "Rocky"),)), {"r2", "r4"}),
        (Filters(json_filters=(JsonFilter("machine.os", ">", "Rocky"),)), {"r1", "r3"}),
        (Filters(json_filters=(JsonFilter("result.runs", "==", "[158]"),)), {"r2"}),
        (Filters(json_filters=(score("<", "100"),)), {"r3", "r5"}),
        (Filters(json_filters=(score("<", "2x"),)), {"r1", "r2"}),
        (Filters(json_filters=(score(">", "A"),)), set()),
        (Filters(json_filters=(JsonFilter("result.ok", ">=", "yes"),)), {"r5"}),
        (Filters(json_filters=(JsonFilter("no.such.path", ">=", 0),)), set()),
        (Filters(text="spain"), {"r4", "r5"}),
        (Filters(text="SMALL bari"), {"r3"}),
        (Filters(text="cloud"), {"r1", "r2", "r3"}),
        (Filters(text="gpu baseline"), {"r4"}),
        (Filters(text="czech"), {"r1", "r2"}),
        (Filters(text="openbench-c-ray:1.1"), {"r1", "r2", "r3", "r4", "r5"}),
        (
            Filters(
                site_ids={"s-prague"},
                tag_ids={"t-cloud"},
                execution_after=date(2024, 2, 1),
                json_filters=(score(">", 159),),
            ),
            {"r1"},
        ),
        (Filters(site_ids={"s-prague"}, flavor_ids={"f-v100"}), set()),
    ],
    ids=[
        "one-site", "two-sites", "flavor", "tag", "all-tags", "executed-after-strict",
        "executed-before-strict", "executed-between", "uploaded-after-strict",
        "uploaded-before-strict", "json-int-ge", "json-float-lt-null-excluded",
        "json-int-equals-float", "json-range", "json-bool", "json-bool-order",
        "json-text-equals", "json-text-order", "json-array-text", "json-digits-are-a-number",
        "json-number-as-text",
        "json-number-never-above-letters", "json-text-vs-bool-column", "json-missing-path",
        "text-address", "text-words-all-match", "text-any-case", "text-flavor-and-tag",
        "text-country", "text-benchmark", "combined", "nothing",
    ],
)  # fmt: skip
def test_filters_select_what_the_api_would(frame, filters, expected):
    assert ids(apply(frame, filters)) == expected
    # The typed JSON columns and the raw documents must give the same answer.
    assert ids(apply(results_frame(RESULTS), filters)) == expected


def test_filters_accept_what_widgets_hand_over_and_refuse_datetimes():
    filters = Filters(site_ids=["a", "b"], tag_ids="t", json_filters=[score(">", 1)])
    assert filters.site_ids == frozenset({"a", "b"}) and filters.tag_ids == frozenset({"t"})
    assert hash(filters) == hash(
        Filters(site_ids={"b", "a"}, tag_ids={"t"}, json_filters=(score(">", 1),))
    )
    with pytest.raises(TypeError, match="date"):
        Filters(execution_after=datetime(2024, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="skip"):
        mask(results_frame(RESULTS), Filters(), skip="colour")


@pytest.mark.parametrize(
    ("filters", "query", "local_only"),
    [
        (Filters(), {}, ()),
        (Filters(site_ids={"s1"}, flavor_ids={"f1"}), {"site_id": "s1", "flavor_id": "f1"}, ()),
        (Filters(site_ids={"s1", "s2"}, text="x"), {}, ("site", "text")),
        (
            Filters(
                tag_ids={"b", "a"}, upload_before=date(2024, 1, 2), json_filters=[score(">", 1)]
            ),
            {"tags_ids": ["a", "b"], "upload_before": date(2024, 1, 2), "filters": [score(">", 1)]},
            (),
        ),
    ],
    ids=["nothing", "one-site-one-flavor", "several-sites-are-local", "tags-dates-json"],
)
def test_api_query(filters, query, local_only):
    dates = ("execution_after", "execution_before", "upload_after", "upload_before")
    keys = ("site_id", "flavor_id", "tags_ids", *dates, "filters")
    assert filters.api_query() == {key: query.get(key) for key in keys}
    assert filters.local_only == local_only


# --- JSON filters against the sandbox's own SQL ---------------------------------------


scalars = (
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | st.none()
    | st.sampled_from(["", "abc", "Rocky", "1.2.3", "é", "10", "[1,2]", "true"])
    | st.text(max_size=4)
)


json_values = scalars | st.lists(scalars, max_size=2) | st.dictionaries(st.just("v"), scalars)


documents = st.dictionaries(st.sampled_from(["v", "a"]), json_values, max_size=2)


filter_values = (
    st.integers(min_value=-(2**65), max_value=2**65)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | st.sampled_from(["abc", "Rocky", "1.2.3", "é", "nan", "inf", "1e3", "1_0", "TRUE", "[1,2]"])
    | st.text(st.characters(blacklist_categories=("Z", "Cc", "Cs")), min_size=1, max_size=3)
)


conditions = st.builds(
    JsonFilter, st.sampled_from(["v", "a", "a.v", "v.v"]), st.sampled_from(OPERATORS), filter_values
)


def sandbox_matches(docs: list[dict], condition: JsonFilter) -> set[str]:
    """What the sandbox's SQL keeps for `condition`, run over the same documents."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE result_json (rid TEXT, json TEXT)")
    rows = [(f"r{i}", compact_json(document)) for i, document in enumerate(docs)]
    db.executemany("INSERT INTO result_json VALUES (?, ?)", rows)
    sql, params = json_filter(str(condition))
    return {rid for (rid,) in db.execute(f"SELECT rid FROM result_json j WHERE {sql}", params)}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(documents, min_size=1, max_size=6), conditions)
def test_json_filters_mean_what_the_sandbox_sql_means(docs, condition):
    made = documents_as_results(docs)
    expected = sandbox_matches(docs, condition)
    filters = Filters(json_filters=(condition,))
    assert ids(apply(results_frame(made, ["v", "a", "a.v", "v.v"]), filters)) == expected
    assert ids(apply(results_frame(made), filters)) == expected
    as_text = results_frame(made).assign(raw=[msgspec.json.encode(doc) for doc in docs])
    assert ids(apply(as_text, filters)) == expected  # as a bulk load keeps the documents
