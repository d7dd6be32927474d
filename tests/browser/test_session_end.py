"""A served session's life: its clicks and its loads take turns on one thread; an error
nobody foresaw is said, not raised; when its page goes, its work stops and its client is
closed, an admin's too."""

from __future__ import annotations

import logging
import re
import threading

import panel as pn
import pytest
from helpers import (
    ADMIN_TAB,
    choose_identity,
    closed_socket_write,
    eventually,
    explore_table,
    result_rows,
    show_every_benchmark,
    tab,
)
from playwright.sync_api import expect

from dashboard.app import create_app
from dashboard.cli import free_port


@pytest.fixture
def served(sandbox_url, caplog):
    """The app served in this process (so the test sees each session's parts), with
    sessions ended half a second after their page goes."""
    shells = []

    def session():
        shell = create_app(sandbox_url, sandbox=True)
        shells.append(shell)
        return shell.template()

    pn.extension("tabulator")  # as the command does before it serves (run alone, none had)
    port = free_port()
    caplog.set_level(logging.WARNING)
    server = pn.serve(
        {"/": session},
        port=port,
        address="127.0.0.1",
        websocket_origin=[f"127.0.0.1:{port}"],
        show=False,
        threaded=True,
        check_unused_sessions_milliseconds=200,
        unused_session_lifetime_milliseconds=300,
    )
    try:
        yield f"http://127.0.0.1:{port}/", shells
    finally:
        server.stop()
        server.join(timeout=30)  # stopped before Panel's state is reset after the test


def test_an_admins_session_closes_its_client_when_the_page_goes(browser, served, caplog):
    url, shells = served
    page = browser.new_context().new_page()
    page.goto(f"{url}?tab=explore")
    show_every_benchmark(page, timeout=30_000)
    choose_identity(page, "Ada Admin (demo administrator)")
    expect(tab(page, ADMIN_TAB)).to_have_count(1, timeout=30_000)
    (shell,) = [shell for shell in shells if shell.state.identity == "admin"]
    assert shell.admin_view is not None and not shell.state.client.closed

    page.context.close()  # the visitor closes the tab
    assert eventually(lambda: shell.state.client.closed), "the ended session's client is closed"
    problems = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [p for p in problems if "session" in p.lower() or "TabPanel" in p], problems
    tracebacks = [r for r in caplog.records if r.exc_info and not closed_socket_write(r)]
    assert not tracebacks, "no traceback when a session ends"


def test_an_error_in_a_callback_is_said_in_the_page_and_logged_not_raised(browser, served, caplog):
    url, shells = served
    page = browser.new_context().new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{url}?tab=explore")
    show_every_benchmark(page, timeout=30_000)

    def bug(_event) -> None:  # stands for a defect of ours in any callback
        raise RuntimeError("a defect of ours")

    for shell in shells:
        shell.state.param.watch(bug, "identity")
    choose_identity(page, "Alice Provider (demo user, registered)")
    expect(
        page.get_by_text(re.compile(r"^Something went wrong here \(RuntimeError\)"))
    ).to_be_visible(timeout=15_000)
    assert [r for r in caplog.records if r.exc_info and "a defect of ours" in str(r.exc_info[1])]
    assert not [e for e in errors if "a defect of ours" in e], "no traceback in the browser"
    page.context.close()


def test_a_sessions_clicks_and_loads_take_turns_on_one_thread(browser, served):
    """A click's watchers and a load's (a coroutine) run on one thread, so never at once:
    under Bokeh 3.10 the click's ran on a worker thread while the load's ran on the loop,
    both writing the same state."""
    url, shells = served
    page = browser.new_context().new_page()
    page.goto(f"{url}?tab=explore")
    menu = page.locator(".benchmark-menu").get_by_role("button", name=re.compile("^Explore "))
    expect(menu.first).to_be_visible(timeout=30_000)
    threads: dict[str, int] = {}
    for shell in shells:  # (the page's, and any other the server has begun)
        state = shell.explorer.state
        state.param.watch(
            lambda _e: threads.setdefault("click", threading.get_ident()), "benchmark_id"
        )
        state.param.watch(
            lambda _e: threads.setdefault("load", threading.get_ident()), "population"
        )

    menu.first.click()
    assert eventually(lambda: len(threads) == 2), "the click chose a benchmark, which loaded"
    assert threads["click"] == threads["load"], "a click's watchers ran beside a load's"
    expect(result_rows(explore_table(page)).first).to_be_visible(timeout=30_000)
    page.context.close()
