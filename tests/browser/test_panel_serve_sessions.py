"""Under ``panel serve dashboard/app.py``, every session that ends closes its client.

The sandbox runs as a process of its own that keeps idle connections open, so the
connections it holds from the dashboard are there until the dashboard closes them.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
from helpers import (
    eventually,
    serve,
    show_every_benchmark,
    wait_for_http,
    without_closed_socket_writes,
)

from dashboard.cli import free_port

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
ESTABLISHED = "01"


def connections_to(port: int) -> int:
    """Open TCP connections the server on ``port`` holds (its side of each)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, _remote, state = line.split()[1:4]
            count += int(local.rsplit(":", 1)[1], 16) == port and state == ESTABLISHED
    return count


def test_five_sessions_under_panel_serve_each_close_their_client(browser, tmp_path):
    api_port, port = free_port(), free_port()
    sandbox = serve(
        [
            sys.executable,
            "-m",
            "dashboard",
            "sandbox",
            "--port",
            str(api_port),
            "--data-dir",
            str(tmp_path / "data"),
            "--idle-timeout",
            "0",
        ],
        {},
        tmp_path / "sandbox.log",
    )
    log = tmp_path / "panel.log"
    panel = serve(
        [
            sys.executable,
            "-m",
            "panel",
            "serve",
            str(APP),
            "--port",
            str(port),
            "--check-unused-sessions",
            "500",
            "--unused-session-lifetime",
            "500",
        ],
        {"EOSC_PERF_API_URL": f"http://127.0.0.1:{api_port}/api/v1"},
        log,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{api_port}/api/v1/tags", sandbox)
        url = f"http://localhost:{port}/app"
        wait_for_http(url, panel)
        assert eventually(lambda: connections_to(api_port) == 0, 10)  # the check's own are gone
        for visit in range(5):
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{url}?tab=explore")
            show_every_benchmark(page, timeout=60_000)
            assert connections_to(api_port) > 0, "the session talks to the API"
            context.close()  # the visitor leaves
            assert eventually(lambda: connections_to(api_port) == 0), (
                f"session {visit + 1} left {connections_to(api_port)} connections open"
            )
        text = without_closed_socket_writes(log.read_text())
        assert text.count("WebSocket connection closed") >= 5, "the five visitors left"
        assert not re.search(r"WARNING|Traceback|is not defined|failed", text), text
    finally:
        for process in (panel, sandbox):
            process.terminate()
            process.wait(timeout=15)


def test_the_sandbox_keeps_idle_connections_open_only_when_told(tmp_path):
    """The test above relies on it; the real service closes them after 2 s, and so
    does the sandbox by default."""
    for timeout, stays in (("0", True), ("0.5", False)):
        port = free_port()
        process = serve(
            [
                sys.executable,
                "-m",
                "dashboard",
                "sandbox",
                "--port",
                str(port),
                "--data-dir",
                str(tmp_path / timeout),
                "--idle-timeout",
                timeout,
            ],
            {},
            tmp_path / f"{timeout}.log",
        )
        try:
            wait_for_http(f"http://127.0.0.1:{port}/api/v1/tags", process)
            with httpx.Client() as client:
                client.get(f"http://127.0.0.1:{port}/api/v1/tags")
                time.sleep(1.5)
                assert (connections_to(port) == 1) is stays
        finally:
            process.terminate()
            process.wait(timeout=15)


RACE_AND_DEFECT = """
import asyncio, gc, logging
from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError
logging.basicConfig(format="%(asctime)s %(message)s")

def write_message():  # named as tornado's, whose inner task fails when the socket closed
    async def wrapper():
        try:
            raise StreamClosedError()
        except StreamClosedError:
            raise WebSocketClosedError()
    return wrapper()

async def defect():
    raise RuntimeError("a defect of ours")

async def main():
    tasks = [asyncio.ensure_future(write_message()), asyncio.ensure_future(defect())]
    await asyncio.sleep(0.01)
    tasks.clear()
    gc.collect()

asyncio.run(main())
"""


def test_the_log_check_leaves_aside_only_tornados_closed_socket_write():
    """asyncio logs both failed tasks as the server would; only tornado's goes."""
    log = subprocess.run(
        [sys.executable, "-c", RACE_AND_DEFECT], capture_output=True, text=True, check=True
    ).stderr
    assert log.count("Traceback") == 3, log
    left = without_closed_socket_writes(log)
    assert left.count("Traceback") == 1, left
    assert "RuntimeError: a defect of ours" in left
    assert "WebSocketClosedError" not in left
