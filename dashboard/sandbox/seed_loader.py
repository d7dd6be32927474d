"""Loading generated demo data (`dashboard.sandbox.seed`) into an empty store.

The whole seed goes in one transaction with ``executemany`` per table, and the
query indexes are built afterwards: a seed of 100,000 results loads in seconds.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterable
from typing import Any

from dashboard.sandbox.store import Store, compact_json, iso_utc, now_iso

log = logging.getLogger(__name__)

Row = dict[str, Any]

# Stand-in address for an uploader the seed references but does not list.
_UNLISTED_EMAIL = "{sub}@users.sandbox.invalid"
# The columns every reviewed upload ends with, in the order `_reviewed` gives them.
_REVIEWED = ("upload_datetime", "status", "uploader_sub", "uploader_iss")


def load_seed(store: Store, seed: Any, registered: Iterable[tuple[str, str, str]] = ()) -> None:
    """Insert `seed` (a ``SeedData``) into `store`, plus the `registered` (sub, iss, email) users.

    Results that carry a claim (pending or approved) are stored hidden, as the
    real service hides a result as soon as it is claimed.
    """
    started = time.perf_counter()
    with store.bulk_load() as db:
        users = _users(seed, registered)
        _insert(db, "users", ("iss", "sub", "email", "registration_datetime"), users)
        _load_catalog(db, seed)
        _load_results(db, seed)
    store.ensure_indexes()
    log.info(
        "Loaded the sandbox seed: %d results, %d benchmarks, %d sites in %.1f s",
        len(seed.results),
        len(seed.benchmarks),
        len(seed.sites),
        time.perf_counter() - started,
    )


def _users(seed: Any, registered: Iterable[tuple[str, str, str]]) -> Iterable[tuple]:
    """Every user: the seed's, the `registered` ones, and a stand-in for any other uploader."""
    users = {}
    for user in seed.users:
        iss, sub = user["iss"], user["sub"]
        users[(iss, sub)] = (iss, sub, user["email"], iso_utc(user["registration_datetime"]))
    for sub, iss, email in registered:
        users.setdefault((iss, sub), (iss, sub, email, now_iso()))
    uploaded = [*seed.benchmarks, *seed.sites, *seed.flavors, *seed.results, *seed.claims]
    for item in uploaded:
        sub, iss = item["uploader"]
        users.setdefault((iss, sub), (iss, sub, _UNLISTED_EMAIL.format(sub=sub), now_iso()))
    return users.values()


def _reviewed(item: Row) -> tuple[str, str, str, str]:
    """The `_REVIEWED` columns of an upload."""
    return (iso_utc(item["upload_datetime"]), item["status"], *item["uploader"])


def _load_catalog(db: sqlite3.Connection, seed: Any) -> None:
    """Benchmarks, sites and flavors (each with the `_REVIEWED` columns last), and tags."""
    benchmarks = [
        {**item, "json_schema": compact_json(item["json_schema"])} for item in seed.benchmarks
    ]
    for table, rows, columns in (
        ("benchmarks", benchmarks, ("id", "docker_image", "docker_tag", "url", "json_schema")),
        ("sites", seed.sites, ("id", "name", "address")),
        ("flavors", seed.flavors, ("id", "site_id", "name")),
    ):
        # Only the description may be missing from a seed row.
        values = (
            (*(item[name] for name in columns), item.get("description"), *_reviewed(item))
            for item in rows
        )
        _insert(db, table, (*columns, "description", *_REVIEWED), values)
    tags = (
        (item["id"], item["name"], item.get("description"), iso_utc(item["upload_datetime"]))
        for item in seed.tags
    )
    _insert(db, "tags", ("id", "name", "description", "upload_datetime"), tags)


def _load_results(db: sqlite3.Connection, seed: Any) -> None:
    """Results (hidden when claimed), their documents and tags, and the claims."""
    numbered = list(enumerate(seed.results, start=1))
    site_of_flavor = {flavor["id"]: flavor["site_id"] for flavor in seed.flavors}
    rid_of_result = {result["id"]: rid for rid, result in numbered}
    claimed = {rid_of_result[claim["result_id"]] for claim in seed.claims}
    encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode
    _insert(
        db,
        "results",
        ("rid", "id", "benchmark_id", "site_id", "flavor_id", "execution_datetime",
         "upload_datetime", "uploader_sub", "uploader_iss", "deleted"),
        (
            (
                rid, item["id"], item["benchmark_id"], site_of_flavor[item["flavor_id"]],
                item["flavor_id"], iso_utc(item["execution_datetime"]),
                iso_utc(item["upload_datetime"]), *item["uploader"], int(rid in claimed),
            )
            for rid, item in numbered
        ),
    )  # fmt: skip
    documents = ((rid, encode(item["json"])) for rid, item in numbered)
    _insert(db, "result_json", ("rid", "json"), documents)
    db.executemany(
        "INSERT OR IGNORE INTO result_tags (rid, tag_id) VALUES (?, ?)",
        ((rid, tag_id) for rid, item in numbered for tag_id in item.get("tag_ids", ())),
    )
    claims = (
        (item["id"], rid_of_result[item["result_id"]], item["message"], *_reviewed(item))
        for item in seed.claims
    )
    _insert(db, "claims", ("id", "rid", "message", *_REVIEWED), claims)


def _insert(db: sqlite3.Connection, table: str, columns: tuple[str, ...], rows: Iterable) -> None:
    marks = ", ".join("?" * len(columns))
    db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
