"""Every operation of the API, grouped by resource as the API groups them.

Lists come three ways: ``list(...)`` one page, ``pages(...)`` an async iterator that
fetches page after page as it is consumed, and ``all(...)`` every item (page 1, then
the rest concurrently, in order). Filters are the API's query parameters, checked
by name before anything is sent.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .client import MAX_PER_PAGE, Listing, ProgressCallback, _path
from .errors import Forbidden, InvalidQuery
from .query import iso_datetime
from .records import Benchmark, Claim, Flavor, Page, Result, Site, Submit, Tag, User

if TYPE_CHECKING:
    from .client import PerfClient

__all__ = ["Benchmarks", "Flavors", "Reports", "Results", "Sites", "Tags", "Users"]

T = TypeVar("T")

_DATES = frozenset({"upload_before", "upload_after"})
_REVIEWED = _DATES | {"status", "sort_by"}
_RESULT_FILTERS = _DATES | {
    "execution_before",
    "execution_after",
    "benchmark_id",
    "site_id",
    "flavor_id",
    "tags_ids",
    "filters",
    "sort_by",
}
_CLAIM_FILTERS = _REVIEWED

BENCHMARKS = Listing(Benchmark.from_api, _REVIEWED | {"docker_image", "docker_tag"})
BENCHMARK_SEARCH = Listing(Benchmark.from_api, _REVIEWED | {"terms"})
SITES = Listing(Site.from_api, _REVIEWED | {"name", "address"})
SITE_SEARCH = Listing(Site.from_api, _REVIEWED | {"terms"})
FLAVORS = Listing(Flavor.from_api, _REVIEWED | {"name"})
FLAVOR_SEARCH = Listing(Flavor.from_api, _REVIEWED | {"terms"})
TAGS = Listing(Tag.from_api, frozenset({"name", "sort_by"}))
TAG_SEARCH = Listing(Tag.from_api, frozenset({"terms", "sort_by"}))
RESULTS = Listing(Result.from_api, _RESULT_FILTERS, shares_records=True)
RESULT_SEARCH = Listing(Result.from_api, _DATES | {"terms", "sort_by"}, shares_records=True)
CLAIMS = Listing(Claim.from_api, _CLAIM_FILTERS)
SUBMITS = Listing(Submit.from_api, _DATES | {"resource_type", "sort_by"})
USERS = Listing(User.from_api, frozenset({"sub", "iss", "email", "sort_by"}))
USER_SEARCH = Listing(User.from_api, frozenset({"terms", "sort_by"}))


class _Resource:
    def __init__(self, client: PerfClient) -> None:
        self._client = client

    def _request(self, method: str, *parts: str, **kwargs: Any):
        return self._client._request(method, _path(*parts), **kwargs)


class _Listed(_Resource, Generic[T]):
    """list / pages / all / search over one collection path."""

    _root: str
    _listing: Listing[T]
    _search: Listing[T]

    async def list(self, *, page: int = 1, per_page: int = MAX_PER_PAGE, **query: Any) -> Page[T]:
        """One page of the collection."""
        return await self._client._page(
            self._listing, _path(self._root), query, page=page, per_page=per_page
        )

    def pages(self, *, per_page: int = MAX_PER_PAGE, **query: Any) -> AsyncIterator[Page[T]]:
        """Page after page, each fetched when the previous one has been consumed."""
        return self._client._pages(self._listing, _path(self._root), query, per_page)

    async def all(
        self,
        *,
        concurrency: int | None = None,
        progress: ProgressCallback | None = None,
        **query: Any,
    ) -> list[T]:
        """Every item that matches, loaded concurrently (see ``PerfClient._collect``)."""
        return await self._client._collect(
            self._listing, _path(self._root), query, concurrency=concurrency, progress=progress
        )

    async def search(
        self, *terms: str, page: int = 1, per_page: int = MAX_PER_PAGE, **query: Any
    ) -> Page[T]:
        """Items matching every one of ``terms`` (substrings of names, descriptions...)."""
        return await self._client._page(
            self._search,
            _path(f"{self._root}:search"),
            {**query, "terms": list(terms)},
            page=page,
            per_page=per_page,
        )

    async def get(self, item_id: str) -> T:
        """One item by id (:class:`~dashboard.api.errors.NotFound` if there is none)."""
        return self._listing.read(await self._request("GET", self._root, item_id))

    async def delete(self, item_id: str) -> None:
        """(Admins) Delete an item."""
        await self._request("DELETE", self._root, item_id)


class _Reviewed(_Listed[T]):
    """Items users submit and administrators approve or reject."""

    _writable: tuple[str, ...]

    async def approve(self, item_id: str) -> None:
        """(Admins) Approve a submission: it appears in the public lists."""
        await self._request("POST", f"{self._root}", f"{item_id}:approve")

    async def reject(self, item_id: str) -> None:
        """(Admins) Reject a submission: the service deletes it."""
        await self._request("POST", f"{self._root}", f"{item_id}:reject")

    async def update(self, item_id: str, **changes: Any) -> T:
        """(Admins) Change some fields; the others keep their current values.

        The API replaces the whole item, so the current one is read first.
        """
        unknown = set(changes) - set(self._writable)
        if unknown:
            raise InvalidQuery(
                f"Cannot change {', '.join(sorted(unknown))}; editable: {', '.join(self._writable)}"
            )
        current = await self.get(item_id)
        body = {name: getattr(current, name) for name in self._writable}
        body.update(changes)
        body = {name: value for name, value in body.items() if value is not None}
        await self._request("PUT", self._root, item_id, json=body)
        return await self.get(item_id)


class Benchmarks(_Reviewed[Benchmark]):
    """``/benchmarks``: container images and the JSON Schema of their results."""

    _root = "benchmarks"
    _listing = BENCHMARKS
    _search = BENCHMARK_SEARCH
    _writable = ("docker_image", "docker_tag", "url", "json_schema", "description")

    async def create(
        self,
        *,
        docker_image: str,
        docker_tag: str,
        url: str,
        json_schema: Mapping[str, Any],
        description: str | None = None,
    ) -> Benchmark:
        """(Users) Submit a benchmark; it waits for an administrator's approval."""
        body = {
            "docker_image": docker_image,
            "docker_tag": docker_tag,
            "url": url,
            "json_schema": dict(json_schema),
        }
        if description:
            body["description"] = description
        return Benchmark.from_api(await self._request("POST", self._root, json=body))


