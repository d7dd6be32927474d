"""The user server's side: the signed-in hub user's access token, from their auth_state.

A user server may read its own user's auth_state from the Hub API when its token has
the scope ``admin:auth_state!user`` (see ``hub_config/jupyterhub_config.py``). It reads
``GET {JUPYTERHUB_API_URL}/users/{JUPYTERHUB_USER}``: plain ``GET /user`` answers a null
auth_state (jupyterhub issue 5103). That request also lets the hub refresh the
tokens (:func:`dashboard.hub.checkin.refresh_early`) when they are about to expire.

The token is kept in this process only, until shortly before it expires, and is
fetched again after the service refused it. It never goes to the browser or a log.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping
from urllib.parse import quote

import httpx

from dashboard.api import APIError
from dashboard.hub.checkin import EXPIRES_AT

#: Fetch the token again when it has less than this left (seconds).
MARGIN = 60


def in_hub(env: Mapping[str, str] = os.environ) -> bool:
    """Whether this process runs inside a JupyterHub user server."""
    return all(env.get(name) for name in ("JUPYTERHUB_API_URL", "JUPYTERHUB_API_TOKEN"))


class HubTokenSource:
    """The hub user's access token, read from their auth_state and cached until near expiry."""

    def __init__(
        self,
        env: Mapping[str, str] = os.environ,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        try:
            self._api = env["JUPYTERHUB_API_URL"].rstrip("/")
            self._user = env["JUPYTERHUB_USER"]
            self._hub_token = env["JUPYTERHUB_API_TOKEN"]
        except KeyError as missing:
            raise APIError(f"Not inside a JupyterHub user server: {missing} is not set") from None
        self._transport = transport
        self._token: str | None = None
        self._expires: float | None = None
        self._lock = asyncio.Lock()

    async def token(self, *, fresh: bool = False) -> str | None:
        async with self._lock:
            if fresh or self._stale():
                await self._fetch()
            return self._token

    def _stale(self) -> bool:
        if self._token is None:
            return True
        return self._expires is not None and self._expires - time.time() < MARGIN

    async def _fetch(self) -> None:
        url = f"{self._api}/users/{quote(self._user, safe='')}"
        headers = {"Authorization": f"token {self._hub_token}"}
        try:
            async with httpx.AsyncClient(transport=self._transport, timeout=15) as client:
                answer = await client.get(url, headers=headers)
        except httpx.HTTPError as error:
            raise APIError(f"The hub could not be asked for your token: {error}") from None
        if answer.status_code != 200:
            raise APIError(
                f"The hub refused this server your token (HTTP {answer.status_code}): its role "
                "needs the scopes read:users!user and admin:auth_state!user"
            )
        state = answer.json().get("auth_state") or {}
        token = state.get("access_token")
        if not token:
            raise APIError(
                "The hub holds no token for you (auth_state is empty): log out of the hub and "
                "in again"
            )
        expires = state.get(EXPIRES_AT)
        self._token = token
        self._expires = float(expires) if isinstance(expires, int | float) else None

    def __repr__(self) -> str:
        return f"HubTokenSource(user={self._user!r})"
