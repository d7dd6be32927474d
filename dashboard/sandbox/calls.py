"""What a route function is given and what it gives back: `Call`, `Reply`, `Route`.

Route functions (in the ``handlers_*`` modules) receive a `Call` and return a
`Reply`; they raise `errors.ApiError` for error answers. This module is apart from
`dashboard.sandbox.server` so that the arrows run one way: the server imports the
handlers for their routes, and the handlers import only this, never the server.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import tornado.web

from dashboard.sandbox import errors, params
from dashboard.sandbox.auth import Authenticator, Principal, bearer_token
from dashboard.sandbox.query import ListCache, Sql
from dashboard.sandbox.render import Renderer
from dashboard.sandbox.store import Store

#: A path segment holding an id; the server checks it like Flask's uuid converter.
ID = r"([^/:]+)"


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
        """The id in the path, lower-cased (the server already refused malformed ones)."""
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


def listing(
    spec: Mapping[str, params.Field],
    select: Callable[[dict[str, Any]], Sql],
    render: Callable[[Renderer, Sequence[Any]], list[str]],
    *,
    admin: bool = False,
) -> Route:
    """A list route: one page of the keys `select` picks for the arguments `spec` accepts,
    each item rendered by `render` (a `Renderer` method); with `admin`, for administrators.
    """

    async def route(call: Call) -> Reply:
        if admin:
            await call.admin()
        args = call.query(spec)
        return call.page(select(args), args, lambda keys: render(call.render, keys))

    return route
