"""The same client for notebooks and scripts, without ``await``.

:class:`SyncClient` owns a private event loop on a daemon thread and runs the
asynchronous :class:`~dashboard.api.client.PerfClient` there: one implementation,
two faces. It works where a loop is already running (a Jupyter kernel), because it
never touches the caller's loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

from dashboard.api.client import PerfClient

__all__ = ["SyncClient"]

T = TypeVar("T")


class _LoopThread:
    """An event loop running forever on its own daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="eosc-perf-client", daemon=True
        )
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()  # e.g. Ctrl-C in a notebook: stop the work, don't orphan it
            raise

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        self.loop.close()


class _SyncResource:
    """Wraps one resource of the async client: coroutines run to their result,
    async iterators become plain iterators."""

    def __init__(self, target: Any, runner: _LoopThread) -> None:
        self._target = target
        self._runner = runner

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._target, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            outcome = attribute(*args, **kwargs)
            if asyncio.iscoroutine(outcome):
                return self._runner.run(outcome)
            if hasattr(outcome, "__anext__"):
                return self._iterate(outcome)
            return outcome

        call.__doc__ = attribute.__doc__
        call.__name__ = name
        return call

    def _iterate(self, iterator: Any) -> Iterator[Any]:
        while True:
            try:
                yield self._runner.run(iterator.__anext__())
            except StopAsyncIteration:
                return

    def __dir__(self) -> list[str]:
        return [name for name in dir(self._target) if not name.startswith("_")]

    def __repr__(self) -> str:
        return f"Sync{type(self._target).__name__}()"


class SyncClient:
    """Blocking client of the EOSC Performance API; takes the same arguments as PerfClient.

    ``client.results.all(benchmark_id=...)`` returns the list directly;
    ``client.results.pages(...)`` is a plain iterator. Close it with :meth:`close`
    or use it in a ``with`` block.
    """

    _RESOURCES = ("benchmarks", "sites", "flavors", "tags", "results", "reports", "users")

    def __init__(self, base_url: str, token: Any = None, **options: Any) -> None:
        self._runner = _LoopThread()
        try:
            self.client = PerfClient(base_url, token, **options)
        except BaseException:
            self._runner.stop()
            raise
        for name in self._RESOURCES:
            setattr(self, name, _SyncResource(getattr(self.client, name), self._runner))

    @property
    def base_url(self) -> str:
        return self.client.base_url

    def close(self) -> None:
        """Close the connections and stop the client's thread."""
        if self._runner.loop.is_closed():
            return
        if not self.client.closed:
            self._runner.run(self.client.aclose())
        self._runner.stop()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SyncClient({self.client.base_url!r}, {self.client.token_source!r})"
