"""The asynchronous client: one long-lived httpx connection pool per user session.

Every request goes through :meth:`PerfClient._request`, which encodes the query,
retries what is safe to retry and turns answers into data or exceptions (see
:mod:`dashboard.api.errors`). The operations are grouped by resource, as in the
API: ``client.results.list(...)``, ``client.sites.approve(id)``, and so on
(:mod:`dashboard.api.resources`). :class:`~dashboard.api.sync.SyncClient` runs this
same code for notebooks and scripts.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import random
import ssl
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx

from dashboard.api.auth import BearerAuth, TokenSource, as_token_source
from dashboard.api.errors import (
    ConnectionFailed,
    ConnectionLost,
    MalformedResponse,
    RequestTimeout,
    ServerError,
    TransportError,
    decipher_response,
)
from dashboard.api.gc_pause import collector_paused
from dashboard.api.listing import (
    Listing,
    ProgressCallback,
    collect,
    listing_page,
    listing_pages,
)
from dashboard.api.query import encode_params
from dashboard.api.records import Items
from dashboard.api.resources import Benchmarks, Flavors, Reports, Results, Sites, Tags, Users
from dashboard.api.transport import quick_transport

__all__ = ["DEFAULT_TIMEOUT", "HealthCallback", "PerfClient", "ProgressCallback"]

log = logging.getLogger("dashboard.api")

T = TypeVar("T")

#: Connect quickly or fail; allow a slow service time to answer a big page.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context (the certificates httpx trusts) for every client of the process:
    reading the certificates costs each new client tens of milliseconds otherwise."""
    return httpx.create_ssl_context()


#: Methods that do the same thing however often they are sent.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
#: Statuses that say "try again shortly": a proxy or the service is overloaded.
RETRY_STATUSES = frozenset({502, 503, 504})
#: A bulk load collects what its last pages left in reference cycles every this many pages.
COLLECT_EVERY_PAGES = 20
#: httpx errors raised before any byte of the request left: no connection could be made
#: (or none was free), so the service cannot have the request. Any other transport error
#: (a broken read or write, a connection closed without an answer) may come after the
#: service received it, and carried it out.
NOT_SENT_ERRORS = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,  # the tunnel through a proxy was refused
    httpx.UnsupportedProtocol,  # not an http(s) URL: no connection was tried
)

#: A pooled connection the server closed just as it was reused (the real service closes
#: idle ones after 2 s) fails with one of these before any answer. A request that does
#: the same however often it is sent is simply sent again, once; a POST never is.
DROPPED_CONNECTION_ERRORS = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)

HealthCallback = Callable[[str, str], None]
"""Called as ``callback(how, message)`` after each request (see ``watch_health``)."""


def _read(read: Callable[[Any], T], data: Any, described: str) -> T:
    try:
        return read(data)
    except MalformedResponse:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise MalformedResponse(
            f"The performance service answered {described} with data this client cannot "
            f"read ({type(error).__name__}: {error})",
            request=described,
        ) from None


