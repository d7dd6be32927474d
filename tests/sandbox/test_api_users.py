"""Users and auth over real HTTP: registration, the caller's data, admin checks, error shapes."""

from __future__ import annotations

import pytest

from dashboard.sandbox.identities import DEMO_ISSUER


@pytest.fixture
def fresh(fresh_sandbox, sandbox_client):
    """Factory of clients on one isolated sandbox, for tests that register or remove users."""
    server = fresh_sandbox()
    return lambda who=None: sandbox_client(who, url=server.url)


def test_registering_answers_the_new_user_once(fresh):
    bob = fresh("bob")
    assert bob.get("/users/self").status_code == 404

    answer = bob.post("/users:register")
    again = bob.post("/users:register")

    assert answer.status_code == 201
    user = answer.json()
    assert (user["sub"], user["iss"], user["email"]) == ("bob-0002", DEMO_ISSUER, "bob@example.org")
    assert set(user) == {"sub", "iss", "email", "registration_datetime"}
    assert bob.get("/users/self").json() == user
    assert again.status_code == 409
    assert again.json()["errors"] == {"error": "User already submitted/exists"}


def test_the_self_routes_are_not_found_until_registered(sandbox_client):
    bob = sandbox_client("bob")

    for path in ("/users/self", "/users/self/results", "/users/self/claims"):
        answer = bob.get(path)
        assert answer.status_code == 404, path
        assert answer.json() == {
            "code": 404,
            "status": "Not Found",
            "errors": {"error": "User not registered"},
        }


@pytest.mark.parametrize(
    ("headers", "who", "status"),
    [
        pytest.param({}, "admin", 204, id="admin"),
        pytest.param({}, "alice", 403, id="user"),
        pytest.param({}, "bob", 403, id="unregistered"),
        pytest.param({}, None, 401, id="no-token"),
        pytest.param({"Authorization": "Bearer not-a-demo-token"}, None, 401, id="bad-token"),
        pytest.param({"Authorization": "Basic YWxpY2U6eA=="}, None, 401, id="not-bearer"),
    ],
)
def test_try_admin_tells_administrators_apart(sandbox_client, headers, who, status):
    answer = sandbox_client(who).get("/users/self:try_admin", headers=headers)

    assert answer.status_code == status
    if status != 204:
        body = answer.json()
        assert set(body) == {"error", "error_description", "error_details"}
        assert body["error"] == ("Unauthenticated" if status == 401 else "Forbidden")


def test_error_bodies_never_echo_the_token(sandbox_client):
    token = "secret-token-that-must-not-leak"

    answer = sandbox_client().get("/users/self", headers={"Authorization": f"Bearer {token}"})

    assert answer.status_code == 401 and token not in answer.text


def test_a_user_reads_and_refreshes_their_own_record(sandbox_client):
    alice = sandbox_client("alice")

    me = alice.get("/users/self").json()
    refreshed = alice.post("/users/self:update")

    assert me["sub"] == "alice-0001" and me["email"] == "alice@example.org"
    assert refreshed.status_code == 204
    assert alice.get("/users/self").json() == me


def test_own_results_are_the_callers_uploads(sandbox_client):
    results = sandbox_client("alice").get("/users/self/results").json()

    assert results["total"] > 0
    assert results["total"] < sandbox_client().get("/results").json()["total"]


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("alice", 403), (None, 401)])
def test_the_user_list_is_for_administrators(sandbox_client, who, status):
    assert sandbox_client(who).get("/users").status_code == status


def test_admins_filter_and_search_users(sandbox_client):
    admin = sandbox_client("admin")

    by_email = admin.get("/users", params={"email": "alice@example.org"}).json()["items"]
    searched = admin.get("/users:search", params={"terms": ["example", "alice"]}).json()["items"]

    assert [user["sub"] for user in by_email] == ["alice-0001"]
    assert [user["sub"] for user in searched] == ["alice-0001"]


def test_removing_users_needs_a_selector_and_takes_their_uploads(fresh):
    admin, alice = fresh("admin"), fresh("alice")
    own = alice.get("/users/self/results").json()["items"]
    assert own

    refused = admin.post("/users:remove")
    removed = admin.post("/users:remove", params={"sub": "alice-0001"})

    assert refused.status_code == 422
    assert refused.json()["errors"] == {"error": "Cancelled, undefined users"}
    assert removed.status_code == 204
    assert alice.get("/users/self").status_code == 404
    assert admin.get(f"/results/{own[0]['id']}").status_code == 404
