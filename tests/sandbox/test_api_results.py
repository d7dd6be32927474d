"""Results over real HTTP: uploads and their checks, JSON filters, dates, tags, search."""

from __future__ import annotations

import copy
import datetime as dt
import uuid

import httpx
import pytest

C_RAY = "thechristophe/openbench-c-ray"
FREE_FORM = "eoscperf/adhoc-probe"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def only(client, path, **params):
    """The single item a list answers."""
    items = client.get(path, params=params).raise_for_status().json()["items"]
    assert len(items) == 1, items
    return items[0]


def every(client, path, **params):
    """Every item of a list, following its pages."""
    items, page = [], 1
    while True:
        body = client.get(path, params={**params, "page": page}).raise_for_status().json()
        items += body["items"]
        if not body["has_next"]:
            return items
        page += 1


@pytest.fixture(scope="module")
def catalog(sandbox_url):
    """Approved things to upload against: benchmarks, a flavor (and its site), tags."""
    with httpx.Client(base_url=sandbox_url) as client:
        c_ray = only(client, "/benchmarks", docker_image=C_RAY)
        free_form = only(client, "/benchmarks", docker_image=FREE_FORM)
        sample = client.get("/results", params={"benchmark_id": c_ray["id"], "per_page": 1})
        site = client.get("/sites", params={"per_page": 1}).json()["items"][0]
        flavor = client.get(f"/sites/{site['id']}/flavors", params={"per_page": 1}).json()
        tags = {tag["name"]: tag for tag in every(client, "/tags")}
    return {
        "c_ray": c_ray,
        "free_form": free_form,
        "c_ray_document": sample.json()["items"][0]["json"],
        "site": site,
        "flavor": flavor["items"][0],
        "tags": tags,
    }


def upload(client, benchmark, flavor, document, *, executed="2024-05-01T12:00:00+02:00", tags=()):
    """POST a result; the raw answer."""
    params = {
        "execution_datetime": executed,
        "benchmark_id": benchmark["id"],
        "flavor_id": flavor["id"],
        "tags_ids": [tag["id"] for tag in tags],
    }
    return client.post("/results", params=params, json=document)


def test_a_valid_upload_answers_the_full_result(sandbox_client, catalog):
    alice = sandbox_client("alice")
    document = copy.deepcopy(catalog["c_ray_document"])
    cloud = catalog["tags"]["cloud"]

    answer = upload(alice, catalog["c_ray"], catalog["flavor"], document, tags=[cloud])

    assert answer.status_code == 201
    result = answer.json()
    assert result["json"] == document
    assert result["execution_datetime"] == "2024-05-01T10:00:00"  # to UTC, offset dropped
    assert result["benchmark"]["id"] == catalog["c_ray"]["id"]
    assert result["flavor"]["id"] == catalog["flavor"]["id"]
    assert result["site"]["id"] == catalog["site"]["id"]  # the flavor's site
    assert [tag["name"] for tag in result["tags"]] == ["cloud"]
    assert set(result) == {
        "id", "execution_datetime", "upload_datetime", "benchmark", "site", "flavor", "tags",
        "json",
    }  # fmt: skip
    listed = every(alice, "/results", flavor_id=catalog["flavor"]["id"])
    assert result["id"] in {item["id"] for item in listed}
    own = every(alice, "/users/self/results", flavor_id=catalog["flavor"]["id"])
    assert result["id"] in {item["id"] for item in own}


@pytest.mark.parametrize(
    ("spoil", "message", "path"),
    [
        pytest.param(
            lambda d: d.pop("result"),
            "'result' is a required property",
            "deque([])",
            id="missing-required",
        ),
        pytest.param(
            lambda d: d["result"].update(score="fast"),
            "'fast' is not of type 'number'",
            "deque(['result', 'score'])",
            id="wrong-type-nested",
        ),
        pytest.param(
            lambda d: d["benchmark"].update(name="povray"),
            "'c-ray' was expected",
            "deque(['benchmark', 'name'])",
            id="const",
        ),
    ],
)
def test_a_result_failing_its_schema_is_refused_with_the_path(
    sandbox_client, catalog, spoil, message, path
):
    document = copy.deepcopy(catalog["c_ray_document"])
    spoil(document)

    answer = upload(sandbox_client("alice"), catalog["c_ray"], catalog["flavor"], document)

    assert answer.status_code == 422
    assert answer.json() == {
        "code": 422,
        "status": "Unprocessable Entity",
        "errors": {"error": message, "path": path},
    }


