"""Who is calling: bearer tokens to identities, in the sandbox's two auth modes.

``demo``: the static tokens of `dashboard.sandbox.identities` (public on purpose).
``oidc``: any token a real OpenID Connect provider vouches for. Like the real
service, the sandbox asks the provider's userinfo endpoint (found through the
issuer's discovery document); the identity is (``sub``, issuer), the e-mail comes
from userinfo, and a user is an administrator when one of the configured
entitlements appears in ``eduperson_entitlement`` or ``entitlements``.

Tokens are never logged nor echoed; the userinfo cache is keyed by a token hash
and forgets answers after a few seconds, so an expired token stops working soon.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from dashboard.sandbox import errors
from dashboard.sandbox.identities import DEMO_IDENTITIES, DEMO_ISSUER

log = logging.getLogger(__name__)

_NOT_VOUCHED = "The access token was not accepted by the identity provider"


@dataclass(frozen=True)
class Principal:
    """An authenticated caller, as the identity provider describes them."""

    sub: str
    iss: str
    email: str | None
    entitled_admin: bool

    @property
    def key(self) -> tuple[str, str]:
        """(sub, iss): how uploads refer to their uploader."""
        return self.sub, self.iss


class Authenticator(Protocol):
    """Resolves a bearer token to a `Principal` (None: the token is not valid)."""

    async def identify(self, token: str) -> Principal | None: ...

    async def aclose(self) -> None: ...


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer ...`` header; 401 (shape 3) otherwise."""
    if authorization is None:
        raise errors.unauthenticated("No authorization header in request")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise errors.unauthenticated("Authorization header must contain bearer token")
    return token.strip()


class DemoAuthenticator:
    """The ``demo`` mode: the demo identities' static tokens, nothing else."""

    def __init__(self) -> None:
        self._by_token = {
            identity.token: Principal(identity.sub, DEMO_ISSUER, identity.email, identity.admin)
            for identity in DEMO_IDENTITIES
        }

    async def identify(self, token: str) -> Principal | None:
        """The demo identity owning `token`, if any."""
        return self._by_token.get(token)

    async def aclose(self) -> None:
        """Nothing to release."""


def _claim_values(userinfo: dict[str, Any], name: str) -> set[str]:
    value = userinfo.get(name)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {item for item in value if isinstance(item, str)}
    return set()


class OidcAuthenticator:
    """The ``oidc`` mode: tokens checked at the issuer's userinfo endpoint."""

    def __init__(
        self,
        issuer: str,
        admin_entitlements: Iterable[str] = (),
        *,
        cache_seconds: float = 2.0,
        timeout: float = 5.0,
    ):
        self.issuer = issuer.rstrip("/")
        self.admin_entitlements = frozenset(admin_entitlements)
        self.cache_seconds = cache_seconds
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout))
        self._userinfo_endpoint: str | None = None
        self._issuer_id = self.issuer
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._pending: dict[str, asyncio.Future[Principal | None]] = {}

    async def identify(self, token: str) -> Principal | None:
        """The caller the provider says `token` belongs to (None if it does not vouch)."""
        key = hashlib.sha256(token.encode()).hexdigest()
        now = time.monotonic()
        cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        # Concurrent requests with one token share one userinfo call.
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._ask_provider(token))
            self._pending[key] = pending
            try:
                principal = await pending
            finally:
                del self._pending[key]
            self._remember(key, principal)
            return principal
        return await asyncio.shield(pending)

    def _remember(self, key: str, principal: Principal | None) -> None:
        now = time.monotonic()
        if len(self._cache) > 1024:
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
        self._cache[key] = (now + self.cache_seconds, principal)

    async def _ask_provider(self, token: str) -> Principal | None:
        endpoint = await self._userinfo()
        try:
            answer = await self._client.get(endpoint, headers={"Authorization": f"Bearer {token}"})
        except UnicodeError:  # a token no HTTP header can carry is no token the provider issued
            return None
        except httpx.HTTPError as exc:
            log.warning("The userinfo endpoint could not be reached: %s", type(exc).__name__)
            raise errors.unauthenticated(
                _NOT_VOUCHED, "The identity provider did not answer"
            ) from None
        if answer.status_code != 200:
            return None
        try:
            userinfo = answer.json()
        except ValueError:
            return None
        if not isinstance(userinfo, dict) or not isinstance(userinfo.get("sub"), str):
            return None
        entitlements = _claim_values(userinfo, "eduperson_entitlement") | _claim_values(
            userinfo, "entitlements"
        )
        email = userinfo.get("email")
        return Principal(
            sub=userinfo["sub"],
            iss=self._issuer_id,
            email=email if isinstance(email, str) else None,
            entitled_admin=bool(entitlements & self.admin_entitlements),
        )

    async def _userinfo(self) -> str:
        if self._userinfo_endpoint is not None:
            return self._userinfo_endpoint
        discovery_url = f"{self.issuer}/.well-known/openid-configuration"
        try:
            answer = await self._client.get(discovery_url)
            answer.raise_for_status()
            document = answer.json()
            endpoint = document["userinfo_endpoint"]
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            log.warning("No usable OIDC discovery document at %s", discovery_url)
            raise errors.unauthenticated(
                _NOT_VOUCHED, "The identity provider's configuration could not be read"
            ) from None
        self._issuer_id = document.get("issuer") or self.issuer
        self._userinfo_endpoint = endpoint
        return endpoint

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()
