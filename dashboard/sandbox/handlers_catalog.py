"""Routes for benchmarks, sites, flavors and tags.

As on the real service: anyone reads; registered users submit benchmarks, sites
and flavors, which stay ``on_review`` (out of the default lists) until an
administrator approves them, while a rejection deletes them; tags need no review.
Lists show ``status=approved`` unless asked for ``on_review``, for everyone (the
real service does not restrict that filter to administrators). Reading one item
by id works whatever its status.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from dashboard.sandbox import errors, params, validation
from dashboard.sandbox.calls import ID, NO_CONTENT, Call, Reply, Route, Routes, created, listing, ok
from dashboard.sandbox.params import PAGINATION, SEARCH, STATUS, UPLOAD_DATES, Text, sorted_by
from dashboard.sandbox.query import catalog_query
from dashboard.sandbox.store import Duplicate, compact_json, now_iso

_TITLES = {"benchmark": "Benchmark", "site": "Site", "flavor": "Flavor", "tag": "Tag"}

FILTERS = {
    "benchmark": {
        **PAGINATION,
        **UPLOAD_DATES,
        **STATUS,
        "docker_image": Text,
        "docker_tag": Text,
        **sorted_by("+docker_image"),
    },
    "site": {
        **PAGINATION,
        **UPLOAD_DATES,
        **STATUS,
        "name": Text,
        "address": Text,
        **sorted_by("+name"),
    },
    "flavor": {**PAGINATION, **UPLOAD_DATES, **STATUS, "name": Text, **sorted_by("+name")},
    "tag": {**PAGINATION, "name": Text, **sorted_by("+name")},
}
SEARCHES = {
    "benchmark": {**PAGINATION, **UPLOAD_DATES, **STATUS, **SEARCH},
    "site": {**PAGINATION, **UPLOAD_DATES, **STATUS, **SEARCH},
    "flavor": {**PAGINATION, **UPLOAD_DATES, **STATUS, **SEARCH},
    "tag": {**PAGINATION, **SEARCH},
}
BODIES = {
    "benchmark": params.BENCHMARK_BODY,
    "site": params.SITE_BODY,
    "flavor": params.NAMED_BODY,
    "tag": params.NAMED_BODY,
}


def stored(call: Call, resource: str, item_id: str) -> sqlite3.Row:
    """The stored row of one item; 404 naming it when there is none."""
    row = call.store.item(resource, item_id)
    if row is None:
        title = "Benchmark" if resource == "benchmark" else "Record"
        raise errors.not_found(f"{title} {item_id} not found in the database")
    return row


def uploaded_by(user: sqlite3.Row) -> dict[str, str]:
    """The uploader columns of something `user` submits now."""
    return {"uploader_sub": user["sub"], "uploader_iss": user["iss"], "upload_datetime": now_iso()}


def _duplicate(resource: str, body: dict[str, Any]) -> errors.ApiError:
    name = (
        f"{body['docker_image']}:{body['docker_tag']}" if resource == "benchmark" else body["name"]
    )
    return errors.refused(409, f"{_TITLES[resource]} {name} already submitted/exists")


def _checked_benchmark(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    validation.check_image(body["docker_image"], body["docker_tag"], call.ctx.known_images)
    validation.check_schema(body["json_schema"])
    return {**body, "json_schema": compact_json(body["json_schema"])}


def list_route(resource: str, *, search: bool = False) -> Route:
    """``GET /{resources}``: one page of the filtered, sorted list; with ``search``,
    ``GET /{resources}:search``: items holding every term."""
    return listing(
        (SEARCHES if search else FILTERS)[resource],
        lambda args: catalog_query(resource, args),
        lambda render, ids: render.catalog(resource, ids),
    )


def get_route(resource: str) -> Route:
    """``GET /{resources}/{id}``."""

    async def route(call: Call) -> Reply:
        item_id = call.path_id()
        call.query({})
        stored(call, resource, item_id)
        return ok(call.render.catalog(resource, [item_id])[0])

    return route


def create_route(resource: str) -> Route:
    """``POST /{resources}`` (a registered user submits; review pending unless a tag)."""

    async def route(call: Call) -> Reply:
        user = await call.user()
        call.query({})
        body = call.body(BODIES[resource])
        values = _checked_benchmark(call, body) if resource == "benchmark" else body
        if resource != "tag":
            values = {**values, **uploaded_by(user), "status": "on_review"}
        else:
            values = {**values, "upload_datetime": now_iso()}
        try:
            item_id = call.store.insert(resource, values)
        except Duplicate:
            raise _duplicate(resource, body) from None
        return created(call.render.catalog(resource, [item_id])[0])

    return route


def update_route(resource: str) -> Route:
    """``PUT /{resources}/{id}`` (administrators)."""

    async def route(call: Call) -> Reply:
        item_id = call.path_id()
        await call.admin()
        call.query({})
        body = call.body(BODIES[resource])
        values = _checked_benchmark(call, body) if resource == "benchmark" else body
        stored(call, resource, item_id)
        try:
            call.store.update(resource, item_id, values)
        except Duplicate:
            raise errors.refused(409, f"Changes conflict submitted/existing {resource}") from None
        return NO_CONTENT

    return route


def delete_route(resource: str) -> Route:
    """``DELETE /{resources}/{id}`` (administrators); dependent items go with it."""

    async def route(call: Call) -> Reply:
        item_id = call.path_id()
        await call.admin()
        call.query({})
        stored(call, resource, item_id)
        call.store.delete(resource, item_id)
        return NO_CONTENT

    return route


def review_route(resource: str, *, approve: bool) -> Route:
    """``POST /{resources}/{id}:approve`` / ``:reject`` (administrators; pending items only)."""

    async def route(call: Call) -> Reply:
        item_id = call.path_id()
        await call.admin()
        call.query({})
        row = stored(call, resource, item_id)
        if row["status"] == "approved":
            raise errors.refused(422, f"{_TITLES[resource]} {item_id} was already approved")
        if approve:
            call.store.update(resource, item_id, {"status": "approved"})
        else:
            call.store.delete(resource, item_id)
        return NO_CONTENT

    return route


def site_flavors_route(*, search: bool = False) -> Route:
    """``GET /sites/{id}/flavors``; with ``search``, ``GET /sites/{id}/flavors:search``."""
    parameters = (SEARCHES if search else FILTERS)["flavor"]

    async def route(call: Call) -> Reply:
        site_id = call.path_id()
        args = call.query(parameters)
        stored(call, "site", site_id)
        query = catalog_query("flavor", args, site_id=site_id)
        return call.page(query, args, lambda ids: call.render.catalog("flavor", ids))

    return route


async def add_site_flavor(call: Call) -> Reply:
    """``POST /sites/{id}/flavors`` (a registered user submits a flavor of a site)."""
    site_id = call.path_id()
    user = await call.user()
    call.query({})
    body = call.body(params.NAMED_BODY)
    stored(call, "site", site_id)
    values = {**body, "site_id": site_id, **uploaded_by(user), "status": "on_review"}
    try:
        item_id = call.store.insert("flavor", values)
    except Duplicate:
        raise _duplicate("flavor", body) from None
    return created(call.render.flavor(item_id))


async def get_flavor_site(call: Call) -> Reply:
    """``GET /flavors/{id}/site``."""
    flavor = stored(call, "flavor", call.path_id())
    call.query({})
    return ok(call.render.site(flavor["site_id"]))


def _resource_routes(resource: str, plural: str) -> Routes:
    item = f"/{plural}/{ID}"
    return [
        (f"/{plural}", {"GET": list_route(resource), "POST": create_route(resource)}),
        (f"/{plural}:search", {"GET": list_route(resource, search=True)}),
        (
            item,
            {
                "GET": get_route(resource),
                "PUT": update_route(resource),
                "DELETE": delete_route(resource),
            },
        ),
    ]


def _review_routes(plural: str, resource: str) -> Routes:
    return [
        (f"/{plural}/{ID}:approve", {"POST": review_route(resource, approve=True)}),
        (f"/{plural}/{ID}:reject", {"POST": review_route(resource, approve=False)}),
    ]


ROUTES: Routes = [
    *_resource_routes("benchmark", "benchmarks"),
    *_review_routes("benchmarks", "benchmark"),
    *_resource_routes("site", "sites"),
    *_review_routes("sites", "site"),
    (f"/sites/{ID}/flavors", {"GET": site_flavors_route(), "POST": add_site_flavor}),
    (f"/sites/{ID}/flavors:search", {"GET": site_flavors_route(search=True)}),
    (
        f"/flavors/{ID}",
        {
            "GET": get_route("flavor"),
            "PUT": update_route("flavor"),
            "DELETE": delete_route("flavor"),
        },
    ),
    *_review_routes("flavors", "flavor"),
    (f"/flavors/{ID}/site", {"GET": get_flavor_site}),
    *_resource_routes("tag", "tags"),
]
