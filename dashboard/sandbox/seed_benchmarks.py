"""The seeded benchmarks: container image, description, schema and result builder.

Each benchmark ties a schema (`dashboard.sandbox.seed_schemas`) to the builder of
its results' documents (`dashboard.sandbox.seed_payloads`); the images they name are
also the ones the sandbox's offline registry knows (`KNOWN_IMAGES`). They are apart
from the rest of the catalogue (`dashboard.sandbox.seed_catalog`) because the
builders model runs on the catalogue's sites and flavors: the arrows go catalogue,
payloads, benchmarks, and none comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from dashboard.sandbox import seed_payloads, seed_schemas


class Benchmark(NamedTuple):
    """A benchmark: its image, its schema and how its results look (None: no results made)."""

    image: str
    tag: str
    description: str
    schema: Callable[[], seed_schemas.Schema]
    owner: str
    added_days_ago: int
    #: None: the free-form benchmark (its payloads are fixed), or a pending one (no results).
    build: seed_payloads.Build | None
    gpu_only: bool = False
    status: str = "approved"
    #: Approved sites where nobody ran it: a benchmark is rarely measured everywhere.
    never_at: frozenset[str] = frozenset()


# The flagship comes first: ``size`` counts its results.
# fmt: off
BENCHMARKS = (
    Benchmark("thechristophe/openbench-c-ray", "1.1",
              "c-ray CPU ray tracing of the sphfract scene at 1920x1080. The score is the "
              "median render time of the runs in seconds: lower is better.",
              seed_schemas.c_ray, "bot", 735, seed_payloads.c_ray),
    Benchmark("deephdc/deep-oc-benchmarks_cnn", "1.4.0-gpu",
              "tf_cnn_benchmarks training of ResNet-50, VGG16, GoogLeNet or AlexNet on "
              "synthetic ImageNet data, 32, 64 or 128 images per GPU and step, in FP32 or "
              "FP16. The score is images per second: higher is better.",
              seed_schemas.tf_cnn, "ifca", 700, seed_payloads.tf_cnn, gpu_only=True),
    Benchmark("ljishen/fio", "3.36",
              "fio 4k random reads/writes at queue depth 32 on the root volume. IOPS and "
              "MB/s: higher is better; latency in ms: lower is better.",
              seed_schemas.fio, "cesnet", 690, seed_payloads.fio,
              never_at=frozenset({"CYFRONET-CLOUD"})),
    Benchmark("eoscperf/stream", "5.10",
              "STREAM memory bandwidth (copy, scale, add, triad) in MB/s with one OpenMP "
              "thread per vCPU: higher is better.",
              seed_schemas.stream, "bot", 365, seed_payloads.stream,
              never_at=frozenset({"CESGA"})),
    Benchmark("eoscperf/adhoc-probe", "0.3",
              "Ad-hoc probes whose output has no fixed format (no schema); compare with care.",
              seed_schemas.anything, "infn", 200, None),
    Benchmark("networkstatic/iperf3", "3.16",
              "iperf3 TCP throughput between two VMs of the same site in Gbit/s: higher is "
              "better.", seed_schemas.iperf3, "alice", 12, None, status="on_review"),
    Benchmark("severalnines/sysbench", "1.0.20",
              "sysbench CPU prime-number test in events per second: higher is better.",
              seed_schemas.sysbench_cpu, "infn", 5, None, status="on_review"),
)
# fmt: on

#: The container images the sandbox's registry holds: the seeded benchmarks' and the
#: ones the real service's benchmarks use.
KNOWN_IMAGES = frozenset(
    {f"{b.image}:{b.tag}" for b in BENCHMARKS}
    | {
        "thechristophe/openbench-c-ray:latest",
        "perfbench/openbench-c-ray:v1",
        "deephdc/deep-oc-benchmarks_cnn:benchmark",
    }
)
