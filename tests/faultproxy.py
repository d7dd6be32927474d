"""A TCP proxy in front of an HTTP server that loses answers on demand, as networks do.

No server fails on demand *after* doing the work, which is what makes a lost upload
answer dangerous: the result is stored, the client hears nothing. This proxy, on a free
loopback port, forwards each request of a client to the server as it came, reads the
server's whole answer, and relays it; a planned fault instead closes the client's
connection without the answer (or with only its status line and headers), or holds a
request back and forwards it late, when the test releases it.

It runs its own event loop in a thread, so sync and async tests can use it alike::

    proxy = FaultProxy(server.url).start()
    proxy.lose_answer("POST", "/results")  # paths are relative to the API root
    ...                                     # talk to proxy.url
    assert proxy.reached == [("POST", "/results")]
    proxy.stop()
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

Request = tuple[str, str]  # (method, path relative to the API root)


@dataclass
class Fault:
    """What to do with the next request ``method path``, instead of relaying it."""

    method: str
    path: str
    kind: str  # "lose": answer lost; "head": only status line and headers; "hold": late
    reset: bool = False  # close with a reset (RST) instead of an orderly close (FIN)


class FaultProxy:
    """A fault-injecting proxy on 127.0.0.1 in front of the API at ``upstream_url``.

    ``received`` lists the requests clients sent (read in full by the proxy);
    ``reached`` those the server answered, in order: what was carried out.
    """

    def __init__(self, upstream_url: str) -> None:
        parts = urlsplit(upstream_url)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.root = parts.path.rstrip("/")
        self.url = ""
        self.received: list[Request] = []
        self.reached: list[Request] = []
        self._faults: list[Fault] = []
        self._held: list[tuple[Request, bytes]] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="fault-proxy", daemon=True
        )
        self._connections: set[asyncio.Task] = set()
        self._server: asyncio.Server | None = None
        #: Seconds after which an idle client connection is as good as closed by the
        #: server: a request that arrives on one later is dropped unanswered (and not
        #: forwarded), as the real service closes idle connections after 2 s just as a
        #: client reuses them. None: connections stay open.
        self.idle_close: float | None = None
        #: The requests dropped so, unanswered and never forwarded.
        self.dropped_idle: list[Request] = []

    # -- planning faults (from any thread) -----------------------------------------

    def lose_answer(
        self, method: str, path: str, *, keep_head: bool = False, reset: bool = False
    ) -> None:
        """The next ``method path`` reaches the server, which answers; the client gets
        no answer (or, with ``keep_head``, only its status line and headers)."""
        self._plan(Fault(method, path, "head" if keep_head else "lose", reset=reset))

    def hold(self, method: str, path: str) -> None:
        """The next ``method path`` is read in full, the client's connection closed with no
        answer, and the request forwarded to the server only when :meth:`release` says
        (so no answer before that can show its effect)."""
        self._plan(Fault(method, path, "hold"))

    def release(self) -> None:
        """Forward the requests held so far to the server (now, late), in order."""
        self._loop.call_soon_threadsafe(lambda: self._loop.create_task(self._release_held()))

    def _plan(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _fault_for(self, request: Request) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if (fault.method, fault.path) == request:
                    self._faults.remove(fault)  # each planned fault happens once
                    return fault
        return None

    # -- running ---------------------------------------------------------------------

    def start(self) -> FaultProxy:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self._loop
        ).result(timeout=10)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}{self.root}"
        return self

    def stop(self) -> None:
        async def shut_down() -> None:
            assert self._server is not None
            self._server.close()
            for task in self._connections:
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)

        if self._server is not None:
            asyncio.run_coroutine_threadsafe(shut_down(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        reset = False
        answered = None  # when this connection's last answer went out
        try:
            while True:  # one client connection carries requests one after another
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return  # the client closed it
                method, target = head.split(b" ", 2)[:2]
                path = target.decode().split("?", 1)[0].removeprefix(self.root)
                request = (method.decode(), path)
                raw = head + await _read_body(reader, head, request=True)
                self.received.append(request)
                idle = answered is not None and self._loop.time() - answered
                if self.idle_close is not None and idle and idle >= self.idle_close:
                    self.dropped_idle.append(request)
                    return
                fault = self._fault_for(request)
                if fault is not None and fault.kind == "hold":
                    self._held.append((request, raw))
                    return
                answer_head, answer_body = await self._forward(request, raw)
                if fault is not None:
                    reset = fault.reset
                    if fault.kind == "head":
                        writer.write(answer_head)
                        await writer.drain()
                    return
                writer.write(answer_head + answer_body)
                await writer.drain()
                answered = self._loop.time()
                if not _keeps_alive(answer_head):
                    return
        finally:
            if reset:
                sock = writer.get_extra_info("socket")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.close()
            self._connections.discard(task)

    async def _forward(self, request: Request, raw: bytes) -> tuple[bytes, bytes]:
        """Send ``raw`` to the server on a connection of its own; its whole answer."""
        reader, writer = await asyncio.open_connection(*self.upstream)
        try:
            writer.write(raw)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            body = b"" if request[0] == "HEAD" else await _read_body(reader, head, request=False)
        finally:
            writer.close()
        self.reached.append(request)
        return head, body

    async def _release_held(self) -> None:
        while self._held:
            request, raw = self._held.pop(0)
            await self._forward(request, raw)


def _headers(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    pairs = (line.split(":", 1) for line in lines if ":" in line)
    return {name.strip().lower(): value.strip() for name, value in pairs}


def _keeps_alive(head: bytes) -> bool:
    """Whether the client may send more on this connection after this answer."""
    headers = _headers(head)
    framed = "content-length" in headers or "chunked" in headers.get("transfer-encoding", "")
    return framed and headers.get("connection", "").lower() != "close"


async def _read_body(reader: asyncio.StreamReader, head: bytes, *, request: bool) -> bytes:
    """The body after ``head``, exactly as sent (chunked bodies keep their framing)."""
    headers = _headers(head)
    if "chunked" in headers.get("transfer-encoding", ""):
        raw = b""
        while True:
            line = await reader.readuntil(b"\r\n")
            size = int(line.split(b";", 1)[0], 16)
            raw += line
            if size == 0:  # the trailer, up to an empty line
                while line != b"\r\n":
                    line = await reader.readuntil(b"\r\n")
                    raw += line
                return raw
            raw += await reader.readexactly(size + 2)
    if "content-length" in headers:
        return await reader.readexactly(int(headers["content-length"]))
    status = head.split(b" ", 2)[1] if not request else b""
    if request or status.startswith(b"1") or status in (b"204", b"304"):
        return b""
    return await reader.read()  # delimited by the server closing the connection
