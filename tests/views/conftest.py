"""Panel state is reset between tests, so no test sees another's documents or caches."""

from __future__ import annotations

import asyncio
import time

import panel as pn
import pytest


@pytest.fixture(autouse=True)
def panel_state():
    yield
    pn.state.kill_all_servers()
    pn.state.reset()
    pn.state.clear_caches()


async def until(condition, timeout: float = 10.0) -> None:
    """Wait for a watcher's work (scheduled on the loop) to show its effect."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the state did not settle in time")
        await asyncio.sleep(0.02)
