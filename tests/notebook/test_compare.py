"""``client.compare`` over HTTP against the sandbox: the groups and their n are what the
API returns per site and flavor."""

from __future__ import annotations

import httpx
import pytest

from dashboard.notebook import NotebookClient
from dashboard.results.ranking import BOOTSTRAP, DISTRIBUTION_FREE


@pytest.fixture
def client(sandbox_url):
    with NotebookClient(sandbox_url) as client:
        yield client


def per_site_and_flavor(api: str, benchmark_id: str) -> dict[str, int]:
    """What the API counts per site / flavor for the benchmark (one request per pair)."""
    counts = {}
    for site in httpx.get(f"{api}/sites", params={"per_page": 100}).json()["items"]:
        flavors = httpx.get(f"{api}/sites/{site['id']}/flavors", params={"per_page": 100})
        for flavor in flavors.json()["items"]:
            total = httpx.get(
                f"{api}/results",
                params={"benchmark_id": benchmark_id, "site_id": site["id"],
                        "flavor_id": flavor["id"], "per_page": 1},
            ).json()["total"]  # fmt: skip
            if total:
                counts[f"{site['name']} / {flavor['name']}"] = total
    return counts


def test_the_ranking_has_a_row_per_site_and_flavor_with_the_apis_counts(client, sandbox_url):
    c_ray = next(b for b in client.benchmarks.all() if "c-ray" in b.docker_image)
    ranked = client.compare(c_ray.id)
    assert dict(zip(ranked["group"], ranked["n"], strict=True)) == per_site_and_flavor(
        sandbox_url, c_ray.id
    )
    assert (ranked["verdict"] == "reference").sum() == 1
    assert set(ranked["method"]) <= {"", BOOTSTRAP, DISTRIBUTION_FREE}
    # c-ray's score is a time: lower is better, so the best first has the smallest median
    with_enough = ranked[ranked["n"] >= 3]
    assert with_enough["median"].iloc[0] == with_enough["median"].min()
    few = ranked[ranked["n"] < 3]
    assert (few["verdict"] == "too few results to conclude").all()


def test_the_deep_learning_results_mix_configurations_and_c_ray_does_not(client):
    from dashboard.results.configs import configurations
    from dashboard.schema.flatten import flatten_schema

    benchmarks = {b.docker_image: b for b in client.benchmarks.all()}
    deep = benchmarks["deephdc/deep-oc-benchmarks_cnn"]
    mixed = configurations(client.frame(benchmark_id=deep.id), flatten_schema(deep.json_schema))
    assert "training.model" in mixed.columns and len(mixed) > 1
    assert mixed["n"].is_monotonic_decreasing
    assert mixed["n"].sum() == client.results.list(benchmark_id=deep.id, per_page=1).total
    c_ray = benchmarks["thechristophe/openbench-c-ray"]
    alone = configurations(client.frame(benchmark_id=c_ray.id), flatten_schema(c_ray.json_schema))
    assert len(alone) == 1


def test_a_workload_profile_ranks_the_groups_of_two_benchmarks_and_says_what_is_missing(client):
    benchmarks = {b.docker_image: b for b in client.benchmarks.all()}
    c_ray, stream = benchmarks["thechristophe/openbench-c-ray"], benchmarks["eoscperf/stream"]
    table = client.profile({c_ray.id: 2.0, stream.id: 1.0})
    everywhere = set(client.compare(c_ray.id)["group"]) | set(client.compare(stream.id)["group"])
    assert set(table["group"]) == everywhere  # none dropped
    complete = table[table["missing"] == ""]
    assert list(complete["score"]) == sorted(complete["score"], reverse=True)
    apart = table[table["missing"] != ""]
    assert apart.index.min() > complete.index.max()  # ranked after the complete ones


async def test_the_compare_widget_shows_the_ranking_the_client_gives(client, sandbox_url):
    import dashboard

    deep = next(b for b in client.benchmarks.all() if "deep-oc" in b.docker_image)
    view = dashboard.compare(sandbox_url, benchmark_id=deep.id, per="GPU")
    await view.state.start()
    await view.state.settled()
    shown = view.state.result.ranked
    expected = client.compare(deep.id, per="GPU")
    assert list(shown["group"]) == list(expected["group"])
    assert list(shown["ratio"]) == pytest.approx(list(expected["ratio"]), nan_ok=True)
    assert view.state.result.configuration  # the deep-learning results mix set-ups
    assert deep.name in view._answer.object