class Sites(_Reviewed[Site]):
    """``/sites``: the providers' sites."""

    _root = "sites"
    _listing = SITES
    _search = SITE_SEARCH
    _writable = ("name", "address", "description")

    async def create(self, *, name: str, address: str, description: str | None = None) -> Site:
        """(Users) Submit a site; it waits for an administrator's approval."""
        body = {"name": name, "address": address}
        if description:
            body["description"] = description
        return Site.from_api(await self._request("POST", self._root, json=body))


class Flavors(_Reviewed[Flavor]):
    """Flavors: listed per site (``/sites/{id}/flavors``), handled at ``/flavors/{id}``."""

    _root = "flavors"
    _listing = FLAVORS
    _search = FLAVOR_SEARCH
    _writable = ("name", "description")

    async def list(  # type: ignore[override]
        self, site_id: str, *, page: int = 1, per_page: int = MAX_PER_PAGE, **query: Any
    ) -> Page[Flavor]:
        """One page of a site's flavors."""
        return await self._client._page(
            FLAVORS, _path("sites", site_id, "flavors"), query, page=page, per_page=per_page
        )

    def pages(  # type: ignore[override]
        self, site_id: str, *, per_page: int = MAX_PER_PAGE, **query: Any
    ) -> AsyncIterator[Page[Flavor]]:
        """A site's flavors, page after page."""
        return self._client._pages(FLAVORS, _path("sites", site_id, "flavors"), query, per_page)

    async def all(  # type: ignore[override]
        self,
        site_id: str,
        *,
        concurrency: int | None = None,
        progress: ProgressCallback | None = None,
        **query: Any,
    ) -> list[Flavor]:
        """All of a site's flavors."""
        return await self._client._collect(
            FLAVORS,
            _path("sites", site_id, "flavors"),
            query,
            concurrency=concurrency,
            progress=progress,
        )

    async def search(  # type: ignore[override]
        self, site_id: str, *terms: str, page: int = 1, per_page: int = MAX_PER_PAGE, **query: Any
    ) -> Page[Flavor]:
        """A site's flavors matching every one of ``terms``."""
        return await self._client._page(
            FLAVOR_SEARCH,
            _path("sites", site_id, "flavors:search"),
            {**query, "terms": list(terms)},
            page=page,
            per_page=per_page,
        )

    async def create(self, site_id: str, *, name: str, description: str | None = None) -> Flavor:
        """(Users) Submit a flavor of a site; it waits for an administrator's approval."""
        body = {"name": name}
        if description:
            body["description"] = description
        return Flavor.from_api(await self._request("POST", "sites", site_id, "flavors", json=body))

    async def site(self, flavor_id: str) -> Site:
        """The site a flavor belongs to."""
        return Site.from_api(await self._request("GET", "flavors", flavor_id, "site"))


