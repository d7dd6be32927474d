"""Routes for results, claims and the administrators' review queues.

As on the real service: a result must pass its benchmark's JSON Schema and name
an approved benchmark and flavor; its execution time must carry a timezone and
not lie in the future. A claim hides its result from lists and searches at once
(reading it by id still works); approving the claim keeps it hidden, and so does
rejecting it (the real service 1.2.3 drops the claim but leaves the result hidden).
A result holds one claim reference: claimed twice, the older claim comes back
without ``resource_id``, and rejecting that one answers 500, as the real service
does. Deleting a result (admins) hides it the same way, as the real service only
marks it deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from jsonschema.protocols import Validator

from dashboard.sandbox import errors, params, validation
from dashboard.sandbox.calls import ID, NO_CONTENT, Call, Reply, Route, Routes, created, listing, ok
from dashboard.sandbox.params import CLAIM_FILTERS, PAGINATION, SEARCH, UPLOAD_DATES
from dashboard.sandbox.query import claims_query, results_query, submits_query
from dashboard.sandbox.render import Renderer
from dashboard.sandbox.store import compact_json, iso_utc, now_iso

RESULT_SEARCH = {**PAGINATION, **UPLOAD_DATES, **SEARCH}


def stored_result(call: Call, result_id: str) -> sqlite3.Row:
    """A result by id, hidden or not; 404 when there is none."""
    row = call.store.item("result", result_id)
    if row is None:
        raise errors.not_found(f"Result {result_id} not found in the database")
    return row


def stored_claim(call: Call, claim_id: str) -> sqlite3.Row:
    """A claim by id; 404 when there is none."""
    row = call.store.item("claim", claim_id)
    if row is None:
        raise errors.not_found(f"Claim {claim_id} not found in the database")
    return row


def _approved(call: Call, resource: str, item_id: str) -> sqlite3.Row:
    row = call.store.item(resource, item_id)
    title = resource.capitalize()
    if row is None:
        raise errors.not_found(f"{title} {item_id} not in database")
    if row["status"] != "approved":
        raise errors.refused(422, f"{title} {item_id} not approved")
    return row


def _known_tags(call: Call, tags_ids: list[str]) -> list[str]:
    for tag_id in tags_ids:
        if call.store.item("tag", tag_id) is None:
            raise errors.not_found(f"Tag {tag_id} not in database")
    return tags_ids


def _validator(call: Call, benchmark: sqlite3.Row) -> Validator:
    validators = call.ctx.validators
    key = benchmark["json_schema"]
    if key not in validators:
        validators[key] = validation.result_validator(json.loads(key))
    return validators[key]


def _result_json(call: Call, rid: int) -> str:
    return call.render.results([rid])[0]


#: ``GET /results``: visible results, filtered and sorted.
list_results = listing(params.RESULT_FILTERS, results_query, Renderer.results)
#: ``GET /results:search``: visible results matching every term.
search_results = listing(RESULT_SEARCH, results_query, Renderer.results)


async def create_result(call: Call) -> Reply:
    """``POST /results``: a registered user uploads a benchmark's output."""
    user = await call.user()
    args = call.query(params.RESULT_CONTEXT)
    document = call.body(None)
    executed: dt.datetime = args["execution_datetime"]
    if executed.tzinfo is None:
        raise errors.refused(422, "Execution date must include timezone")
    if executed > dt.datetime.now(dt.UTC):
        raise errors.refused(422, "Execution date cannot be in future")
    benchmark = _approved(call, "benchmark", args["benchmark_id"])
    flavor = _approved(call, "flavor", args["flavor_id"])
    tags_ids = _known_tags(call, args["tags_ids"])
    validation.validate_result(_validator(call, benchmark), document)
    result_id = call.store.insert_result(
        {
            "benchmark_id": benchmark["id"],
            "site_id": flavor["site_id"],
            "flavor_id": flavor["id"],
            "execution_datetime": iso_utc(executed),
            "upload_datetime": now_iso(),
            "uploader_sub": user["sub"],
            "uploader_iss": user["iss"],
        },
        compact_json(document),
        tags_ids,
    )
    return created(_result_json(call, stored_result(call, result_id)["rid"]))


async def get_result(call: Call) -> Reply:
    """``GET /results/{id}``: any result, claimed ones included."""
    result_id = call.path_id()
    call.query({})
    return ok(_result_json(call, stored_result(call, result_id)["rid"]))


