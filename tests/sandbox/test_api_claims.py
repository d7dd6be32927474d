"""Claims and the other changes to existing results, over real HTTP."""

from __future__ import annotations

import httpx
import pytest

C_RAY = "thechristophe/openbench-c-ray"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
PLAIN_FORBIDDEN = {"code": 403, "status": "Forbidden"}


@pytest.fixture(scope="module")
def upload_context(sandbox_url):
    """What a fresh upload needs: a benchmark, a flavor and a valid document."""
    with httpx.Client(base_url=sandbox_url) as client:
        benchmark = client.get("/benchmarks", params={"docker_image": C_RAY}).json()["items"][0]
        sample = client.get("/results", params={"benchmark_id": benchmark["id"], "per_page": 1})
        sample = sample.json()["items"][0]
    return {"benchmark": benchmark, "flavor": sample["flavor"], "document": sample["json"]}


@pytest.fixture
def new_result(sandbox_client, upload_context):
    """Factory: a result just uploaded by a demo user (alice unless told)."""

    def make(who="alice"):
        params = {
            "execution_datetime": "2024-06-01T08:00:00Z",
            "benchmark_id": upload_context["benchmark"]["id"],
            "flavor_id": upload_context["flavor"]["id"],
        }
        answer = sandbox_client(who).post(
            "/results", params=params, json=upload_context["document"]
        )
        assert answer.status_code == 201, answer.text
        return answer.json()

    return make


def ids_of(client, path, **params):
    """The ids of every item of a list, following its pages."""
    ids, page = set(), 1
    while True:
        body = client.get(path, params={**params, "page": page}).raise_for_status().json()
        ids |= {item.get("id") or item.get("resource_id") for item in body["items"]}
        if not body["has_next"]:
            return ids
        page += 1


def listed(client, result):
    """Whether a result shows in the public list and in searches (both narrowed to its flavor)."""
    in_list = result["id"] in ids_of(client, "/results", flavor_id=result["flavor"]["id"])
    found = ids_of(
        client, "/results:search", terms=[result["flavor"]["name"], result["site"]["name"]]
    )
    assert in_list == (result["id"] in found)
    return in_list


def claim(client, result, message="Looks wrong"):
    """Claim a result; the created claim."""
    answer = client.post(f"/results/{result['id']}:claim", json={"message": message})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_claim_hides_its_result_from_lists_but_not_from_reading(sandbox_client, new_result):
    alice = sandbox_client("alice")
    result = new_result()
    assert listed(alice, result)

    made = claim(alice, result)

    assert made["resource_type"] == "result" and made["resource_id"] == result["id"]
    assert made["uploader"]["sub"] == "alice-0001" and made["message"] == "Looks wrong"
    assert not listed(alice, result)
    assert alice.get(f"/results/{result['id']}").json()["id"] == result["id"]


def test_a_pending_claim_waits_in_the_admin_queues(sandbox_client, new_result):
    admin, alice = sandbox_client("admin"), sandbox_client("alice")
    made = claim(alice, new_result())

    pending = admin.get("/reports/claims", params={"status": "on_review"}).json()["items"]
    submits = admin.get("/reports/submits", params={"resource_type": "claim"}).json()["items"]
    mine = alice.get("/users/self/claims", params={"status": "on_review"}).json()["items"]

    assert made["id"] in {c["id"] for c in pending}
    assert made["id"] in {s["resource_id"] for s in submits}
    assert made["id"] in {c["id"] for c in mine}
    assert admin.get(f"/reports/claims/{made['id']}").json() == made


def test_approving_a_claim_keeps_the_result_hidden(sandbox_client, new_result):
    admin = sandbox_client("admin")
    result = new_result()
    made = claim(sandbox_client("alice"), result)

    answer = admin.post(f"/reports/claims/{made['id']}:approve")

    assert answer.status_code == 204
    assert not listed(admin, result)
    assert made["id"] in ids_of(admin, "/reports/claims")
    again = admin.post(f"/reports/claims/{made['id']}:reject")
    assert again.status_code == 422


def test_rejecting_a_claim_drops_it_and_leaves_the_result_hidden(sandbox_client, new_result):
    """As on the real service 1.2.3 (an upstream defect: the result is meant to come back)."""
    admin = sandbox_client("admin")
    result = new_result()
    made = claim(sandbox_client("alice"), result)

    answer = admin.post(f"/reports/claims/{made['id']}:reject")

    assert answer.status_code == 204
    assert admin.get(f"/reports/claims/{made['id']}").status_code == 404
    assert not listed(admin, result)
    assert admin.get(f"/results/{result['id']}").status_code == 200, "still read by id"


