"""The app shell, driven through its state: what a user would see after each step."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import socket
import time
import weakref
from types import SimpleNamespace

import httpx
import pandas as pd
from bokeh.document import Document
from helpers import flagship, loaded, until
from panel.io.state import set_curdoc

from dashboard.api import PerfClient, User
from dashboard.api.gc_pause import freeze_startup
from dashboard.app import create_app, session_state
from dashboard.results.table import LATEST_COLUMNS
from dashboard.state import SessionState
from dashboard.state.shared import SHARED
from dashboard.views import AppShell
from dashboard.views.shell import connection_html, identity_html


def session(url: str, sandbox: bool = True) -> SessionState:
    return session_state(url, None, sandbox=sandbox)


async def test_a_new_session_shows_the_latest_seeded_results(sandbox_url):
    state = session(sandbox_url)
    await state.refresh()
    assert state.connection == "connected" and state.problem == ""
    assert list(state.latest.columns) == LATEST_COLUMNS
    assert len(state.latest) == 20 and state.latest_count > 400
    uploaded = state.latest["Uploaded (UTC)"]
    assert uploaded.is_monotonic_decreasing, "newest first"
    assert not state.signed_in and state.user is None
    await state.client.aclose()


async def test_switching_demo_identity_changes_who_is_signed_in(sandbox_url):
    state = session(sandbox_url)
    await state.refresh()
    state.identity = "alice"
    await until(lambda: state.user is not None)
    assert state.signed_in and state.registered and not state.admin
    assert "alice@example.org" in identity_html(state.signed_in, state.user, True, False)
    state.identity = "bob"
    await until(lambda: state.user is None)
    assert state.signed_in and not state.registered
    state.identity = "admin"
    await until(lambda: state.admin)
    state.identity = "anonymous"
    await until(lambda: not state.signed_in)
    await state.client.aclose()


async def test_an_unreachable_api_is_a_message_and_a_retry_not_a_traceback():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    state = session(f"http://127.0.0.1:{port}/api/v1")
    state.client.retries = 0
    shell = AppShell(state=state)
    await state.refresh()
    assert state.connection == "unreachable"
    assert f"127.0.0.1:{port}" in state.problem
    assert shell.connection._retry.visible
    assert "Cannot reach the sandbox API" in shell.connection._text.object
    assert shell.latest._alert.visible
    await state.client.aclose()


async def test_create_app_wires_one_client_per_session(sandbox_url):
    first = create_app(sandbox_url, sandbox=True)
    second = create_app(sandbox_url, sandbox=True)
    assert first.state.client is not second.state.client
    # outside a server, onload waits for a document to load: refresh by hand
    await first.state.refresh()
    await second.state.refresh()
    first.state.identity = "alice"
    await until(lambda: first.state.user is not None)
    assert second.state.user is None and second.state.client.token_source.key == "anonymous"
    for app in (first, second):
        app.state.stop()
        app.explorer.state.stop()
        await app.state.client.aclose()


def test_text_from_outside_is_escaped():
    html = connection_html("http://x/<script>", True, "unreachable", "<img src=x onerror=alert(1)>")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


async def test_quick_identity_switches_settle_on_the_last_one(fresh_sandbox):
    server = fresh_sandbox(latency_ms=80)
    state = session(server.url)
    await state.refresh()
    for who in ("alice", "admin", "bob"):
        state.identity = who
        await asyncio.sleep(0.01)  # each switch starts before the previous answered
    await until(lambda: not state.loading)
    await asyncio.sleep(0.3)  # would a superseded answer still land?
    assert (state.signed_in, state.registered, state.admin, state.user) == (
        True,
        False,
        False,
        None,
    )
    assert not state.loading
    await state.client.aclose()


async def test_a_failing_service_is_said_plainly_and_retry_recovers(fresh_sandbox, tmp_path):
    server = fresh_sandbox(data_dir=tmp_path)
    port = int(server.url.split(":")[2].split("/")[0])
    state = session(server.url)
    state.client.retries = 0
    shell = AppShell(state=state)
    server.stop()
    await state.refresh()
    assert state.connection == "unreachable" and shell.connection._retry.visible

    fresh_sandbox(data_dir=tmp_path, port=port)  # the service comes back
    shell.connection._retry.clicks += 1
    await until(lambda: state.connection == "connected" and len(state.latest) == 20)
    assert not shell.connection._retry.visible and not shell.latest._alert.visible
    await state.client.aclose()


async def test_server_errors_show_as_a_failing_service_with_a_retry():
    transport = httpx.MockTransport(lambda request: httpx.Response(503, text="<h1>down</h1>"))
    client = PerfClient("http://api.test/api/v1", transport=transport, retries=0)
    state = SessionState(client=client, api_url="http://api.test/api/v1", sandbox=False)
    shell = AppShell(state=state)
    await state.refresh()
    assert state.connection == "failing" and "HTTP 503" in state.problem
    assert shell.connection._retry.visible
    assert "The performance service is failing" in shell.connection._text.object
    await client.aclose()


async def test_api_text_in_messages_is_escaped():
    hostile = "<img src=x onerror=alert(1)>"
    body = {"code": 422, "status": "Unprocessable Entity", "errors": {"error": hostile}}
    transport = httpx.MockTransport(lambda request: httpx.Response(422, json=body))
    client = PerfClient("http://api.test/api/v1", transport=transport)
    state = SessionState(client=client, api_url="http://api.test/api/v1", sandbox=False)
    shell = AppShell(state=state)
    await state.refresh()
    assert hostile in state.problem
    alert = shell.latest._alert.object
    assert "<img" not in alert and "&lt;img src=x onerror=alert(1)&gt;" in alert
    user = User(sub="s", iss="i", email=hostile)
    assert "<img" not in identity_html(True, user, True, False)
    await client.aclose()


async def test_the_client_is_closed_when_the_session_ends(sandbox_url):
    document = Document()
    with set_curdoc(document):
        app = create_app(sandbox_url, sandbox=True)
    callbacks = list(document.session_destroyed_callbacks)
    assert callbacks, "create_app registers a session-end callback"
    assert not app.state.client.closed
    for callback in callbacks:
        callback(None)
    await until(lambda: app.state.client.closed)


async def test_building_a_session_freezes_nothing_of_it(sandbox_url):
    """The server leaves what it holds at its start out of later collections before any
    session exists (``freeze_startup``); a session's own document frozen with it would
    never be collected, nor anything it comes to hold (the first session of a served
    process stayed in memory for good)."""
    freeze_startup.cache_clear()  # as in a process that has served no one yet
    before = gc.get_freeze_count()
    try:
        document = Document()
        with set_curdoc(document):
            create_app(sandbox_url, sandbox=True)
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()


async def opened_on_flagship(url: str) -> tuple[Document, AppShell]:
    """A session as ``panel serve`` builds one, its page's load callbacks run and the
    flagship benchmark chosen (its results loading)."""
    document = Document()
    with set_curdoc(document):
        app = create_app(url, sandbox=True)
        app.template().server_doc(document)
        app.tabs.active = 1  # Explore, where the flagship is chosen (Where to run is first)
        await asyncio.gather(app.state.refresh(), app.explorer.state.start())
        app.explorer.state.benchmark_id = (await flagship(app.state.client)).id
    return document, app


def ended(document: Document) -> None:
    """What a server tells a session's callbacks when its page has gone."""
    context = SimpleNamespace(id="ended", _document=document)
    for callback in list(document.session_destroyed_callbacks):
        with contextlib.suppress(KeyError):  # parts an unserved document never had
            callback(context)
    document.clear()


