"""The review workflow over real HTTP: submissions, approvals, rejections, conflicts."""

from __future__ import annotations

import uuid

import pytest

from dashboard.sandbox import IMAGES_ENV, SandboxConfig

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2019-09/schema",
    "type": "object",
    "required": ["score"],
    "properties": {"score": {"type": "number"}},
}


def unique(prefix):
    """A name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def ids_of(client, path, **params):
    """The ids of every item of a list, following its pages."""
    ids, page = set(), 1
    while True:
        body = client.get(path, params={**params, "page": page}).raise_for_status().json()
        ids |= {item.get("id") or item.get("resource_id") for item in body["items"]}
        if not body["has_next"]:
            return ids
        page += 1


def submit_site(client):
    """A new site, as its submitter gets it back."""
    answer = client.post("/sites", json={"name": unique("Site"), "address": "Karlsruhe"})
    assert answer.status_code == 201, answer.text
    return answer.json()


def submit_benchmark(client, **changes):
    """POST a benchmark; the raw answer."""
    body = {
        "docker_image": f"example/{unique('bench')}",
        "docker_tag": "1.0",
        "url": "https://hub.docker.com/r/example/bench",
        "json_schema": SCHEMA,
        **changes,
    }
    return client.post("/benchmarks", json=body)


def test_a_submitted_site_waits_for_review_then_is_listed(sandbox_client):
    alice, admin = sandbox_client("alice"), sandbox_client("admin")
    site = submit_site(alice)

    assert site["id"] not in ids_of(alice, "/sites")
    assert site["id"] in ids_of(alice, "/sites", status="on_review")
    assert site["id"] in ids_of(admin, "/reports/submits", resource_type="site")
    assert alice.get(f"/sites/{site['id']}").json() == site

    assert admin.post(f"/sites/{site['id']}:approve").status_code == 204

    assert site["id"] in ids_of(alice, "/sites")
    assert site["id"] not in ids_of(alice, "/sites", status="on_review")
    assert site["id"] not in ids_of(admin, "/reports/submits")


def test_a_rejected_site_is_deleted(sandbox_client):
    admin = sandbox_client("admin")
    site = submit_site(sandbox_client("alice"))

    assert admin.post(f"/sites/{site['id']}:reject").status_code == 204

    answer = admin.get(f"/sites/{site['id']}")
    assert answer.status_code == 404
    assert answer.json()["errors"]["error"] == f"Record {site['id']} not found in the database"


def test_an_approved_item_cannot_be_approved_or_rejected_again(sandbox_client):
    admin = sandbox_client("admin")
    site = submit_site(sandbox_client("alice"))
    admin.post(f"/sites/{site['id']}:approve")

    for action in ("approve", "reject"):
        answer = admin.post(f"/sites/{site['id']}:{action}")
        assert answer.status_code == 422
        assert answer.json()["errors"]["error"] == f"Site {site['id']} was already approved"


@pytest.mark.parametrize("kind", ["benchmarks", "sites", "flavors"])
@pytest.mark.parametrize("action", ["approve", "reject"])
def test_reviewing_an_unknown_item_is_not_found(sandbox_client, kind, action):
    answer = sandbox_client("admin").post(f"/{kind}/{UNKNOWN_ID}:{action}")

    assert answer.status_code == 404


@pytest.mark.parametrize(("who", "status"), [("alice", 403), (None, 401)])
def test_reviews_are_for_administrators(sandbox_client, who, status):
    site = submit_site(sandbox_client("alice"))

    answer = sandbox_client(who).post(f"/sites/{site['id']}:approve")

    assert answer.status_code == status
    assert "code" not in answer.json()


def test_a_flavor_of_a_site_goes_through_review(sandbox_client):
    alice, admin = sandbox_client("alice"), sandbox_client("admin")
    site = submit_site(alice)
    admin.post(f"/sites/{site['id']}:approve")

    flavor = alice.post(f"/sites/{site['id']}/flavors", json={"name": "m1.large"}).json()

    assert ids_of(alice, f"/sites/{site['id']}/flavors") == set()
    assert flavor["id"] in ids_of(alice, f"/sites/{site['id']}/flavors", status="on_review")
    assert admin.post(f"/flavors/{flavor['id']}:approve").status_code == 204
    assert ids_of(alice, f"/sites/{site['id']}/flavors") == {flavor["id"]}
    assert alice.get(f"/flavors/{flavor['id']}/site").json()["id"] == site["id"]
    again = alice.post(f"/sites/{site['id']}/flavors", json={"name": "m1.large"})
    assert again.status_code == 409


def test_a_benchmark_is_submitted_for_review(sandbox_client):
    alice, admin = sandbox_client("alice"), sandbox_client("admin")

    answer = submit_benchmark(alice, description="A test benchmark")

    assert answer.status_code == 201
    benchmark = answer.json()
    assert benchmark["json_schema"] == SCHEMA and benchmark["description"] == "A test benchmark"
    assert benchmark["id"] in ids_of(admin, "/reports/submits", resource_type="benchmark")
    assert benchmark["id"] not in ids_of(alice, "/benchmarks")
    admin.post(f"/benchmarks/{benchmark['id']}:approve")
    assert benchmark["id"] in ids_of(alice, "/benchmarks")


def test_the_same_image_and_tag_cannot_be_submitted_twice(sandbox_client):
    alice = sandbox_client("alice")
    first = submit_benchmark(alice).json()

    answer = submit_benchmark(alice, docker_image=first["docker_image"])

    assert answer.status_code == 409
    assert "already submitted/exists" in answer.json()["errors"]["error"]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        pytest.param({"json_schema": {"type": "count"}}, "error", id="invalid-schema"),
        pytest.param({"docker_image": "Not An Image!"}, "error", id="malformed-image"),
        pytest.param({"json_schema": "{}"}, "json", id="schema-not-an-object"),
        pytest.param({"url": None}, "json", id="null-url"),
    ],
)
def test_a_benchmark_needs_a_valid_image_and_schema(sandbox_client, changes, problem):
    answer = submit_benchmark(sandbox_client("alice"), **changes)

    assert answer.status_code == 422
    assert problem in answer.json()["errors"]


@pytest.mark.parametrize(
    "image",
    [
        pytest.param(("nobody/never-pushed", "1.0"), id="unknown-image"),
        pytest.param(("thechristophe/openbench-c-ray", "no-such-tag"), id="unknown-tag"),
    ],
)
def test_an_image_the_registry_does_not_know_is_refused_as_the_real_service_does(
    sandbox_client, image
):
    docker_image, docker_tag = image
    answer = submit_benchmark(
        sandbox_client("alice"), docker_image=docker_image, docker_tag=docker_tag
    )

    assert answer.status_code == 422
    assert answer.json()["errors"] == {
        "error": "Could not validate container image: Error: manifest not found"
    }


def test_images_the_sandbox_registry_knows_are_the_seeded_ones_and_those_added(tmp_path):
    config = SandboxConfig(data_dir=tmp_path, images=("example/extra:2.0",))
    known = config.known_images({IMAGES_ENV: "lab/one:1, lab/two:2"})
    assert {"thechristophe/openbench-c-ray:1.1", "perfbench/openbench-c-ray:v1"} <= known
    assert {"example/extra:2.0", "lab/one:1", "lab/two:2"} <= known
    assert "nobody/never-pushed:1.0" not in known


def test_tags_need_no_review_but_unique_names(sandbox_client):
    alice = sandbox_client("alice")
    name = unique("tag")

    tag = alice.post("/tags", json={"name": name, "description": "made by a test"})
    twice = alice.post("/tags", json={"name": name})

    assert tag.status_code == 201 and twice.status_code == 409
    assert sandbox_client().get("/tags", params={"name": name}).json()["items"] == [tag.json()]


def test_submitting_needs_a_registered_user(sandbox_client):
    answer = sandbox_client("bob").post("/sites", json={"name": unique("Site"), "address": "x"})

    assert answer.status_code == 403
    assert answer.json()["error"] == "Forbidden"


def test_catalog_searches_match_every_term(sandbox_client):
    alice, admin = sandbox_client("alice"), sandbox_client("admin")
    name = unique("Searchable")
    site = alice.post("/sites", json={"name": name, "address": "Lyon, France"}).json()
    admin.post(f"/sites/{site['id']}:approve")

    found = sandbox_client().get("/sites:search", params={"terms": [name, "Lyon"]}).json()

    assert found["items"] == [site]
    assert ids_of(alice, "/sites:search", terms=[name, "Paris"]) == set()


def test_admins_edit_and_delete_catalog_items(sandbox_client):
    admin = sandbox_client("admin")
    site = submit_site(sandbox_client("alice"))

    new_name = unique("Renamed")

    edited = admin.put(f"/sites/{site['id']}", json={"name": new_name, "address": "Bonn"})
    assert edited.status_code == 204
    assert admin.get(f"/sites/{site['id']}").json()["name"] == new_name
    assert sandbox_client("alice").delete(f"/sites/{site['id']}").status_code == 403
    assert admin.delete(f"/sites/{site['id']}").status_code == 204
    assert admin.get(f"/sites/{site['id']}").status_code == 404
