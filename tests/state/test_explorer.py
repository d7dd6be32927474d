"""The explorer's state driven as the widgets drive it, checked against the sandbox API
over HTTP."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from helpers import flagship, until

from dashboard.api import PerfClient
from dashboard.state.explorer import ExplorerState


async def api_ids(state: ExplorerState) -> set[str]:
    query = {"benchmark_id": state.benchmark_id, **state.filters().api_query()}
    query = {name: value for name, value in query.items() if value not in (None, [], ())}
    return {result.id for result in await state.client.results.all(**query)}


async def test_a_benchmark_loads_all_its_results_with_its_schema_columns(explorer):
    total = (await explorer.client.results.list(benchmark_id=explorer.benchmark_id)).total
    assert len(explorer.population) == total == len(explorer.filtered)
    assert explorer.progress[0] == explorer.progress[1] >= 1
    suggested = [f.path for f in explorer.fields if f.suggested]
    assert suggested and explorer.columns == suggested
    assert explorer.plot_y and explorer.field(explorer.plot_y).numeric


@pytest.mark.parametrize(
    "choose",
    [
        pytest.param(lambda s, f: {"site_ids": [f["site_id"].iloc[0]]}, id="one-site"),
        pytest.param(lambda s, f: {"flavor_ids": [f["flavor_id"].iloc[0]]}, id="one-flavor"),
        pytest.param(
            lambda s, f: {"tag_ids": list(next(t for t in f["tag_ids"] if t))[:1]}, id="one-tag"
        ),
        pytest.param(
            lambda s, f: {"tag_ids": list(next(t for t in f["tag_ids"] if len(t) >= 2))[:2]},
            id="two-tags",
        ),
        pytest.param(
            lambda s, f: {
                "execution_after": date(2025, 3, 1),
                "execution_before": date(2026, 1, 1),
            },
            id="execution-dates",
        ),
        pytest.param(lambda s, f: {"upload_after": date(2025, 6, 15)}, id="upload-date"),
        pytest.param(lambda s, f: {"json_filters": ["machine.cpu.count >= 8"]}, id="json-number"),
        pytest.param(
            lambda s, f: {
                "site_ids": [f["site_id"].iloc[0]],
                "json_filters": ["machine.cpu.count >= 4", "result.score < 200"],
                "execution_after": date(2025, 1, 1),
            },
            id="combined",
        ),
    ],
)
async def test_filters_leave_exactly_the_rows_the_api_returns(explorer, choose):
    explorer.param.update(**choose(explorer, explorer.population))
    ids = set(explorer.filtered["id"])
    assert ids, "the filter leaves something to compare"
    assert ids == await api_ids(explorer)


async def test_facet_counts_say_what_choosing_an_option_leaves(explorer):
    explorer.json_filters = ["machine.cpu.count >= 8"]
    site_id, count = next(iter(explorer.counts["site"].items()))
    explorer.site_ids = [site_id]
    assert len(explorer.filtered) == count


@pytest.mark.parametrize(
    ("path", "op", "value", "words"),
    [
        pytest.param("nope.nothing", ">=", 1, "not a field", id="unknown-field"),
        pytest.param("machine.cpu.count", "==", "two words", "one word", id="value-with-space"),
    ],
)
async def test_json_filters_that_cannot_work_are_refused_before_anything_runs(
    explorer, path, op, value, words
):
    before = list(explorer.json_filters)
    assert explorer.add_json_filter(path, op, value) is False
    assert words in explorer.filter_problem and explorer.json_filters == before


async def test_an_operator_that_does_not_fit_the_type_is_refused(explorer):
    text_field = next(f for f in explorer.fields if f.kind == "string" or f.enum)
    assert explorer.add_json_filter(text_field.path, ">=", "x") is False
    assert "takes only" in explorer.filter_problem
    number = next(f for f in explorer.fields if f.numeric)
    assert explorer.add_json_filter(number.path, ">=", 1)
    assert explorer.json_filters == [f"{number.path} >= 1"] and explorer.filter_problem == ""


async def test_choosing_another_benchmark_cancels_the_load_in_progress(fresh_sandbox):
    server = fresh_sandbox(latency_ms=150, size=1500)
    client = PerfClient(server.url)
    state = ExplorerState(client=client)
    await state.start()
    big = (await flagship(client)).id
    other = next(b.id for b in state.benchmarks if b.id != big)
    state.benchmark_id = big
    await until(lambda: state.loading and state.progress[1] > 1)
    state.benchmark_id = other
    await until(lambda: not state.loading)
    await asyncio.sleep(0.5)  # a superseded load must not land afterwards
    assert set(state.population["benchmark_id"]) == {other}
    await client.aclose()


async def test_a_benchmark_set_before_start_gets_the_same_view_as_one_chosen(explorer):
    """A shared link sets the benchmark before the session starts: same columns, same plot."""
    state = ExplorerState(client=explorer.client)
    state.benchmark_id = explorer.benchmark_id  # as the URL sets it, then the page loads
    await asyncio.sleep(0.5)
    await state.start()
    await until(lambda: len(state.population) == len(explorer.population) and not state.loading)
    assert [f.path for f in state.fields] == [f.path for f in explorer.fields]
    assert (state.columns, state.plot_y) == (explorer.columns, explorer.plot_y)


def run_snippet(python: str):
    """What a notebook gets from the snippet, run as printed."""
    namespace: dict = {}
    exec(compile(python, "snippet", "exec"), namespace)
    namespace["client"].close()
    return namespace["frame"]


async def test_copy_as_code_gives_the_dataframe_of_the_filters(explorer):
    explorer.param.update(json_filters=["machine.cpu.count >= 8"], execution_after=date(2025, 1, 1))
    python, curl = explorer.query_code()
    assert f"dashboard.connect({explorer.client.base_url!r})" in python
    assert "client.frame(" in python and "machine.cpu.count >= 8" in python
    assert "filters=machine.cpu.count+%3E%3D+8" in curl and "execution_after=2025-01-01" in curl
    assert "sandbox" not in python  # this explorer reads no sandbox of the dashboard's
    frame = await asyncio.to_thread(run_snippet, python)
    assert list(frame["id"]) == list(explorer.filtered["id"])
    assert "json.result.score" in frame.columns


async def test_copy_as_code_filters_what_the_api_cannot(explorer):
    """Several sites and free text: the API is asked for more, the snippet keeps the rows
    the explorer shows."""
    sites = sorted(set(explorer.population["site_id"]))[:2]
    explorer.param.update(site_ids=sites, text="standard")
    assert 0 < len(explorer.filtered) < len(explorer.population)
    python, _ = explorer.query_code()
    frame = await asyncio.to_thread(run_snippet, python)
    assert sorted(frame["id"]) == sorted(explorer.filtered["id"])


async def test_copy_as_code_on_the_sandbox_says_its_address_is_the_dashboards(explorer):
    explorer.sandbox = True
    python, _ = explorer.query_code()
    assert "answers only while the" in python and "dashboard runs" in python


async def test_summary_and_reference(explorer):
    explorer.plot_group = "site"
    summary = explorer.summary()
    assert {"n", "median", "iqr", "min", "max"} <= set(summary.columns)
    explorer.reference = str(summary.index[0])
    relative = explorer.summary()
    assert relative.loc[explorer.reference, "speedup"] == pytest.approx(1.0)


async def test_a_switch_leaves_out_a_condition_no_result_meets_and_undo_brings_it_back(explorer):
    """Conditions made for one benchmark that none of another's results meets, and a
    reference group it lacks, are not carried over; undo restores the first as it was."""
    first = explorer.benchmark_id
    other = next(b for b in explorer.benchmarks if b.id != first and b.json_schema)
    explorer.param.update(json_filters=["result.score >= 1000000"], reference="no-such-group")
    before = explorer.url_query()
    explorer.benchmark_id = other.id
    await until(lambda: not explorer.loading and explorer.fields and explorer.undo)
    assert explorer.json_filters == [] and explorer.reference == ""
    assert "Not carried over to this benchmark" in explorer.notice
    assert "result.score >= 1000000" in explorer.notice
    assert len(explorer.filtered) == len(explorer.population) > 0

    explorer.undo_switch()
    await until(lambda: explorer.benchmark_id == first and not explorer.loading)
    await until(lambda: set(explorer.population["benchmark_id"]) == {first})
    assert explorer.json_filters == ["result.score >= 1000000"]
    assert explorer.undo == {} and explorer.url_query()["benchmark_id"] == before["benchmark_id"]
    assert explorer.nothing.startswith("No result matches")  # and says which filter


async def test_a_switch_keeps_a_condition_some_result_meets(explorer):
    explorer.json_filters = ["result.score >= 0"]
    other = next(b for b in explorer.benchmarks if b.id != explorer.benchmark_id and b.json_schema)
    explorer.benchmark_id = other.id
    await until(lambda: not explorer.loading and explorer.fields)
    await until(lambda: set(explorer.population["benchmark_id"]) == {other.id})
    assert explorer.json_filters == ["result.score >= 0"] and explorer.undo == {}


async def test_clear_all_filters_leaves_every_result(explorer):
    explorer.param.update(text="nosuchword", json_filters=["result.score >= 0"])
    assert explorer.filtered.empty and explorer.narrowed
    assert "Without Search: nosuchword" in explorer.nothing
    explorer.clear_filters()
    assert not explorer.narrowed and explorer.nothing == ""
    assert len(explorer.filtered) == len(explorer.population)
