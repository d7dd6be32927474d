"""What every resource shares: the list endpoints' filters and list/pages/all/search."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from dashboard.api.columns import (
    decode_results_columns,
    decode_results_page,
    read_results,
    read_results_page,
)
from dashboard.api.errors import InvalidQuery
from dashboard.api.listing import MAX_PER_PAGE, Listing, ProgressCallback, api_path
from dashboard.api.records import Benchmark, Claim, Flavor, Page, Result, Site, Submit, Tag, User

if TYPE_CHECKING:
    from dashboard.api.client import PerfClient

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

BENCHMARKS = Listing(Benchmark.from_api, _REVIEWED | {"docker_image", "docker_tag"})
BENCHMARK_SEARCH = Listing(Benchmark.from_api, _REVIEWED | {"terms"})
SITES = Listing(Site.from_api, _REVIEWED | {"name", "address"})
SITE_SEARCH = Listing(Site.from_api, _REVIEWED | {"terms"})
FLAVORS = Listing(Flavor.from_api, _REVIEWED | {"name"})
FLAVOR_SEARCH = Listing(Flavor.from_api, _REVIEWED | {"terms"})
TAGS = Listing(Tag.from_api, frozenset({"name", "sort_by"}))
TAG_SEARCH = Listing(Tag.from_api, frozenset({"terms", "sort_by"}))
#: Results read as records that share the embedded benchmark/site/flavor (dashboard.api.columns).
RESULTS = Listing(
    read_results,
    _RESULT_FILTERS,
    shares_records=True,
    whole_pages=True,
    decode=decode_results_page,
    read_one=Result.from_api,
)
#: The results of a bulk load, read into columns page by page (dashboard.api.columns).
RESULT_COLUMNS = Listing(
    read_results_page,
    _RESULT_FILTERS,
    shares_records=True,
    whole_pages=True,
    decode=decode_results_columns,
)
RESULT_SEARCH = Listing(
    read_results,
    _DATES | {"terms", "sort_by"},
    shares_records=True,
    whole_pages=True,
    decode=decode_results_page,
    read_one=Result.from_api,
)
CLAIMS = Listing(Claim.from_api, _REVIEWED)
SUBMITS = Listing(Submit.from_api, _DATES | {"resource_type", "sort_by"})
USERS = Listing(User.from_api, frozenset({"sub", "iss", "email", "sort_by"}))
USER_SEARCH = Listing(User.from_api, frozenset({"terms", "sort_by"}))


class _Resource:
    def __init__(self, client: PerfClient) -> None:
        self._client = client

    def _request(self, method: str, *parts: str, **kwargs: Any):
        return self._client._request(method, api_path(*parts), **kwargs)

    def _list(
        self,
        listing: Listing[T],
        path: tuple[str, ...],
        query: Mapping[str, Any],
        page: int,
        per_page: int,
    ):
        return self._client._page(listing, api_path(*path), query, page=page, per_page=per_page)


class _Listed(_Resource, Generic[T]):
    """list / pages / all / search / get / delete over one collection.

    ``parents`` are the ids a collection hangs from: none for most, the site's id
    for flavors (``client.flavors.list(site_id)``).
    """

    _root: str
    _listing: Listing[T]
    _search: Listing[T]

    def _collection(self, *parents: str) -> tuple[str, ...]:
        return (self._root,)

    async def list(
        self, *parents: str, page: int = 1, per_page: int = MAX_PER_PAGE, **query: Any
    ) -> Page[T]:
        """One page of the collection."""
        return await self._list(self._listing, self._collection(*parents), query, page, per_page)

    def pages(
        self, *parents: str, per_page: int = MAX_PER_PAGE, **query: Any
    ) -> AsyncIterator[Page[T]]:
        """Page after page, each fetched when the previous one has been consumed."""
        path = api_path(*self._collection(*parents))
        return self._client._pages(self._listing, path, query, per_page)

    async def all(
        self,
        *parents: str,
        concurrency: int | None = None,
        progress: ProgressCallback | None = None,
        **query: Any,
    ) -> list[T]:
        """Every item that matches, loaded concurrently (see ``PerfClient._collect``)."""
        path = api_path(*self._collection(*parents))
        return await self._client._collect(
            self._listing, path, query, concurrency=concurrency, progress=progress
        )

    async def search(
        self,
        *terms: str,
        parent: str | None = None,
        page: int = 1,
        per_page: int = MAX_PER_PAGE,
        **query: Any,
    ) -> Page[T]:
        """Items matching every one of ``terms`` (substrings of names, descriptions...)."""
        *base, last = self._collection(*([parent] if parent else []))
        return await self._list(
            self._search, (*base, f"{last}:search"), {**query, "terms": list(terms)}, page, per_page
        )

    async def get(self, item_id: str) -> T:
        """One item by id (:class:`~dashboard.api.errors.NotFound` if there is none)."""
        return await self._request("GET", self._root, item_id, read=self._listing.one())

    async def delete(self, item_id: str) -> None:
        """(Admins) Delete an item."""
        await self._request("DELETE", self._root, item_id)


class _Reviewed(_Listed[T]):
    """Items users submit and administrators approve or reject."""

    _writable: tuple[str, ...]

    async def approve(self, item_id: str) -> None:
        """(Admins) Approve a submission: it appears in the public lists."""
        await self._request("POST", self._root, f"{item_id}:approve")

    async def reject(self, item_id: str) -> None:
        """(Admins) Reject a submission: the service deletes it."""
        await self._request("POST", self._root, f"{item_id}:reject")

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
