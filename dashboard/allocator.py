"""The dashboard's server runs on jemalloc where it is installed: memory goes back.

Python's own allocator hands out small objects from 1 MB arenas and gives an arena back
to the system only once nothing in it lives. A session makes a few hundred thousand
small objects, and a library keeps a few of them for good (a cache entry, a grown
table): after fourteen sessions on 100,000 results had ended, some 60 such arenas,
each holding a handful of live objects, kept the server 60 MB above its idle size.
jemalloc gives memory back page by page. With ``PYTHONMALLOC=malloc`` every object comes
from it: the server then returned to within some 15 MB of its idle size, and a large
first load was as fast (glibc's malloc in its place gave memory back as well, but made
that load a third slower).

An allocator is chosen before the interpreter starts, so the command relaunches
itself once (:func:`relaunch_with_jemalloc`: the same process, ``exec``'d with the
library preloaded). Set ``DASHBOARD_ALLOCATOR=system`` to keep the interpreter's own
allocator; without jemalloc (``libjemalloc2`` on Debian) nothing changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import os
import sys
from collections.abc import Mapping

__all__ = [
    "ALLOCATOR_ENV",
    "jemalloc_environment",
    "on_jemalloc",
    "purge",
    "relaunch_with_jemalloc",
]

log = logging.getLogger(__name__)

ALLOCATOR_ENV = "DASHBOARD_ALLOCATOR"
#: Freed pages go back after a second, or at once when the server asks (:func:`purge`).
#: No background thread: with one, a purge now and then returned nothing (1 in 24 tries).
MALLOC_CONF = "dirty_decay_ms:1000,muzzy_decay_ms:0"
#: jemalloc's name for "every arena" in its control names.
_ALL_ARENAS = 4096


def jemalloc_environment(env: Mapping[str, str], library: str | None = None) -> dict | None:
    """``env`` with jemalloc preloaded for every allocation, or None: when it is already
    so, when ``DASHBOARD_ALLOCATOR=system``, or when jemalloc is not installed."""
    library = library or ctypes.util.find_library("jemalloc")
    preload = env.get("LD_PRELOAD", "")
    if library is None or env.get(ALLOCATOR_ENV, "") == "system":
        return None
    if "jemalloc" in preload and env.get("PYTHONMALLOC") == "malloc":
        return None  # already running on it
    preloads = [library, *preload.replace(":", " ").split()]
    return {
        **env,
        "LD_PRELOAD": " ".join(dict.fromkeys(preloads)),
        "PYTHONMALLOC": "malloc",
        "MALLOC_CONF": env.get("MALLOC_CONF") or MALLOC_CONF,
    }


def relaunch_with_jemalloc() -> None:
    """Replace this process with the same command on jemalloc (see the module), or
    return if it runs on it already or cannot (then nothing has changed).

    Call it first thing in a program's entry point, before anything is imported or
    started that a relaunch would lose."""
    env = jemalloc_environment(os.environ)
    if env is None or not sys.orig_argv:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)
    except OSError as error:  # the interpreter cannot be run again: go on as it is
        log.warning("Staying on Python's own allocator: %s", error)


def on_jemalloc() -> bool:
    """Whether this process allocates with jemalloc."""
    return _mallctl() is not None


def purge() -> bool:
    """Give back to the system at once the pages jemalloc holds free; False when this
    process does not run on jemalloc."""
    mallctl = _mallctl()
    if mallctl is None:
        return False
    return mallctl(f"arena.{_ALL_ARENAS}.purge".encode(), None, None, None, 0) == 0


@functools.cache
def _mallctl():
    """jemalloc's control function, when it is this process's allocator."""
    try:
        mallctl = ctypes.CDLL(None).mallctl
    except (OSError, AttributeError):
        return None
    mallctl.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    mallctl.argtypes += [ctypes.c_size_t]
    mallctl.restype = ctypes.c_int
    return mallctl
