"""The Panel application: ``panel serve dashboard/app.py``.

:func:`create_app` is the one place that wires a client, a token source and the
state into the views, once per session.
"""

from __future__ import annotations

import asyncio
import logging

import panel as pn

from dashboard.api import PerfClient, TokenSource
from dashboard.config import demo_identities, resolve_api
from dashboard.serving import sessions_on_the_loop
from dashboard.signin import SignIn, decide, demo_tokens
from dashboard.signin.demo import DemoTokens
from dashboard.state import SessionState
from dashboard.state.admin import AdminQueue
from dashboard.state.compare import CompareState
from dashboard.state.explorer import ExplorerState
from dashboard.state.submit import SubmitState
from dashboard.state.upload import UploadState
from dashboard.views import AppShell
from dashboard.views.admin.panel import AdminPanel
from dashboard.views.compare.panel import CompareView
from dashboard.views.contribute.panel import ContributePanel
from dashboard.views.explore.explorer import ResultsExplorer

log = logging.getLogger("dashboard")
_closing: set[asyncio.Task] = set()  # the loop keeps only weak references to tasks


def _close_later(client: PerfClient) -> None:
    try:
        task = asyncio.get_running_loop().create_task(client.aclose())
    except RuntimeError:  # no loop running: close right here
        asyncio.run(client.aclose())
        return
    _closing.add(task)
    task.add_done_callback(_closing.discard)


def session_state(
    url: str, tokens: TokenSource | None, *, sandbox: bool, **client_options
) -> SessionState:
    """A session's client and state; on a sandbox, the demo identities to choose from, and
    a token that follows the identity chosen."""
    tokens = demo_tokens() if sandbox and tokens is None else tokens
    client = PerfClient(url, tokens, **client_options)
    demo = {i.name: i.key for i in demo_identities()} if sandbox else {}
    state = SessionState(client=client, api_url=url, sandbox=sandbox, demo_identities=demo)
    if isinstance(tokens, DemoTokens):
        tokens.follow(lambda: state.identity)
    return state


def reviewed_for(queue: AdminQueue, upload: UploadState) -> AdminQueue:
    """The admin's queue, whose every review refreshes the lists the same session's
    upload form offers (a site approved here is offered there at once)."""

    async def refresh(_event) -> None:
        if upload.benchmarks:  # the form was opened: what it offers may have changed
            await upload.start()

    queue.param.watch(refresh, "pending")
    return queue


def create_app(
    api_url: str | None = None,
    tokens: TokenSource | None = None,
    *,
    sandbox: bool | None = None,
    signin: SignIn | None = None,
) -> AppShell:
    """Build one session: its own client (closed when the session ends), state and views.

    ``api_url`` defaults to the configured API (see :mod:`dashboard.config`). The
    session's token comes from ``tokens`` if given, else from ``signin`` (default: what
    :func:`dashboard.signin.decide` finds: OAuth, the hub, a personal token, the demo
    identities on a sandbox, or none).
    """
    target = resolve_api(api_url)
    on_sandbox = target.sandbox if sandbox is None else sandbox
    if tokens is None:
        signin = signin or decide(sandbox=on_sandbox)
        tokens = signin.tokens()
        on_sandbox = signin.demo  # demo identities only when nothing else signs in
    state = session_state(target.url, tokens, sandbox=on_sandbox)
    client = state.client
    explorer = ResultsExplorer(ExplorerState(client=client, sandbox=on_sandbox), session=state)
    compare = CompareView(state=CompareState(client=client), sandbox=on_sandbox)
    submit = SubmitState(client=client)
    upload = UploadState(client=client, submitter=submit)
    shell = AppShell(
        state=state,
        compare=compare,
        explorer=explorer,
        contribute=lambda: ContributePanel(state=state, upload=upload, submit=submit),
        admin=lambda: AdminPanel(reviewed_for(AdminQueue(client=client), upload)),
    )

    def end_session(_context) -> None:
        # Work still under way would only meet a closed client: each part stops, and
        # the client is closed whatever any of them does.
        try:
            for stop in (state.stop, compare.state.stop, explorer.state.stop, upload.stop,
                         submit.stop, shell.close):  # fmt: skip
                try:
                    stop()
                except Exception:
                    log.exception("A part of an ending session did not stop cleanly")
        finally:
            _close_later(client)

    async def retry_explorer(_event) -> None:  # "Retry" covers a load that failed too
        await explorer.state.retry()
        await (compare.state.start() if compare.state.problem else asyncio.sleep(0))

    state.param.watch(retry_explorer, "retried")
    pn.state.on_session_destroyed(end_session)
    served = pn.state.curdoc.session_context if pn.state.curdoc is not None else None
    if served is not None:
        pn.config.exception_handler = shell.failed  # this session's, not a traceback
        # (``panel serve`` runs no code of ours before its first session)
        sessions_on_the_loop(served.server_context.application_context.io_loop)
    _in_the_address_then_load(shell, state, compare, explorer)
    return shell


def _in_the_address_then_load(shell, state, compare, explorer) -> None:
    """Every view's choices kept in the page's address (a link's read first), and each
    view's first load once the page has loaded."""
    explorer.share_in_url()
    compare.share_in_url()
    shell.identity.keep_in_url()
    shell.keep_tab_in_url()
    pn.state.onload(state.refresh)
    pn.state.onload(explorer.state.start)
    _compare_when_shown(shell, compare)


def _compare_when_shown(shell: AppShell, compare: CompareView) -> None:
    """Where to run loads when its tab is first shown: on opening the page (its first
    tab), or later; a link to another tab loads none of it."""

    async def shown(*_events) -> None:
        if shell.showing_compare() and not compare.state.started:
            await compare.state.start()

    shell.tabs.param.watch(shown, "active")
    pn.state.onload(shown)


if pn.state.served:
    # `panel serve dashboard/app.py` runs this file as a script of its own, whose
    # globals Bokeh clears when a session ends, before the session's end callbacks
    # run: the wiring is taken from the package's module, whose globals stay.
    from dashboard import app as wiring

    pn.extension("tabulator")
    wiring.create_app().template().servable()
