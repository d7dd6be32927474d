"""Panel state is reset between tests, so no test sees another's documents or caches."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import panel as pn
import pytest
from helpers import until

__all__ = ["Faulty", "until"]


@pytest.fixture(autouse=True)
def panel_state():
    yield
    pn.state.kill_all_servers()
    pn.state.reset()
    pn.state.clear_caches()


class Faulty(httpx.AsyncBaseTransport):
    """The real sandbox behind, counting POSTs; ``fault`` may answer or fail a request.

    Used only for what a real server will not do on demand: an answer returned by
    ``fault`` stands for the server's; an exception is raised instead of sending (the
    connection failed), or, with ``lose_answer``, after the server answered (it stored
    the result, the answer never came back).
    """

    lose_answer = False

    def __init__(self, fault: Callable[[httpx.Request], object] | None = None) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.fault = fault
        self.posts: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            self.posts.append(request.url.path)
        verdict = self.fault(request) if self.fault else None
        if isinstance(verdict, httpx.Response):
            return verdict
        if isinstance(verdict, Exception) and not self.lose_answer:
            raise verdict
        response = await self.inner.handle_async_request(request)
        if isinstance(verdict, Exception):
            await response.aread()
            raise verdict
        return response
