"""The explorer's data layer: frames, filters with the API's meaning, facets, summaries, exports.

Pure and fast: results are built by hand (or from the sandbox's seed generator), and
the JSON filters are checked against the very SQL the sandbox runs for them.
"""

from __future__ import annotations

import io
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.api import OPERATORS, Benchmark, Flavor, JsonFilter, Result, Site, Tag
from dashboard.results.compare import compare, leaf_paths
from dashboard.results.export import to_csv, to_json
from dashboard.results.facets import facet_counts, options
from dashboard.results.filters import Filters, apply, mask
from dashboard.results.frame import JSON_PREFIX, results_frame
from dashboard.results.stats import group_summary, relative_to
from dashboard.sandbox.query import json_filter
from dashboard.sandbox.seed import generate
from dashboard.sandbox.store import compact_json

C_RAY = Benchmark("b-cray", "thechristophe/openbench-c-ray", "1.1", "https://c-ray.example", {})
PRAGUE = Site("s-prague", "CESNET-MetaCloud", "Prague, Czech Republic")
SANTANDER = Site("s-santander", "IFCA-LCG2", "Santander, Spain")
BARI = Site("s-bari", "INFN-CLOUD-BARI", "Bari, Italy")
SMALL_PRAGUE = Flavor("f-small-prague", "standard.small")
SMALL_BARI = Flavor("f-small-bari", "standard.small")
V100 = Flavor("f-v100", "gpu.v100x1")
CLOUD, GPU, BASELINE = Tag("t-cloud", "cloud"), Tag("t-gpu", "gpu"), Tag("t-baseline", "baseline")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def result(key, site, flavor, tags, executed, uploaded, document, benchmark=C_RAY) -> Result:
    return Result(key, at(executed), at(uploaded), benchmark, site, flavor, tags, document)


# Midnights on purpose: the API's date bounds are strict.
RESULTS = [
    result("r1", PRAGUE, SMALL_PRAGUE, (CLOUD,), "2024-03-01T00:00:00", "2024-03-01T12:00:00",
           {"machine": {"cpu": {"count": 2}, "os": "Ubuntu"},
            "result": {"score": 160.5, "ok": True, "runs": [160.5, 161.0]}}),
    result("r2", PRAGUE, SMALL_PRAGUE, (CLOUD, BASELINE), "2024-03-01T00:00:00.000001",
           "2024-03-02T00:00:00",
           {"machine": {"cpu": {"count": 2}, "os": "Rocky"},
            "result": {"score": 158, "ok": False, "runs": [158]}}),
    result("r3", BARI, SMALL_BARI, (), "2024-02-29T23:59:59", "2024-03-01T00:00:00",
           {"machine": {"cpu": {"count": 4}, "os": "Ubuntu"},
            "result": {"score": 90.25, "ok": True}}),
    result("r4", SANTANDER, V100, (GPU, BASELINE), "2024-03-05T10:00:00", "2024-03-06T10:00:00",
           {"machine": {"cpu": {"count": 8}, "os": "Rocky"}, "result": {"score": None}}),
    result("r5", SANTANDER, V100, (GPU,), "2024-03-10T10:00:00", "2024-03-10T11:00:00",
           {"result": {"score": 40.0, "ok": "yes"}, "notes": "text"}),
]  # fmt: skip
PATHS = ["machine.cpu.count", "machine.os", "result.score", "result.ok", "result.runs", "notes"]


def documents_as_results(documents) -> list[Result]:
    """Results that differ only by their JSON, ids r0, r1..."""
    return [
        result(f"r{i}", PRAGUE, SMALL_PRAGUE, (), "2024-01-01T00:00:00", "2024-01-01T00:00:00", doc)
        for i, doc in enumerate(documents)
    ]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return results_frame(RESULTS, PATHS)


def ids(rows: pd.DataFrame) -> set[str]:
    return set(rows["id"])


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


def test_leaf_paths_lists_are_leaves_dotted_keys_unreachable():
    documents = [{"a": {"b": 1, "c": [1, {"x": 2}]}, "d.e": 3}, {"a": {"f": {}}, "g": None}, []]
    assert leaf_paths(documents) == ["a.b", "a.c", "a.f", "g"]
    assert leaf_paths(documents, limit=2) == ["a.b", "a.c"]


def score(op: str, value: Any) -> JsonFilter:
    return JsonFilter("result.score", op, value)


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


# --- Facets over realistic data -------------------------------------------------------


