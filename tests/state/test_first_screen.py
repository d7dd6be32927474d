"""A large load is shown as soon as its first screen's columns are made; the other columns
follow in a copy of the same rows that takes its place, for the sessions showing the first
and for every session after. Checked against a sandbox over HTTP, with the threshold of a
large load lowered to the size of a test's data."""

from __future__ import annotations

import asyncio
import threading

import pandas as pd
import pytest
from helpers import close_explorers, flagship, until

from dashboard.api import PerfClient
from dashboard.state import shared
from dashboard.state.explorer import ExplorerState
from dashboard.state.shared import SHARED
from dashboard.views.explore.explorer import ResultsExplorer


@pytest.fixture
def large_from_100(monkeypatch):
    """Loads of 100 results or more are large; their other columns are made only once
    the test opens the gate (``await gate()``), so that it sees the first screen alone."""
    monkeypatch.setattr(shared, "FIRST_SCREEN_FROM", 100)
    opened = threading.Event()
    making = shared._completed

    def held(copy):
        assert opened.wait(30), "the test never let the columns be made"
        return making(copy)

    monkeypatch.setattr(shared, "_completed", held)

    async def gate() -> None:
        opened.set()

    yield gate
    opened.set()


async def opened(url: str, benchmark_id: str = "") -> ExplorerState:
    """A session's explorer, opened on a link to ``benchmark_id``, its first screen shown."""
    client = PerfClient(url)
    if not benchmark_id:
        benchmark_id = (await flagship(client)).id
    state = ExplorerState(client=client, benchmark_id=benchmark_id)
    await state.start()
    await until(lambda: not state.loading and len(state.population) > 0)
    return state


def json_columns(frame: pd.DataFrame) -> list[str]:
    return [name for name in frame.columns if name.startswith("json.")]


async def test_the_first_screen_has_its_columns_and_the_others_follow(
    fresh_sandbox, large_from_100
):
    state = await opened(fresh_sandbox(size=600).url)
    first = state.population
    later = [f"json.{f.path}" for f in state.fields if not (f.suggested or f.numeric)]
    assert later, "the benchmark has texts or dates, made after the first screen"
    assert not set(later) & set(first.columns)
    # what the first screen shows is there: the table's columns and the plotted value
    shown = {f"json.{path}" for path in [*state.columns, state.plot_y]}
    assert shown <= set(first.columns)
    before = first.copy(deep=True)

    await large_from_100()
    await state.settled()
    full = state.population
    assert json_columns(full) == [f"json.{f.path}" for f in state.fields]  # in schema order
    assert full["id"].tolist() == first["id"].tolist()
    pd.testing.assert_frame_equal(full[first.columns], first)
    pd.testing.assert_frame_equal(first, before)  # the first copy was never written
    assert state.filtered is full  # no filter: the rows are the copy itself
    await close_explorers(state)


async def test_filters_and_forgotten_results_hold_across_the_swap(fresh_sandbox, large_from_100):
    state = await opened(fresh_sandbox(size=600).url)
    site_id = state.population["site_id"].iloc[0]
    forgotten = state.population["id"].iloc[-1]
    state.site_ids = [site_id]
    state.forget([forgotten])
    expected = state.filtered["id"].tolist()
    assert 0 < len(expected) < len(state.population)
    assert len(json_columns(state.filtered)) < len(state.fields)  # not swapped yet

    await large_from_100()
    await state.settled()
    assert state.filtered["id"].tolist() == expected
    assert forgotten not in set(state.population["id"])
    assert len(json_columns(state.filtered)) == len(state.fields)
    await close_explorers(state)


async def test_a_session_opened_meanwhile_gets_every_column_and_the_copy_is_shared(
    fresh_sandbox, large_from_100
):
    url = fresh_sandbox(size=600).url
    first = await opened(url)
    second = asyncio.ensure_future(opened(url, first.benchmark_id))
    await asyncio.sleep(0.5)
    assert not second.done(), "the next session waits for the columns being made"
    await large_from_100()
    second = await second
    assert len(json_columns(second.population)) == len(second.fields)
    await first.settled()
    assert first.population is second.population
    assert len(SHARED) == 1
    await close_explorers(first, second)


async def test_a_session_that_ends_first_leaves_the_copy_made_for_the_next(
    fresh_sandbox, large_from_100
):
    url = fresh_sandbox(size=600).url
    first = await opened(url)
    await close_explorers(first)  # the visitor left before the other columns were made
    [copy] = SHARED._copies.values()
    assert copy.later
    await large_from_100()
    await SHARED.complete(copy)
    [full] = SHARED._copies.values()
    assert not full.later and len(json_columns(full.population)) == len(full.fields)


async def test_a_small_load_is_made_whole_at_once(fresh_sandbox):
    state = await opened(fresh_sandbox(size=600).url)  # under the usual 20,000
    assert len(json_columns(state.population)) == len(state.fields)
    [copy] = SHARED._copies.values()
    assert not copy.later and copy.rest is None
    await close_explorers(state)


async def test_a_notebooks_wait_for_the_results_ends_with_every_column(
    fresh_sandbox, large_from_100
):
    """``await view.loaded()`` in a cell, then ``view.value``: every field is a column."""
    client = PerfClient(fresh_sandbox(size=600).url)
    view = ResultsExplorer(ExplorerState(client=client))
    view.state.benchmark_id = (await flagship(client)).id

    def shown(event) -> None:  # the gate opens a while after the first screen is shown
        if not event.new:
            asyncio.get_running_loop().call_later(0.3, asyncio.ensure_future, large_from_100())

    view.state.param.watch(shown, "loading")
    await view.state.start()
    await view.loaded()
    assert len(json_columns(view.value)) == len(view.state.fields)
    view.state.stop()
    await client.aclose()
