"""One thread for a session's code: the server's event loop. Slow work goes to workers.

A session's state (its param models, the shared copies of results) is written by the
callbacks of its widgets and by its loads, which are coroutines on the event loop. Up to
Bokeh 3.9 the widgets' callbacks ran on that loop too, so no two of them ever ran at
once. Bokeh 3.10 hands them to the loop's default executor instead, a pool of threads,
while coroutines stay on the loop: a click's watchers then ran on a worker thread while a
load's ran on the loop, both writing the same objects, which none of them is made for.
:func:`sessions_on_the_loop` gives the loop an executor that runs what it is handed right
away, on the loop, as before; the name lookups some libraries hand it still go to a
thread, as they may wait on the network. The explicit slow work of a load (building
its frames) runs on this module's own workers, :func:`in_worker`, started with the
server (:func:`start_workers`).

Written here, not taken from Panel or Bokeh: neither has a setting that keeps callbacks
on the loop (Panel's ``nthreads`` only sizes the pool they go to).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import socket
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["SessionsOnTheLoop", "in_worker", "sessions_on_the_loop", "start_workers"]

#: What may wait on the network rather than on the processor: it keeps its thread.
_WAITING = (socket.getaddrinfo, socket.getnameinfo)

WORKERS = 4
_WORKERS = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="dashboard-work")
_SET: weakref.WeakSet = weakref.WeakSet()  # the loops given one
T = TypeVar("T")


class SessionsOnTheLoop(ThreadPoolExecutor):
    """A loop's default executor that runs a function handed to it at once, on the loop's
    own thread (name lookups excepted: those go to a thread of the pool)."""

    def __init__(self) -> None:
        super().__init__(max_workers=2, thread_name_prefix="dashboard-lookup")

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        if fn in _WAITING:
            return super().submit(fn, *args, **kwargs)
        future: Future = Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed on to whoever awaits it
            future.set_exception(error)
        return future


def sessions_on_the_loop(loop: Any) -> None:
    """Run the sessions' callbacks that ``loop`` (asyncio's, or tornado's around it)
    would hand to a thread on the loop itself (once per loop; again is harmless)."""
    loop = getattr(loop, "asyncio_loop", loop)
    if loop is not None and loop not in _SET:
        loop.set_default_executor(SessionsOnTheLoop())
        _SET.add(loop)
    start_workers()


@functools.cache
def start_workers() -> None:
    """Start every worker now, before any session (once; again is harmless).

    A pool starts its threads as work comes, so the second and third started during
    the first large loads, and what a thread keeps for its life (its objects, locks and
    frames) then sat among the load's short-lived objects: the allocator's arenas there
    could not be given back once the load's objects were freed. Each of ``WORKERS``
    tasks waits for the others, so the pool starts a thread for each; the caller (the
    server's loop) does not wait for them.
    """
    together = threading.Barrier(WORKERS, timeout=10)
    for _ in range(WORKERS):
        _WORKERS.submit(_wait_for_the_others, together)


def _wait_for_the_others(together: threading.Barrier) -> None:
    with contextlib.suppress(threading.BrokenBarrierError):  # a worker was busy: no matter
        together.wait()


async def in_worker(func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` on a worker thread, in a copy of the caller's context, awaited."""
    context = contextvars.copy_context()
    call = functools.partial(context.run, func, *args)
    return await asyncio.get_running_loop().run_in_executor(_WORKERS, call)
