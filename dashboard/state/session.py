"""The session: where it is connected, who is signed in, the latest uploads."""

from __future__ import annotations

from collections.abc import Awaitable

import pandas as pd
import param

from dashboard.api import (
    APIError,
    Conflict,
    NotFound,
    ServerError,
    TransportError,
    Unauthorized,
    User,
)
from dashboard.results.table import LATEST_COLUMNS, latest_frame
from dashboard.state.base import ClientState

#: The identity of a session that has chosen none: it sends no token.
ANONYMOUS = "anonymous"


class SessionState(ClientState):
    """Where this session is connected, who is signed in, and the latest results."""

    api_url = param.String(default="", constant=True, doc="The API root this session talks to.")
    sandbox = param.Boolean(
        default=False, constant=True, doc="Whether the API is a sandbox with demo identities."
    )
    identity = param.String(
        default=ANONYMOUS, doc="The demo identity this session acts as (sandbox only)."
    )
    demo_identities = param.Dict(
        default={},
        constant=True,
        doc="Label → key of the demo identities a session may take (sandbox only).",
    )
    user = param.ClassSelector(
        class_=User, default=None, allow_None=True, doc="The signed-in registered user."
    )
    signed_in = param.Boolean(default=False, doc="Whether a token is sent with requests.")
    registered = param.Boolean(default=False, doc="Whether the signed-in user has registered.")
    admin = param.Boolean(default=False, doc="Whether the signed-in user is an administrator.")
    checks = param.Integer(
        default=0, doc="How many times who is signed in was asked (at start, on each switch)."
    )
    connection = param.Selector(
        default="connecting",
        objects=["connecting", "connected", "failing", "unreachable"],
        doc="How the API answered last: fine, with a server error (5xx), or not at all.",
    )
    problem = param.String(default="", doc="What went wrong last, in words; empty when fine.")
    latest = param.DataFrame(
        default_factory=lambda: pd.DataFrame(columns=LATEST_COLUMNS),
        doc="The most recently uploaded results.",
    )
    latest_count = param.Integer(default=0, doc="How many results the API holds in all.")
    terms_accepted = param.Boolean(
        default=False, doc="Whether the user ticked that they accept the terms and policy."
    )
    registration_problem = param.String(default="", doc="Why registering did not work.")
    retried = param.Integer(default=0, doc="How often the user asked to try again.")
    unforeseen = param.String(
        default="", doc="An error no part of the dashboard foresaw (its details are logged)."
    )

    def __init__(self, client, **params) -> None:
        super().__init__(client, **params)
        # Every request of the session, whichever part made it, says how the API is.
        client.watch_health(self._heard)

    def _heard(self, how: str, message: str) -> None:
        if how != "answered":
            self.param.update(connection=how, problem=message)
        elif self.connection != "connected":  # it answers again: the trouble is over
            self.param.update(connection="connected", problem="")

    async def retry(self) -> None:
        """Try again after the API could not be reached (the other parts follow ``retried``)."""
        self.param.update(connection="connecting", retried=self.retried + 1)
        await self.refresh()

    async def refresh(self) -> None:
        """Ask the API who we are and what was uploaded last."""
        await self._work.run(self._refresh())

    async def _refresh(self) -> None:
        if await self._guard(self._load_identity()):
            await self._guard(self._load_latest())

    @param.depends("identity", watch=True)
    async def _switch_identity(self) -> None:
        # One person's acceptance is not another's.
        self.param.update(terms_accepted=False, registration_problem="")
        await self._work.run(self._load_as_identity())

    async def register(self) -> None:
        """Register the signed-in user, once they have accepted the terms and the policy."""
        if not self.signed_in:
            self.registration_problem = "Sign in first: registering is for a signed-in user."
        elif not self.terms_accepted:
            self.registration_problem = (
                "Tick the box to accept the terms of use and the privacy policy first."
            )
        else:
            await self._work.run(self._register())

    async def _register(self) -> None:
        self.registration_problem = ""
        try:
            await self.client.users.register()
        except Conflict:
            pass  # registered already (another tab, say): carry on as registered
        except (TransportError, ServerError) as error:
            self.registration_problem = f"Registering failed, try again: {error}"
            return
        except APIError as error:
            self.registration_problem = f"The service refused to register you: {error}"
            return
        await self._guard(self._load_identity())

    async def _load_as_identity(self) -> None:
        # the session's token source follows ``identity`` (see dashboard.signin.demo)
        await self._guard(self._load_identity())

    async def _guard(self, work: Awaitable[None]) -> bool:
        """Run ``work``; turn an API failure into a visible message instead of a traceback."""
        try:
            await work
        except TransportError as error:
            self.param.update(connection="unreachable", problem=str(error))
            return False
        except ServerError as error:
            self.param.update(connection="failing", problem=str(error))
            return False
        except APIError as error:
            self.param.update(connection="connected", problem=str(error))
            return False
        self.param.update(connection="connected", problem="")
        return True

    async def _load_identity(self) -> None:
        signed_in = await self.client.token_source.token() is not None
        user, admin = None, False
        if signed_in:
            try:
                user = await self.client.users.me()
            except NotFound:  # signed in, not registered yet
                user = None
            except Unauthorized:
                signed_in = False
            if signed_in:
                admin = await self.client.users.try_admin()
        self.param.update(
            signed_in=signed_in,
            user=user,
            registered=user is not None,
            admin=admin,
            checks=self.checks + 1,
        )

    async def _load_latest(self) -> None:
        page = await self.client.results.list(sort_by="-upload_datetime", per_page=20)
        self.param.update(latest=latest_frame(list(page.items)), latest_count=page.total)
