"""The results the explorer's data layer is tested on: made by hand, and the sandbox's seed."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import PATHS, RESULTS

from dashboard.api import Benchmark, Flavor, Result, Site, Tag
from dashboard.results.compare import leaf_paths
from dashboard.results.frame import results_frame
from dashboard.sandbox.seed import generate


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """The hand-made results (``helpers.RESULTS``) with their JSON leaves as columns."""
    return results_frame(RESULTS, PATHS)


def seed_results(size: int) -> list[Result]:
    """The flagship benchmark's results from the sandbox's demo data, as the client reads them."""
    data = generate(size)
    sites = {s["id"]: Site(s["id"], s["name"], s["address"]) for s in data.sites}
    flavors = {f["id"]: (Flavor(f["id"], f["name"]), sites[f["site_id"]]) for f in data.flavors}
    tags = {t["id"]: Tag(t["id"], t["name"]) for t in data.tags}
    first = data.benchmarks[0]
    flagship = Benchmark(first["id"], first["docker_image"], first["docker_tag"], first["url"], {})
    made = []
    for row in data.results:
        if row["benchmark_id"] == flagship.id:
            flavor, site = flavors[row["flavor_id"]]
            chosen = tuple(tags[t] for t in row["tag_ids"])
            executed, uploaded = row["execution_datetime"], row["upload_datetime"]
            made.append(
                Result(row["id"], executed, uploaded, flagship, site, flavor, chosen, row["json"])
            )
    return made


@pytest.fixture(scope="module")
def seeded() -> pd.DataFrame:
    """The flagship's results in the sandbox's demo data (300 of them, every leaf a column)."""
    results = seed_results(300)
    return results_frame(results, leaf_paths(r.json for r in results))
