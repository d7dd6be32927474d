"""The demo data holds what a "where to run" comparison meets on the real service.

c-ray results in the shape the real image writes (py-cpuinfo's CPU, the runs as one
string), deep-learning results of several models and batch sizes, machines from 1 to
64 vCPUs, a flavor on mixed hardware, groups (site + flavor) of one or two results
beside large ones, benchmarks never run at some sites, flavor names shared by sites,
and no markup anywhere. All at the default size and seed.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from typing import Any

import pytest

from dashboard.sandbox.seed import SeedData, generate

C_RAY = "thechristophe/openbench-c-ray"
DEEP_LEARNING = "deephdc/deep-oc-benchmarks_cnn"


@pytest.fixture(scope="module")
def data() -> SeedData:
    return generate()


def _results_of(data: SeedData, image: str) -> list[dict[str, Any]]:
    (benchmark,) = [b for b in data.benchmarks if b["docker_image"] == image]
    return [r for r in data.results if r["benchmark_id"] == benchmark["id"]]


def _group_of(data: SeedData) -> dict[str, tuple[str, str]]:
    """Each flavor id's group: (site name, flavor name)."""
    sites = {s["id"]: s["name"] for s in data.sites}
    return {f["id"]: (sites[f["site_id"]], f["name"]) for f in data.flavors}


def _group_sizes(data: SeedData, image: str) -> Counter:
    groups = _group_of(data)
    return Counter(groups[r["flavor_id"]] for r in _results_of(data, image))


def _runs(result: dict[str, Any]) -> list[float]:
    return [float(run) for run in result["json"]["result"]["all_results"].split(":")]


def test_c_ray_results_have_the_real_images_shape(data: SeedData) -> None:
    for result in _results_of(data, C_RAY):
        cpu, outcome = result["json"]["machine"]["cpu"], result["json"]["result"]
        assert cpu["arch"] == "X86_64" and cpu["brand_raw"] and cpu["count"] >= 1
        assert "model" not in cpu and "runs" not in outcome
        runs = _runs(result)
        assert outcome["all_results"] == ":".join(f"{run:.3f}" for run in runs)
        assert outcome["score"] == statistics.median(runs)  # an odd number of runs


def test_a_few_c_ray_results_repeat_their_runs_after_an_outlier_run(data: SeedData) -> None:
    results = _results_of(data, C_RAY)
    counts = Counter(len(_runs(r)) for r in results)
    assert counts[3] > 0.9 * len(results)
    repeated = [r for r in results if len(_runs(r)) > 3]
    assert 0.01 * len(results) <= len(repeated) <= 0.06 * len(results)
    for result in repeated:
        runs = _runs(result)
        assert 5 <= len(runs) <= 9
        far = [run for run in runs if run > 1.1 * max(r for r in runs if r != run)]
        assert len(far) == 1, runs
        assert result["json"]["result"]["score"] < far[0] / 1.1  # the median ignores it


def test_every_cpu_model_is_a_brand_raw(data: SeedData) -> None:
    for result in data.results:
        cpu = result["json"].get("machine", {}).get("cpu")
        if cpu is not None:  # free-form results have no machine
            assert set(cpu) == {"arch", "bits", "brand_raw", "count"}


def test_deep_learning_results_mix_models_batch_sizes_and_precisions(data: SeedData) -> None:
    trainings = [r["json"]["training"] for r in _results_of(data, DEEP_LEARNING)]
    assert len({t["model"] for t in trainings}) >= 2
    assert {t["batch_size_per_device"] for t in trainings} == {32, 64, 128}
    assert {t["precision"] for t in trainings} == {"fp32", "fp16"}