async def test_an_ended_session_leaves_nothing_of_itself_in_memory(fresh_sandbox):
    """A session that drew a count image of a large benchmark, once ended and its shared
    copy released, is collected: no timer, cache or hook of another part keeps its
    document, state or plot (they held hundreds of MB per session at 100,000 results).
    The shared copy itself stays until it has been idle a while."""
    document, app = await opened_on_flagship(fresh_sandbox(size=3000).url)
    state = app.explorer.state
    with set_curdoc(document):
        await until(functools.partial(loaded, state, 2000), timeout=60)
    assert app.explorer.plots._live.mode == "image"
    gone = {
        "document": weakref.ref(document),
        "shell": weakref.ref(app),
        "explorer": weakref.ref(state),
        "plot": weakref.ref(app.explorer.plots._live),
    }
    ended(document)
    del document, app, state
    await until(lambda: not any(SHARED._copies[key].holders for key in SHARED._copies))
    await asyncio.sleep(0.1)  # the client closes
    gc.collect()
    assert [name for name, ref in gone.items() if ref() is not None] == []


def dead_references() -> int:
    """Weak references to frames that are gone, in the reference lists of live frames.

    pandas (copy-on-write) notes every view of a frame's index and blocks in lists on
    the frame viewed, and drops the dead entries only now and then. Each one left is a
    small object that keeps its 1 MB of the server's memory (its allocator's arena)
    from being given back: on a frame that lives as long as the server, as a class's
    default did, every session left some for good.
    """
    count = 0
    for frame in [o for o in gc.get_objects() if isinstance(o, pd.DataFrame)]:
        lists = [frame.index._references, *(block.refs for block in frame._mgr.blocks)]
        count += sum(ref() is None for refs in lists if refs for ref in refs.referenced_blocks)
    return count


