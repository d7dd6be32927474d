"""The process-wide caches to empty when the server gives memory back.

Some libraries the dashboard draws with keep, for the life of the process, a cache of
what the last sessions asked of them. Once those sessions have ended, each such cache
pins memory the sessions used: besides its own objects, the 1 MB arenas of Python's
allocator they sit in, which go back to the system only when nothing in them lives.
The layers that use such a library say here how to empty its cache
(:func:`emptied_with_memory`); the server's state, which knows when copies of results
are dropped but may not import those libraries, calls :func:`empty_caches` then.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

__all__ = ["emptied_with_memory", "empty_caches"]

_EMPTIES: list[Callable[[], None]] = []


def emptied_with_memory(empty: Callable[[], None]) -> Callable[[], None]:
    """Call ``empty`` whenever the server gives memory back (a decorator)."""
    if empty not in _EMPTIES:
        _EMPTIES.append(empty)
    return empty


def empty_caches() -> None:
    """Empty the registered caches, and the interpreter's cache of type attributes
    (whose names and entries from the sessions' classes kept some 5 MB of arenas)."""
    for empty in list(_EMPTIES):
        empty()
    sys._clear_type_cache()
