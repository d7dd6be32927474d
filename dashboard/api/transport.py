"""httpx's transport, with a cheaper check of whether an idle connection was closed.

Each time a request starts or ends, httpcore's pool asks every idle connection whether
the server has closed it. Through anyio, each asking rebuilt the socket's table of
attributes (a ``getpeername`` call among them) to find the socket: at 16 requests in
flight over 1,000 pages, a tenth of a bulk load's time on the event loop. The streams
here find their socket once, when connected, and ask it directly (the same ``poll`` as
httpcore's own check). Everything else is httpx's and httpcore's own.

Written here: neither httpx nor httpcore has a setting for it. httpx builds its pool
itself, so the pool's network backend is swapped after the transport is made; should a
later httpx build it otherwise, the transport stays as httpx made it.
"""

from __future__ import annotations

import select
import socket
import ssl
import typing

import httpcore
import httpx

__all__ = ["quick_transport"]


def quick_transport(**settings: typing.Any) -> httpx.AsyncHTTPTransport:
    """``httpx.AsyncHTTPTransport(**settings)`` whose idle connections are checked cheaply."""
    transport = httpx.AsyncHTTPTransport(**settings)
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(pool, httpcore.AsyncConnectionPool) and backend is not None:
        pool._network_backend = _Backend(backend)
    return transport


def _readable(sock: socket.socket | None) -> bool:
    """Whether reading ``sock`` would not wait: for an idle connection, the server closed
    it (or sent what it should not have); either way it is not to be used again."""
    if sock is None or sock.fileno() < 0:
        return True
    poll = select.poll()
    poll.register(sock, select.POLLIN)
    return bool(poll.poll(0))


class _Stream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket = inner.get_extra_info("socket") if hasattr(select, "poll") else None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable" and self._socket is not None:
            return _readable(self._socket)
        return self._inner.get_extra_info(info)


class _Backend(httpcore.AsyncNetworkBackend):
    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(self, *args: typing.Any, **kwargs: typing.Any) -> _Stream:
        return _Stream(await self._inner.connect_tcp(*args, **kwargs))

    async def connect_unix_socket(self, *args: typing.Any, **kwargs: typing.Any) -> _Stream:
        return _Stream(await self._inner.connect_unix_socket(*args, **kwargs))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
