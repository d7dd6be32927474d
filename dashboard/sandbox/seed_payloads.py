"""The result documents of the seeded benchmarks, modelled on the machine each ran on.

A builder gets the generator's random source, the site and flavor of the run, its
start time, its guest OS and a slowdown (1, or 3-6 for the ~1% outliers), and
returns the result JSON its benchmark's schema (`dashboard.sandbox.seed_schemas`)
accepts. Scores follow the flavor (cores, GPUs) and the site (CPU, storage, memory
bandwidth) with log-normal noise, so plots look like real measurements. They are
apart from the generator (`dashboard.sandbox.seed`) because they model benchmarks,
not data: each is what one tool would print.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

from dashboard.sandbox import seed_schemas
from dashboard.sandbox.seed_catalog import Flavor, Site

Document = dict[str, Any]
Build = Callable[[random.Random, Site, Flavor, str, str, float], Document]
"""A builder: ``(rng, site, flavor, started, os, slowdown)`` to a result document."""

_T4, _V100, _A100 = seed_schemas.GPU_MODELS
_GPU_RESNET50_FP32 = {_T4: 95.0, _V100: 380.0, _A100: 780.0}  # images/s per GPU
_GPU_FP16_GAIN = {_T4: 2.6, _V100: 2.4, _A100: 1.9}
_CNN_MODELS = (("resnet50", 1.0), ("vgg16", 0.62), ("googlenet", 2.4), ("alexnet", 8.5))
# Larger batches keep a GPU busier, a little: images/s relative to 64 per GPU.
_BATCH_SIZES = ((32, 0.91), (64, 1.0), (128, 1.05))
# fio job kinds: (rw, share of reads, IOPS relative to pure random reads).
_FIO_JOBS = (("randread", 1.0, 1.0), ("randwrite", 0.0, 0.45), ("randrw", 0.7, 0.75))


def _noise(rng: random.Random, sigma: float) -> float:
    """A log-normal factor around 1 (``lognormvariate`` is several times slower)."""
    return math.exp(rng.gauss(0.0, sigma))


def _cpu(rng: random.Random, site: Site, flavor: Flavor) -> tuple[str, float]:
    """The CPU a run landed on (py-cpuinfo's ``brand_raw``) and its speed factor."""
    older = flavor.older_cpu
    if older is not None and rng.random() < older[2]:
        return older[0], older[1]
    return site.cpu_model, site.cpu_factor


def _machine(flavor: Flavor, os: str, cpu_brand: str) -> Document:
    """The VM as the benchmarks report it: ``cpu`` holds what py-cpuinfo gives."""
    return {
        "cpu": {"arch": "X86_64", "bits": 64, "brand_raw": cpu_brand, "count": flavor.cpus},
        "ram_gb": flavor.ram_gb,
        "os": os,
    }


def _render_times(rng: random.Random, render: float) -> list[float]:
    """The runs of one c-ray result, in seconds: three close ones as a rule.

    In about 3 % of results one run is far off (a busy host), and the test suite,
    which repeats until the runs agree, made 5 to 9 of them.
    """
    jitter = rng.random  # uniform jitter of a few per mille is cheap and good enough
    if rng.random() >= 0.03:
        return [round(render * (0.985 + 0.03 * jitter()), 3) for _ in range(3)]
    count = rng.choice((5, 7, 9))
    runs = [round(render * (0.985 + 0.03 * jitter()), 3) for _ in range(count - 1)]
    runs.insert(rng.randrange(count), round(render * rng.uniform(1.2, 1.6), 3))
    return runs


def c_ray(
    rng: random.Random, site: Site, flavor: Flavor, started: str, os: str, slowdown: float
) -> Document:
    """c-ray: the median of the runs' render times, in seconds, and every run."""
    cpu_brand, cpu_factor = _cpu(rng, site, flavor)
    cpus = flavor.cpus
    # Amdahl's law with a 4% serial part: more cores help, less and less.
    speedup = 1.0 / (0.04 + 0.96 / cpus)
    render = 310.0 * cpu_factor / speedup * _noise(rng, 0.06) * slowdown
    runs = _render_times(rng, render)
    return {
        "benchmark": {
            "name": "c-ray",
            "version": "1.1",
            "scene": "sphfract",
            "resolution": "1920x1080",
            "rays_per_pixel": 16,
        },
        "start_datetime": started,
        "machine": _machine(flavor, os, cpu_brand),
        "result": {
            "score": sorted(runs)[len(runs) // 2],
            "unit": "s",
            # as the Phoronix Test Suite writes them: one string, the runs apart by colons
            "all_results": ":".join(f"{run:.3f}" for run in runs),
            "threads": cpus,
        },
    }


def tf_cnn(
    rng: random.Random, site: Site, flavor: Flavor, started: str, os: str, slowdown: float
) -> Document:
    """tf_cnn_benchmarks: training throughput in images per second, on GPU flavors."""
    gpus, gpu_model = flavor.gpus, flavor.gpu_model
    model, model_gain = rng.choice(_CNN_MODELS)
    batch_size, batch_gain = rng.choice(_BATCH_SIZES)
    precision = "fp16" if rng.random() < 0.4 else "fp32"
    per_gpu = _GPU_RESNET50_FP32[gpu_model] * model_gain * batch_gain
    if precision == "fp16":
        per_gpu *= _GPU_FP16_GAIN[gpu_model]
    # Data-parallel training loses about 7% per doubling of GPUs to synchronisation.
    rate = per_gpu * gpus * 0.93 ** math.log2(gpus) * _noise(rng, 0.05) / slowdown
    machine = _machine(flavor, os, _cpu(rng, site, flavor)[0])
    machine["gpu"] = {"count": gpus, "model": gpu_model, "driver": "535.129.03"}
    return {
        "start_datetime": started,
        "machine": machine,
        "training": {
            "model": model,
            "batch_size_per_device": batch_size,
            "num_gpus": gpus,
            "precision": precision,
        },
        "result": {
            "score": round(rate, 1),
            "unit": "images/s",
            "per_step": [round(rate * _noise(rng, 0.03), 1) for _ in range(5)],
        },
    }


def _fio_direction(rng: random.Random, iops: float, latency_ms: float) -> Document:
    return {
        "iops": round(iops, 1),
        "bw_mb_s": round(iops * 4096 / 1e6, 2),
        "latency_ms": {
            "mean": round(latency_ms * _noise(rng, 0.03), 3),
            "p99": round(latency_ms * rng.uniform(2.5, 6.0), 3),
        },
    }


def fio(
    rng: random.Random, site: Site, flavor: Flavor, started: str, os: str, slowdown: float
) -> Document:
    """fio: 4k random I/O per second on the site's disks, reads and writes apart."""
    rw, read_share, gain = rng.choice(_FIO_JOBS)
    total = site.read_iops * gain * _noise(rng, 0.09) / slowdown
    latency_ms = 32 / total * 1000  # Little's law at queue depth 32
    result: Document = {"total_iops": round(total, 1)}
    if read_share > 0:
        result["read"] = _fio_direction(rng, total * read_share, latency_ms)
    if read_share < 1:
        result["write"] = _fio_direction(rng, total * (1 - read_share), latency_ms)
    machine = _machine(flavor, os, _cpu(rng, site, flavor)[0])
    machine["disk"] = {"type": site.disk}
    return {
        "start_datetime": started,
        "machine": machine,
        "job": {"engine": "libaio", "rw": rw, "bs": "4k", "iodepth": 32, "runtime_s": 60},
        "result": result,
    }


def stream(
    rng: random.Random, site: Site, flavor: Flavor, started: str, os: str, slowdown: float
) -> Document:
    """STREAM: memory bandwidth in MB/s, saturating with the VM's share of the channels."""
    cpus, peak = flavor.cpus, site.mem_peak_mb_s
    # Each thread pulls ~9 GB/s until the VM's share of the memory channels saturates.
    triad = peak * (1 - math.exp(-9_000 * cpus / peak)) * _noise(rng, 0.05) / slowdown
    return {
        "start_datetime": started,
        "machine": _machine(flavor, os, _cpu(rng, site, flavor)[0]),
        "config": {"array_size": 80_000_000, "ntimes": 10, "threads": cpus},
        "result": {
            "copy": round(triad * 0.89 * _noise(rng, 0.01), 1),
            "scale": round(triad * 0.88 * _noise(rng, 0.01), 1),
            "add": round(triad * _noise(rng, 0.01), 1),
            "triad": round(triad, 1),
        },
        "validation": "Solution Validates",
    }


def free_form_payloads() -> list[Document]:
    """What people upload to a benchmark without a schema: anything, in any shape."""
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
        {
            "probe": "curl",
            "url": "https://registry.egi.example.org/v2/",
            "http_code": 200,
            "time_total_s": 0.184,
        },
        {"matrix_size": 4096, "gflops": 812.4, "precision": "double", "blas": "OpenBLAS 0.3.21"},
        {
            "cuda_visible": False,
            "python": "3.11.6",
            "packages": {"numpy": "1.26.4", "torch": "2.2.1"},
        },
        {"runs": [{"n": 1, "t": 3.2}, {"n": 2, "t": 3.1}], "median_t": 3.15, "unit": "s"},
    ]
