"""The session's filters select exactly what the API selects, over real HTTP to the sandbox.

Each test loads every result of a benchmark, as the explorer does, then asks the API
for the same query (`Filters.api_query`) and compares the ids.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from helpers import flagship

from dashboard.api import Benchmark, JsonFilter, PerfClient
from dashboard.results.compare import leaf_paths
from dashboard.results.facets import facet_counts, options
from dashboard.results.filters import Filters, apply
from dashboard.results.frame import results_frame

TF_CNN = "deephdc/deep-oc-benchmarks_cnn"


async def benchmark_named(client: PerfClient, image: str | None) -> Benchmark:
    """The benchmark with that image, or the flagship (the one with most results)."""
    if image is None:
        return await flagship(client)
    return next(b for b in await client.benchmarks.all() if b.docker_image == image)


def busiest(frame: pd.DataFrame, facet: str) -> str:
    """The site or flavor with most results: a choice that is never empty."""
    return frame[f"{facet}_id"].value_counts().index[0]


def tag(frame: pd.DataFrame, name: str) -> str:
    return next(key for key, label in options(frame, "tags") if label == name)


def day(frame: pd.DataFrame, column: str, quantile: float):
    return frame[column].quantile(quantile).date()


Recipe = Callable[[pd.DataFrame], Filters]
CASES: list = [
    pytest.param(lambda f: Filters(site_ids={busiest(f, "site")}), None, id="one-site"),
    pytest.param(lambda f: Filters(flavor_ids={busiest(f, "flavor")}), None, id="one-flavor"),
    pytest.param(lambda f: Filters(tag_ids={tag(f, "cloud")}), None, id="one-tag"),
    pytest.param(
        lambda f: Filters(tag_ids={tag(f, "cloud"), tag(f, "ubuntu-22.04")}), None, id="two-tags"
    ),
    pytest.param(
        lambda f: Filters(
            execution_after=day(f, "execution_datetime", 0.25),
            execution_before=day(f, "execution_datetime", 0.75),
        ),
        None,
        id="execution-dates",
    ),
    pytest.param(
        lambda f: Filters(
            upload_after=day(f, "upload_datetime", 0.1),
            upload_before=day(f, "upload_datetime", 0.6),
        ),
        None,
        id="upload-dates",
    ),
    pytest.param(
        lambda f: Filters(json_filters=(JsonFilter("machine.cpu.count", ">=", 8),)),
        None,
        id="json-number-ge",
    ),
    pytest.param(
        lambda f: Filters(json_filters=(JsonFilter("result.score", "<", 60.5),)),
        None,
        id="json-number-lt",
    ),
    pytest.param(
        lambda f: Filters(json_filters=(JsonFilter("machine.os", "<", "Ubuntu"),)),
        None,
        id="json-text-lt",
    ),
    pytest.param(
        lambda f: Filters(json_filters=(JsonFilter("training.precision", "==", "fp16"),)),
        TF_CNN,
        id="json-enum-equals",
    ),
    pytest.param(
        lambda f: Filters(
            site_ids={busiest(f, "site")},
            tag_ids={tag(f, "cloud")},
            json_filters=(JsonFilter("machine.cpu.count", ">=", 4),),
            execution_after=day(f, "execution_datetime", 0.2),
        ),
        None,
        id="site-tag-json-date",
    ),
]


@pytest.mark.parametrize(("recipe", "image"), CASES)
async def test_session_filters_select_what_the_api_selects(anonymous_client, recipe: Recipe, image):
    benchmark = await benchmark_named(anonymous_client, image)
    results = await anonymous_client.results.all(benchmark_id=benchmark.id)
    frame = results_frame(results, leaf_paths(r.json for r in results))
    filters = recipe(frame)

    local = set(apply(frame, filters)["id"])
    answered = await anonymous_client.results.all(benchmark_id=benchmark.id, **filters.api_query())
    assert local == {r.id for r in answered}
    assert 0 < len(local) < len(frame), "the filter should keep some results, not all"


async def test_a_facet_count_is_what_the_api_counts(anonymous_client):
    benchmark = await benchmark_named(anonymous_client, None)
    results = await anonymous_client.results.all(benchmark_id=benchmark.id)
    frame = results_frame(results, ["machine.cpu.count"])
    filters = Filters(
        tag_ids={tag(frame, "cloud")}, json_filters=(JsonFilter("machine.cpu.count", "<=", 4),)
    )
    for site_id, count in facet_counts(frame, filters, "site").items():
        query = {**filters.api_query(), "site_id": site_id}
        page = await anonymous_client.results.list(benchmark_id=benchmark.id, per_page=1, **query)
        assert page.total == count, site_id
