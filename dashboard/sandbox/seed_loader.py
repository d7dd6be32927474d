"""Loading generated demo data (`dashboard.sandbox.seed`) into an empty store.

The whole seed goes in one transaction with ``executemany`` per table, and the
query indexes are built afterwards: a seed of 100,000 results loads in seconds.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from typing import Any

from dashboard.sandbox.store import Store, compact_json, iso_utc, now_iso

log = logging.getLogger(__name__)

# Stand-in address for an uploader the seed references but does not list.
_UNLISTED_EMAIL = "{sub}@users.sandbox.invalid"


def load_seed(store: Store, seed: Any, registered: Iterable[tuple[str, str, str]] = ()) -> None:
    """Insert `seed` (a ``SeedData``) into `store`, plus the `registered` (sub, iss, email) users.

    Results that carry a claim (pending or approved) are stored hidden, as the
    real service hides a result as soon as it is claimed.
    """
    started = time.perf_counter()
    encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode
    users = {(user["iss"], user["sub"]): _user_row(user) for user in seed.users}
    for sub, iss, email in registered:
        users.setdefault((iss, sub), (iss, sub, email, now_iso()))
    uploaded = [*seed.benchmarks, *seed.sites, *seed.flavors, *seed.results, *seed.claims]
    for item in uploaded:
        sub, iss = item["uploader"]
        users.setdefault((iss, sub), (iss, sub, _UNLISTED_EMAIL.format(sub=sub), now_iso()))

    site_of_flavor = {flavor["id"]: flavor["site_id"] for flavor in seed.flavors}
    rid_of_result = {result["id"]: rid for rid, result in enumerate(seed.results, start=1)}
    claimed = {rid_of_result[claim["result_id"]] for claim in seed.claims}

    with store.bulk_load() as db:
        db.executemany("INSERT INTO users VALUES (?, ?, ?, ?)", users.values())
        db.executemany(
            "INSERT INTO benchmarks (id, docker_image, docker_tag, url, description, json_schema,"
            " upload_datetime, status, uploader_sub, uploader_iss)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    item["id"], item["docker_image"], item["docker_tag"], item["url"],
                    item.get("description"), compact_json(item["json_schema"]),
                    iso_utc(item["upload_datetime"]), item["status"], *item["uploader"],
                )
                for item in seed.benchmarks
            ),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO sites (id, name, address, description, upload_datetime, status,"
            " uploader_sub, uploader_iss) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    item["id"], item["name"], item["address"], item.get("description"),
                    iso_utc(item["upload_datetime"]), item["status"], *item["uploader"],
                )
                for item in seed.sites
            ),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO flavors (id, site_id, name, description, upload_datetime, status,"
            " uploader_sub, uploader_iss) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    item["id"], item["site_id"], item["name"], item.get("description"),
                    iso_utc(item["upload_datetime"]), item["status"], *item["uploader"],
                )
                for item in seed.flavors
            ),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO tags (id, name, description, upload_datetime) VALUES (?, ?, ?, ?)",
            (
                (item["id"], item["name"], item.get("description"),
                 iso_utc(item["upload_datetime"]))
                for item in seed.tags
            ),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO results (rid, id, benchmark_id, site_id, flavor_id,"
            " execution_datetime, upload_datetime, uploader_sub, uploader_iss, deleted)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    rid, item["id"], item["benchmark_id"], site_of_flavor[item["flavor_id"]],
                    item["flavor_id"], iso_utc(item["execution_datetime"]),
                    iso_utc(item["upload_datetime"]), *item["uploader"], int(rid in claimed),
                )
                for rid, item in enumerate(seed.results, start=1)
            ),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO result_json (rid, json) VALUES (?, ?)",
            ((rid, encode(item["json"])) for rid, item in enumerate(seed.results, start=1)),
        )
        db.executemany(
            "INSERT OR IGNORE INTO result_tags (rid, tag_id) VALUES (?, ?)",
            (
                (rid, tag_id)
                for rid, item in enumerate(seed.results, start=1)
                for tag_id in item.get("tag_ids", ())
            ),
        )
        db.executemany(
            "INSERT INTO claims (id, rid, message, upload_datetime, status,"
            " uploader_sub, uploader_iss) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    item["id"], rid_of_result[item["result_id"]], item["message"],
                    iso_utc(item["upload_datetime"]), item["status"], *item["uploader"],
                )
                for item in seed.claims
            ),
        )  # fmt: skip
    store.ensure_indexes()
    log.info(
        "Loaded the sandbox seed: %d results, %d benchmarks, %d sites in %.1f s",
        len(seed.results),
        len(seed.benchmarks),
        len(seed.sites),
        time.perf_counter() - started,
    )


def _user_row(user: dict[str, Any]) -> tuple[str, str, str, str]:
    return (user["iss"], user["sub"], user["email"], iso_utc(user["registration_datetime"]))
