"""What a loop hands to its default executor runs on the loop; a load's slow work does not."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest

from dashboard.serving import WORKERS, in_worker, sessions_on_the_loop, start_workers


async def test_a_callback_handed_to_a_thread_runs_on_the_loop_once_set():
    loop = asyncio.get_running_loop()
    assert await asyncio.to_thread(threading.get_ident) != threading.get_ident()

    sessions_on_the_loop(loop)
    sessions_on_the_loop(loop)  # again: harmless
    assert await asyncio.to_thread(threading.get_ident) == threading.get_ident()
    with pytest.raises(ZeroDivisionError):  # its error reaches whoever awaits it
        await asyncio.to_thread(lambda: 1 / 0)
    # a name lookup may wait on the network: it still goes to a thread, and answers
    assert await loop.getaddrinfo("127.0.0.1", 80)


async def test_slow_work_runs_on_a_worker_in_the_callers_context():
    sessions_on_the_loop(asyncio.get_running_loop())
    seen = contextvars.ContextVar("seen", default="")
    seen.set("the session's")
    where, what = await in_worker(lambda: (threading.get_ident(), seen.get()))
    assert where != threading.get_ident()
    assert what == "the session's"


def test_every_worker_is_started_with_the_server_not_during_a_load():
    start_workers()
    start_workers()  # again: harmless
    workers = [t for t in threading.enumerate() if t.name.startswith("dashboard-work")]
    assert len(workers) == WORKERS
