"""Where the client gets its bearer token from, and how it uses it.

A :class:`TokenSource` answers "what token do I send now?" and, after the service
said 401, "give me a fresh one". :class:`BearerAuth` plugs any source into httpx.
Sources for JupyterHub and Panel OAuth live next to where they run; this module has
the general ones. None of them ever puts a token in a repr, a message or a log.
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import AsyncGenerator, Awaitable, Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

import httpx

from dashboard.api.errors import APIError

__all__ = [
    "Anonymous",
    "BearerAuth",
    "CallableToken",
    "EnvToken",
    "FileToken",
    "StaticToken",
    "TokenSource",
    "as_token_source",
]


@runtime_checkable
class TokenSource(Protocol):
    """Anything that can hand out the current access token (or ``None``: anonymous)."""

    async def token(self, *, fresh: bool = False) -> str | None:
        """The token to send; ``fresh=True`` after the service refused the last one."""


class Anonymous:
    """No token at all: public, read-only access."""

    async def token(self, *, fresh: bool = False) -> str | None:
        return None

    def __repr__(self) -> str:
        return "Anonymous()"


class StaticToken:
    """One fixed token, e.g. pasted by a user into a notebook."""

    def __init__(self, token: str) -> None:
        self._token = token.strip()

    async def token(self, *, fresh: bool = False) -> str | None:
        return self._token or None

    def __repr__(self) -> str:
        return "StaticToken(***)"


class EnvToken:
    """The token in an environment variable, read each time (it may be updated)."""

    def __init__(self, name: str = "EOSC_PERF_TOKEN") -> None:
        self.name = name

    async def token(self, *, fresh: bool = False) -> str | None:
        return os.environ.get(self.name, "").strip() or None

    def __repr__(self) -> str:
        return f"EnvToken({self.name!r})"


class FileToken:
    """The token in a file, re-read whenever the file changes (e.g. a mounted secret)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._stamp: tuple[int, int] | None = None
        self._token: str | None = None

    async def token(self, *, fresh: bool = False) -> str | None:
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
            if fresh or stamp != self._stamp:
                self._token = self.path.read_text(encoding="utf-8").strip() or None
                self._stamp = stamp
        except FileNotFoundError:
            self._stamp, self._token = None, None
        except OSError as error:
            raise APIError(f"Cannot read the token file {self.path}: {error.strerror}") from None
        return self._token

    def __repr__(self) -> str:
        return f"FileToken({str(self.path)!r})"


class CallableToken:
    """A function (plain or ``async``) that returns the token; called for every request.

    If the function takes a ``fresh`` keyword it is told when the last token was refused.
    """

    def __init__(self, func: Callable[..., str | Awaitable[str | None] | None]) -> None:
        self.func = func
        try:
            self._takes_fresh = "fresh" in inspect.signature(func).parameters
        except (TypeError, ValueError):
            self._takes_fresh = False

    async def token(self, *, fresh: bool = False) -> str | None:
        value = self.func(fresh=fresh) if self._takes_fresh else self.func()
        if inspect.isawaitable(value):
            value = await value
        return value.strip() if isinstance(value, str) and value.strip() else None

    def __repr__(self) -> str:
        return f"CallableToken({getattr(self.func, '__qualname__', 'function')})"


def as_token_source(value: TokenSource | str | Callable[..., object] | None) -> TokenSource:
    """Accept what people naturally pass: ``None``, a token string, a function, a source."""
    if value is None:
        return Anonymous()
    if isinstance(value, str):
        return StaticToken(value)
    if isinstance(value, TokenSource):
        return value
    if callable(value):
        return CallableToken(value)
    raise TypeError(f"cannot get a token from a {type(value).__name__}")


class BearerAuth(httpx.Auth):
    """Sends ``Authorization: Bearer <token>``; after a 401 asks once for a fresh token.

    The retry after a 401 is safe for every method, POST included: the service
    refused the request at the door and did nothing with it. When many requests
    are refused at once (a bulk load with an expired token), one of them asks for
    the fresh token and the others use it.
    """

    def __init__(self, source: TokenSource) -> None:
        self.source = source
        self._refreshing = asyncio.Lock()

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self.source.token()
        if token:
            request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401 or token is None:
            return
        async with self._refreshing:
            current = await self.source.token()
            fresh = current if current != token else await self.source.token(fresh=True)
        if fresh and fresh != token:
            request.headers["Authorization"] = f"Bearer {fresh}"
            yield request

    def sync_auth_flow(self, request: httpx.Request):  # fail loudly, never silently anonymous
        raise RuntimeError("BearerAuth works with httpx.AsyncClient; use SyncClient for sync code")

    def __repr__(self) -> str:
        return f"BearerAuth({self.source!r})"
