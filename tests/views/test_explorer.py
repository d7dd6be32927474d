"""The explorer driven through its state, checked against the sandbox API over HTTP."""

from __future__ import annotations

import asyncio
import html
import re
from datetime import date

import panel as pn
import pytest
from bokeh.document import Document
from bokeh.models import MultiChoice as BokehMultiChoice
from bokeh.models import Select as BokehSelect
from bokeh.models import Title

from dashboard.api import PerfClient
from dashboard.schema.fields import field_labels
from dashboard.state.explorer import URL_PARAMETERS, ExplorerState
from dashboard.views.explore.explorer import ResultsExplorer
from dashboard.views.explore.filters import ALL_BENCHMARKS

from .conftest import until


async def flagship_id(client: PerfClient) -> str:
    best = ("", -1)
    for benchmark in await client.benchmarks.all():
        total = (await client.results.list(benchmark_id=benchmark.id, per_page=1)).total
        best = max(best, (benchmark.id, total), key=lambda pair: pair[1])
    return best[0]


@pytest.fixture
async def explorer(sandbox_url):
    client = PerfClient(sandbox_url)
    state = ExplorerState(client=client)
    await state.start()
    chosen = state.benchmark_id = await flagship_id(client)
    await until(lambda: set(state.population["benchmark_id"]) == {chosen} and not state.loading)
    yield state
    await client.aclose()


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
    big = await flagship_id(client)
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


async def test_copy_as_code_reproduces_the_query(explorer):
    explorer.param.update(json_filters=["machine.cpu.count >= 8"], execution_after=date(2025, 1, 1))
    python, curl = explorer.query_code()
    assert "client.results.all(benchmark_id=" in python and "machine.cpu.count >= 8" in python
    assert "filters=machine.cpu.count+%3E%3D+8" in curl and "execution_after=2025-01-01" in curl
    namespace: dict = {}
    code = python.replace(repr(explorer.client.base_url), repr(explorer.client.base_url))
    exec(compile(code, "snippet", "exec"), namespace)  # the snippet runs as printed
    assert {r.id for r in namespace["results"]} == set(explorer.filtered["id"])


async def test_summary_and_reference(explorer):
    explorer.plot_group = "site"
    summary = explorer.summary()
    assert {"n", "median", "iqr", "min", "max"} <= set(summary.columns)
    explorer.reference = str(summary.index[0])
    relative = explorer.summary()
    assert relative.loc[explorer.reference, "speedup"] == pytest.approx(1.0)


async def test_the_explorer_view_exposes_the_filtered_rows_as_a_dataframe(sandbox_url):
    client = PerfClient(sandbox_url)
    view = ResultsExplorer(ExplorerState(client=client))
    root = view.__panel__().get_root(Document())  # before anything loads, as a session does
    await view.state.start()
    chosen = view.state.benchmark_id = await flagship_id(client)
    await until(lambda: set(view.value["benchmark_id"]) == {chosen} and not view.state.loading)
    suggested = [f.path for f in view.state.fields if f.suggested]
    assert suggested and view.state.columns == suggested
    (table,) = [t for t in view.__panel__().select(pn.widgets.Tabulator) if "tags" in t.value]
    assert [c for c in table.value.columns if c.startswith("json.")] == [
        f"json.{path}" for path in suggested
    ], "the table shows the benchmark's suggested columns"
    plotted = field_labels(view.state.fields)[view.state.plot_y]
    titles = {title.text for title in root.select({"type": Title})}
    assert f"{plotted} vs execution date" in titles, "the plot shows the Y chosen"
    view.state.json_filters = ["machine.cpu.count >= 8"]
    assert len(view.value) == len(view.state.filtered) < len(view.state.population)
    view.__panel__().get_root(Document())  # and renders with everything loaded
    await client.aclose()


async def test_a_rendered_chooser_keeps_a_benchmark_set_before_the_list_is_loaded(sandbox_url):
    """A link (or notebook code) names the benchmark before the benchmarks are loaded."""
    client = PerfClient(sandbox_url)
    chosen = await flagship_id(client)
    view = ResultsExplorer(ExplorerState(client=client))
    root = view.__panel__().get_root(Document())
    view.state.benchmark_id = chosen
    await view.state.start()
    await until(lambda: not view.state.loading)
    assert view.state.benchmark_id == chosen
    assert set(view.value["benchmark_id"]) == {chosen}
    (select,) = [
        model
        for model in root.select({"type": BokehSelect})
        if model.options and model.options[0] == ("", ALL_BENCHMARKS)
    ]
    assert select.value == chosen, "the list shows the benchmark the results are of"
    await client.aclose()


async def test_every_choice_of_a_shared_link_survives_the_load_into_a_rendered_view(explorer):
    """All of a link's parameters, set before anything is loaded, as a served page does."""
    population = explorer.population
    site = population["site_id"].iloc[0]
    tag = next(t for t in population["tag_ids"] if t)[0]
    numeric = [f.path for f in explorer.fields if f.numeric]
    explorer.param.update(
        site_ids=[site],
        tag_ids=[tag],
        columns=numeric[-2:],
        plot_y=numeric[0],
        plot_group="flavor",
        sort="-execution_datetime",
    )
    await until(lambda: not explorer.loading)
    link = {n: explorer.param[n].serialize(getattr(explorer, n)) for n in URL_PARAMETERS}

    view = ResultsExplorer(ExplorerState(client=explorer.client))
    root = view.__panel__().get_root(Document())
    state = view.state
    for name, text in link.items():
        setattr(state, name, state.param[name].deserialize(text))
    await state.start()
    await until(lambda: not state.loading and len(state.population) == len(population))
    assert {name: getattr(state, name) for name in URL_PARAMETERS} == {
        name: getattr(explorer, name) for name in URL_PARAMETERS
    }
    assert set(state.filtered["id"]) == set(explorer.filtered["id"])
    # What the browser shows: the select's value; a multi-choice's labels, all listed.
    selects = {model.value for model in root.select({"type": BokehSelect})}
    assert {state.benchmark_id, state.plot_y, state.plot_group} <= selects
    chosen = set()
    for model in root.select({"type": BokehMultiChoice}):
        assert set(model.value) <= set(model.options), "a chosen item the list lacks is hidden"
        chosen.update(re.sub(r" \(\d[\d,]*\)$", "", html.unescape(v)) for v in model.value)
    site_name = population.loc[population["site_id"] == site, "site"].iloc[0]
    tag_name = (await explorer.client.tags.get(tag)).name
    column_labels = [field_labels(state.fields)[path] for path in state.columns]
    assert chosen == {site_name, tag_name, *column_labels}
