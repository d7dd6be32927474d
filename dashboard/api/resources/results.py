"""Results and what administrators review: claims and pending submissions."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from dashboard.api.columns import ResultColumns
from dashboard.api.errors import InvalidQuery
from dashboard.api.listing import MAX_PER_PAGE, ProgressCallback, api_path
from dashboard.api.query import iso_datetime
from dashboard.api.records import Benchmark, Claim, Flavor, Items, Page, Result, Submit, Tag, User
from dashboard.api.resources.base import (
    CLAIMS,
    RESULT_COLUMNS,
    RESULT_SEARCH,
    RESULTS,
    SUBMITS,
    _Listed,
    _Resource,
)


def _check_result_json(data: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidQuery(f"A result must be a JSON object, not a {type(data).__name__}")
    stack: list[Any] = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidQuery(f"A result cannot contain {value}: JSON has no NaN or Infinity")
        if isinstance(value, Mapping):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return dict(data)


def _ids(items: Iterable[Any]) -> list[str]:
    return [item if isinstance(item, str) else item.id for item in items]


class Results(_Listed[Result]):
    """``/results``: benchmark runs and their JSON output."""

    _root = "results"
    _listing = RESULTS
    _search = RESULT_SEARCH

    async def columns(
        self,
        *,
        concurrency: int | None = None,
        progress: ProgressCallback | None = None,
        **query: Any,
    ) -> ResultColumns:
        """Every result that matches, as columns (like ``all``, without a Result each)."""
        chunks = await self._client._collect(
            RESULT_COLUMNS, api_path(self._root), query, concurrency=concurrency, progress=progress
        )
        return ResultColumns(chunks, chunks.unreadable)

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
        return await self._request(
            "POST", self._root, params=params, json=body, read=Result.from_api
        )

    async def claim(self, result_id: str, message: str) -> Claim:
        """(Users) Report a result as wrong; it is hidden until an administrator decides."""
        if not message.strip():
            raise InvalidQuery("Say what is wrong with the result: the message is required")
        return await self._request(
            "POST", self._root, f"{result_id}:claim", json={"message": message}, read=Claim.from_api
        )

    async def update_tags(self, result_id: str, tags: Iterable[Tag | str]) -> None:
        """(The uploader or admins) Replace a result's tags."""
        await self._request("PUT", self._root, result_id, "tags", json={"tags_ids": _ids(tags)})

    async def claims(
        self, result_id: str, *, page: int = 1, per_page: int = MAX_PER_PAGE, **query: Any
    ) -> Page[Claim]:
        """(The uploader or admins) Claims against a result."""
        return await self._list(CLAIMS, (self._root, result_id, "claims"), query, page, per_page)

    async def uploader(self, result_id: str) -> User:
        """(Admins) Who uploaded a result."""
        return await self._request("GET", self._root, result_id, "uploader", read=User.from_api)


class Reports(_Resource):
    """``/reports``: what waits for administrators (submissions and claims)."""

    async def submits(
        self, *, page: int = 1, per_page: int = MAX_PER_PAGE, **query: Any
    ) -> Page[Submit]:
        """(Admins) Pending submissions: benchmarks, sites, flavors (and claims) awaiting review."""
        return await self._list(SUBMITS, ("reports", "submits"), query, page, per_page)

    async def all_submits(self, **query: Any) -> Items[Submit]:
        """(Admins) Every pending submission."""
        return await self._client._collect(SUBMITS, api_path("reports", "submits"), query)

    async def claims(
        self, *, page: int = 1, per_page: int = MAX_PER_PAGE, **query: Any
    ) -> Page[Claim]:
        """(Admins) Claims; ``status="on_review"`` for pending ones (the default is approved)."""
        return await self._list(CLAIMS, ("reports", "claims"), query, page, per_page)

    async def all_claims(self, **query: Any) -> Items[Claim]:
        """(Admins) Every claim matching ``query``."""
        return await self._client._collect(CLAIMS, api_path("reports", "claims"), query)

    async def claim(self, claim_id: str) -> Claim:
        """One claim."""
        return await self._request("GET", "reports", "claims", claim_id, read=Claim.from_api)

    async def approve_claim(self, claim_id: str) -> None:
        """(Admins) The claim stands: its result stays hidden."""
        await self._request("POST", "reports", "claims", f"{claim_id}:approve")

    async def reject_claim(self, claim_id: str) -> None:
        """(Admins) Drop the claim; its result is meant to be shown again (the service
        1.2.3 keeps it hidden: see what became of it rather than assume)."""
        await self._request("POST", "reports", "claims", f"{claim_id}:reject")
