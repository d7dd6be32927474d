"""What the benchmarks share: the sandbox API in a process of its own (measurements must
not share its CPU), and the RSS of the measuring process."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import httpx

from dashboard.allocator import on_jemalloc, relaunch_with_jemalloc
from dashboard.cli import free_port


def as_the_server_runs() -> None:
    """Relaunch this benchmark on the allocator the dashboard's command runs its server
    on (jemalloc where installed), and say which it is."""
    relaunch_with_jemalloc()
    print("allocator:", "jemalloc" if on_jemalloc() else "the interpreter's own")


def rss_mb() -> float:
    """This process's resident memory, in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def start_sandbox(data_dir: str, size: int, latency_ms: float) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dashboard",
            "sandbox",
            "--port",
            str(port),
            "--data-dir",
            data_dir,
            "--size",
            str(size),
            "--latency-ms",
            str(latency_ms),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/benchmarks", timeout=5).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the sandbox did not start within 2 minutes")


@contextlib.contextmanager
def sandbox_url(size: int, latency_ms: float = 0, api: str | None = None) -> Iterator[str]:
    """The API to measure against: ``api`` if given (a sandbox already running, seeded
    as the caller wants), else a new sandbox of ``size`` results, stopped afterwards."""
    if api:
        yield api.rstrip("/")
        return
    with tempfile.TemporaryDirectory() as data_dir:
        process, url = start_sandbox(data_dir, size, latency_ms)
        try:
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def add_api_option(parser) -> None:
    parser.add_argument(
        "--api",
        metavar="URL",
        help="measure against this running sandbox API instead of starting one "
        "(its seed then decides the sizes)",
    )
