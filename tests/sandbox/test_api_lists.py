"""Lists over real HTTP: page shape, default orders, sorting, paging and argument errors."""

from __future__ import annotations

import re

import pytest

NAIVE_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?$")
PAGE_KEYS = {"items", "total", "page", "pages", "per_page", "has_next", "has_prev"}
NOT_FOUND = {"code": 404, "status": "Not Found"}

PUBLIC_LISTS = [
    pytest.param("/results", id="results"),
    pytest.param("/results:search", id="results-search"),
    pytest.param("/sites", id="sites"),
    pytest.param("/sites:search", id="sites-search"),
    pytest.param("/benchmarks", id="benchmarks"),
    pytest.param("/benchmarks:search", id="benchmarks-search"),
    pytest.param("/tags", id="tags"),
    pytest.param("/tags:search", id="tags-search"),
]
ADMIN_LISTS = [
    pytest.param("/users", id="users"),
    pytest.param("/reports/submits", id="submits"),
    pytest.param("/reports/claims", id="claims"),
]


def all_items(client, path, **params):
    """Every item of a list, following its pages."""
    items, page = [], 1
    while True:
        body = client.get(path, params={**params, "page": page}).raise_for_status().json()
        items.extend(body["items"])
        if not body["has_next"]:
            return items
        page = body["next_num"]