def test_larger_batches_train_a_little_faster(data: SeedData) -> None:
    by_batch = defaultdict(list)
    for result in _results_of(data, DEEP_LEARNING):
        run = result["json"]
        by_batch[run["training"]["batch_size_per_device"]].append(run)
    # Like against like: AlexNet, per V100 GPU (the most common pair in the data).
    medians = {}
    for batch, runs in by_batch.items():
        per_gpu = [
            r["result"]["score"] / r["machine"]["gpu"]["count"]
            for r in runs
            if r["machine"]["gpu"]["model"] == "NVIDIA V100" and r["training"]["model"] == "alexnet"
        ]
        medians[batch] = statistics.median(per_gpu) if per_gpu else None
    known = [medians[b] for b in (32, 64, 128) if medians[b] is not None]
    assert len(known) >= 2 and known == sorted(known)
    assert known[-1] < 1.5 * known[0]  # mildly: the model matters far more


def test_machines_range_from_1_to_64_vcpus(data: SeedData) -> None:
    vcpus = {r["json"]["machine"]["cpu"]["count"] for r in _results_of(data, C_RAY)}
    assert min(vcpus) == 1 and max(vcpus) == 64
    tiny = [f for f in data.flavors if f["description"].startswith("1 vCPU,")]
    assert {f["name"] for f in tiny} == {"standard.tiny"} and len(tiny) >= 1


def test_one_flavor_ran_on_two_cpu_models_and_its_scores_follow_the_cpu(data: SeedData) -> None:
    groups = _group_of(data)
    cpus = defaultdict(lambda: defaultdict(list))
    for result in _results_of(data, C_RAY):
        machine = result["json"]["machine"]
        times = cpus[groups[result["flavor_id"]]][machine["cpu"]["brand_raw"]]
        times.append(result["json"]["result"]["score"])
    mixed = {group: models for group, models in cpus.items() if len(models) > 1}
    assert list(mixed) == [("GWDG-CLOUD", "standard.large")]
    (models,) = mixed.values()
    assert all(len(times) >= 3 for times in models.values())
    older = models["Intel(R) Xeon(R) CPU E5-2650 v4 @ 2.20GHz"]
    newer = models["Intel(R) Xeon(R) Platinum 8160 CPU @ 2.10GHz"]
    assert statistics.median(older) > 1.15 * statistics.median(newer)  # slower, seconds


@pytest.mark.parametrize("image", [C_RAY, DEEP_LEARNING], ids=["c-ray", "deep-learning"])
def test_some_groups_hold_one_or_two_results_and_others_plenty(data: SeedData, image: str) -> None:
    sizes = Counter(_group_sizes(data, image).values())
    assert sizes[1] >= 1 and sizes[2] >= 1
    assert any(size >= 10 for size in sizes)


def test_c_ray_ran_everywhere_and_stream_and_fio_not_quite(data: SeedData) -> None:
    approved = {s["name"] for s in data.sites if s["status"] == "approved"}
    sites_of = {
        image: {site for site, _ in _group_sizes(data, image)}
        for image in (C_RAY, "eoscperf/stream", "ljishen/fio")
    }
    assert sites_of[C_RAY] == approved
    assert approved - sites_of["eoscperf/stream"] == {"CESGA"}
    assert approved - sites_of["ljishen/fio"] == {"CYFRONET-CLOUD"}


def test_a_flavor_name_is_found_at_several_sites(data: SeedData) -> None:
    sites_per_name = Counter(f["name"] for f in data.flavors if f["status"] == "approved")
    assert sites_per_name["standard.small"] >= 3 and sites_per_name["standard.medium"] >= 3


def test_no_text_of_the_demo_data_holds_markup(data: SeedData) -> None:
    texts = [
        row[key]
        for table in ("benchmarks", "sites", "flavors", "tags", "claims")
        for row in getattr(data, table)
        for key in ("name", "address", "description", "message", "docker_image", "url")
        if isinstance(row.get(key), str)
    ]
    texts += [json.dumps(r["json"], ensure_ascii=False) for r in data.results]
    assert len(texts) > len(data.results)
    assert [text for text in texts if "<" in text or "javascript:" in text] == []