async def delete_result(call: Call) -> Reply:
    """``DELETE /results/{id}`` (administrators): the result leaves every list."""
    result_id = call.path_id()
    await call.admin()
    call.query({})
    call.store.hide_result(stored_result(call, result_id)["rid"])
    return NO_CONTENT


async def claim_result(call: Call) -> Reply:
    """``POST /results/{id}:claim``: report a suspicious result; it is hidden at once."""
    result_id = call.path_id()
    user = await call.user()
    call.query({})
    body = call.body(params.CLAIM_BODY)
    rid = stored_result(call, result_id)["rid"]
    claim_id = call.store.claim_result(rid, body["message"], (user["sub"], user["iss"]))
    return created(call.render.claims([claim_id])[0])


async def _is_owner_or_admin(call: Call, result: sqlite3.Row) -> bool:
    principal = await call.principal()
    if principal.key == (result["uploader_sub"], result["uploader_iss"]):
        return True
    return principal.entitled_admin and call.store.user(*principal.key) is not None


async def update_result_tags(call: Call) -> Reply:
    """``PUT /results/{id}/tags``: the uploader or an administrator retags a result."""
    result_id = call.path_id()
    await call.user()
    call.query({})
    body = call.body(params.TAGS_BODY)
    result = stored_result(call, result_id)
    if not await _is_owner_or_admin(call, result):
        raise errors.plain(403)
    if "tags_ids" in body:
        call.store.set_result_tags(result["rid"], _known_tags(call, body["tags_ids"]))
    return NO_CONTENT


async def list_result_claims(call: Call) -> Reply:
    """``GET /results/{id}/claims``: for the result's uploader and administrators."""
    result_id = call.path_id()
    await call.principal()
    args = call.query(CLAIM_FILTERS)
    result = stored_result(call, result_id)
    if not await _is_owner_or_admin(call, result):
        raise errors.plain(403)
    return call.page(claims_query(args, rid=result["rid"]), args, call.render.claims)


async def get_result_uploader(call: Call) -> Reply:
    """``GET /results/{id}/uploader`` (administrators)."""
    result_id = call.path_id()
    await call.admin()
    call.query({})
    result = stored_result(call, result_id)
    return ok(call.render.user(result["uploader_iss"], result["uploader_sub"]))


#: ``GET /reports/submits`` (administrators): everything waiting for review.
list_submits = listing(params.SUBMIT_FILTERS, submits_query, Renderer.submits, admin=True)
#: ``GET /reports/claims`` (administrators).
list_claims = listing(CLAIM_FILTERS, claims_query, Renderer.claims, admin=True)


async def get_claim(call: Call) -> Reply:
    """``GET /reports/claims/{id}`` (administrators)."""
    claim_id = call.path_id()
    await call.admin()
    call.query({})
    stored_claim(call, claim_id)
    return ok(call.render.claims([claim_id])[0])


def review_claim(*, approve: bool) -> Route:
    """``POST /reports/claims/{id}:approve`` / ``:reject`` (administrators, pending claims)."""

    async def route(call: Call) -> Reply:
        claim_id = call.path_id()
        await call.admin()
        call.query({})
        claim = stored_claim(call, claim_id)
        if claim["status"] == "approved":
            raise errors.refused(422, f"Resource {claim_id} was already approved")
        if approve:
            call.store.update("claim", claim_id, {"status": "approved"})
        elif not call.store.holds_claim(claim_id, claim["rid"]):
            # the real service fails on a claim whose result a later claim took over
            raise errors.plain(500)
        else:
            call.store.drop_claim(claim_id)
        return NO_CONTENT

    return route


ROUTES: Routes = [
    ("/results", {"GET": list_results, "POST": create_result}),
    ("/results:search", {"GET": search_results}),
    (f"/results/{ID}", {"GET": get_result, "DELETE": delete_result}),
    (f"/results/{ID}:claim", {"POST": claim_result}),
    (f"/results/{ID}/tags", {"PUT": update_result_tags}),
    (f"/results/{ID}/claims", {"GET": list_result_claims}),
    (f"/results/{ID}/uploader", {"GET": get_result_uploader}),
    ("/reports/submits", {"GET": list_submits}),
    ("/reports/claims", {"GET": list_claims}),
    (f"/reports/claims/{ID}", {"GET": get_claim}),
    (f"/reports/claims/{ID}:approve", {"POST": review_claim(approve=True)}),
    (f"/reports/claims/{ID}:reject", {"POST": review_claim(approve=False)}),
]
