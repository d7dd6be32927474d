"""The sandbox API: a local server answering the EOSC Performance API v1 contract.

It is the dashboard's embedded default backend, for demos, development and tests:
the real service's behaviour (filters, sorts, searches, the review workflow,
claims, registration, the three error shapes) over SQLite data that survives
restarts. An empty database is filled with generated demo data on start.

    server = SandboxServer(SandboxConfig(data_dir=Path("./sandbox-data")))
    url = server.start()   # "http://127.0.0.1:PORT/api/v1"
    ...
    server.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import tornado.httpserver
import tornado.netutil

from dashboard.sandbox import seed
from dashboard.sandbox.auth import Authenticator, DemoAuthenticator, OidcAuthenticator
from dashboard.sandbox.calls import ApiContext
from dashboard.sandbox.identities import DEMO_IDENTITIES
from dashboard.sandbox.seed_loader import load_seed
from dashboard.sandbox.server import BASE_PATH, make_app
from dashboard.sandbox.store import Store

__all__ = ["IMAGES_ENV", "SandboxConfig", "SandboxServer", "serve"]

log = logging.getLogger(__name__)

_WILDCARD_HOSTS = {"", "0.0.0.0", "::"}
IMAGES_ENV = "EOSC_PERF_SANDBOX_IMAGES"


@dataclass
class SandboxConfig:
    """How to run a sandbox: where its data lives, where it listens, how it authenticates."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 0
    size: int = 400
    latency_ms: float = 0.0
    auth_mode: Literal["demo", "oidc"] = "demo"
    oidc_issuer: str | None = None
    admin_entitlements: tuple[str, ...] = ()
    #: More ``image:tag`` (or patterns: ``example/*``) for the registry to know, beside
    #: the seeded ones and those in ``$EOSC_PERF_SANDBOX_IMAGES`` (spaces or commas between).
    images: tuple[str, ...] = ()
    #: Idle keep-alive connections are closed after this long, as the real service
    #: does after 2 s; 0 keeps them open.
    idle_timeout_s: float = 2.0

    def known_images(self, env: Mapping[str, str] = os.environ) -> frozenset[str]:
        """Every image the sandbox's registry knows."""
        listed = env.get(IMAGES_ENV, "").replace(",", " ").split()
        return seed.KNOWN_IMAGES | set(self.images) | set(listed)


def _authenticator(config: SandboxConfig) -> Authenticator:
    if config.auth_mode == "demo":
        return DemoAuthenticator()
    if config.auth_mode == "oidc":
        if not config.oidc_issuer:
            raise ValueError("the oidc auth mode needs oidc_issuer")
        return OidcAuthenticator(config.oidc_issuer, config.admin_entitlements)
    raise ValueError(f"unknown auth mode {config.auth_mode!r}")


def _api_url(host: str, port: int) -> str:
    host = "127.0.0.1" if host in _WILDCARD_HOSTS else host
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}{BASE_PATH}"


class _Running:
    """A started sandbox inside an event loop: database, authenticator, HTTP server."""

    def __init__(self, config: SandboxConfig):
        self.config = config
        self.port = 0
        self._store: Store | None = None
        self._auth: Authenticator | None = None
        self._http: tornado.httpserver.HTTPServer | None = None

    async def start(self) -> str:
        config = self.config
        self._auth = _authenticator(config)
        self._store = store = Store.open(Path(config.data_dir))
        if store.is_empty():
            self._seed(store)
        else:
            store.ensure_indexes()
        ctx = ApiContext(
            store,
            self._auth,
            latency_seconds=config.latency_ms / 1000.0,
            known_images=config.known_images(),
        )
        sockets = tornado.netutil.bind_sockets(config.port, config.host)
        self.port = sockets[0].getsockname()[1]
        self._http = tornado.httpserver.HTTPServer(
            make_app(ctx), idle_connection_timeout=config.idle_timeout_s or None
        )
        self._http.add_sockets(sockets)
        return _api_url(config.host, self.port)

    def _seed(self, store: Store) -> None:
        registered = []
        if self.config.auth_mode == "demo":
            registered = [(i.sub, i.iss, i.email) for i in DEMO_IDENTITIES if i.registered]
        load_seed(store, seed.generate(self.config.size), registered)

    async def stop(self) -> None:
        if self._http is not None:
            self._http.stop()
            await self._http.close_all_connections()
        if self._auth is not None:
            await self._auth.aclose()
        if self._store is not None:
            self._store.close()


class SandboxServer:
    """A sandbox running on its own event loop in a daemon thread (for apps and tests)."""

    def __init__(self, config: SandboxConfig):
        self.config = config
        self._url: str | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def url(self) -> str:
        """The API base URL, ``http://HOST:PORT/api/v1``."""
        if self._url is None:
            raise RuntimeError("the sandbox is not running")
        return self._url

    def start(self) -> str:
        """Start serving; returns the API base URL once connections are accepted."""
        if self._thread is not None:
            raise RuntimeError("the sandbox is already running")
        ready = threading.Event()
        failures: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._run, args=(ready, failures), name="eosc-perf-sandbox", daemon=True
        )
        self._thread.start()
        ready.wait()
        if failures:
            self._thread.join()
            self._thread = None
            raise failures[0]
        return self.url

    def _run(self, ready: threading.Event, failures: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        running = _Running(self.config)
        try:
            self._url = loop.run_until_complete(running.start())
        except BaseException as exc:  # handed to start(), which raises it in the caller
            failures.append(exc)
            loop.run_until_complete(running.stop())
            loop.close()
            ready.set()
            return
        self._loop = loop
        loop.call_soon(ready.set)
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(running.stop())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def stop(self) -> None:
        """Stop serving, wait for the thread to end and close the database."""
        if self._thread is None:
            return
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._thread = None
        self._loop = None
        self._url = None


def serve(config: SandboxConfig) -> None:
    """Run a sandbox in the foreground until interrupted (the ``sandbox`` CLI command)."""

    async def main() -> None:
        running = _Running(config)
        stopping = asyncio.Event()
        # SIGTERM (a container or service manager stopping us) ends as cleanly as Ctrl-C.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
        try:
            url = await running.start()
            log.info("Sandbox API listening at %s", url)
            await stopping.wait()
        finally:
            await running.stop()
        log.info("Sandbox API stopped")

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
