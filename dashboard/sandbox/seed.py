"""Deterministic, realistic demo data for the sandbox API.

``generate(size, seed=...)`` returns the rows the sandbox store loads: users,
benchmarks, sites, flavors, tags, results and claims, as plain dicts. The same
``(size, seed)`` gives the same data on every run and machine: every id, datetime
and score comes from one ``random.Random(seed)`` and from the fixed ``ANCHOR``,
never from the clock.

This module is the generator: it gives ids and dates to the fixed catalogue
(`dashboard.sandbox.seed_catalog` and `dashboard.sandbox.seed_benchmarks`), places
results on approved flavors, tags them and picks the claimed ones. What a result's
document holds is `dashboard.sandbox.seed_payloads`. Scores follow the flavor a
result ran on with about 1% outliers, so plots look like real measurements. As on the
real service, most groups (site + flavor) hold many results but a few hold one or two
(their flavors' ``weight``), and some benchmarks were never run at some sites. The
data holds no markup: the tests that check the dashboard escapes what the API gives
add such strings themselves.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from dashboard.sandbox.identities import DEMO_IDENTITIES, DEMO_ISSUER
from dashboard.sandbox.seed_benchmarks import BENCHMARKS, KNOWN_IMAGES, Benchmark
from dashboard.sandbox.seed_catalog import (
    CLAIMS,
    OS_CUM_WEIGHTS,
    OS_TAGS,
    OSES,
    SITES,
    TAGS,
    UPLOADERS,
    Flavor,
    Site,
)
from dashboard.sandbox.seed_payloads import Build, free_form_payloads

__all__ = ["ANCHOR", "KNOWN_IMAGES", "SeedData", "generate"]

ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
"""The fixed "now" of the demo data: every datetime in it lies before this instant."""

Row = dict[str, Any]
Uploader = tuple[str, str]

_DAY = 86_400
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


class _Placement(NamedTuple):
    """An approved flavor as the result generator sees it."""

    id: str
    site: Site
    flavor: Flavor
    earliest_s: float  # first possible run, in seconds relative to ANCHOR
    owner: Uploader
    tag_odds: dict[str, tuple[tuple[str, float], ...]]  # os -> (tag id, probability)


def _new_id(rng: random.Random) -> str:
    """A random UUID4 string from ``rng``; what ``uuid.UUID(..., version=4)`` gives, faster."""
    h = f"{rng.getrandbits(128) & _UUID4_MASK | _UUID4_BITS:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _days_ago(rng: random.Random, days: int) -> datetime:
    """A time of day drawn at random, ``days`` whole days before ANCHOR."""
    return ANCHOR - timedelta(days=days, seconds=rng.randrange(1, _DAY))


def _tag_odds(
    site: Site,
    flavor: Flavor,
    tag_ids: dict[str, str],
) -> dict[str, tuple[tuple[str, float], ...]]:
    """For each guest OS, the tags a result on this flavor gets and how likely each is."""
    odds = [("baseline", 0.04), ("preemptible", 0.04), ("apptainer", 0.04)]
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
        os: tuple((tag_ids[name], p) for name, p in [*odds, (OS_TAGS.get(os, ""), 0.6)] if name)
        for os in OSES
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
    oses = rng.choices(OSES, cum_weights=OS_CUM_WEIGHTS, k=count)
    weights = [p.flavor.weight for p in placements]
    for i, p in enumerate(rng.choices(placements, weights, k=count)):
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
                "json": build(rng, p.site, p.flavor, executed.isoformat(), os, slowdown),
                "execution_datetime": executed,
                "upload_datetime": executed + timedelta(seconds=int(120 + 36 * 3600 * uniform())),
                "uploader": uploader,
            }
        )
    return rows, outliers


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
        for name, description in TAGS
    ]  # fmt: skip
    tag_ids = {tag["name"]: tag["id"] for tag in tags}
    sites, flavors, placements = _sites_and_flavors(rng, uploaders, tag_ids)
    benchmarks = [
        {"id": _new_id(rng), "docker_image": b.image, "docker_tag": b.tag,
         "url": f"https://hub.docker.com/r/{b.image}", "description": b.description,
         "json_schema": b.schema(), "upload_datetime": _days_ago(rng, b.added_days_ago),
         "status": b.status, "uploader": uploaders[b.owner]}
        for b in BENCHMARKS
    ]  # fmt: skip

    # Results come after the whole catalogue so that its ids do not depend on ``size``.
    results: list[Row] = []
    outliers: list[Row] = []
    with _collector_paused():
        for index, (b, row) in enumerate(zip(BENCHMARKS, benchmarks, strict=True)):
            if b.status != "approved":
                continue  # pending benchmarks cannot have results yet
            build, count = _plan(b, size if index == 0 else max(60, size // 10))
            eligible = [
                p
                for p in placements
                if (p.flavor.gpus or not b.gpu_only) and p.site.name not in b.never_at
            ]
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
    accounts += [(key, *account) for key, account in UPLOADERS.items()]
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
    for site in SITES:
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


def _plan(b: Benchmark, count: int) -> tuple[Build, int]:
    """How to build one benchmark's result JSON, and how many results to make."""
    if b.build is not None:
        return b.build, count
    # The free-form benchmark gets each of its payloads once.
    payloads = free_form_payloads()
    handout = iter(payloads)
    return (lambda *_: next(handout)), len(payloads)


def _claims(
    rng: random.Random, results: list[Row], outliers: list[Row], uploaders: dict[str, Uploader]
) -> list[Row]:
    """Claims on distinct results, outliers first (they are what people report).

    Alice's own results are left alone so that her "my results" stays visible.
    """
    alice = uploaders["alice"]
    targets = [r for r in outliers if r["uploader"] != alice][: len(CLAIMS)]
    while len(targets) < len(CLAIMS):
        candidate = rng.choice(results)
        if candidate["uploader"] != alice and candidate not in targets:
            targets.append(candidate)
    claims = []
    for (claimant, status, message), result in zip(CLAIMS, targets, strict=True):
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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while results are made.

    A large seed makes hundreds of thousands of small dicts without reference cycles,
    which the collector would rescan again and again: a third of the time or more.
    Another thread switching it meanwhile costs at most some speed, never memory
    for good: whoever found it running turns it back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
