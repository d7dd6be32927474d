"""What machine a group of results ran on: a card per site / flavor, and what to doubt.

A flavor record holds only a name and a description, so a machine's size is read from
the results' JSON where a benchmark records it (py-cpuinfo's ``machine.cpu.count`` and
``brand_raw``, the deep-learning image's ``machine_config.gpu_info``), else parsed from
the flavor's name (``hpc.16core-32ram``, ``gpu.a100x4``, ``haicore-gpu8``); each card
says which. Written here: no library reads cloud flavor names, and the JSON paths are
this service's benchmarks' own.

Warnings where the data says so: **mixed hardware** (one flavor's results name several
CPU or GPU models) and **stale** (its newest result is over a year old).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

__all__ = ["MachineCard", "from_name", "machine_card"]

#: JSON paths that record each part of a machine, in the order they are tried.
PATHS = {
    "vcpus": ("machine.cpu.count", "machine_config.cpu_info.count", "machine.cpus"),
    "cpu": (
        "machine.cpu.brand_raw",
        "machine.cpu.model",
        "machine_config.cpu_info.brand_raw",
        "machine_config.cpu_info.model",
    ),
    "ram_gb": ("machine.ram_gb", "machine.memory_gb", "machine_config.memory_gb"),
    "gpus": ("machine.gpu.count", "machine_config.gpu_info.count"),
    "gpu": ("machine.gpu.model", "machine_config.gpu_info.model"),
}
STALE_AFTER = timedelta(days=365)

# "16core", "8cpu" (the number first), or CESGA's "cor1mem2hd10" (the number after)
_CORES = re.compile(r"(\d+)\s*(?:core|cpu|vcpu)s?|\bcor(\d+)", re.IGNORECASE)
_RAM = re.compile(r"(\d+)\s*(?:gb?\s*)?ram|mem(\d+)", re.IGNORECASE)
_GPU_MODEL = re.compile(r"gpu[._-]?([a-z]\d{2,3}[a-z]*)x(\d+)", re.IGNORECASE)
_GPU_COUNT = re.compile(r"gpu(\d+)\b", re.IGNORECASE)


@dataclass(frozen=True)
class MachineCard:
    """A group's machine: each part ``None`` when nothing says it."""

    vcpus: int | None = None
    ram_gb: float | None = None
    cpu: str | None = None
    gpus: int | None = None
    gpu: str | None = None
    source: str = ""  # where the figures come from, in words
    warnings: tuple[str, ...] = field(default=())


def from_name(name: str, description: str = "") -> dict:
    """What a flavor's name (else its description) says of its size."""
    found: dict = {}
    for text in (name, description):
        if "vcpus" not in found and (match := _CORES.search(text)):
            found["vcpus"] = int(match.group(1) or match.group(2))
        if "ram_gb" not in found and (match := _RAM.search(text)):
            found["ram_gb"] = float(match.group(1) or match.group(2))
        if "gpus" not in found and (match := _GPU_MODEL.search(text)):
            found["gpu"], found["gpus"] = match.group(1).upper(), int(match.group(2))
        elif "gpus" not in found and (match := _GPU_COUNT.search(text)):
            found["gpus"] = int(match.group(1))
    return found


def _recorded(rows: pd.DataFrame, part: str) -> list:
    """The distinct values the results record for ``part`` (the first path with any)."""
    for path in PATHS[part]:
        column = f"json.{path}"
        if column in rows.columns:
            values = rows[column].dropna().unique().tolist()
            if values:
                return values
    return []


def machine_card(
    rows: pd.DataFrame, flavor: str, description: str = "", *, now=None
) -> MachineCard:
    """The card of the machine ``rows`` (one group's results) ran on."""
    recorded = {part: _recorded(rows, part) for part in PATHS}
    warnings = []
    for part, words in (("cpu", "CPU"), ("gpu", "GPU")):
        if len(recorded[part]) > 1:
            models = ", ".join(sorted(map(str, recorded[part]))[:4])
            warnings.append(f"mixed hardware: {len(recorded[part])} {words} models ({models})")
    newest = rows["execution_datetime"].max() if "execution_datetime" in rows.columns else None
    now = now or datetime.now(tz=newest.tzinfo if newest is not None else None)
    if newest is not None and pd.notna(newest) and now - newest > STALE_AFTER:
        warnings.append(f"stale: the newest result is from {newest:%Y-%m-%d}")
    values = {part: found[0] for part, found in recorded.items() if found}
    source = "from the results" if values else ""
    named = {part: value for part, value in from_name(flavor, description).items()
             if part not in values}  # fmt: skip
    if named:
        source = (
            f"{source}; the rest from the flavor's name" if source else "from the flavor's name"
        )
    values.update(named)
    return MachineCard(
        vcpus=int(values["vcpus"]) if "vcpus" in values else None,
        ram_gb=float(values["ram_gb"]) if "ram_gb" in values else None,
        cpu=str(values["cpu"]) if "cpu" in values else None,
        gpus=int(values["gpus"]) if "gpus" in values else None,
        gpu=str(values["gpu"]) if "gpu" in values else None,
        source=source or "nothing says",
        warnings=tuple(warnings),
    )
