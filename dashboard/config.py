"""The settings that choose what the dashboard talks to, the same for every way of running.

It is the one module of the dashboard that imports the sandbox: to start the embedded
one, to run it alone, and to hand its demo identities to the sessions.

``EOSC_PERF_API_URL``: the API root of a real service, e.g.
``https://performance.services.fedcloud.eu/api/v1``. Unset means the embedded
sandbox API, started inside this process on a free loopback port the first time
it is needed. The CLI's ``--api URL`` sets the same thing.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

API_URL_ENV = "EOSC_PERF_API_URL"
SANDBOX_DIR_ENV = "EOSC_PERF_SANDBOX_DIR"
DEMO_IDENTITIES_ENV = "EOSC_PERF_DEMO_IDENTITIES"
PRODUCTION_API = "https://performance.services.fedcloud.eu/api/v1"


@dataclass(frozen=True)
class ApiTarget:
    """Where the API is, and whether it is a sandbox that accepts the demo identities."""

    url: str
    sandbox: bool


def sandbox_data_dir() -> Path:
    """Where the embedded sandbox keeps its database (kept between runs)."""
    configured = os.environ.get(SANDBOX_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME", "").strip() or "~/.local/share"
    return Path(data_home).expanduser() / "eosc-perf-dashboard" / "sandbox"


_embedded_lock = threading.Lock()
_embedded = None


def embedded_sandbox_url() -> str:
    """The URL of this process's sandbox API, started on first use (one per process)."""
    global _embedded
    with _embedded_lock:
        if _embedded is None:
            from dashboard.sandbox import SandboxConfig, SandboxServer

            server = SandboxServer(SandboxConfig(data_dir=sandbox_data_dir()))
            server.start()
            _embedded = server
        return _embedded.url


@dataclass(frozen=True)
class DemoIdentity:
    """One of the sandbox's demo identities, as a session offers it."""

    key: str
    name: str
    token: str


def demo_identities() -> tuple[DemoIdentity, ...]:
    """The sandbox's demo identities (the only place outside it that reads them)."""
    from .sandbox.identities import DEMO_IDENTITIES

    return tuple(DemoIdentity(i.key, i.name, i.token) for i in DEMO_IDENTITIES)


def serve_sandbox(**options) -> None:
    """Run the sandbox API alone in the foreground (the CLI's ``sandbox`` command);
    ``options`` are :class:`~dashboard.sandbox.SandboxConfig`'s."""
    from .sandbox import SandboxConfig, serve

    options.setdefault("data_dir", sandbox_data_dir())
    serve(SandboxConfig(**options))


def resolve_api(url: str | None = None) -> ApiTarget:
    """The API to use: ``url`` if given, else ``EOSC_PERF_API_URL``, else the embedded sandbox."""
    url = (url or os.environ.get(API_URL_ENV, "")).strip()
    if url:
        demo = os.environ.get(DEMO_IDENTITIES_ENV, "").strip().lower() in ("1", "true", "yes")
        return ApiTarget(url.rstrip("/"), sandbox=demo)
    return ApiTarget(embedded_sandbox_url(), sandbox=True)
