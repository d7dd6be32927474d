"""Routes for users: registration, the caller's own data, and the admins' user list.

As on the real service: registering needs only a valid token (and an e-mail in
the provider's userinfo); ``/users/self...`` answers 404 until the caller is
registered; a user's own results include the ones hidden by a claim.
"""

from __future__ import annotations

from dashboard.sandbox import errors, params
from dashboard.sandbox.calls import NO_CONTENT, Call, Reply, Routes, created, listing, ok
from dashboard.sandbox.params import PAGINATION, SEARCH, USER_SELECTORS, sorted_by
from dashboard.sandbox.query import claims_query, results_query, users_query
from dashboard.sandbox.render import Renderer
from dashboard.sandbox.store import Duplicate

USER_FILTERS = {**PAGINATION, **USER_SELECTORS, **sorted_by("+iss,+sub")}
USER_SEARCH = {**PAGINATION, **SEARCH}
_NO_EMAIL = "No scope for email in oidc token"


#: ``GET /users`` (administrators).
list_users = listing(USER_FILTERS, users_query, Renderer.users, admin=True)
#: ``GET /users:search`` (administrators): users whose e-mail holds every term.
search_users = listing(USER_SEARCH, users_query, Renderer.users, admin=True)


async def register(call: Call) -> Reply:
    """``POST /users:register``: the caller accepts the terms and becomes a user."""
    principal = await call.principal()
    call.query({})
    if not principal.email:
        raise errors.refused(422, _NO_EMAIL)
    try:
        call.store.register_user(principal.sub, principal.iss, principal.email)
    except Duplicate:
        raise errors.refused(409, "User already submitted/exists") from None
    return created(call.render.user(principal.iss, principal.sub))


async def remove_users(call: Call) -> Reply:
    """``POST /users:remove`` (administrators): delete the users matching the selectors."""
    await call.admin()
    args = call.query(USER_SELECTORS)
    selectors = {column: value for column, value in args.items() if value is not None}
    if not selectors:
        raise errors.refused(422, "Cancelled, undefined users")
    call.store.remove_users(selectors)
    return NO_CONTENT


async def get_self(call: Call) -> Reply:
    """``GET /users/self``."""
    await call.principal()
    call.query({})
    user = await call.self_user()
    return ok(call.render.user(user["iss"], user["sub"]))


async def update_self(call: Call) -> Reply:
    """``POST /users/self:update``: refresh the e-mail address from the provider."""
    principal = await call.principal()
    call.query({})
    await call.self_user()
    if not principal.email:
        raise errors.refused(422, _NO_EMAIL)
    call.store.update_user_email(principal.sub, principal.iss, principal.email)
    return NO_CONTENT


async def try_admin(call: Call) -> Reply:
    """``GET /users/self:try_admin``: 204 for administrators."""
    await call.admin()
    call.query({})
    return NO_CONTENT


async def own_results(call: Call) -> Reply:
    """``GET /users/self/results``: the caller's uploads, claimed ones included."""
    await call.principal()
    args = call.query(params.RESULT_FILTERS)
    user = await call.self_user()
    query = results_query(args, uploader=(user["sub"], user["iss"]))
    return call.page(query, args, call.render.results)


async def own_claims(call: Call) -> Reply:
    """``GET /users/self/claims``: the claims the caller made."""
    await call.principal()
    args = call.query(params.CLAIM_FILTERS)
    user = await call.self_user()
    query = claims_query(args, uploader=(user["sub"], user["iss"]))
    return call.page(query, args, call.render.claims)


ROUTES: Routes = [
    ("/users", {"GET": list_users}),
    ("/users:register", {"POST": register}),
    ("/users:remove", {"POST": remove_users}),
    ("/users:search", {"GET": search_users}),
    ("/users/self", {"GET": get_self}),
    ("/users/self:update", {"POST": update_self}),
    ("/users/self:try_admin", {"GET": try_admin}),
    ("/users/self/results", {"GET": own_results}),
    ("/users/self/claims", {"GET": own_claims}),
]
