"""The app shell, driven through its state: what a user would see after each step."""

from __future__ import annotations

import socket

from dashboard.api import PerfClient
from dashboard.app import create_app
from dashboard.identity import DemoTokens
from dashboard.state import LATEST_COLUMNS, SessionState
from dashboard.views import AppShell
from dashboard.views.shell import connection_html, identity_html

from .conftest import until


def session(url: str, sandbox: bool = True) -> SessionState:
    client = PerfClient(url, DemoTokens() if sandbox else None)
    return SessionState(client=client, api_url=url, sandbox=sandbox)


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
        await app.state.client.aclose()


def test_text_from_outside_is_escaped():
    html = connection_html("http://x/<script>", True, "unreachable", "<img src=x onerror=alert(1)>")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
