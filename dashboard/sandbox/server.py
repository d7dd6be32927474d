"""The sandbox's HTTP layer: the tornado application, its routing and the access log.

Each API path is one `ApiHandler` dispatching its methods to the route functions of
the ``handlers_*`` modules (through `dashboard.sandbox.calls`), and writing their
`Reply` or `errors.ApiError` out. Every request first waits the configured simulated
latency (``await asyncio.sleep``, so concurrent requests overlap as they would over a
network).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import tornado.web

from dashboard.sandbox import errors, handlers_catalog, handlers_results, handlers_users
from dashboard.sandbox.calls import ApiContext, Call, Route, Routes

log = logging.getLogger(__name__)
access_log = logging.getLogger("dashboard.sandbox.access")

BASE_PATH = "/api/v1"
#: What a `calls.ID` path segment must be, as Flask's uuid converter would have it.
_UUID_SEGMENT = re.compile(
    r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
)
_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")


class ApiHandler(tornado.web.RequestHandler):
    """Dispatches one path's methods to route functions and writes their answers."""

    SUPPORTED_METHODS = _METHODS

    def initialize(self, ctx: ApiContext, routes: dict[str, Route]) -> None:
        self.ctx = ctx
        self.routes = routes

    async def prepare(self) -> None:
        if self.ctx.latency_seconds > 0:
            await asyncio.sleep(self.ctx.latency_seconds)

    async def _dispatch(self, *path_args: str) -> None:
        method = "GET" if self.request.method == "HEAD" else self.request.method
        route = self.routes.get(method)
        try:
            # Like Flask's uuid converter: a malformed id means no route matches at all.
            if not all(_UUID_SEGMENT.match(segment) for segment in path_args):
                raise errors.not_found()
            if route is None:
                raise errors.ApiError(
                    405, {"code": 405, "status": "Method Not Allowed"}, {"Allow": self._allowed()}
                )
            reply = await route(Call(self.ctx, self, path_args))
        except errors.ApiError as exc:
            self._answer(exc.status, errors.compact(exc.body).encode(), exc.headers)
            return
        self._answer(reply.status, reply.body)

    get = head = post = put = delete = patch = options = _dispatch

    def _allowed(self) -> str:
        methods = {*self.routes, "HEAD"} if "GET" in self.routes else set(self.routes)
        return ", ".join(sorted(methods))

    def _answer(self, status: int, body: bytes | None, headers: Mapping[str, str] = ()) -> None:
        self.set_status(status)
        for name, value in dict(headers).items():
            self.set_header(name, value)
        if body is not None:
            self.set_header("Content-Type", "application/json")
            self.finish(body)
        else:
            self.finish()

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, tornado.web.HTTPError):
            return  # an answer, not a failure: the access log has it
        # Tornado's own line shows the full URI; the query string stays out of logs here.
        log.error(
            "Unhandled error in %s %s",
            self.request.method,
            self.request.path,
            exc_info=(typ, value, tb),
        )

    def compute_etag(self) -> None:
        # Hashing every page (hundreds of kB) costs more than revalidation would ever save.
        return None

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        if status_code == 405:  # a method tornado itself does not know, e.g. TRACE
            self.set_header("Allow", self._allowed())
        self.set_header("Content-Type", "application/json")
        self.finish(
            errors.compact({"code": status_code, "status": HTTPStatus(status_code).phrase}).encode()
        )


class UnknownPathHandler(ApiHandler):
    """Any path the API does not have: 404 for every method, like Flask."""

    async def _dispatch(self, *path_args: str) -> None:
        self._answer(404, errors.compact(errors.not_found().body).encode())

    get = head = post = put = delete = patch = options = _dispatch


def log_request(handler: tornado.web.RequestHandler) -> None:
    """Access log line: method, path (never the query string), status, duration."""
    status = handler.get_status()
    access_log.log(
        logging.ERROR if status >= 500 else logging.INFO,
        "%d %s %s %.1fms",
        status,
        handler.request.method,
        handler.request.path,
        1000.0 * handler.request.request_time(),
    )


def make_app(ctx: ApiContext) -> tornado.web.Application:
    """The tornado application answering the API under ``/api/v1``."""
    routes: Routes = [
        *handlers_catalog.ROUTES,
        *handlers_results.ROUTES,
        *handlers_users.ROUTES,
    ]
    rules: list[Any] = [
        (BASE_PATH + pattern, ApiHandler, {"ctx": ctx, "routes": methods})
        for pattern, methods in routes
    ]
    rules.append((r".*", UnknownPathHandler, {"ctx": ctx, "routes": {}}))
    return tornado.web.Application(rules, log_function=log_request)
