"""The sandbox's demo data: deterministic, consistent and plausible."""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

import jsonschema
import pytest

from dashboard.sandbox.identities import DEMO_IDENTITIES, DEMO_ISSUER, identity_by_key
from dashboard.sandbox.seed import ANCHOR, SeedData, generate

DRAFTS = {
    "draft-07": "http://json-schema.org/draft-07/schema#",
    "2019-09": "https://json-schema.org/draft/2019-09/schema",
    "2020-12": "https://json-schema.org/draft/2020-12/schema",
}
FLAVOR_DESCRIPTION = re.compile(
    r"^(?P<cpus>\d+) vCPU, (?P<ram>\d+) GiB RAM(?:, (?P<gpus>\d+)x (?P<gpu_model>.+))?$"
)


@pytest.fixture(scope="module")
def data() -> SeedData:
    return generate()


def _by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in rows}


def _approved(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row for row in rows if row["status"] == "approved"]


def _flagship_results(data: SeedData) -> list[dict[str, Any]]:
    flagship = data.benchmarks[0]["id"]
    return [r for r in data.results if r["benchmark_id"] == flagship]


def _schema_keys(node: Any) -> list[str]:
    """Every dict key anywhere in a schema, keywords and property names alike."""
    if isinstance(node, dict):
        return [k for key, value in node.items() for k in [key, *_schema_keys(value)]]
    if isinstance(node, list):
        return [k for item in node for k in _schema_keys(item)]
    return []


