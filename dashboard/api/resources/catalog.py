"""Benchmarks, sites, flavors and tags: what results refer to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dashboard.api.errors import InvalidQuery
from dashboard.api.records import Benchmark, Flavor, Site, Tag
from dashboard.api.resources.base import (
    BENCHMARK_SEARCH,
    BENCHMARKS,
    FLAVOR_SEARCH,
    FLAVORS,
    SITE_SEARCH,
    SITES,
    TAG_SEARCH,
    TAGS,
    _Listed,
    _Reviewed,
)


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
        return await self._request("POST", self._root, json=body, read=Benchmark.from_api)


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
        return await self._request("POST", self._root, json=body, read=Site.from_api)


class Flavors(_Reviewed[Flavor]):
    """Flavors: listed per site (``/sites/{id}/flavors``), handled at ``/flavors/{id}``.

    ``list``, ``pages`` and ``all`` take the site's id first; ``search`` takes ``parent=``.
    """

    _root = "flavors"
    _listing = FLAVORS
    _search = FLAVOR_SEARCH
    _writable = ("name", "description")

    def _collection(self, *parents: str) -> tuple[str, ...]:
        if len(parents) != 1:
            raise InvalidQuery("Flavors are listed per site: pass the site's id")
        return ("sites", parents[0], "flavors")

    async def create(self, site_id: str, *, name: str, description: str | None = None) -> Flavor:
        """(Users) Submit a flavor of a site; it waits for an administrator's approval."""
        body = {"name": name}
        if description:
            body["description"] = description
        return await self._request(
            "POST", "sites", site_id, "flavors", json=body, read=Flavor.from_api
        )

    async def site(self, flavor_id: str) -> Site:
        """The site a flavor belongs to."""
        return await self._request("GET", "flavors", flavor_id, "site", read=Site.from_api)


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
        return await self._request("POST", self._root, json=body, read=Tag.from_api)

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
