"""The sandbox's HTTP layer: tornado handlers, routing, auth checks and the access log.

Route functions (in the ``handlers_*`` modules) receive a `Call` and return a
`Reply`; they raise `errors.ApiError` for error answers. Every request first waits
the configured simulated latency (``await asyncio.sleep``, so concurrent requests
overlap as they would over a network).
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import tornado.web

from dashboard.sandbox import errors, params
from dashboard.sandbox.auth import Authenticator, Principal, bearer_token
from dashboard.sandbox.query import ListCache, Sql
from dashboard.sandbox.render import Renderer
from dashboard.sandbox.store import Store

log = logging.getLogger(__name__)
access_log = logging.getLogger("dashboard.sandbox.access")

BASE_PATH = "/api/v1"
#: A path segment holding an id; `ApiHandler` checks it like Flask's uuid converter.
ID = r"([^/:]+)"
_UUID_SEGMENT = re.compile(
    r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
)
_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")


@dataclass
class ApiContext:
    """Everything route functions share: the store, its caches, the authenticator."""

    store: Store
    auth: Authenticator
    latency_seconds: float = 0.0
    #: ``image:tag`` of the container images the sandbox's (offline) registry holds.
    known_images: frozenset[str] = frozenset()
    lists: ListCache = field(init=False)
    render: Renderer = field(init=False)
    #: Compiled result validators, by the benchmark schema's text (an edit makes a new key).
    validators: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lists = ListCache(self.store)
        self.render = Renderer(self.store)


@dataclass(frozen=True)
class Reply:
    """A successful answer: its status and JSON body (None for an empty body)."""

    status: int
    body: bytes | None = None


def ok(text: str) -> Reply:
    """200 with a JSON body."""
    return Reply(200, text.encode())


def created(text: str) -> Reply:
    """201 with the created item."""
    return Reply(201, text.encode())


NO_CONTENT = Reply(204)


class Call:
    """One request as a route function sees it: ids, arguments, body and caller."""

    def __init__(self, ctx: ApiContext, handler: tornado.web.RequestHandler, path_args: tuple):
        self.ctx = ctx
        self.store = ctx.store
        self.render = ctx.render
        self._handler = handler
        self._path_args = path_args
        self._principal: Principal | None = None

    def path_id(self, index: int = 0) -> str:
        """The id in the path, lower-cased (`ApiHandler` already refused malformed ones)."""
        return self._path_args[index].lower()

    def query(self, spec: Mapping[str, params.Field]) -> dict[str, Any]:
        """The validated query arguments."""
        return params.parse_query(self._handler.request.query_arguments, spec)

    def body(self, spec: Mapping[str, params.Field] | None) -> dict[str, Any]:
        """The validated JSON body (``spec=None``: any JSON object)."""
        return params.parse_body(self._handler.request.body, spec)

    async def principal(self) -> Principal:
        """The authenticated caller; 401 without a valid bearer token."""
        if self._principal is None:
            token = bearer_token(self._handler.request.headers.get("Authorization"))
            principal = await self.ctx.auth.identify(token)
            if principal is None:
                raise errors.unauthenticated(
                    "The access token is not valid", "It may have expired: sign in again"
                )
            self._principal = principal
        return self._principal

    async def user(self) -> sqlite3.Row:
        """The caller's registered user; 403 (shape 3) when the caller is not registered."""
        principal = await self.principal()
        row = self.store.user(*principal.key)
        if row is None:
            raise errors.forbidden(
                "User not registered: accept the terms of use with POST /users:register",
                "Evaluation of: is_registered",
            )
        return row

    async def admin(self) -> sqlite3.Row:
        """The caller's user if an administrator (entitled and registered); else 403."""
        principal = await self.principal()
        row = self.store.user(*principal.key)
        if row is None or not principal.entitled_admin:
            raise errors.forbidden("Administrator rights are needed", "Evaluation of: is_admin")
        return row

    async def self_user(self) -> sqlite3.Row:
        """For ``/users/self...``: the caller's user, 404 when not registered."""
        principal = await self.principal()
        row = self.store.user(*principal.key)
        if row is None:
            raise errors.not_found("User not registered")
        return row

    def page(
        self, query: Sql, args: Mapping[str, Any], render: Callable[[Any], list[str]]
    ) -> Reply:
        """A list answer: the page `args` asks for, of the keys `query` selects."""
        return Reply(200, self.ctx.lists.page(query, args["page"], args["per_page"], render))


Route = Callable[[Call], Awaitable[Reply]]
Routes = list[tuple[str, dict[str, Route]]]


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
    # Imported here: the route modules build on this module's `Call` and `Reply`.
    from dashboard.sandbox import handlers_catalog, handlers_results, handlers_users

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