@pytest.mark.parametrize(
    ("table", "keys"),
    [
        ("users", {"sub", "iss", "email", "registration_datetime"}),
        (
            "benchmarks",
            {
                "id",
                "docker_image",
                "docker_tag",
                "url",
                "description",
                "json_schema",
                "upload_datetime",
                "status",
                "uploader",
            },
        ),
        (
            "sites",
            {"id", "name", "address", "description", "upload_datetime", "status", "uploader"},
        ),
        (
            "flavors",
            {"id", "site_id", "name", "description", "upload_datetime", "status", "uploader"},
        ),
        ("tags", {"id", "name", "description", "upload_datetime"}),
        (
            "results",
            {
                "id",
                "benchmark_id",
                "flavor_id",
                "tag_ids",
                "json",
                "execution_datetime",
                "upload_datetime",
                "uploader",
            },
        ),
        ("claims", {"id", "result_id", "message", "upload_datetime", "status", "uploader"}),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_rows_have_exactly_the_promised_keys(data: SeedData, table: str, keys: set[str]) -> None:
    rows = getattr(data, table)
    assert rows
    assert all(set(row) == keys for row in rows)


def test_the_same_arguments_give_the_same_data() -> None:
    assert generate(50, seed=7) == generate(50, seed=7)


def test_another_seed_gives_other_ids() -> None:
    one, other = generate(50, seed=1), generate(50, seed=2)
    for table in ("benchmarks", "sites", "flavors", "tags", "results", "claims"):
        assert {r["id"] for r in getattr(one, table)}.isdisjoint(
            r["id"] for r in getattr(other, table)
        ), table


def test_the_catalogue_does_not_depend_on_size() -> None:
    small, large = generate(10), generate(2_000)
    for table in ("users", "benchmarks", "sites", "flavors", "tags"):
        assert getattr(small, table) == getattr(large, table), table


def test_ids_are_unique_uuid4_strings(data: SeedData) -> None:
    uuid4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    ids = [
        row["id"]
        for table in ("benchmarks", "sites", "flavors", "tags", "results", "claims")
        for row in getattr(data, table)
    ]
    assert len(ids) == len(set(ids))
    assert all(uuid4.match(i) for i in ids)


@pytest.mark.parametrize(
    ("size", "flagship", "others"),
    [(0, 0, 60), (1, 1, 60), (400, 400, 60), (1_234, 1_234, 123)],
    ids=["empty", "one", "default", "large"],
)
def test_size_counts_the_flagship_results(size: int, flagship: int, others: int) -> None:
    data = generate(size)
    counts = Counter(r["benchmark_id"] for r in data.results)
    approved = _approved(data.benchmarks)
    assert counts[approved[0]["id"]] == flagship
    schemad = [b for b in approved[1:] if b["json_schema"]]
    assert [counts[b["id"]] for b in schemad] == [others] * len(schemad) == [others] * 3
    free_form = [b for b in approved if not b["json_schema"]]
    assert len(free_form) == 1
    assert counts[free_form[0]["id"]] == 8


def test_every_schema_is_valid_and_the_three_drafts_appear(data: SeedData) -> None:
    for benchmark in data.benchmarks:
        schema = benchmark["json_schema"]
        jsonschema.validators.validator_for(schema).check_schema(schema)
    drafts = {b["json_schema"].get("$schema") for b in _approved(data.benchmarks)}
    assert set(DRAFTS.values()) <= drafts


def test_the_schemas_use_what_real_schemas_use(data: SeedData) -> None:
    keys = Counter(k for b in data.benchmarks for k in _schema_keys(b["json_schema"]))
    for keyword in (
        "$ref",
        "$defs",
        "definitions",
        "allOf",
        "anyOf",
        "oneOf",
        "const",
        "enum",
        "items",
        "format",
        "description",
        "unit",
        "required",
        "suggestToUser",
    ):
        assert keys[keyword], keyword


def test_every_result_validates_against_its_benchmark_schema(data: SeedData) -> None:
    benchmarks = _by_id(data.benchmarks)
    validators = {
        bid: jsonschema.validators.validator_for(b["json_schema"])(b["json_schema"])
        for bid, b in benchmarks.items()
    }
    for result in data.results:
        errors = list(validators[result["benchmark_id"]].iter_errors(result["json"]))
        assert not errors, (result["id"], errors[0].message)
        # jsonschema checks "date-time" only with an optional package: check it here.
        if "start_datetime" in result["json"]:
            started = datetime.fromisoformat(result["json"]["start_datetime"])
            assert started == result["execution_datetime"]


def test_each_schema_suggests_one_to_three_fields(data: SeedData) -> None:
    schemad = [b for b in _approved(data.benchmarks) if b["json_schema"]]
    assert len(schemad) >= 4
    for benchmark in schemad:
        suggested = _schema_keys(benchmark["json_schema"]).count("suggestToUser")
        assert 1 <= suggested <= 3, benchmark["docker_image"]


def test_flavors_results_and_claims_point_at_existing_rows(data: SeedData) -> None:
    sites, flavors = _by_id(data.sites), _by_id(data.flavors)
    benchmarks, results = _by_id(data.benchmarks), _by_id(data.results)
    tags = _by_id(data.tags)
    assert all(f["site_id"] in sites for f in data.flavors)
    for result in data.results:
        assert result["benchmark_id"] in benchmarks
        assert result["flavor_id"] in flavors
        assert set(result["tag_ids"]) <= tags.keys()
        assert len(set(result["tag_ids"])) == len(result["tag_ids"]) <= 3
    assert all(c["result_id"] in results for c in data.claims)


def test_results_sit_on_approved_items_only(data: SeedData) -> None:
    sites, flavors = _by_id(data.sites), _by_id(data.flavors)
    benchmarks = _by_id(data.benchmarks)
    for result in data.results:
        flavor = flavors[result["flavor_id"]]
        assert benchmarks[result["benchmark_id"]]["status"] == "approved"
        assert flavor["status"] == sites[flavor["site_id"]]["status"] == "approved"


def test_there_is_pending_work_for_the_admin(data: SeedData) -> None:
    admin = (identity_by_key("admin").sub, DEMO_ISSUER)
    pending = [
        row
        for table in ("benchmarks", "sites", "flavors")
        for row in getattr(data, table)
        if row["status"] == "on_review"
    ]
    assert {row["status"] for row in data.benchmarks + data.sites + data.flavors} == {
        "approved",
        "on_review",
    }
    assert 1 <= sum(b["status"] == "on_review" for b in data.benchmarks) <= 2
    assert sum(s["status"] == "on_review" for s in data.sites) == 1
    assert 1 <= sum(f["status"] == "on_review" for f in data.flavors) <= 2
    assert all(row["uploader"] != admin for row in pending)
    statuses = Counter(c["status"] for c in data.claims)
    assert statuses["approved"] == 1
    assert 2 <= statuses["on_review"] <= 3
    assert len({c["result_id"] for c in data.claims}) == len(data.claims)


def test_uploaders_are_registered_users_and_bob_is_not_one(data: SeedData) -> None:
    users = {(u["sub"], u["iss"]) for u in data.users}
    assert all(u["iss"] == DEMO_ISSUER for u in data.users)
    for identity in DEMO_IDENTITIES:
        assert ((identity.sub, DEMO_ISSUER) in users) == identity.registered, identity.key
    assert identity_by_key("bob").sub not in {u["sub"] for u in data.users}
    for table in ("benchmarks", "sites", "flavors", "results", "claims"):
        assert all(row["uploader"] in users for row in getattr(data, table)), table


def test_providers_upload_most_results_and_alice_some(data: SeedData) -> None:
    uploads = Counter(r["uploader"][0] for r in data.results)
    assert uploads[identity_by_key("alice").sub] >= 5
    assert uploads[identity_by_key("admin").sub] == 0
    demo_subs = {i.sub for i in DEMO_IDENTITIES}
    synthetic = {sub: n for sub, n in uploads.items() if sub not in demo_subs}
    assert len(synthetic) >= 4
    assert sum(synthetic.values()) > len(data.results) / 2


def test_datetimes_are_aware_utc_and_before_the_anchor(data: SeedData) -> None:
    for table in ("users", "benchmarks", "sites", "flavors", "tags", "results", "claims"):
        for row in getattr(data, table):
            for value in row.values():
                if isinstance(value, datetime):
                    assert value.utcoffset() is not None and not value.utcoffset()
                    assert value < ANCHOR, table


def test_the_timeline_is_consistent(data: SeedData) -> None:
    benchmarks, flavors = _by_id(data.benchmarks), _by_id(data.flavors)
    results, tags = _by_id(data.results), _by_id(data.tags)
    registered = {(u["sub"], u["iss"]): u["registration_datetime"] for u in data.users}
    for result in data.results:
        executed = result["execution_datetime"]
        assert result["upload_datetime"] >= executed
        assert executed > benchmarks[result["benchmark_id"]]["upload_datetime"]
        assert executed > flavors[result["flavor_id"]]["upload_datetime"]
        assert all(executed > tags[t]["upload_datetime"] for t in result["tag_ids"])
        assert result["upload_datetime"] > registered[result["uploader"]]
    for claim in data.claims:
        assert claim["upload_datetime"] > results[claim["result_id"]]["upload_datetime"]
    executions = [r["execution_datetime"] for r in _flagship_results(data)]
    assert (max(executions) - min(executions)).days > 600  # spread over about two years


def test_result_machines_match_their_flavor(data: SeedData) -> None:
    flavors = _by_id(data.flavors)
    for result in data.results:
        machine = result["json"].get("machine")
        if machine is None:
            continue  # free-form results
        spec = FLAVOR_DESCRIPTION.match(flavors[result["flavor_id"]]["description"])
        assert spec, flavors[result["flavor_id"]]["description"]
        assert machine["cpu"]["count"] == int(spec["cpus"])
        assert machine["ram_gb"] == int(spec["ram"])
        if "gpu" in machine:
            assert machine["gpu"] == {
                **machine["gpu"],
                "count": int(spec["gpus"]),
                "model": spec["gpu_model"],
            }


def test_more_cores_render_faster(data: SeedData) -> None:
    times = defaultdict(list)
    for result in _flagship_results(data):
        times[result["json"]["machine"]["cpu"]["count"]].append(result["json"]["result"]["score"])
    assert statistics.median(times[max(times)]) < statistics.median(times[min(times)]) / 4


def test_gpu_results_only_on_gpu_flavors_and_faster_gpus_win(data: SeedData) -> None:
    flavors = _by_id(data.flavors)
    gpu_benchmark = next(b for b in data.benchmarks if "benchmarks_cnn" in b["docker_image"])
    rates = defaultdict(list)
    for result in data.results:
        if result["benchmark_id"] != gpu_benchmark["id"]:
            continue
        assert "x NVIDIA" in flavors[result["flavor_id"]]["description"]
        run = result["json"]
        if run["machine"]["gpu"]["count"] == 1:
            workload = (run["training"]["model"], run["training"]["precision"])
            rates[run["machine"]["gpu"]["model"], workload].append(run["result"]["score"])
    shared = {w for gpu, w in rates if gpu == "NVIDIA A100"} & {
        w for gpu, w in rates if gpu == "NVIDIA T4"
    }
    assert shared
    for workload in shared:
        assert statistics.median(rates["NVIDIA A100", workload]) > statistics.median(
            rates["NVIDIA T4", workload]
        ), workload


def test_a_few_results_are_outliers(data: SeedData) -> None:
    by_flavor = defaultdict(list)
    for result in _flagship_results(data):
        by_flavor[result["flavor_id"]].append(result["json"]["result"]["score"])
    slow = sum(
        score > 2.5 * statistics.median(scores) for scores in by_flavor.values() for score in scores
    )
    assert 1 <= slow <= len(_flagship_results(data)) * 0.03
