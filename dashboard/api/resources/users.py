"""Registration, the signed-in user, and (for administrators) everybody."""

from __future__ import annotations

from typing import Any

from dashboard.api.errors import Forbidden, InvalidQuery
from dashboard.api.listing import MAX_PER_PAGE, api_path
from dashboard.api.records import Claim, Page, Result, User
from dashboard.api.resources.base import CLAIMS, RESULTS, USER_SEARCH, USERS, _Resource


class Users(_Resource):
    """``/users``: registration, the signed-in user, and (admins) everybody."""

    async def register(self) -> User:
        """Register the signed-in user, accepting the terms of service and privacy policy."""
        return await self._request("POST", "users:register", read=User.from_api)

    async def me(self) -> User:
        """The signed-in user (:class:`~dashboard.api.errors.NotFound` if not registered)."""
        return await self._request("GET", "users", "self", read=User.from_api)

    async def update_me(self) -> None:
        """Refresh the signed-in user's email from the identity provider."""
        await self._request("POST", "users", "self:update")

    async def try_admin(self) -> bool:
        """Whether the signed-in user is an administrator."""
        try:
            await self._request("GET", "users", "self:try_admin")
        except Forbidden:
            return False
        return True

    async def my_results(
        self, *, page: int = 1, per_page: int = MAX_PER_PAGE, **query: Any
    ) -> Page[Result]:
        """The signed-in user's uploads (the same filters as ``results.list``)."""
        return await self._list(RESULTS, ("users", "self", "results"), query, page, per_page)

    async def all_my_results(self, **query: Any) -> list[Result]:
        """Every upload of the signed-in user."""
        return await self._client._collect(RESULTS, api_path("users", "self", "results"), query)

    async def my_claims(
        self, *, page: int = 1, per_page: int = MAX_PER_PAGE, **query: Any
    ) -> Page[Claim]:
        """The signed-in user's claims."""
        return await self._list(CLAIMS, ("users", "self", "claims"), query, page, per_page)

    async def list(
        self, *, page: int = 1, per_page: int = MAX_PER_PAGE, **query: Any
    ) -> Page[User]:
        """(Admins) Registered users."""
        return await self._list(USERS, ("users",), query, page, per_page)

    async def search(
        self, *terms: str, page: int = 1, per_page: int = MAX_PER_PAGE, **query: Any
    ) -> Page[User]:
        """(Admins) Users whose email contains every one of ``terms``."""
        return await self._list(
            USER_SEARCH, ("users:search",), {**query, "terms": list(terms)}, page, per_page
        )

    async def remove(
        self, *, sub: str | None = None, iss: str | None = None, email: str | None = None
    ) -> None:
        """(Admins) Remove the users matching all the given fields."""
        if not (sub or iss or email):
            raise InvalidQuery("Say which users to remove: sub, iss or email")
        await self._request("POST", "users:remove", params={"sub": sub, "iss": iss, "email": email})