@pytest.mark.parametrize("path", PUBLIC_LISTS + ADMIN_LISTS)
def test_a_list_answers_one_page_with_its_pagination_fields(sandbox_client, path):
    body = sandbox_client("admin").get(path, params={"per_page": 2}).json()

    assert PAGE_KEYS <= set(body) <= PAGE_KEYS | {"next_num", "prev_num"}
    assert body["page"] == 1 and body["per_page"] == 2 and "prev_num" not in body
    assert len(body["items"]) == min(2, body["total"])
    assert body["pages"] == -(-body["total"] // 2)
    assert body["has_next"] == ("next_num" in body) == (body["pages"] > 1)


def test_a_middle_page_links_both_ways(sandbox_client):
    body = sandbox_client().get("/results", params={"per_page": 5, "page": 2}).json()

    assert body["has_prev"] and body["prev_num"] == 1
    assert body["has_next"] and body["next_num"] == 3


def test_a_page_past_the_end_is_not_found(sandbox_client):
    client = sandbox_client()
    pages = client.get("/sites", params={"per_page": 1}).json()["pages"]

    answer = client.get("/sites", params={"per_page": 1, "page": pages + 1})

    assert answer.status_code == 404
    assert answer.json() == NOT_FOUND


def test_the_first_page_of_an_empty_list_is_empty_not_missing(sandbox_client):
    params = {"benchmark_id": "00000000-0000-4000-8000-000000000000"}

    body = sandbox_client().get("/results", params=params).json()

    assert body["items"] == [] and body["total"] == 0 and body["pages"] == 0


@pytest.mark.parametrize(
    ("path", "key"),
    [
        pytest.param("/results", lambda r: r["execution_datetime"], id="results-by-execution"),
        pytest.param("/sites", lambda s: s["name"], id="sites-by-name"),
        pytest.param("/benchmarks", lambda b: b["docker_image"], id="benchmarks-by-image"),
        pytest.param("/tags", lambda t: t["name"], id="tags-by-name"),
        pytest.param("/users", lambda u: (u["iss"], u["sub"]), id="users-by-iss-sub"),
        pytest.param("/reports/submits", lambda s: s["resource_type"], id="submits-by-type"),
    ],
)
def test_lists_have_the_real_default_order(sandbox_client, path, key):
    items = all_items(sandbox_client("admin"), path)

    assert len(items) > 1
    assert [key(item) for item in items] == sorted(key(item) for item in items)


def test_claims_default_to_the_approved_ones_in_upload_order(sandbox_client):
    claims = sandbox_client("admin").get("/reports/claims").json()["items"]

    assert claims, "the seed has an approved claim"
    times = [claim["upload_datetime"] for claim in claims]
    assert times == sorted(times)


def test_flavors_of_a_site_are_listed_by_name(sandbox_client):
    client = sandbox_client()
    site = client.get("/sites").json()["items"][0]

    flavors = client.get(f"/sites/{site['id']}/flavors").json()["items"]

    assert flavors
    assert [f["name"] for f in flavors] == sorted(f["name"] for f in flavors)


def test_datetimes_come_back_naive_in_utc(sandbox_client):
    result = sandbox_client().get("/results", params={"per_page": 1}).json()["items"][0]

    stamps = [result["execution_datetime"], result["upload_datetime"]]
    stamps += [result[part]["upload_datetime"] for part in ("benchmark", "site", "flavor")]
    assert all(NAIVE_ISO.match(stamp) for stamp in stamps), stamps


@pytest.mark.parametrize(
    ("sort_by", "key"),
    [
        pytest.param("-execution_datetime", lambda r: r["execution_datetime"], id="desc-time"),
        pytest.param("+site_name", lambda r: r["site"]["name"], id="site-name"),
        pytest.param("-benchmark_name", lambda r: r["benchmark"]["docker_image"], id="bench"),
        pytest.param("+flavor_name", lambda r: r["flavor"]["name"], id="flavor-name"),
        pytest.param("+upload_datetime", lambda r: r["upload_datetime"], id="upload"),
    ],
)
def test_results_sort_by_generic_fields(sandbox_client, sort_by, key):
    items = sandbox_client().get("/results", params={"sort_by": sort_by}).json()["items"]

    keys = [key(item) for item in items]
    assert keys == sorted(keys, reverse=sort_by.startswith("-"))


def test_results_sort_by_several_fields_in_turn(sandbox_client):
    params = {"sort_by": "+site_name,-execution_datetime"}

    items = all_items(sandbox_client(), "/results", **params)

    keys = [(r["site"]["name"], r["execution_datetime"]) for r in items]
    by_time_descending = sorted(keys, key=lambda k: k[1], reverse=True)
    assert keys == sorted(by_time_descending, key=lambda k: k[0])  # sorted() is stable


def test_results_sort_by_a_json_path_and_page_without_repeats(sandbox_client):
    client = sandbox_client()
    benchmark = client.get("/benchmarks", params={"docker_image": "thechristophe/openbench-c-ray"})
    benchmark_id = benchmark.json()["items"][0]["id"]
    params = {"benchmark_id": benchmark_id, "sort_by": "-json.result.score", "per_page": 7}

    items = all_items(client, "/results", **params)

    scores = [item["json"]["result"]["score"] for item in items]
    assert scores == sorted(scores, reverse=True)
    assert len({item["id"] for item in items}) == len(items)


@pytest.mark.parametrize(
    ("sort_by", "problem"),
    [
        pytest.param("+nonsense", "Unexpected field 'nonsense'", id="unknown-field"),
        pytest.param("site_name", "Unexpected field 'ite_name'", id="no-prefix-eats-a-letter"),
        pytest.param("*site_name", "Unknown order operator '*'", id="bad-prefix"),
        pytest.param("+site_name, -id", "Unexpected field '-id'", id="space-after-comma"),
    ],
)
def test_a_bad_sort_is_refused_with_a_message(sandbox_client, sort_by, problem):
    answer = sandbox_client().get("/results", params={"sort_by": sort_by})

    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity"
    assert body["message"]["KeyError"] == problem and "hint" in body["message"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        pytest.param({"colour": "red"}, "colour", "Unknown field.", id="unknown"),
        pytest.param({"per_page": "abc"}, "per_page", "Not a valid integer.", id="per-page-text"),
        pytest.param(
            {"per_page": 101},
            "per_page",
            "Must be greater than or equal to 1 and less than or equal to 100.",
            id="per-page-too-big",
        ),
        pytest.param({"per_page": 0}, "per_page", None, id="per-page-zero"),
        pytest.param({"page": 0}, "page", "Must be greater than or equal to 1.", id="page-zero"),
        pytest.param({"benchmark_id": "x1"}, "benchmark_id", "Not a valid UUID.", id="bad-uuid"),
        pytest.param(
            {"execution_after": "yesterday"}, "execution_after", "Not a valid date.", id="bad-date"
        ),
    ],
)
def test_bad_arguments_are_refused_field_by_field(sandbox_client, params, field, message):
    answer = sandbox_client().get("/results", params=params)

    assert answer.status_code == 422
    body = answer.json()
    assert set(body) == {"code", "status", "errors"} and body["code"] == 422
    assert field in body["errors"]["query"]
    if message is not None:
        assert body["errors"]["query"][field] == [message]


def test_a_bad_status_names_the_choices(sandbox_client):
    answer = sandbox_client().get("/sites", params={"status": "gone"})

    assert answer.status_code == 422
    assert answer.json()["errors"]["query"]["status"] == ["Must be one of: on_review, approved."]


def test_unknown_arguments_are_refused_on_item_routes_too(sandbox_client):
    client = sandbox_client()
    site_id = client.get("/sites", params={"per_page": 1}).json()["items"][0]["id"]

    answer = client.get(f"/sites/{site_id}", params={"verbose": 1})

    assert answer.status_code == 422
    assert answer.json()["errors"] == {"query": {"verbose": ["Unknown field."]}}


def test_array_arguments_may_carry_brackets(sandbox_client):
    client = sandbox_client()
    tag = client.get("/tags", params={"name": "cloud"}).json()["items"][0]

    plain = client.get("/results", params={"tags_ids": tag["id"]}).json()["total"]
    bracketed = client.get("/results", params={"tags_ids[]": tag["id"]}).json()["total"]

    assert plain == bracketed > 0