@pytest.mark.parametrize(
    ("executed", "error"),
    [
        pytest.param("2024-05-01T12:00:00", "Execution date must include timezone", id="naive"),
        pytest.param(
            (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat(),
            "Execution date cannot be in future",
            id="future",
        ),
    ],
)
def test_the_execution_time_needs_a_timezone_and_a_past(sandbox_client, catalog, executed, error):
    document = catalog["c_ray_document"]

    answer = upload(
        sandbox_client("alice"), catalog["c_ray"], catalog["flavor"], document, executed=executed
    )

    assert answer.status_code == 422
    assert answer.json()["errors"] == {"error": error}


def test_a_malformed_execution_time_is_an_argument_error(sandbox_client, catalog):
    answer = upload(
        sandbox_client("alice"), catalog["c_ray"], catalog["flavor"], {}, executed="soon"
    )

    assert answer.status_code == 422
    assert answer.json()["errors"]["query"] == {"execution_datetime": ["Not a valid datetime."]}


@pytest.mark.parametrize(
    ("target", "status"),
    [
        pytest.param("benchmark", 404, id="unknown-benchmark"),
        pytest.param("flavor", 404, id="unknown-flavor"),
        pytest.param("tag", 404, id="unknown-tag"),
    ],
)
def test_uploads_naming_unknown_things_are_not_found(sandbox_client, catalog, target, status):
    missing = {"id": UNKNOWN_ID}
    benchmark = missing if target == "benchmark" else catalog["c_ray"]
    flavor = missing if target == "flavor" else catalog["flavor"]
    tags = [missing] if target == "tag" else []

    answer = upload(
        sandbox_client("alice"), benchmark, flavor, catalog["c_ray_document"], tags=tags
    )

    assert answer.status_code == status
    assert UNKNOWN_ID in answer.json()["errors"]["error"]


def test_uploads_to_a_benchmark_under_review_are_refused(sandbox_client, catalog):
    pending = sandbox_client().get("/benchmarks", params={"status": "on_review"}).json()["items"]

    answer = upload(sandbox_client("alice"), pending[0], catalog["flavor"], {})

    assert answer.status_code == 422
    assert answer.json()["errors"]["error"].endswith("not approved")


@pytest.mark.parametrize(
    ("who", "status", "error"),
    [
        pytest.param(None, 401, "Unauthenticated", id="anonymous"),
        pytest.param("bob", 403, "Forbidden", id="not-registered"),
    ],
)
def test_uploading_needs_a_registered_user(sandbox_client, catalog, who, status, error):
    answer = upload(sandbox_client(who), catalog["c_ray"], catalog["flavor"], {})

    assert answer.status_code == status
    body = answer.json()
    assert body["error"] == error and "code" not in body
    assert {"error_description", "error_details"} <= set(body)


@pytest.mark.parametrize(
    ("expression", "holds"),
    [
        pytest.param("result.score < 30", lambda j: j["result"]["score"] < 30, id="less"),
        pytest.param("result.score >= 30", lambda j: j["result"]["score"] >= 30, id="at-least"),
        pytest.param(
            "machine.cpu.count == 16", lambda j: j["machine"]["cpu"]["count"] == 16, id="eq"
        ),
        pytest.param(
            "benchmark.scene == sphfract",
            lambda j: j["benchmark"]["scene"] == "sphfract",
            id="text",
        ),
    ],
)
def test_json_filters_keep_the_results_that_satisfy_them(
    sandbox_client, catalog, expression, holds
):
    results = every(
        sandbox_client(), "/results", benchmark_id=catalog["c_ray"]["id"], filters=expression
    )

    assert results
    assert all(holds(result["json"]) for result in results)


def test_numeric_filters_partition_the_results(sandbox_client, catalog):
    client = sandbox_client()
    params = {"benchmark_id": catalog["c_ray"]["id"]}

    total = client.get("/results", params=params).json()["total"]
    below = client.get("/results", params={**params, "filters": "result.score < 30"})
    above = client.get("/results", params={**params, "filters": "result.score >= 30"})

    assert below.json()["total"] + above.json()["total"] == total


def test_results_lacking_the_filtered_path_are_left_out(sandbox_client):
    results = every(sandbox_client(), "/results", filters="result.score > 0")

    assert results
    assert {result["benchmark"]["docker_image"] for result in results} >= {C_RAY}
    assert all("score" in result["json"].get("result", {}) for result in results)


def test_filters_combine_and_read_booleans(sandbox_client, catalog):
    alice = sandbox_client("alice")
    label = str(uuid.uuid4())
    for flag, count in [(True, 3), (False, 5)]:
        document = {"probe": {"label": label, "flag": flag, "count": count}}
        assert upload(alice, catalog["free_form"], catalog["flavor"], document).status_code == 201

    def matching(*expressions):
        filters = [f"probe.label == {label}", *expressions]
        return [r["json"]["probe"] for r in every(alice, "/results", filters=filters)]

    assert len(matching()) == 2
    assert matching("probe.flag == true") == [{"label": label, "flag": True, "count": 3}]
    assert matching("probe.flag == False", "probe.count > 4")[0]["count"] == 5
    assert matching("probe.flag == true", "probe.count > 4") == []


def test_a_filter_without_three_parts_is_refused_with_a_hint(sandbox_client):
    answer = sandbox_client().get("/results", params={"filters": "result.score>5"})

    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert errors["filter"] == "result.score>5"
    assert errors["hint"] == "Probably missing spaces (%20)"
    assert errors["reason"] == ["not enough values to unpack (expected 3, got 1)"]


def test_an_unknown_filter_operator_is_refused_with_the_choices(sandbox_client):
    answer = sandbox_client().get("/results", params={"filters": "result.score != 5"})

    assert answer.status_code == 422
    message = answer.json()["message"]
    assert message["reason"] == ["Unknown filter operator: '!='"]
    assert "'=='" in message["hint"]


@pytest.mark.parametrize("field", ["execution", "upload"])
def test_date_bounds_are_strict_and_read_as_midnight_utc(sandbox_client, field):
    client = sandbox_client()
    middle = client.get("/results", params={"per_page": 1, "page": 100}).json()["items"][0]
    day = middle[f"{field}_datetime"][:10]

    after = every(client, "/results", **{f"{field}_after": day})
    before = every(client, "/results", **{f"{field}_before": day})

    assert after and before
    assert all(r[f"{field}_datetime"] > f"{day}T00:00:00" for r in after)
    assert all(r[f"{field}_datetime"] < f"{day}T00:00:00" for r in before)


def test_results_must_carry_every_tag_asked_for(sandbox_client, catalog):
    alice = sandbox_client("alice")
    cloud, baseline = catalog["tags"]["cloud"], catalog["tags"]["baseline"]
    both = upload(
        alice,
        catalog["c_ray"],
        catalog["flavor"],
        catalog["c_ray_document"],
        tags=[cloud, baseline],
    ).json()
    one = upload(
        alice, catalog["c_ray"], catalog["flavor"], catalog["c_ray_document"], tags=[cloud]
    ).json()

    found = every(alice, "/results", tags_ids=[cloud["id"], baseline["id"]])

    ids = {result["id"] for result in found}
    assert both["id"] in ids and one["id"] not in ids
    assert all({"cloud", "baseline"} <= {t["name"] for t in r["tags"]} for r in found)


def mentions(result, term):
    """Whether a result search term matches the result, as the real service matches them."""
    benchmark = result["benchmark"]
    texts = [
        f"{benchmark['docker_image']}:{benchmark['docker_tag']}",
        result["site"]["name"],
        result["site"]["address"],
        result["flavor"]["name"],
    ]
    return any(term in text for text in texts) or term in {t["name"] for t in result["tags"]}


def test_search_terms_must_all_match_somewhere(sandbox_client, catalog):
    terms = [catalog["site"]["name"], "c-ray"]

    found = every(sandbox_client(), "/results:search", terms=terms)

    assert found
    assert all(mentions(result, term) for result in found for term in terms)
    assert {result["site"]["id"] for result in found} == {catalog["site"]["id"]}


def test_search_matches_tag_names_exactly(sandbox_client):
    client = sandbox_client()

    exact = every(client, "/results:search", terms=["baseline"])
    partial = client.get("/results:search", params={"terms": "baselin"}).json()

    assert exact and all("baseline" in {t["name"] for t in r["tags"]} for r in exact)
    assert partial["total"] == 0