class PerfClient:
    """Asynchronous client of the EOSC Performance API v1.

    ``base_url`` is the API root, e.g. ``https://performance.services.fedcloud.eu/api/v1``.
    ``token`` is anything :func:`~dashboard.api.auth.as_token_source` accepts: nothing
    (anonymous), a token string, a function, or a :class:`TokenSource`.
    Use one client per user session and close it with :meth:`aclose`.
    """

    def __init__(
        self,
        base_url: str,
        token: TokenSource | str | Callable[..., Any] | None = None,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retries: int = 2,
        backoff: float = 0.25,
        concurrency: int = 16,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token_source = as_token_source(token)
        self.retries = retries
        self.backoff = backoff
        self.concurrency = concurrency
        limits, tls = httpx.Limits(max_connections=max(concurrency * 2, 10)), _tls()
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/",
            auth=BearerAuth(self.token_source),
            timeout=timeout,
            # (the client's own verify and limits are those of the proxies it may mount)
            transport=transport or quick_transport(verify=tls, limits=limits),
            verify=tls,
            headers={"Accept": "application/json", "User-Agent": "eosc-perf-dashboard"},
            limits=limits,
        )
        self._health: list[HealthCallback] = []
        self._settings = {"timeout": timeout, "transport": transport}
        self.benchmarks = Benchmarks(self)
        self.sites = Sites(self)
        self.flavors = Flavors(self)
        self.tags = Tags(self)
        self.results = Results(self)
        self.reports = Reports(self)
        self.users = Users(self)

    def anonymous(self) -> PerfClient:
        """A client of the same service with the same settings, signed in as nobody, whose
        answers the same health watchers hear (public data shared by every session is
        read with it, so no one's token ever shapes it). Close it after use."""
        transport = self._settings["transport"]
        other = PerfClient(
            self.base_url,
            retries=self.retries,
            backoff=self.backoff,
            concurrency=self.concurrency,
            timeout=self._settings["timeout"],
            transport=None if transport is None else _Borrowed(transport),
        )
        other._health = self._health
        return other

    def __repr__(self) -> str:
        return f"PerfClient({self.base_url!r}, {self.token_source!r})"

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    @property
    def closed(self) -> bool:
        return self._http.is_closed

    async def __aenter__(self) -> PerfClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        read: Callable[[Any], T] | None = None,
        decode: Callable[[bytes], Any] | None = None,
    ) -> Any:
        """Send one request; retry only what is safe; return data or raise an APIError.

        ``read`` turns the decoded body into records; a body it cannot read is a
        :class:`MalformedResponse`, like one that is not JSON at all. No answer at all is
        a :class:`TransportError` whose ``sent`` says whether the service may have it.
        """
        described = f"{method} {path}"
        if self.closed:  # e.g. work that outlived its session
            raise self._closed_error(described)
        try:
            response = await self._answer(
                method, path, encode_params(params or {}), json, described
            )
        except RuntimeError:
            # the session ended (and closed the pool) while this request waited for it
            if self.closed:
                raise self._closed_error(described) from None
            raise
        # Decoding a page of results makes tens of thousands of objects in one go: the
        # collector pauses for that burst (and a bulk load's pause covers its pages).
        with collector_paused():
            try:
                data = decipher_response(
                    response.status_code,
                    response.headers,
                    response.content,
                    request=described,
                    decode=decode,
                )
            except ServerError as error:
                self._tell("failing", str(error))
                raise
            self._tell("answered", "")
            return data if read is None else _read(read, data, described)

    async def _answer(
        self, method: str, path: str, query: Any, json: Any, described: str
    ) -> httpx.Response:
        """The service's answer, after the retries that are safe: connecting again (reads),
        sending again once on a connection dropped before any answer (reads), and asking
        again after a busy gateway (reads but DELETE)."""
        retriable = method in IDEMPOTENT_METHODS
        # A DELETE that timed out at a gateway may have happened: asking again would
        # answer 404 for a delete that worked. Retry it only if it never got through.
        retry_statuses = RETRY_STATUSES if method != "DELETE" else frozenset()
        attempt = 0
        resent = False
        while True:
            started = time.perf_counter()
            try:
                response = await self._http.request(method, path, params=query, json=json)
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                if not (retriable and attempt < self.retries):
                    raise self._unanswered(error, described) from None
                attempt += 1
                timed_out = isinstance(error, httpx.ConnectTimeout)
                why = "connection timed out" if timed_out else "could not connect"
                await self._pause(attempt, described, why)
                continue
            except DROPPED_CONNECTION_ERRORS as error:
                if not (retriable and not resent):
                    raise self._unanswered(error, described) from None
                resent = True
                log.info("%s: connection dropped (%s); sent again", described, type(error).__name__)
                continue
            except httpx.TransportError as error:
                raise self._unanswered(error, described) from None
            elapsed_ms = (time.perf_counter() - started) * 1000
            log.debug("%s -> %s in %.0f ms", described, response.status_code, elapsed_ms)
            if response.status_code in retry_statuses and retriable and attempt < self.retries:
                attempt += 1
                await self._pause(attempt, described, f"HTTP {response.status_code}")
                continue
            return response

    @staticmethod
    def _closed_error(described: str) -> ConnectionFailed:
        return ConnectionFailed(
            "This session's connection to the performance service is closed", request=described
        )

    def watch_health(self, callback: HealthCallback) -> None:
        """Call ``callback(how, message)`` after every request: ``"answered"`` (the service
        answered, whatever it said), ``"failing"`` (a 5xx) or ``"unreachable"`` (no answer)."""
        self._health.append(callback)

    def _tell(self, how: str, message: str) -> None:
        for callback in self._health:
            try:
                callback(how, message)
            except Exception:  # a watcher's failure is not the request's
                log.exception("A health watcher of the client failed")

    def _unanswered(self, error: httpx.TransportError, described: str) -> TransportError:
        failure = self._transport_error(error, described)
        self._tell("unreachable", str(failure))
        return failure

    def _transport_error(self, error: httpx.TransportError, described: str) -> TransportError:
        """The APIError for a request that got no answer, saying whether it may have arrived."""
        sent = not isinstance(error, NOT_SENT_ERRORS)
        if isinstance(error, httpx.TimeoutException):
            if sent:
                message = f"The performance service did not answer {described} in time"
            elif isinstance(error, httpx.PoolTimeout):
                message = (
                    f"No connection to the performance service was free in time; "
                    f"{described} was not sent"
                )
            else:
                message = (
                    f"Could not reach the performance service at {self.base_url} in time; "
                    f"{described} was not sent"
                )
            return RequestTimeout(message, request=described, sent=sent)
        if not sent:
            return ConnectionFailed(
                f"Could not reach the performance service at {self.base_url} "
                f"({type(error).__name__})",
                request=described,
            )
        return ConnectionLost(
            f"The connection to the performance service broke during {described} "
            f"({type(error).__name__}); the service may have carried it out",
            request=described,
        )

    async def _pause(self, attempt: int, described: str, why: str) -> None:
        # jitter, so that the many requests of a bulk load do not retry in lockstep
        delay = self.backoff * 2 ** (attempt - 1) * (0.5 + random.random())
        log.info("%s: %s; retry %d of %d in %.2f s", described, why, attempt, self.retries, delay)
        await asyncio.sleep(delay)

    # -- lists (see dashboard.api.listing) ---------------------------------------------

    async def _page(self, listing: Listing[T], path: str, query: Mapping[str, Any], **options):
        return await listing_page(self._request, listing, path, query, **options)

    def _pages(self, listing: Listing[T], path: str, query: Mapping[str, Any], per_page: int):
        return listing_pages(self._request, listing, path, query, per_page)

    async def _collect(
        self,
        listing: Listing[T],
        path: str,
        query: Mapping[str, Any],
        *,
        concurrency: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> Items[T]:
        # The collector, run as usual after each page, would rescan every record of the
        # pages before (a fifth of the load): it pauses until the load ends, or fails, or
        # is cancelled. Only what the pages since its last look made is collected, every
        # few pages: each answer and its body stream refer to each other (httpx's), and
        # paused, a million results' answers (280 kB each) all stayed in memory.
        def told(done: int, total: int) -> None:
            if done % COLLECT_EVERY_PAGES == 0:
                gc.collect(0)
            if progress is not None:
                progress(done, total)

        with collector_paused():
            return await collect(
                self._request,
                listing,
                path,
                query,
                concurrency=concurrency or self.concurrency,
                progress=told,
            )


class _Borrowed(httpx.AsyncBaseTransport):
    """Another client's transport, which closing this client leaves open."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        pass