async def test_ended_sessions_leave_no_trace_on_frames_that_outlive_them(sandbox_url):
    """Two sessions that loaded and filtered results, once ended and their shared copy
    expired, leave no reference to their frames on any frame still alive (each session
    has frames of its own from the start, none copied from a class's default)."""
    SHARED.evict(time.monotonic() + SHARED.idle_s)
    gc.collect()
    before = dead_references()
    for _ in range(2):
        document, app = await opened_on_flagship(sandbox_url)
        state = app.explorer.state
        with set_curdoc(document):
            await until(lambda state=state: not state.loading and len(state.population) > 0)
            state.site_ids = [str(state.population["site_id"].iloc[0])]
            await until(lambda state=state: len(state.filtered) < len(state.population))
        ended(document)
        del document, app, state
    await asyncio.sleep(0.1)  # the clients close
    SHARED.evict(time.monotonic() + SHARED.idle_s)  # the copies expire, their lists with them
    gc.collect()
    assert dead_references() == before


async def test_a_load_that_fails_shows_in_the_header_and_retry_loads_it(fresh_sandbox, tmp_path):
    """The API goes away between two choices: the header says so at once, the explorer
    shows no count left from the benchmark before, and Retry brings both back."""
    server = fresh_sandbox(data_dir=tmp_path)
    port = int(server.url.split(":")[2].split("/")[0])
    app = create_app(server.url, sandbox=True)
    app.state.client.retries = 0
    explorer = app.explorer
    await app.state.refresh()
    await explorer.state.start()
    first, second = explorer.state.benchmarks[:2]
    explorer.state.benchmark_id = first.id
    await until(lambda: not explorer.state.loading and len(explorer.state.population) > 0)
    assert "Connected to the sandbox API" in app.connection._text.object

    await app.compare.state.settled()  # Where to run loads too: its answer is in first
    server.stop()
    explorer.state.benchmark_id = second.id
    await until(lambda: not explorer.state.loading and explorer.state.problem)
    assert app.state.connection == "unreachable", "any part's failed request is the header's"
    assert "Cannot reach the sandbox API" in app.connection._text.object
    assert app.connection._retry.visible
    assert explorer.progress._text.object == "", "no count of the previous benchmark's rows"
    assert explorer.state.population.empty

    fresh_sandbox(data_dir=tmp_path, port=port)  # the service comes back
    app.connection._retry.clicks += 1
    await until(lambda: not explorer.state.loading and len(explorer.state.population) > 0)
    assert set(explorer.state.population["benchmark_id"]) == {second.id}
    assert app.state.connection == "connected" and not app.connection._retry.visible
    assert "results match" in explorer.progress._text.object
    for part in (app.state, explorer.state):
        part.stop()
    await app.state.client.aclose()


