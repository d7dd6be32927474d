"""The explorer's view rendered as a session renders it, on the sandbox API over HTTP."""

from __future__ import annotations

import functools
import html
import json
import re

import panel as pn
from bokeh.document import Document
from bokeh.models import MultiChoice as BokehMultiChoice
from bokeh.models import Select as BokehSelect
from bokeh.models import Title
from helpers import flagship, loaded, until

from dashboard.api import PerfClient
from dashboard.schema.fields import field_labels
from dashboard.state.explorer import EVERY_BENCHMARK, URL_PARAMETERS, ExplorerState
from dashboard.views.explore.explorer import ResultsExplorer
from dashboard.views.explore.filters import ALL_BENCHMARKS
from dashboard.views.explore.table import LargeTabulator


async def test_the_explorer_view_exposes_the_filtered_rows_as_a_dataframe(sandbox_url):
    client = PerfClient(sandbox_url)
    view = ResultsExplorer(ExplorerState(client=client))
    root = view.__panel__().get_root(Document())  # before anything loads, as a session does
    await view.state.start()
    chosen = view.state.benchmark_id = (await flagship(client)).id
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


async def test_a_switch_of_benchmark_gives_the_table_the_new_rows_and_their_columns_at_once(
    sandbox_url,
):
    """The table is never handed the new benchmark's columns over the previous one's rows.

    Such a table was sent to the page twice in one turn of the server: under load, the
    browser kept the first, without the schema's columns (seen in CI).
    """
    client = PerfClient(sandbox_url)
    view = ResultsExplorer(ExplorerState(client=client))
    view.__panel__().get_root(Document())
    (table,) = view.table.__panel__().select(LargeTabulator)
    await view.state.start()
    view.state.benchmark_id = EVERY_BENCHMARK
    await until(lambda: len(view.state.population) and not view.state.loading)
    given: list = []
    table.param.watch(lambda event: given.append(event.new), "value")
    chosen = (await flagship(client)).id
    view.state.benchmark_id = chosen
    await until(lambda: set(view.value["benchmark_id"]) == {chosen} and not view.state.loading)
    ids = set(view.state.population["id"])
    assert given, "the table was given the new rows"
    for rows in given:
        assert set(rows["id"]) <= ids, "only the chosen benchmark's rows"
        assert [c for c in rows.columns if c.startswith("json.")] == [
            f"json.{path}" for path in view.state.columns
        ], "and the columns of its schema with them"
    await client.aclose()


async def test_a_rendered_chooser_keeps_a_benchmark_set_before_the_list_is_loaded(sandbox_url):
    """A link (or notebook code) names the benchmark before the benchmarks are loaded."""
    client = PerfClient(sandbox_url)
    chosen = (await flagship(client)).id
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
        if (EVERY_BENCHMARK, ALL_BENCHMARKS) in model.options
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


async def test_the_benchmark_list_offers_each_benchmark_and_says_when_there_is_none(
    anonymous_client,
):
    view = ResultsExplorer(ExplorerState(client=anonymous_client))
    await view.state.start()
    buttons = [b.label for b in view.menu.__panel__().select(pn.widgets.Button)]
    names = [b.name for b in view.state.benchmarks]
    assert buttons == [f"Explore {name}" for name in names] + ["Explore All benchmarks"]
    view.state.benchmarks = []  # a service that holds none yet
    assert "no approved benchmarks yet" in view.menu.__panel__().objects[0].objects[0].object


async def test_a_linked_session_draws_its_plot_once_and_a_load_of_no_rows_still_says_so(
    sandbox_url,
):
    """A page opened on a link sends the browser one figure, made when its rows arrive
    (a figure of no rows first was made and sent for nothing), and says nothing of the
    plot's settings before them; a link whose filter
    leaves nothing still gets the plot that says there are no results."""
    client = PerfClient(sandbox_url)
    chosen = (await flagship(client)).id
    for json_filter, rows in (([], True), (["machine.cpu.count > 1e9"], False)):
        view = ResultsExplorer(ExplorerState(client=client))
        view.__panel__().get_root(Document())  # before anything loads, as a session does
        figures, state = [], view.state
        # nothing loaded yet: no plot, and no "choose a numeric column" over the progress bar
        assert view.plots._plot.object is None and not view.plots._message.visible
        view.plots._plot.param.watch(functools.partial(figures.append), "object")
        state.restore({"benchmark_id": chosen, "json_filters": json.dumps(json_filter)})
        await state.start()
        await until(functools.partial(loaded, state))
        assert len(figures) == 1 and figures[0].new is not None
        assert bool(len(view.state.filtered)) is rows
        assert view.plots._live.mode == ("glyphs" if rows else "empty")
    await client.aclose()
