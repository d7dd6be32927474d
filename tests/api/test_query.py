"""Queries are encoded exactly as the API wants them, and bad ones never leave the session."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.api import InvalidQuery, JsonFilter, json_path, sort_by
from dashboard.api.query import OPERATORS, encode_params


def test_arrays_repeat_and_none_is_dropped():
    assert encode_params({"tags_ids": ["a", "b"], "site_id": None, "terms": ("x y", "z")}) == [
        ("tags_ids", "a"),
        ("tags_ids", "b"),
        ("terms", "x y"),
        ("terms", "z"),
    ]


def test_filters_are_path_op_value_with_single_spaces():
    params = encode_params(
        {
            "filters": [
                json_path("machine.cpu.count") >= 8,
                "result.score < 1.5",
                JsonFilter("a", "==", True),
            ]
        }
    )
    assert params == [
        ("filters", "machine.cpu.count >= 8"),
        ("filters", "result.score < 1.5"),
        ("filters", "a == true"),
    ]


def test_sort_by_is_signed_and_comma_separated():
    assert sort_by(["site_name", "-json.result.score"]) == "+site_name,-json.result.score"
    assert encode_params({"sort_by": "+a,-b"}) == [("sort_by", "+a,-b")]


def test_datetimes_carry_their_zone_and_ranges_are_dates():
    cet = timezone(timedelta(hours=1))
    when = datetime(2024, 5, 1, 0, 30, tzinfo=cet)
    assert encode_params({"execution_datetime": when}) == [
        ("execution_datetime", "2024-05-01T00:30:00+01:00")
    ]
    assert encode_params({"upload_before": date(2024, 1, 2)}) == [("upload_before", "2024-01-02")]
    # a range filters by whole days: a time of day would be silently dropped, so it is refused
    with pytest.raises(InvalidQuery, match="execution_after takes a date"):
        encode_params({"execution_after": when})


@pytest.mark.parametrize(
    ("build", "words"),
    [
        pytest.param(lambda: JsonFilter("a.b", "=", 1), "not a filter operator", id="bad-operator"),
        pytest.param(lambda: JsonFilter("a.b", "!=", 1), "not a filter operator", id="not-equal"),
        pytest.param(lambda: JsonFilter("a b", "==", 1), "not a JSON path", id="space-in-path"),
        pytest.param(lambda: JsonFilter("a..b", "==", 1), "not a JSON path", id="empty-part"),
        pytest.param(lambda: JsonFilter("", "==", 1), "needs a field path", id="no-path"),
        pytest.param(lambda: JsonFilter("a", "==", "two words"), "one word", id="space-in-value"),
        pytest.param(lambda: JsonFilter("a", "<", float("nan")), "finite", id="nan"),
        pytest.param(lambda: JsonFilter("a", "<", [1]), "Cannot filter on a list", id="list"),
        pytest.param(lambda: JsonFilter.parse("a >= "), "not a JSON path|one word", id="no-value"),
        pytest.param(lambda: JsonFilter.parse("a>=8"), "not a filter", id="no-spaces"),
        pytest.param(lambda: sort_by(["name asc"]), "Cannot sort by", id="sort-with-space"),
        pytest.param(
            lambda: encode_params({"execution_datetime": datetime(2024, 1, 1)}),
            "has no timezone",
            id="naive-datetime",
        ),
    ],
)
def test_bad_queries_are_refused_before_sending(build, words):
    with pytest.raises(InvalidQuery, match=words):
        build()


paths = st.lists(
    st.text(
        alphabet=st.characters(whitelist_categories=("L", "N"), whitelist_characters="_-"),
        min_size=1,
        max_size=8,
    ),
    min_size=1,
    max_size=4,
).map(".".join)
values = st.one_of(
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(alphabet=st.characters(whitelist_categories=("L",)), min_size=1, max_size=10).filter(
        lambda s: s.lower() not in ("true", "false") and not s.isdigit()
    ),
)


@given(paths, st.sampled_from(OPERATORS), values)
def test_filters_read_back_what_they_wrote(path, op, value):
    written = JsonFilter(path, op, value)
    read = JsonFilter.parse(str(written))
    assert (read.path, read.op) == (path, op)
    assert read.value == value or (isinstance(value, float) and float(read.value) == value)


def test_an_aware_datetime_in_utc_is_iso_with_offset():
    when = datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert encode_params({"execution_datetime": when})[0][1] == "2024-05-01T12:00:00+00:00"


@pytest.mark.parametrize("word", ["inf", "nan", "Infinity"])
def test_words_python_reads_as_odd_floats_stay_text(word):
    assert JsonFilter.parse(f"system.name == {word}").value == word
