"""Memory a server process gives back to the system once shared results are dropped."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import urllib.parse

from dashboard import allocator, caches
from dashboard.api import columns

__all__ = ["give_back_memory", "trim_memory"]


def give_back_memory() -> None:
    """Return the memory of dropped copies to the system.

    glibc's allocator keeps freed memory for later in the process (a dropped copy of
    100,000 results left the server's RSS some 300 MB higher); ``malloc_trim`` gives
    back what it can. Elsewhere (another C library, another system) nothing happens.

    Python's own allocator keeps a 1 MB arena while any object in it lives: after a
    load, a few thousand objects made during it and kept (the standard library's cache
    of the last URLs parsed, our decoders for the load's paths) held some 190 MB of
    arenas. Those caches are emptied here (the next load refills them in microseconds), and
    so are the libraries' caches that sessions fill (:mod:`dashboard.caches`); what still
    holds arenas after that (grown tables of long-lived dicts and lists, thread objects)
    is left: some 60 MB after 100,000 results and fourteen sessions. The server's command
    runs on jemalloc where it can (:mod:`dashboard.allocator`), which has no arenas to
    pin: then some 25 MB are left.
    """
    urllib.parse.clear_cache()
    columns.clear_caches()
    caches.empty_caches()
    gc.collect()
    trim_memory()


def trim_memory() -> None:
    """Give back to the system what the allocator holds free: jemalloc's, or glibc's
    (nothing elsewhere).

    Freed memory inside the heap, rather than at its end, stays with the process until
    asked for: the response bodies of a 100,000-result load left some 250 MB free in
    it, part of the server's RSS for good (4.5 GB after a million results). A call costs
    a few milliseconds.
    """
    if allocator.purge():
        return
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None elsewhere (another C library decides itself)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
