"""Shared fixtures: sandbox API servers, reached over real HTTP.

``sandbox`` / ``sandbox_url``: one sandbox for the whole session (demo auth, default
seed). Tests share it, so a test that changes data creates the objects it changes
and never relies on counts staying put. ``fresh_sandbox`` starts isolated servers
for tests that need options (latency, size, auth mode) or a clean state.
``fault_proxy`` puts a :class:`faultproxy.FaultProxy` in front of one, to lose answers.
``hostile_data`` adds markup to the shared sandbox (the demo data holds none), for the
tests that check it stays text: see ``hostile.py``.
``anonymous_client`` and ``explorer`` read the shared sandbox as the dashboard does.
Panel's state and the shared copies of results are reset after every test of every
tier, so no test sees another's documents or caches.

The benchmarks tests submit use container images under ``example/``: every sandbox of
the test run (and of the processes it starts) knows them, as a registry knows pushed
images; any other unknown image is refused with the real service's 422.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import httpx
import panel as pn
import pytest
from faultproxy import FaultProxy  # tests/faultproxy.py, beside this file
from helpers import flagship, until
from hostile import HostileData, add_hostile_data  # tests/hostile.py, beside this file

from dashboard.api import PerfClient
from dashboard.sandbox import IMAGES_ENV, SandboxConfig, SandboxServer
from dashboard.sandbox.identities import identity_by_key
from dashboard.state.explorer import ExplorerState
from dashboard.state.shared import SHARED

TEST_IMAGES = "example/*"
os.environ[IMAGES_ENV] = TEST_IMAGES


@pytest.fixture(autouse=True)
def panel_state():
    yield
    pn.state.kill_all_servers()
    pn.state.reset()
    pn.state.clear_caches()
    SHARED.clear()  # the next test's sandbox may answer on the same port


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A started sandbox shared by the session (demo auth mode, default seed size)."""
    server = SandboxServer(SandboxConfig(data_dir=tmp_path_factory.mktemp("sandbox")))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sandbox_url(sandbox: SandboxServer) -> str:
    """The shared sandbox's API base URL (``http://127.0.0.1:PORT/api/v1``)."""
    return sandbox.url


@pytest.fixture(scope="session")
def hostile_data(sandbox_url: str) -> HostileData:
    """Markup in the shared sandbox's site, tag, results and claim (added once)."""
    return add_hostile_data(sandbox_url)


@pytest.fixture
def fresh_sandbox(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., SandboxServer]]:
    """Factory starting isolated sandboxes, all stopped when the test ends.

    ``fresh_sandbox(latency_ms=50, size=100)`` takes any `SandboxConfig` field;
    ``data_dir`` defaults to a new temporary directory (pass one to restart on
    the same data).
    """
    servers: list[SandboxServer] = []

    def start(**options: object) -> SandboxServer:
        options.setdefault("data_dir", tmp_path_factory.mktemp("fresh-sandbox"))
        server = SandboxServer(SandboxConfig(**options))  # type: ignore[arg-type]
        server.start()
        servers.append(server)
        return server

    yield start
    for server in reversed(servers):
        server.stop()


@pytest.fixture
def sandbox_client(sandbox_url: str) -> Iterator[Callable[..., httpx.Client]]:
    """Factory of HTTP clients on a sandbox, signed in as a demo identity or anonymous.

    ``sandbox_client("alice")`` (or ``"bob"``, ``"admin"``, None for anonymous) talks
    to the shared sandbox; ``sandbox_client("admin", url=other.url)`` to another one.
    """
    clients: list[httpx.Client] = []

    def make(as_: str | None = None, url: str | None = None) -> httpx.Client:
        headers = {}
        if as_ is not None:
            headers["Authorization"] = f"Bearer {identity_by_key(as_).token}"
        client = httpx.Client(base_url=url or sandbox_url, headers=headers, timeout=30.0)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def fault_proxy() -> Iterator[Callable[[str], FaultProxy]]:
    """Factory of fault proxies, all stopped when the test ends.

    ``fault_proxy(server.url)`` starts one in front of that API; talk to its ``.url``
    and plan faults with ``.lose_answer(...)`` / ``.hold(...)``.
    """
    proxies: list[FaultProxy] = []

    def start(upstream_url: str) -> FaultProxy:
        proxy = FaultProxy(upstream_url).start()
        proxies.append(proxy)
        return proxy

    yield start
    for proxy in proxies:
        proxy.stop()


@pytest.fixture
async def anonymous_client(sandbox_url: str):
    """A PerfClient on the shared sandbox, signed in as nobody."""
    async with PerfClient(sandbox_url) as client:
        yield client


@pytest.fixture
async def explorer(anonymous_client: PerfClient):
    """The explorer's state on the shared sandbox, every result of the flagship loaded."""
    state = ExplorerState(client=anonymous_client)
    await state.start()
    chosen = state.benchmark_id = (await flagship(anonymous_client)).id
    await until(lambda: set(state.population["benchmark_id"]) == {chosen} and not state.loading)
    return state