def seed_results(size: int) -> list[Result]:
    """The flagship benchmark's results from the sandbox's demo data, as the client reads them."""
    data = generate(size)
    sites = {s["id"]: Site(s["id"], s["name"], s["address"]) for s in data.sites}
    flavors = {f["id"]: (Flavor(f["id"], f["name"]), sites[f["site_id"]]) for f in data.flavors}
    tags = {t["id"]: Tag(t["id"], t["name"]) for t in data.tags}
    first = data.benchmarks[0]
    flagship = Benchmark(first["id"], first["docker_image"], first["docker_tag"], first["url"], {})
    made = []
    for row in data.results:
        if row["benchmark_id"] == flagship.id:
            flavor, site = flavors[row["flavor_id"]]
            chosen = tuple(tags[t] for t in row["tag_ids"])
            executed, uploaded = row["execution_datetime"], row["upload_datetime"]
            made.append(
                Result(row["id"], executed, uploaded, flagship, site, flavor, chosen, row["json"])
            )
    return made


@pytest.fixture(scope="module")
def seeded() -> pd.DataFrame:
    results = seed_results(300)
    return results_frame(results, leaf_paths(r.json for r in results))


@st.composite
def selections(draw, frame: pd.DataFrame) -> Filters:
    def some(facet: str) -> frozenset[str]:
        choices = [key for key, _ in options(frame, facet)]
        return frozenset(draw(st.lists(st.sampled_from(choices), max_size=3)))

    days = st.none() | st.dates(date(2024, 6, 1), date(2026, 11, 1))
    json_filters = st.lists(
        st.sampled_from(
            [
                JsonFilter("machine.cpu.count", ">=", 8),
                JsonFilter("machine.os", "<", "Ubuntu"),
                JsonFilter("machine.ram_gb", "<=", 16),
                score("<", 60.0),
            ]
        ),
        max_size=2,
    )
    return Filters(
        site_ids=some("site"),
        flavor_ids=some("flavor"),
        tag_ids=some("tags") if draw(st.booleans()) else frozenset(),
        execution_after=draw(days),
        upload_before=draw(days),
        json_filters=tuple(draw(json_filters)),
        text=draw(st.sampled_from(["", "spain", "cloud", "standard", "ubuntu"])),
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_facet_count_is_what_choosing_that_option_leaves(seeded, data):
    filters = data.draw(selections(seeded))
    for facet, field in (("site", "site_ids"), ("flavor", "flavor_ids")):
        counts = facet_counts(seeded, filters, facet)
        assert set(counts) == {key for key, _ in options(seeded, facet)}
        for key, count in counts.items():
            assert count == len(apply(seeded, replace(filters, **{field: {key}}))), (facet, key)
    tag_counts = facet_counts(seeded, filters, "tags")
    assert set(tag_counts) == {key for key, _ in options(seeded, "tags")}
    for key, count in tag_counts.items():
        assert count == len(apply(seeded, replace(filters, tag_ids=filters.tag_ids | {key})))


def test_facet_counts_small_example(frame):
    filters = Filters(site_ids={"s-prague"}, tag_ids={"t-baseline"})
    assert facet_counts(frame, filters, "site") == {"s-prague": 1, "s-santander": 1, "s-bari": 0}
    assert facet_counts(frame, filters, "flavor") == {
        "f-small-prague": 1,
        "f-small-bari": 0,
        "f-v100": 0,
    }
    assert facet_counts(frame, filters, "tags") == {"t-cloud": 1, "t-baseline": 1, "t-gpu": 0}


def test_options_sorted_by_name_and_flavors_told_apart_by_site(frame):
    assert options(frame, "site") == [
        ("s-prague", "CESNET-MetaCloud"),
        ("s-santander", "IFCA-LCG2"),
        ("s-bari", "INFN-CLOUD-BARI"),
    ]
    assert options(frame, "flavor") == [
        ("f-v100", "gpu.v100x1"),
        ("f-small-prague", "standard.small (CESNET-MetaCloud)"),
        ("f-small-bari", "standard.small (INFN-CLOUD-BARI)"),
    ]
    assert options(frame, "tags") == [
        ("t-baseline", "baseline"),
        ("t-cloud", "cloud"),
        ("t-gpu", "gpu"),
    ]
    assert options(frame[frame.site_id == "s-bari"], "site") == [("s-bari", "INFN-CLOUD-BARI")]


# --- Summaries ------------------------------------------------------------------------


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
