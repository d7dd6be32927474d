"""One piece of work at a time per session region: a newer one supersedes the older."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import param


class LatestOnly:
    """Runs work so that starting new work cancels the unfinished older work.

    A slow answer to an old question (the previous identity, the previous benchmark)
    must never land after the answer to the current one. ``busy`` is told when work
    starts and when the last of it ends.
    """

    def __init__(self, busy: Callable[[bool], None]) -> None:
        self._busy = busy
        self._current: asyncio.Task | None = None

    def cancel(self) -> None:
        """Cancel the unfinished work, if any."""
        if self._current is not None and not self._current.done():
            self._current.cancel()

    async def run(self, work: Awaitable[None]) -> None:
        me = asyncio.current_task()
        previous, self._current = self._current, me
        if previous is not None and previous is not me and not previous.done():
            previous.cancel()
        self._busy(True)
        try:
            await work
        except asyncio.CancelledError:
            if self._current is me:  # cancelled from outside, not superseded
                raise
        finally:
            if self._current is me:
                self._current = None
                self._busy(False)


class ClientState(param.Parameterized):
    """State that talks to the API through a client, one piece of work at a time."""

    loading = param.Boolean(default=False, doc="Whether a request is under way.")

    def __init__(self, client, **params) -> None:
        super().__init__(**params)
        self.client = client
        self._work = LatestOnly(lambda busy: setattr(self, "loading", busy))

    def stop(self) -> None:
        """Cancel the work under way (the session is ending)."""
        self._work.cancel()