class Tags(_Listed[Tag]):
    """``/tags``: labels on results."""

    _root = "tags"
    _listing = TAGS
    _search = TAG_SEARCH

    async def create(self, *, name: str, description: str | None = None) -> Tag:
        """(Users) Create a tag (tags need no review)."""
        body = {"name": name}
        if description:
            body["description"] = description
        return Tag.from_api(await self._request("POST", self._root, json=body))

    async def update(
        self, tag_id: str, *, name: str | None = None, description: str | None = None
    ) -> Tag:
        """(Admins) Rename a tag or change its description."""
        current = await self.get(tag_id)
        body = {
            "name": current.name if name is None else name,
            "description": current.description if description is None else description,
        }
        await self._request("PUT", self._root, tag_id, json=body)
        return await self.get(tag_id)


def _check_result_json(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidQuery(f"A result must be a JSON object, not a {type(data).__name__}")
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidQuery(f"A result cannot contain {value}: JSON has no NaN or Infinity")
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return data


def _ids(items: Iterable[Any]) -> list[str]:
    return [item if isinstance(item, str) else item.id for item in items]


class Results(_Listed[Result]):
    """``/results``: benchmark runs and their JSON output."""

    _root = "results"
    _listing = RESULTS
    _search = RESULT_SEARCH

    async def create(
        self,
        data: Mapping[str, Any],
        *,
        benchmark: Benchmark | str,
        flavor: Flavor | str,
        execution_datetime: datetime,
        tags: Iterable[Tag | str] = (),
    ) -> Result:
        """(Users) Upload a result. The service checks it against the benchmark's schema.

        ``execution_datetime`` must be timezone-aware and not in the future; both are
        checked here first, as the service would refuse them.
        """
        body = _check_result_json(data)
        when = iso_datetime(execution_datetime)
        if execution_datetime > datetime.now(UTC):
            raise InvalidQuery(f"The execution time {when} is in the future")
        params = {
            "execution_datetime": when,
            "benchmark_id": benchmark if isinstance(benchmark, str) else benchmark.id,
            "flavor_id": flavor if isinstance(flavor, str) else flavor.id,
            "tags_ids": _ids(tags),
        }
        return Result.from_api(await self._request("POST", self._root, params=params, json=body))

    async def claim(self, result_id: str, message: str) -> Claim:
        """(Users) Report a result as wrong; it is hidden until an administrator decides."""
        if not message.strip():
            raise InvalidQuery("Say what is wrong with the result: the message is required")
        data = await self._request(
            "POST", self._root, f"{result_id}:claim", json={"message": message}
        )
        return Claim.from_api(data)

    async def update_tags(self, result_id: str, tags: Iterable[Tag | str]) -> None:
        """(The uploader or admins) Replace a result's tags."""
        await self._request("PUT", self._root, result_id, "tags", json={"tags_ids": _ids(tags)})

    async def claims(self, result_id: str, *, page: int = 1, **query: Any) -> Page[Claim]:
        """(The uploader or admins) Claims against a result."""
        return await self._client._page(
            CLAIMS, _path(self._root, result_id, "claims"), query, page=page
        )

    async def uploader(self, result_id: str) -> User:
        """(Admins) Who uploaded a result."""
        return User.from_api(await self._request("GET", self._root, result_id, "uploader"))


class Reports(_Resource):
    """``/reports``: what waits for administrators (submissions and claims)."""

    async def submits(self, *, page: int = 1, **query: Any) -> Page[Submit]:
        """(Admins) Pending submissions: benchmarks, sites and flavors awaiting review."""
        return await self._client._page(SUBMITS, _path("reports", "submits"), query, page=page)

    async def all_submits(self, **query: Any) -> list[Submit]:
        """(Admins) Every pending submission."""
        return await self._client._collect(SUBMITS, _path("reports", "submits"), query)

    async def claims(self, *, page: int = 1, **query: Any) -> Page[Claim]:
        """(Admins) Claims; ``status="on_review"`` for pending ones (the default is approved)."""
        return await self._client._page(CLAIMS, _path("reports", "claims"), query, page=page)

    async def all_claims(self, **query: Any) -> list[Claim]:
        """(Admins) Every claim matching ``query``."""
        return await self._client._collect(CLAIMS, _path("reports", "claims"), query)

    async def claim(self, claim_id: str) -> Claim:
        """One claim."""
        return Claim.from_api(await self._request("GET", "reports", "claims", claim_id))

    async def approve_claim(self, claim_id: str) -> None:
        """(Admins) The claim stands: its result stays hidden."""
        await self._request("POST", "reports", "claims", f"{claim_id}:approve")

    async def reject_claim(self, claim_id: str) -> None:
        """(Admins) Drop the claim: its result is shown again."""
        await self._request("POST", "reports", "claims", f"{claim_id}:reject")


class Users(_Resource):
    """``/users``: registration, the signed-in user, and (admins) everybody."""

    async def register(self) -> User:
        """Register the signed-in user, accepting the terms of service and privacy policy."""
        return User.from_api(await self._request("POST", "users:register"))

    async def me(self) -> User:
        """The signed-in user (:class:`~dashboard.api.errors.NotFound` if not registered)."""
        return User.from_api(await self._request("GET", "users", "self"))

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

    async def my_results(self, *, page: int = 1, **query: Any) -> Page[Result]:
        """The signed-in user's uploads (the same filters as ``results.list``)."""
        return await self._client._page(
            RESULTS, _path("users", "self", "results"), query, page=page
        )

    async def all_my_results(self, **query: Any) -> list[Result]:
        """Every upload of the signed-in user."""
        return await self._client._collect(RESULTS, _path("users", "self", "results"), query)

    async def my_claims(self, *, page: int = 1, **query: Any) -> Page[Claim]:
        """The signed-in user's claims."""
        return await self._client._page(CLAIMS, _path("users", "self", "claims"), query, page=page)

    async def list(self, *, page: int = 1, **query: Any) -> Page[User]:
        """(Admins) Registered users."""
        return await self._client._page(USERS, _path("users"), query, page=page)

    async def search(self, *terms: str, page: int = 1, **query: Any) -> Page[User]:
        """(Admins) Users whose email or subject contains every one of ``terms``."""
        return await self._client._page(
            USER_SEARCH, _path("users:search"), {**query, "terms": list(terms)}, page=page
        )

    async def remove(
        self, *, sub: str | None = None, iss: str | None = None, email: str | None = None
    ) -> None:
        """(Admins) Remove the users matching all the given fields."""
        if not (sub or iss or email):
            raise InvalidQuery("Say which users to remove: sub, iss or email")
        await self._request("POST", "users:remove", params={"sub": sub, "iss": iss, "email": email})
