"""The API's lists: which filters each takes, and reading them a page, page after page, or whole.

Every list answers ``{items, total, page, pages, per_page, has_next, has_prev}``; a
:class:`Listing` says which query parameters a list takes (anything else is refused
before a request is made) and how to read its items. :func:`collect` loads a whole
list: page 1 first (it says how many pages there are), then the others concurrently,
in order. The functions take the client's ``request`` method: the resources and the
client both use this module, which uses neither.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from dashboard.api.errors import InvalidQuery
from dashboard.api.records import Items, Page

__all__ = ["MAX_PER_PAGE", "Listing", "ProgressCallback", "api_path", "collect"]

T = TypeVar("T")

#: The largest page the API serves.
MAX_PER_PAGE = 100

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(pages_loaded, pages_total)`` during a bulk load."""
Request = Callable[..., Awaitable[Any]]
"""The client's ``_request(method, path, *, params, read)``."""


@dataclass(frozen=True)
class Listing(Generic[T]):
    """A list endpoint: its query parameters and how to read its items."""

    read: Callable[..., T]
    params: frozenset[str]
    shares_records: bool = False  # results: let items share benchmark/site/flavor records
    #: ``read(page_data, shared)`` reads the whole page (e.g. into columns), not each item
    whole_pages: bool = False
    #: how the body is decoded (by default, as JSON into Python objects)
    decode: Callable[[bytes], Any] | None = None
    #: how one item (a GET by id) is read, where ``read`` reads whole pages
    read_one: Callable[[Any], T] | None = None

    def one(self) -> Callable[[Any], T]:
        return self.read_one or self.read

    def check(self, query: Mapping[str, Any]) -> None:
        unknown = set(query) - self.params
        if unknown:
            raise InvalidQuery(
                f"Unknown filter {', '.join(sorted(unknown))}; this list takes "
                f"{', '.join(sorted(self.params))}"
            )


def api_path(*parts: str) -> str:
    """``/sites/{id}/flavors`` with each id quoted, so no id can change the path."""
    return "/" + "/".join(quote(str(part), safe=":") for part in parts)


def _first_error(group: BaseExceptionGroup) -> BaseException:
    """The first real error in a (possibly nested) exception group."""
    error: BaseException = group
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


async def listing_page(
    request: Request,
    listing: Listing[T],
    path: str,
    query: Mapping[str, Any],
    *,
    page: int = 1,
    per_page: int = MAX_PER_PAGE,
    shared: dict | None = None,
) -> Page[T]:
    listing.check(query)
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidQuery(f"per_page must be between 1 and {MAX_PER_PAGE}")
    shared = {} if shared is None else shared
    if listing.whole_pages:

        def read(data: Any) -> Page[T]:
            return listing.read(data, shared)
    elif listing.shares_records:

        def read(data: Any) -> Page[T]:
            return Page.from_api(data, lambda item: listing.read(item, shared))
    else:

        def read(data: Any) -> Page[T]:
            return Page.from_api(data, listing.read)

    return await request(
        "GET",
        path,
        params={**query, "page": page, "per_page": per_page},
        read=read,
        decode=listing.decode,
    )


async def listing_pages(
    request: Request, listing: Listing[T], path: str, query: Mapping[str, Any], per_page: int
) -> AsyncIterator[Page[T]]:
    """Pages one after another, fetched only as the caller asks for them."""
    shared: dict = {}
    number = 1
    while True:
        page = await listing_page(
            request, listing, path, query, page=number, per_page=per_page, shared=shared
        )
        yield page
        if not page.has_next:
            return
        number += 1


async def collect(
    request: Request,
    listing: Listing[T],
    path: str,
    query: Mapping[str, Any],
    *,
    concurrency: int,
    progress: ProgressCallback | None = None,
) -> Items[T]:
    """Every item: page 1 first, then the other pages concurrently, kept in order.

    At most ``concurrency`` requests are in flight. If one page fails, or the
    caller is cancelled, the pages still in flight are cancelled too, and the
    page's own error is raised (not an ExceptionGroup).
    """
    shared: dict = {}
    first = await listing_page(request, listing, path, query, shared=shared)
    total_pages = max(first.pages, 1)
    if progress:
        progress(1, total_pages)
    if first.pages <= 1:
        return Items(first.items, first.unreadable)
    limit = asyncio.Semaphore(concurrency)
    loaded = 1

    async def fetch(number: int) -> Page[T]:
        nonlocal loaded
        async with limit:
            page = await listing_page(request, listing, path, query, page=number, shared=shared)
        loaded += 1
        if progress:
            progress(loaded, total_pages)
        return page

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(fetch(n)) for n in range(2, first.pages + 1)]
    except ExceptionGroup as failed:
        raise _first_error(failed) from None
    items = Items(first.items, first.unreadable)
    for task in tasks:
        page = task.result()
        items.extend(page.items)
        items.unreadable.extend(page.unreadable)
    return items