def test_a_result_claimed_twice_loses_the_older_claims_reference(sandbox_client, new_result):
    """The result holds one claim: the newer takes it; the older answers without
    resource_id everywhere, and rejecting it fails with a 500, as on the real service."""
    admin, alice = sandbox_client("admin"), sandbox_client("alice")
    result = new_result()
    first = claim(alice, result)
    assert first["resource_id"] == result["id"]
    second = claim(alice, result)
    assert second["resource_id"] == result["id"]

    for path, who in (
        ("/reports/claims", admin),
        ("/users/self/claims", alice),
        (f"/results/{result['id']}/claims", admin),
    ):
        items = {c["id"]: c for c in who.get(path, params={"status": "on_review"}).json()["items"]}
        assert "resource_id" not in items[first["id"]], path
        assert items[first["id"]]["message"] == first["message"]
        assert items[second["id"]]["resource_id"] == result["id"], path
    assert "resource_id" not in admin.get(f"/reports/claims/{first['id']}").json()

    failed = admin.post(f"/reports/claims/{first['id']}:reject")
    assert failed.status_code == 500
    assert failed.json() == {"code": 500, "status": "Internal Server Error"}
    assert first["id"] in ids_of(admin, "/reports/claims", status="on_review"), "still queued"
    assert admin.post(f"/reports/claims/{second['id']}:reject").status_code == 204
    assert not listed(admin, result)


def test_own_results_include_claimed_ones(sandbox_client, new_result):
    alice = sandbox_client("alice")
    result = new_result()
    claim(alice, result)

    mine = ids_of(alice, "/users/self/results", flavor_id=result["flavor"]["id"])

    assert result["id"] in mine


@pytest.mark.parametrize(
    ("action", "path"),
    [
        pytest.param("approve", f"/reports/claims/{UNKNOWN_ID}:approve", id="approve"),
        pytest.param("reject", f"/reports/claims/{UNKNOWN_ID}:reject", id="reject"),
        pytest.param("claim", f"/results/{UNKNOWN_ID}:claim", id="claim-unknown-result"),
    ],
)
def test_claim_actions_on_unknown_ids_are_not_found(sandbox_client, action, path):
    answer = sandbox_client("admin").post(path, json={"message": "x"})

    assert answer.status_code == 404
    assert UNKNOWN_ID in answer.json()["errors"]["error"]


def test_a_claim_needs_a_message(sandbox_client, new_result):
    answer = sandbox_client("alice").post(f"/results/{new_result()['id']}:claim", json={})

    assert answer.status_code == 422
    assert answer.json()["errors"] == {"json": {"message": ["Missing data for required field."]}}


def test_claim_actions_are_for_administrators(sandbox_client, new_result):
    made = claim(sandbox_client("alice"), new_result())

    answer = sandbox_client("alice").post(f"/reports/claims/{made['id']}:approve")

    assert answer.status_code == 403
    assert answer.json()["error"] == "Forbidden"


@pytest.mark.parametrize(
    ("uploader", "reader", "status"),
    [
        pytest.param("alice", "alice", 200, id="uploader"),
        pytest.param("alice", "admin", 200, id="admin"),
        pytest.param("admin", "alice", 403, id="someone-else"),
    ],
)
def test_a_results_claims_are_for_its_uploader_and_admins(
    sandbox_client, new_result, uploader, reader, status
):
    result = new_result(uploader)
    claim(sandbox_client("admin"), result)

    answer = sandbox_client(reader).get(
        f"/results/{result['id']}/claims", params={"status": "on_review"}
    )

    assert answer.status_code == status
    if status == 200:
        assert answer.json()["total"] == 1
    else:
        assert answer.json() == PLAIN_FORBIDDEN


@pytest.mark.parametrize(
    ("uploader", "editor", "status"),
    [
        pytest.param("alice", "alice", 204, id="uploader"),
        pytest.param("alice", "admin", 204, id="admin"),
        pytest.param("admin", "alice", 403, id="someone-else"),
    ],
)
def test_tags_of_a_result_change_by_its_uploader_or_admins(
    sandbox_client, new_result, uploader, editor, status
):
    result = new_result(uploader)
    tag = sandbox_client().get("/tags", params={"name": "baseline"}).json()["items"][0]

    answer = sandbox_client(editor).put(
        f"/results/{result['id']}/tags", json={"tags_ids": [tag["id"]]}
    )

    assert answer.status_code == status
    tags = sandbox_client().get(f"/results/{result['id']}").json()["tags"]
    if status == 204:
        assert [t["name"] for t in tags] == ["baseline"]
    else:
        assert answer.json() == PLAIN_FORBIDDEN and tags == []


def test_retagging_needs_a_registered_user(sandbox_client, new_result):
    answer = sandbox_client("bob").put(f"/results/{new_result()['id']}/tags", json={"tags_ids": []})

    assert answer.status_code == 403
    assert answer.json()["error"] == "Forbidden"


def test_an_admin_deletes_a_result_out_of_the_lists(sandbox_client, new_result):
    admin = sandbox_client("admin")
    result = new_result()

    refused = sandbox_client("alice").delete(f"/results/{result['id']}")
    answer = admin.delete(f"/results/{result['id']}")

    assert refused.status_code == 403 and answer.status_code == 204
    assert not listed(admin, result)
    assert admin.delete(f"/results/{UNKNOWN_ID}").status_code == 404


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("alice", 403), (None, 401)])
def test_the_uploader_of_a_result_is_for_admins(sandbox_client, new_result, who, status):
    result = new_result()

    answer = sandbox_client(who).get(f"/results/{result['id']}/uploader")

    assert answer.status_code == status
    if status == 200:
        assert answer.json()["email"] == "alice@example.org"
