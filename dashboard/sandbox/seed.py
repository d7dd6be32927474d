"""Deterministic, realistic demo data for the sandbox API.

``generate(size, seed=...)`` returns the rows the sandbox store loads: users,
benchmarks, sites, flavors, tags, results and claims, as plain dicts. The same
``(size, seed)`` gives the same data on every run and machine: every id, datetime
and score comes from one ``random.Random(seed)`` and from the fixed ``ANCHOR``,
never from the clock.

Scores follow the flavor a result ran on (cores, GPUs, the site's storage and
memory) with log-normal noise and about 1% outliers, so plots look like real
measurements. The data also carries a few hostile strings (markup in a site
description, a tag name, a claim message and a free-form result) on purpose: the
dashboard must show them as text.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from dashboard.gc_pause import collector_paused
from dashboard.sandbox import seed_schemas
from dashboard.sandbox.identities import DEMO_IDENTITIES, DEMO_ISSUER

ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
"""The fixed "now" of the demo data: every datetime in it lies before this instant."""

Row = dict[str, Any]
Uploader = tuple[str, str]

_DAY = 86_400
_HOSTILE_TAG = "<img src=x onerror=alert(1)>"
# Version 4 and the RFC 4122 variant, as ``uuid.UUID(int=..., version=4)`` sets them.
_UUID4_MASK = ~(0xF000 << 64 | 0xC000 << 48)
_UUID4_BITS = 0x4000 << 64 | 0x8000 << 48


@dataclass(frozen=True)
class SeedData:
    """Everything the sandbox store loads, one list of plain dicts per table.

    Ids are UUID4 strings, datetimes are timezone-aware UTC before ``ANCHOR`` and an
    ``uploader`` is the ``(sub, iss)`` of a registered user. Rows reference each
    other by id: ``flavors[].site_id``, ``results[].benchmark_id``/``flavor_id``/
    ``tag_ids`` and ``claims[].result_id``. ``status`` is ``"approved"`` or
    ``"on_review"``; only approved benchmarks and flavors of approved sites have results.
    """

    users: list[Row]
    benchmarks: list[Row]
    sites: list[Row]
    flavors: list[Row]
    tags: list[Row]
    results: list[Row]
    claims: list[Row]


# Synthetic registered uploaders besides the demo identities: resource providers
# who benchmark their own sites and the EGI bot that benchmarks everyone's.
_UPLOADERS = {  # key: (sub, email, registered days before ANCHOR)
    "cesnet": ("rp-cesnet-0101", "cloud-benchmarks@cesnet.example.org", 880),
    "ifca": ("rp-ifca-0102", "perf@ifca.example.org", 860),
    "infn": ("rp-infn-0103", "cloud-ops@infn.example.org", 850),
    "bot": ("egi-perf-bot-0104", "perf-bot@egi.example.org", 840),
}


class _Flavor(NamedTuple):
    name: str
    cpus: int
    ram_gb: int
    gpus: int = 0
    gpu_model: str = ""
    status: str = "approved"
    added_days_ago: int | None = None  # None: added with its site


class _Site(NamedTuple):
    name: str
    address: str
    description: str
    owner: str
    joined_days_ago: int
    cpu_model: str
    cpu_factor: float  # single-core render time relative to a Xeon Gold 6148
    disk: str
    read_iops: float  # 4k random reads at queue depth 32
    mem_peak_mb_s: float  # STREAM triad with every memory channel busy
    infiniband: bool
    flavors: tuple[_Flavor, ...]
    status: str = "approved"


_T4, _V100, _A100 = seed_schemas.GPU_MODELS

# fmt: off
_SITES = (
    _Site("CESNET-MetaCloud", "Prague, Czech Republic",
          "OpenStack cloud of CESNET, the Czech national research network.",
          "cesnet", 780, "AMD EPYC 7543", 0.85, "ceph-rbd", 9_000, 140_000, True, (
              _Flavor("standard.small", 2, 4), _Flavor("standard.medium", 4, 16),
              _Flavor("standard.large", 8, 32), _Flavor("hpc.16core-64ram", 16, 64),
              _Flavor("hpc.32core-128ram", 32, 128), _Flavor("gpu.t4x1", 8, 32, 1, _T4))),
    _Site("IFCA-LCG2", "Santander, Spain",
          "Cloud and grid site of the Instituto de Física de Cantabria (CSIC-UC).",
          "ifca", 775, "Intel Xeon Gold 6148", 1.0, "ceph-rbd", 6_000, 100_000, False, (
              _Flavor("standard.medium", 4, 8), _Flavor("standard.xlarge", 16, 32),
              _Flavor("gpu.v100x1", 8, 64, 1, _V100), _Flavor("gpu.v100x2", 16, 128, 2, _V100))),
    _Site("INFN-CLOUD-BARI", "Bari, Italy",
          "INFN Cloud resources hosted in the ReCaS-Bari data centre.",
          "infn", 770, "Intel Xeon Silver 4214", 1.12, "local-ssd", 45_000, 90_000, False, (
              _Flavor("standard.small", 2, 4), _Flavor("standard.medium", 4, 8),
              _Flavor("standard.large", 8, 16), _Flavor("gpu.a100x1", 16, 120, 1, _A100))),
    _Site("CESGA", "Santiago de Compostela, Spain",
          "Cloud of the Galician Supercomputing Centre, part of the EGI Federated Cloud.",
          "bot", 765, "Intel Xeon E5-2680 v4", 1.3, "nfs", 2_500, 70_000, False, (
              _Flavor("standard.small", 2, 4), _Flavor("standard.medium", 4, 8),
              _Flavor("standard.large", 8, 16))),
    _Site("IN2P3-IRES", "Strasbourg, France",
          'OpenStack cloud of IPHC Strasbourg (CNRS/IN2P3). <script>alert("site")</script>',
          "bot", 760, "Intel Xeon Gold 5218", 1.1, "ceph-rbd", 5_000, 95_000, False, (
              _Flavor("standard.small", 2, 4), _Flavor("standard.medium", 4, 8),
              _Flavor("standard.large", 8, 16), _Flavor("hpc.16core-32ram", 16, 32))),
    _Site("CYFRONET-CLOUD", "Kraków, Poland",
          "Cloud of ACC Cyfronet AGH, the Polish national HPC centre.",
          "bot", 420, "AMD EPYC 7742", 0.9, "local-nvme", 150_000, 150_000, True, (
              _Flavor("standard.medium", 4, 16), _Flavor("hpc.32core-128ram", 32, 128),
              _Flavor("hpc.64core-256ram", 64, 256), _Flavor("gpu.a100x4", 64, 512, 4, _A100),
              _Flavor("gpu.h100x1", 16, 192, 1, "NVIDIA H100", "on_review", 9))),
    _Site("GWDG-CLOUD", "Göttingen, Germany",
          "OpenStack cloud of GWDG, the computing centre of the University of Göttingen.",
          "bot", 600, "Intel Xeon Platinum 8160", 1.0, "ceph-rbd", 7_000, 110_000, False, (
              _Flavor("standard.small", 2, 4), _Flavor("standard.medium", 4, 8),
              _Flavor("standard.large", 8, 32), _Flavor("standard.xlarge", 16, 64))),
    _Site("UPV-GRyCAP", "Valencia, Spain",
          "OpenStack cloud of the GRyCAP group at Universitat Politècnica de València.",
          "alice", 20, "Intel Xeon Gold 6230R", 1.0, "ceph-rbd", 5_000, 90_000, False, (
              _Flavor("standard.medium", 4, 8, status="on_review"),), status="on_review"),
)
# fmt: on

_TAGS = (
    ("cloud", "General-purpose cloud VM."),
    ("hpc", "HPC flavor: dedicated cores and large memory."),
    ("gpu", "Flavor with one or more GPUs."),
    ("infiniband", "Nodes connected by InfiniBand."),
    ("ceph", "Block storage backed by Ceph RBD."),
    ("baseline", "Reference run that later results are compared with."),
    ("preemptible", "Preemptible (spot) capacity: expect noisy numbers."),
    ("ubuntu-22.04", "Guest OS was Ubuntu 22.04 LTS."),
    ("rocky-9", "Guest OS was Rocky Linux 9."),
    ("apptainer", "Run with Apptainer instead of Docker."),
    (_HOSTILE_TAG, "Tag imported from a legacy spreadsheet; its name is kept as it was."),
)

_OSES = ("Ubuntu 22.04", "Ubuntu 20.04", "Rocky Linux 9")
_OS_CUM_WEIGHTS = (0.55, 0.8, 1.0)
_OS_TAGS = {"Ubuntu 22.04": "ubuntu-22.04", "Rocky Linux 9": "rocky-9"}


class _Placement(NamedTuple):
    """An approved flavor as the result generator sees it."""

    id: str
    site: _Site
    flavor: _Flavor
    earliest_s: float  # first possible run, in seconds relative to ANCHOR
    owner: Uploader
    tag_odds: dict[str, tuple[tuple[str, float], ...]]  # os -> (tag id, probability)


# A payload builder gets the placement, the run's start time, its guest OS and a
# slowdown (1, or 3-6 for the ~1% outliers) and returns the result JSON.
Build = Callable[[random.Random, _Placement, str, str, float], Row]


def _noise(rng: random.Random, sigma: float) -> float:
    """A log-normal factor around 1 (``lognormvariate`` is several times slower)."""
    return math.exp(rng.gauss(0.0, sigma))


def _machine(p: _Placement, os: str) -> Row:
    return {
        "cpu": {"count": p.flavor.cpus, "model": p.site.cpu_model},
        "ram_gb": p.flavor.ram_gb,
        "os": os,
    }


def _c_ray(rng: random.Random, p: _Placement, started: str, os: str, slowdown: float) -> Row:
    cpus = p.flavor.cpus
    # Amdahl's law with a 4% serial part: more cores help, less and less.
    speedup = 1.0 / (0.04 + 0.96 / cpus)
    render = 310.0 * p.site.cpu_factor / speedup * _noise(rng, 0.06) * slowdown
    # Runs on one VM differ by a few percent; uniform jitter is cheap and good enough.
    jitter = rng.random
    runs = [round(render * (0.97 + 0.06 * jitter()), 2) for _ in range(3)]
    return {
        "benchmark": {
            "name": "c-ray",
            "version": "1.1",
            "scene": "sphfract",
            "resolution": "1920x1080",
            "rays_per_pixel": 16,
        },
        "start_datetime": started,
        "machine": _machine(p, os),
        "result": {"score": sorted(runs)[1], "unit": "s", "runs": runs, "threads": cpus},
    }


_GPU_RESNET50_FP32 = {_T4: 95.0, _V100: 380.0, _A100: 780.0}  # images/s per GPU
_GPU_FP16_GAIN = {_T4: 2.6, _V100: 2.4, _A100: 1.9}
_CNN_MODELS = (("resnet50", 1.0), ("vgg16", 0.62), ("googlenet", 2.4), ("alexnet", 8.5))


def _tf_cnn(rng: random.Random, p: _Placement, started: str, os: str, slowdown: float) -> Row:
    gpus, gpu_model = p.flavor.gpus, p.flavor.gpu_model
    model, model_gain = rng.choice(_CNN_MODELS)
    precision = "fp16" if rng.random() < 0.4 else "fp32"
    per_gpu = _GPU_RESNET50_FP32[gpu_model] * model_gain
    if precision == "fp16":
        per_gpu *= _GPU_FP16_GAIN[gpu_model]
    # Data-parallel training loses about 7% per doubling of GPUs to synchronisation.
    rate = per_gpu * gpus * 0.93 ** math.log2(gpus) * _noise(rng, 0.05) / slowdown
    machine = _machine(p, os)
    machine["gpu"] = {"count": gpus, "model": gpu_model, "driver": "535.129.03"}
    return {
        "start_datetime": started,
        "machine": machine,
        "training": {
            "model": model,
            "batch_size_per_device": 64,
            "num_gpus": gpus,
            "precision": precision,
        },
        "result": {
            "score": round(rate, 1),
            "unit": "images/s",
            "per_step": [round(rate * _noise(rng, 0.03), 1) for _ in range(5)],
        },
    }


# fio job kinds: (rw, share of reads, IOPS relative to pure random reads).
_FIO_JOBS = (("randread", 1.0, 1.0), ("randwrite", 0.0, 0.45), ("randrw", 0.7, 0.75))


def _fio_direction(rng: random.Random, iops: float, latency_ms: float) -> Row:
    return {
        "iops": round(iops, 1),
        "bw_mb_s": round(iops * 4096 / 1e6, 2),
        "latency_ms": {
            "mean": round(latency_ms * _noise(rng, 0.03), 3),
            "p99": round(latency_ms * rng.uniform(2.5, 6.0), 3),
        },
    }


def _fio(rng: random.Random, p: _Placement, started: str, os: str, slowdown: float) -> Row:
    rw, read_share, gain = rng.choice(_FIO_JOBS)
    total = p.site.read_iops * gain * _noise(rng, 0.09) / slowdown
    latency_ms = 32 / total * 1000  # Little's law at queue depth 32
    result: Row = {"total_iops": round(total, 1)}
    if read_share > 0:
        result["read"] = _fio_direction(rng, total * read_share, latency_ms)
    if read_share < 1:
        result["write"] = _fio_direction(rng, total * (1 - read_share), latency_ms)
    machine = _machine(p, os)
    machine["disk"] = {"type": p.site.disk}
    return {
        "start_datetime": started,
        "machine": machine,
        "job": {"engine": "libaio", "rw": rw, "bs": "4k", "iodepth": 32, "runtime_s": 60},
        "result": result,
    }


def _stream(rng: random.Random, p: _Placement, started: str, os: str, slowdown: float) -> Row:
    cpus, peak = p.flavor.cpus, p.site.mem_peak_mb_s
    # Each thread pulls ~9 GB/s until the VM's share of the memory channels saturates.
    triad = peak * (1 - math.exp(-9_000 * cpus / peak)) * _noise(rng, 0.05) / slowdown
    return {
        "start_datetime": started,
        "machine": _machine(p, os),
        "config": {"array_size": 80_000_000, "ntimes": 10, "threads": cpus},
        "result": {
            "copy": round(triad * 0.89 * _noise(rng, 0.01), 1),
            "scale": round(triad * 0.88 * _noise(rng, 0.01), 1),
            "add": round(triad * _noise(rng, 0.01), 1),
            "triad": round(triad, 1),
        },
        "validation": "Solution Validates",
    }


def _free_form_payloads() -> list[Row]:
    """What people upload to a benchmark without a schema: anything, including markup."""
    return [
        {
            "hostname": "vm-bench-0142",
            "kernel": "5.15.0-91-generic",
            "uptime_s": 86_400,
            "loadavg": [0.12, 0.3, 0.25],
        },
        {
            "probe": "ping",
            "target": "perfsonar.egi.example.org",
            "packets": 100,
            "lost": 0,
            "rtt_ms": {"min": 11.2, "avg": 12.8, "max": 19.4},
        },
        {
            "tool": "dd",
            "cmd": "dd if=/dev/zero of=/tmp/x bs=1M count=1024 oflag=direct",
            "MB/s": 412.5,
            "time (s)": 2.6,
        },
        {"notes": "First try with the new image; numbers look low.", "score": 17.3, "ok": True},
        {"<img src=x onerror=alert(1)>": "<script>alert('xss')</script>", "score": 1},
        {"matrix_size": 4096, "gflops": 812.4, "precision": "double", "blas": "OpenBLAS 0.3.21"},
        {
            "cuda_visible": False,
            "python": "3.11.6",
            "packages": {"numpy": "1.26.4", "torch": "2.2.1"},
        },
        {"runs": [{"n": 1, "t": 3.2}, {"n": 2, "t": 3.1}], "median_t": 3.15, "unit": "s"},
    ]


class _Benchmark(NamedTuple):
    image: str
    tag: str
    description: str
    schema: Callable[[], Row]
    owner: str
    added_days_ago: int
    build: Build | None  # None: the free-form benchmark, or a pending one (no results)
    gpu_only: bool = False
    status: str = "approved"


# The flagship comes first: ``size`` counts its results.
# fmt: off
_BENCHMARKS = (
    _Benchmark("thechristophe/openbench-c-ray", "1.1",
               "c-ray CPU ray tracing of the sphfract scene at 1920x1080. The score is the "
               "median render time in seconds: lower is better.",
               seed_schemas.c_ray, "bot", 735, _c_ray),
    _Benchmark("deephdc/deep-oc-benchmarks_cnn", "1.4.0-gpu",
               "tf_cnn_benchmarks training of ResNet-50, VGG16, GoogLeNet or AlexNet on "
               "synthetic ImageNet data. The score is images per second: higher is better.",
               seed_schemas.tf_cnn, "ifca", 700, _tf_cnn, gpu_only=True),
    _Benchmark("ljishen/fio", "3.36",
               "fio 4k random reads/writes at queue depth 32 on the root volume. IOPS and "
               "MB/s: higher is better; latency in ms: lower is better.",
               seed_schemas.fio, "cesnet", 690, _fio),
    _Benchmark("eoscperf/stream", "5.10",
               "STREAM memory bandwidth (copy, scale, add, triad) in MB/s with one OpenMP "
               "thread per vCPU: higher is better.",
               seed_schemas.stream, "bot", 365, _stream),
    _Benchmark("eoscperf/adhoc-probe", "0.3",
               "Ad-hoc probes whose output has no fixed format (no schema); compare with care.",
               seed_schemas.anything, "infn", 200, None),
    _Benchmark("networkstatic/iperf3", "3.16",
               "iperf3 TCP throughput between two VMs of the same site in Gbit/s: higher is "
               "better.", seed_schemas.iperf3, "alice", 12, None, status="on_review"),
    _Benchmark("severalnines/sysbench", "1.0.20",
               "sysbench CPU prime-number test in events per second: higher is better.",
               seed_schemas.sysbench_cpu, "infn", 5, None, status="on_review"),
)
# fmt: on

#: The container images the sandbox's registry holds: the seeded benchmarks' and the
#: ones the real service's benchmarks use.
KNOWN_IMAGES = frozenset(
    {f"{b.image}:{b.tag}" for b in _BENCHMARKS}
    | {
        "thechristophe/openbench-c-ray:latest",
        "perfbench/openbench-c-ray:v1",
        "deephdc/deep-oc-benchmarks_cnn:benchmark",
    }
)


def _new_id(rng: random.Random) -> str:
    """A random UUID4 string from ``rng``; what ``uuid.UUID(..., version=4)`` gives, faster."""
    h = f"{rng.getrandbits(128) & _UUID4_MASK | _UUID4_BITS:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _days_ago(rng: random.Random, days: int) -> datetime:
    """A time of day drawn at random, ``days`` whole days before ANCHOR."""
    return ANCHOR - timedelta(days=days, seconds=rng.randrange(1, _DAY))


def _tag_odds(
    site: _Site,
    flavor: _Flavor,
    tag_ids: dict[str, str],
) -> dict[str, tuple[tuple[str, float], ...]]:
    """For each guest OS, the tags a result on this flavor gets and how likely each is."""
    odds = [("baseline", 0.04), ("preemptible", 0.04), ("apptainer", 0.04), (_HOSTILE_TAG, 0.01)]
    if flavor.gpus:
        odds.append(("gpu", 0.8))
    elif flavor.name.startswith("hpc."):
        odds.append(("hpc", 0.8))
    else:
        odds.append(("cloud", 0.5))
    if site.infiniband and not flavor.name.startswith("standard."):
        odds.append(("infiniband", 0.6))
    if site.disk == "ceph-rbd":
        odds.append(("ceph", 0.2))
    return {
        os: tuple((tag_ids[name], p) for name, p in [*odds, (_OS_TAGS.get(os, ""), 0.6)] if name)
        for os in _OSES
    }


def _results(
    rng: random.Random,
    benchmark_id: str,
    earliest_s: float,
    build: Build,
    placements: list[_Placement],
    count: int,
    uploaders: dict[str, Uploader],
) -> tuple[list[Row], list[int]]:
    """``count`` results of one benchmark, and the indexes of the outliers among them."""
    rows: list[Row] = []
    outliers: list[int] = []
    latest_s = -2.0 * _DAY  # leaves room for the upload delay before ANCHOR
    alice, bot = uploaders["alice"], uploaders["bot"]
    uniform = rng.random  # bound once: this loop runs ~10^5 times
    oses = rng.choices(_OSES, cum_weights=_OS_CUM_WEIGHTS, k=count)
    for i, p in enumerate(rng.choices(placements, k=count)):
        start = max(earliest_s, p.earliest_s)
        executed = ANCHOR + timedelta(seconds=int(start + (latest_s - start) * uniform()))
        slowdown = 1.0
        if uniform() < 0.01:  # a noisy neighbour, a throttled disk, a busy GPU...
            slowdown = rng.uniform(3.0, 6.0)
            outliers.append(i)
        # Alice uploads every 20th result so that her "my results" is never empty.
        uploader = alice if i % 20 == 7 else p.owner if uniform() < 0.5 else bot
        os = oses[i]
        rows.append(
            {
                "id": _new_id(rng),
                "benchmark_id": benchmark_id,
                "flavor_id": p.id,
                "tag_ids": [tag for tag, odds in p.tag_odds[os] if uniform() < odds][:3],
                "json": build(rng, p, executed.isoformat(), os, slowdown),
                "execution_datetime": executed,
                "upload_datetime": executed + timedelta(seconds=int(120 + 36 * 3600 * uniform())),
                "uploader": uploader,
            }
        )
    return rows, outliers


_CLAIMS = (  # (claimant key, status, message)
    (
        "alice",
        "on_review",
        "Several times slower than the other runs run on this flavor: probably a noisy neighbour.",
    ),
    (
        "cesnet",
        "on_review",
        'The note imported with this result read <b>bold</b> & <script>alert("claim")</script>; '
        "it is not one of our runs.",
    ),
    ("infn", "on_review", "Uploaded twice by our CI pipeline; this copy is a duplicate."),
    (
        "bot",
        "approved",
        "Wrong flavor recorded: the job ran on a larger flavor than the one uploaded.",
    ),
)


def generate(size: int = 400, *, seed: int = 20241122) -> SeedData:
    """Demo data for the sandbox API, identical for the same ``size`` and ``seed``.

    ``size`` is the number of results of the flagship benchmark (c-ray, the first
    one); each other schema'd benchmark gets ``max(60, size // 10)`` results and the
    free-form one a handful. Users, sites, flavors, tags and benchmarks (and their
    ids) do not depend on ``size``.
    """
    if size < 0:
        raise ValueError(f"size must be >= 0, not {size}")
    rng = random.Random(seed)
    users, uploaders = _users(rng)
    tags = [
        {"id": _new_id(rng), "name": name, "description": description,
         "upload_datetime": _days_ago(rng, 750)}
        for name, description in _TAGS
    ]  # fmt: skip
    tag_ids = {tag["name"]: tag["id"] for tag in tags}
    sites, flavors, placements = _sites_and_flavors(rng, uploaders, tag_ids)
    benchmarks = [
        {"id": _new_id(rng), "docker_image": b.image, "docker_tag": b.tag,
         "url": f"https://hub.docker.com/r/{b.image}", "description": b.description,
         "json_schema": b.schema(), "upload_datetime": _days_ago(rng, b.added_days_ago),
         "status": b.status, "uploader": uploaders[b.owner]}
        for b in _BENCHMARKS
    ]  # fmt: skip

    # Results come after the whole catalogue so that its ids do not depend on ``size``.
    results: list[Row] = []
    outliers: list[Row] = []
    with collector_paused():
        for index, (b, row) in enumerate(zip(_BENCHMARKS, benchmarks, strict=True)):
            if b.status != "approved":
                continue  # pending benchmarks cannot have results yet
            build, count = _plan(b, size if index == 0 else max(60, size // 10))
            eligible = [p for p in placements if p.flavor.gpus or not b.gpu_only]
            earliest_s = (row["upload_datetime"] - ANCHOR).total_seconds() + _DAY
            rows, outlier_indexes = _results(
                rng, row["id"], earliest_s, build, eligible, count, uploaders
            )
            results += rows
            outliers += [rows[i] for i in outlier_indexes]

    claims = _claims(rng, results, outliers, uploaders)
    return SeedData(users, benchmarks, sites, flavors, tags, results, claims)


def _users(rng: random.Random) -> tuple[list[Row], dict[str, Uploader]]:
    """The registered users, and their ``(sub, iss)`` by key (``alice``, ``bot``...)."""
    accounts = [(i.key, i.sub, i.email, 900) for i in DEMO_IDENTITIES if i.registered]
    accounts += [(key, *account) for key, account in _UPLOADERS.items()]
    users = [
        {"sub": sub, "iss": DEMO_ISSUER, "email": email,
         "registration_datetime": _days_ago(rng, days)}
        for _, sub, email, days in accounts
    ]  # fmt: skip
    return users, {key: (sub, DEMO_ISSUER) for key, sub, _, _ in accounts}


def _sites_and_flavors(
    rng: random.Random, uploaders: dict[str, Uploader], tag_ids: dict[str, str]
) -> tuple[list[Row], list[Row], list[_Placement]]:
    """Site and flavor rows, and the approved flavors results can be placed on."""
    sites: list[Row] = []
    flavors: list[Row] = []
    placements: list[_Placement] = []
    for site in _SITES:
        site_row = {
            "id": _new_id(rng), "name": site.name, "address": site.address,
            "description": site.description,
            "upload_datetime": _days_ago(rng, site.joined_days_ago),
            "status": site.status, "uploader": uploaders[site.owner],
        }  # fmt: skip
        sites.append(site_row)
        for n, flavor in enumerate(site.flavors):
            uploaded = (
                site_row["upload_datetime"] + timedelta(minutes=3 * n + 1)
                if flavor.added_days_ago is None
                else _days_ago(rng, flavor.added_days_ago)
            )
            gpus = f", {flavor.gpus}x {flavor.gpu_model}" if flavor.gpus else ""
            flavor_row = {
                "id": _new_id(rng), "site_id": site_row["id"], "name": flavor.name,
                "description": f"{flavor.cpus} vCPU, {flavor.ram_gb} GiB RAM{gpus}",
                "upload_datetime": uploaded, "status": flavor.status,
                "uploader": site_row["uploader"],
            }  # fmt: skip
            flavors.append(flavor_row)
            if site.status == flavor.status == "approved":
                earliest_s = (uploaded - ANCHOR).total_seconds() + _DAY
                odds = _tag_odds(site, flavor, tag_ids)
                placements.append(
                    _Placement(
                        flavor_row["id"], site, flavor, earliest_s, site_row["uploader"], odds
                    )
                )
    return sites, flavors, placements


def _plan(b: _Benchmark, count: int) -> tuple[Build, int]:
    """How to build one benchmark's result JSON, and how many results to make."""
    if b.build is not None:
        return b.build, count
    # The free-form benchmark gets each of its payloads once, hostile one included.
    payloads = _free_form_payloads()
    handout = iter(payloads)
    return (lambda *_: next(handout)), len(payloads)


def _claims(
    rng: random.Random, results: list[Row], outliers: list[Row], uploaders: dict[str, Uploader]
) -> list[Row]:
    """Claims on distinct results, outliers first (they are what people report).

    Alice's own results are left alone so that her "my results" stays visible.
    """
    alice = uploaders["alice"]
    targets = [r for r in outliers if r["uploader"] != alice][: len(_CLAIMS)]
    while len(targets) < len(_CLAIMS):
        candidate = rng.choice(results)
        if candidate["uploader"] != alice and candidate not in targets:
            targets.append(candidate)
    claims = []
    for (claimant, status, message), result in zip(_CLAIMS, targets, strict=True):
        since_upload = (ANCHOR - result["upload_datetime"]).total_seconds()
        claims.append(
            {
                "id": _new_id(rng),
                "result_id": result["id"],
                "message": message,
                "upload_datetime": result["upload_datetime"]
                + timedelta(seconds=int(since_upload * rng.uniform(0.2, 0.9))),
                "status": status,
                "uploader": uploaders[claimant],
            }
        )
    return claims