async def test_opening_the_dashboard_with_no_benchmark_chosen_reads_one_page_of_results(
    fresh_sandbox, caplog
):
    """What a page does on opening: Where to run (the first tab) reads the largest
    benchmark's results, and only those; the shell's refresh and the explorer's start
    read one page of the latest uploads; no other benchmark's results load until one is
    chosen in the explorer."""
    url = fresh_sandbox().url
    app = create_app(url, sandbox=True)  # (no page here: its load callbacks run at once)
    await until(lambda: app.compare.state.result is not None and not app.compare.state.loading)
    loaded = {key[1] for key in SHARED._copies if key[0] == app.state.client.base_url}
    assert loaded == {app.compare.state.benchmarks[0].id}
    with caplog.at_level(logging.INFO, logger="dashboard.sandbox.access"):
        await app.state.refresh()
        await app.explorer.state.start()
        await until(lambda: not app.explorer.state.loading and len(app.state.latest) > 0)
    pages = [r for r in caplog.records if r.getMessage().split()[1:3] == ["GET", "/api/v1/results"]]
    assert len(pages) == 1, [r.getMessage() for r in pages]
    assert app.explorer.state.population.empty
    assert "Choose a benchmark" in app.explorer.progress._text.object
    for part in (app.state, app.explorer.state, app.compare.state):
        part.stop()
    await app.state.client.aclose()


async def test_the_contribute_tab_is_built_when_first_opened_and_loads_for_the_registered(
    sandbox_url,
):
    """A new session builds the first screen only; a registered user who opens Contribute
    later finds their lists loaded, not empty until a refresh."""
    app = create_app(sandbox_url, sandbox=True)
    await app.state.refresh()
    assert app.contribute_view is None
    app.state.identity = "alice"
    await until(lambda: app.state.registered and not app.state.loading)
    assert app.contribute_view is None, "signing in does not build it either"
    app.tabs.active = [title for title, _ in zip(app.tabs._names, app.tabs, strict=True)].index(
        "Contribute"
    )
    await until(lambda: app.contribute_view is not None)
    submit = app.contribute_view.submit
    await until(lambda: len(submit.my_results) > 0 and app.contribute_view.upload.benchmarks)
    for part in (app.state, app.explorer.state):
        part.stop()
    await app.state.client.aclose()


async def test_a_new_session_builds_plot_table_and_filters_with_the_first_benchmark_chosen(
    sandbox_url,
):
    """The first screen is the benchmarks to choose from: no filters, plot or table for
    nothing (a new visitor costs the server less); choosing one brings them all, and the
    Latest results tab is built as it is opened, with its rows."""
    app = create_app(sandbox_url, sandbox=True)
    explorer = app.explorer
    await asyncio.gather(app.state.refresh(), explorer.state.start())
    assert explorer._main is None and explorer._narrowing is None and app._latest_view is None
    assert len(explorer.filters) == 1  # the benchmark chooser
    explorer.state.benchmark_id = explorer.state.benchmarks[0].id
    await until(lambda: not explorer.state.loading and len(explorer.state.population) > 0)
    assert len(explorer.filters) == 5 and explorer._narrowing is not None  # and "Clear all"
    assert explorer._body.objects == [explorer.main]
    await until(lambda: len(explorer.table._table.value) > 0)
    app.tabs.active = app.tabs._names.index("Latest results")
    await until(lambda: app._latest_view is not None)
    assert len(app._latest_tab) == 1 and len(app.latest._table.value) > 0
    for part in (app.state, explorer.state):
        part.stop()
    await app.state.client.aclose()
