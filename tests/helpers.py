"""Helpers shared by the test tiers (imported as ``helpers``: ``tests/`` is on the path)."""

from __future__ import annotations

import asyncio
import time


async def until(condition, timeout: float = 10.0) -> None:
    """Wait for a watcher's work (scheduled on the loop) to show its effect."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the state did not settle in time")
        await asyncio.sleep(0.02)


def demo_token(key: str) -> str:
    """The token of a sandbox demo identity (``alice``, ``bob``, ``admin``)."""
    from dashboard.sandbox.identities import identity_by_key

    return identity_by_key(key).token
