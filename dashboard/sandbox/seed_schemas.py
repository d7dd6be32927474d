"""JSON Schemas of the sandbox's demo benchmarks.

Between them they use what real benchmark schemas use and what the dashboard must
cope with when it turns a schema into filter and plot fields: the three drafts the
service sees (draft-07, 2019-09, 2020-12), nested objects, ``$ref`` into ``$defs``
or ``definitions``, ``allOf``/``anyOf``/``oneOf``, ``const``, ``enum``, arrays,
``date-time`` strings, units (in descriptions and as a custom ``unit`` keyword) and
the custom ``suggestToUser`` keyword on the few fields worth offering first.

They are functions, not constants, so each call hands out a fresh dict that a
caller may mutate without changing the next sandbox's data.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
DRAFT_2019_09 = "https://json-schema.org/draft/2019-09/schema"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

GPU_MODELS = ("NVIDIA T4", "NVIDIA V100", "NVIDIA A100")
DISK_TYPES = ("ceph-rbd", "local-ssd", "local-nvme", "nfs")
#: py-cpuinfo's names of CPU architectures.
CPU_ARCHES = ("X86_32", "X86_64", "ARM_7", "ARM_8", "PPC_64", "S390X", "RISCV_64")


def _start_datetime() -> Schema:
    return {
        "type": "string",
        "format": "date-time",
        "description": "When the benchmark run started (RFC 3339, UTC).",
    }


def _cpu(*, suggest: bool = False) -> Schema:
    count: Schema = {
        "type": "integer",
        "minimum": 1,
        "description": "Number of vCPUs visible to the container.",
    }
    if suggest:
        count["suggestToUser"] = True
    return {
        "type": "object",
        "description": "The CPU as py-cpuinfo reports it.",
        "required": ["count"],
        "properties": {
            "count": count,
            "brand_raw": {"type": "string", "description": "The CPU model."},
            "arch": {"enum": list(CPU_ARCHES)},
            "bits": {"enum": [32, 64]},
        },
    }


def _ram_gb() -> Schema:
    return {
        "type": "number",
        "exclusiveMinimum": 0,
        "description": "Memory of the virtual machine, in GiB.",
        "unit": "GiB",
    }


def _gpu() -> Schema:
    return {
        "type": "object",
        "required": ["count", "model"],
        "properties": {
            "count": {"type": "integer", "minimum": 1},
            "model": {"enum": list(GPU_MODELS), "suggestToUser": True},
            "driver": {"type": "string"},
        },
    }


def _disk() -> Schema:
    return {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": list(DISK_TYPES), "suggestToUser": True}},
    }


def _machine(*, suggest_cpu: bool = False, **parts: Schema) -> Schema:
    """The VM a benchmark ran on: its vCPUs and memory, and the `parts` it also reports."""
    return {
        "type": "object",
        "required": ["cpu", "ram_gb", *parts],
        "properties": {"cpu": _cpu(suggest=suggest_cpu), "ram_gb": _ram_gb(), **parts},
    }


def anything() -> Schema:
    """The empty schema: any JSON is a valid result (free-form benchmarks)."""
    return {}


def c_ray() -> Schema:
    """c-ray CPU ray tracing (2020-12): wall-clock seconds, lower is better."""
    return {
        "$schema": DRAFT_2020_12,
        "title": "c-ray CPU ray tracing",
        "type": "object",
        "required": ["benchmark", "start_datetime", "machine", "result"],
        "properties": {
            "benchmark": {
                "type": "object",
                "required": ["name", "version", "scene"],
                "properties": {
                    "name": {"const": "c-ray"},
                    "version": {"type": "string"},
                    "scene": {"enum": ["sphfract", "scene"]},
                    "resolution": {"type": "string", "pattern": "^[0-9]+x[0-9]+$"},
                    "rays_per_pixel": {"type": "integer", "minimum": 1},
                },
            },
            "start_datetime": _start_datetime(),
            "machine": {
                # allOf: the shared hardware description plus what only c-ray reports.
                "allOf": [
                    {"$ref": "#/$defs/hardware"},
                    {"properties": {"os": {"type": "string"}}},
                ],
            },
            "result": {
                "type": "object",
                "required": ["score", "unit", "all_results"],
                "properties": {
                    "score": {
                        "type": "number",
                        "exclusiveMinimum": 0,
                        "description": "Median render time of the runs, in seconds "
                        "(lower is better).",
                        "unit": "s",
                        "suggestToUser": True,
                    },
                    "unit": {"const": "s"},
                    "all_results": {
                        "type": "string",
                        "description": "Render time of each run in seconds, the runs "
                        "separated by colons.",
                        "examples": ["2276.233:2266.157:2270.354"],
                        "pattern": "^[0-9]+(\\.[0-9]+)?(:[0-9]+(\\.[0-9]+)?)*$",
                    },
                    "threads": {"type": "integer", "minimum": 1},
                },
            },
        },
        "$defs": {"hardware": _machine(suggest_cpu=True)},
    }


def tf_cnn() -> Schema:
    """tf_cnn_benchmarks GPU training (draft-07): images/s, higher is better."""
    return {
        "$schema": DRAFT_07,
        "title": "TensorFlow CNN training throughput",
        "type": "object",
        "required": ["start_datetime", "machine", "training", "result"],
        "definitions": {
            "rate": {
                "type": "number",
                "minimum": 0,
                "description": "Throughput in images per second.",
                "unit": "images/s",
            },
        },
        "properties": {
            "start_datetime": _start_datetime(),
            "machine": _machine(gpu=_gpu()),
            "training": {
                "type": "object",
                "required": ["model", "batch_size_per_device", "num_gpus", "precision"],
                "properties": {
                    "model": {
                        "enum": ["resnet50", "vgg16", "googlenet", "alexnet"],
                        "suggestToUser": True,
                    },
                    "batch_size_per_device": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "Images per GPU in each training step.",
                    },
                    "num_gpus": {"type": "integer", "minimum": 1},
                    "precision": {
                        "oneOf": [
                            {"const": "fp32", "description": "Single precision."},
                            {"const": "fp16", "description": "Mixed precision."},
                        ],
                    },
                },
            },
            "result": {
                "type": "object",
                "required": ["score", "unit"],
                "properties": {
                    "score": {
                        "type": "number",
                        "exclusiveMinimum": 0,
                        "description": "Training throughput in images per second "
                        "(higher is better).",
                        "unit": "images/s",
                        "suggestToUser": True,
                    },
                    "unit": {"const": "images/s"},
                    "per_step": {"type": "array", "items": {"$ref": "#/definitions/rate"}},
                },
            },
        },
    }


def _io_direction() -> Schema:
    """What fio reports for reads or for writes: IOPS, bandwidth and latency."""
    return {
        "type": "object",
        "required": ["iops", "bw_mb_s", "latency_ms"],
        "properties": {
            "iops": {"type": "number", "minimum": 0, "unit": "IOPS"},
            "bw_mb_s": {
                "type": "number",
                "minimum": 0,
                "description": "Bandwidth in MB/s (higher is better).",
            },
            "latency_ms": {
                "type": "object",
                "required": ["mean", "p99"],
                "properties": {
                    "mean": {"type": "number", "minimum": 0, "unit": "ms"},
                    "p99": {"type": "number", "minimum": 0, "unit": "ms"},
                },
            },
        },
    }


def fio() -> Schema:
    """fio random block I/O (2019-09): IOPS and MB/s higher, latency lower is better."""
    return {
        "$schema": DRAFT_2019_09,
        "title": "fio random I/O on the root volume",
        "type": "object",
        "required": ["start_datetime", "machine", "job", "result"],
        "properties": {
            "start_datetime": _start_datetime(),
            "machine": _machine(disk=_disk()),
            "job": {
                "type": "object",
                "required": ["engine", "rw", "bs", "iodepth", "runtime_s"],
                "properties": {
                    "engine": {"const": "libaio"},
                    "rw": {"enum": ["randread", "randwrite", "randrw"]},
                    "bs": {"enum": ["4k", "64k", "1m"]},
                    "iodepth": {"type": "integer", "minimum": 1},
                    "runtime_s": {"type": "integer", "minimum": 1, "unit": "s"},
                },
            },
            "result": {
                "type": "object",
                "required": ["total_iops"],
                "properties": {
                    "total_iops": {
                        "type": "number",
                        "minimum": 0,
                        "description": "Read plus write operations per second (higher is better).",
                        "unit": "IOPS",
                        "suggestToUser": True,
                    },
                    "read": {"$ref": "#/$defs/direction", "description": "Reads."},
                    "write": {"$ref": "#/$defs/direction", "description": "Writes."},
                },
                # A randread job has no writes and a randwrite job no reads.
                "anyOf": [{"required": ["read"]}, {"required": ["write"]}],
            },
        },
        "$defs": {
            "direction": _io_direction(),
        },
    }


def stream() -> Schema:
    """STREAM memory bandwidth (2020-12): MB/s, higher is better."""
    return {
        "$schema": DRAFT_2020_12,
        "title": "STREAM memory bandwidth",
        "type": "object",
        "required": ["start_datetime", "machine", "config", "result", "validation"],
        "properties": {
            "start_datetime": _start_datetime(),
            "machine": _machine(),
            "config": {
                "type": "object",
                "required": ["array_size", "ntimes", "threads"],
                "properties": {
                    "array_size": {
                        "type": "integer",
                        "minimum": 1_000_000,
                        "description": "Elements per array, 8 bytes each.",
                    },
                    "ntimes": {"type": "integer", "minimum": 2},
                    "threads": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "OpenMP threads.",
                        "suggestToUser": True,
                    },
                },
            },
            "result": {
                "type": "object",
                "required": ["copy", "scale", "add", "triad"],
                "properties": {
                    "copy": {"$ref": "#/$defs/rate"},
                    "scale": {"$ref": "#/$defs/rate"},
                    "add": {"$ref": "#/$defs/rate"},
                    "triad": {
                        "$ref": "#/$defs/rate",
                        "description": "Triad (a = b + q*c) best rate in MB/s; the "
                        "usual headline figure (higher is better).",
                        "suggestToUser": True,
                    },
                },
            },
            "validation": {"const": "Solution Validates"},
        },
        "$defs": {
            "rate": {
                "type": "number",
                "exclusiveMinimum": 0,
                "description": "Best rate over all iterations, in MB/s (higher is better).",
                "unit": "MB/s",
            },
        },
    }


def iperf3() -> Schema:
    """iperf3 network throughput (draft-07): Gbit/s, higher is better."""
    return {
        "$schema": DRAFT_07,
        "title": "iperf3 TCP throughput between two VMs",
        "type": "object",
        "required": ["start_datetime", "protocol", "streams", "result"],
        "properties": {
            "start_datetime": _start_datetime(),
            "protocol": {"enum": ["tcp", "udp"]},
            "streams": {"type": "integer", "minimum": 1},
            "result": {
                "type": "object",
                "required": ["score"],
                "properties": {
                    "score": {
                        "type": "number",
                        "minimum": 0,
                        "description": "Receiver throughput in Gbit/s (higher is better).",
                        "unit": "Gbit/s",
                        "suggestToUser": True,
                    },
                    "retransmits": {"type": "integer", "minimum": 0},
                },
            },
        },
    }


def sysbench_cpu() -> Schema:
    """sysbench CPU (2019-09): events per second, higher is better."""
    return {
        "$schema": DRAFT_2019_09,
        "title": "sysbench CPU prime numbers",
        "type": "object",
        "required": ["start_datetime", "threads", "result"],
        "properties": {
            "start_datetime": _start_datetime(),
            "threads": {"type": "integer", "minimum": 1},
            "result": {
                "type": "object",
                "required": ["events_per_second"],
                "properties": {
                    "events_per_second": {
                        "type": "number",
                        "minimum": 0,
                        "description": "Events per second (higher is better).",
                        "suggestToUser": True,
                    },
                },
            },
        },
    }
