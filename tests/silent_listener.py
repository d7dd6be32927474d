"""A TCP listener that accepts connections, counts them and never answers; and a time bound.

What a schema's remote ``$ref`` would reach: a check that fetched it would connect (counted)
and then wait for an answer that never comes. :func:`within` runs such a check in a thread,
so a test fails in seconds instead of hanging with it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any


class SilentListener:
    """``with SilentListener() as listener``: ``listener.port``, ``listener.connections``."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.05)
        self.port: int = self._socket.getsockname()[1]
        self.connections = 0
        self._held: list[socket.socket] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self._held.append(connection)  # open, never read, never answered

    def __enter__(self) -> SilentListener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()
        self._thread.join()
        for connection in self._held:
            connection.close()
        self._socket.close()


def within(seconds: float, check: Callable[[], Any]) -> Any:
    """The value of `check()`, which must come within `seconds` (else the test fails)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = check()
        except BaseException as error:  # handed to the test below
            outcome["error"] = error

    started = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise AssertionError(f"no answer within {seconds} s: the check is waiting on something")
    if "error" in outcome:
        raise outcome["error"]
    assert time.monotonic() - started <= seconds
    return outcome["value"]
