"""Bulk loads read into columns give the same rows as results read one by one."""

from __future__ import annotations

import copy
import gc

import httpx
import msgspec
import orjson
import pandas.testing as pdt
from helpers import flagship
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.api import PerfClient
from dashboard.api import client as client_module
from dashboard.api.columns import (
    ResultColumns,
    decode_results_page,
    read_results,
    read_results_page,
    values_in_texts,
)
from dashboard.api.columns import documents as read_documents
from dashboard.api.listing import MAX_PER_PAGE
from dashboard.api.records import Result, Site
from dashboard.results import frame
from dashboard.results.frame import columns_frame, documents, results_frame
from dashboard.schema.fields import fields_from_data
from dashboard.schema.jsonpath import values_at


async def test_a_benchmark_read_into_columns_is_the_frame_of_its_results(sandbox_url, monkeypatch):
    async with PerfClient(sandbox_url) as client:
        benchmarks = await client.benchmarks.all()
        totals = {
            b.id: (await client.results.list(benchmark_id=b.id, per_page=1)).total
            for b in benchmarks
        }
        chosen = max(totals, key=totals.get)
        assert totals[chosen] > 100  # more than one page
        columns = await client.results.columns(benchmark_id=chosen, concurrency=1)
        results = await client.results.all(benchmark_id=chosen)
    paths = [field.path for field in fields_from_data([r.json for r in results])]
    assert len(columns) == len(results) == totals[chosen] and paths
    bulk, one_by_one = columns_frame(columns, paths), results_frame(results, paths)
    pdt.assert_frame_equal(bulk.drop(columns="raw"), one_by_one.drop(columns="raw"))
    # kept as text (no objects per document) but on the pages read whole: those that
    # named a record first (pages read one after another here, so known in advance)
    seen: set = set()
    whole = []
    for start in range(0, len(results), MAX_PER_PAGE):
        page = results[start : start + MAX_PER_PAGE]
        named = {r.id for x in page for r in (x.benchmark, x.site, x.flavor, *x.tags)}
        whole += [bool(named - seen)] * len(page)
        seen |= named
    assert [not isinstance(doc, bytes) for doc in bulk["raw"]] == whole and not all(whole)
    assert documents(bulk["raw"]) == list(one_by_one["raw"])
    # a million results read their paths a few at a time: the same frame, one per pass
    monkeypatch.setattr(frame, "VALUES_PER_PASS", 1)
    pdt.assert_frame_equal(columns_frame(columns, paths), bulk)


def _page(sandbox_url: str) -> dict:
    answer = httpx.get(f"{sandbox_url}/results", params={"per_page": 5})
    return answer.json()


def test_a_page_naming_a_site_not_seen_before_is_read_whole_to_learn_it(sandbox_url):
    page = _page(sandbox_url)
    records: dict = {}
    first = read_results_page(decode_results_page(orjson.dumps(page)), records)
    later = copy.deepcopy(page)
    later["items"][0]["site"] = {**later["items"][0]["site"], "id": "new-site", "name": "Nova"}
    second = read_results_page(decode_results_page(orjson.dumps(later)), records)
    columns = ResultColumns([*first.items, *second.items])
    assert columns.record(Site, "new-site").name == "Nova"
    assert columns.site_ids[len(page["items"])] == "new-site"
    assert len(columns) == 2 * len(page["items"])


def test_a_result_that_cannot_be_read_is_set_apart_and_the_others_kept(sandbox_url):
    page = _page(sandbox_url)
    page["items"][1]["upload_datetime"] = "yesterday"
    del page["items"][2]["flavor"]
    read = read_results_page(decode_results_page(orjson.dumps(page)), {})
    columns = ResultColumns(read.items, read.unreadable)
    kept = [item["id"] for i, item in enumerate(page["items"]) if i not in (1, 2)]
    assert columns.ids == kept
    assert sorted(u.id for u in columns.unreadable) == sorted(
        [page["items"][1]["id"], page["items"][2]["id"]]
    )


def test_results_read_from_typed_pages_equal_results_read_one_by_one(sandbox_url):
    page = _page(sandbox_url)
    records: dict = {}
    first = read_results(decode_results_page(orjson.dumps(page)), records)  # learns records
    later = copy.deepcopy(page)
    second = read_results(decode_results_page(orjson.dumps(later)), records)
    expected = tuple(Result.from_api(item) for item in page["items"])
    assert first.items == second.items == expected
    assert second.items[0].benchmark is first.items[0].benchmark  # one record, shared
    later["items"][1]["execution_datetime"] = "yesterday"
    third = read_results(decode_results_page(orjson.dumps(later)), records)
    assert [r.id for r in third.items] == [r.id for i, r in enumerate(expected) if i != 1]
    assert [u.id for u in third.unreadable] == [page["items"][1]["id"]]


def test_documents_kept_as_text_read_back_in_order_beside_those_kept_as_read():
    kept = [b'{"a": 1}', {"b": 2}, b"null", b'{"c": [1, 2]}', {"d": None}]
    assert read_documents(kept, step=2) == [{"a": 1}, {"b": 2}, {}, {"c": [1, 2]}, {"d": None}]
    assert read_documents([]) == []


json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
json_doc = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "c.d", ""]), inner, max_size=3)
    ),
    max_leaves=8,
)
some_paths = st.lists(st.sampled_from(["a", "b", "a.b", "b.a", "a.a.a", "c"]), max_size=4)


@settings(deadline=None)  # the first example builds its decoder: slow on a busy machine
@given(st.lists(json_doc, max_size=6), some_paths)
def test_values_read_from_texts_are_the_values_at_their_paths(docs, paths):
    texts = [msgspec.json.encode(doc) for doc in docs]
    found = values_in_texts(texts, paths)
    if found is not None:  # None: the caller reads the documents whole
        expected = values_at([doc or {} for doc in docs], paths)
        assert found == {path: expected[path] for path in dict.fromkeys(paths)}


def test_a_document_holding_a_number_beyond_a_float_is_read_as_the_api_answer_is():
    texts = [b'{"a": 1e400}', b'{"a": 2}']
    assert read_documents(texts) == [{"a": float("inf")}, {"a": 2}]


async def test_a_bulk_load_keeps_no_answer_it_has_read(fresh_sandbox, monkeypatch):
    """Each answer (its body some 280 kB a page) is let go as the load goes on: paused,
    the collector kept every one of them until the end, 2.8 GB for a million results."""
    monkeypatch.setattr(client_module, "COLLECT_EVERY_PAGES", 4)
    url = fresh_sandbox(size=3000).url
    alive: list[int] = []

    def told(done: int, total: int) -> None:
        alive.append(sum(type(o) is httpx.Response for o in gc.get_objects()))

    async with PerfClient(url, concurrency=2) as client:
        chosen = await flagship(client)
        columns = await client.results.columns(benchmark_id=chosen.id, progress=told)
    assert len(alive) >= 16 and len(columns) > 1500
    assert max(alive) <= 4 + 2 + 1, alive  # since the last collection, in flight, the first
