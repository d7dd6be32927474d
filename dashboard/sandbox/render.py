"""Turning stored rows into the API's JSON, fast.

A page of results embeds a benchmark, a site, a flavor and tags in every item,
so their JSON is rendered once and kept (per store generation) as text; an item is
then a handful of string joins around the result's own stored JSON text, and a
page is one string. Keys whose value is null are left out, as the real service's
schemas drop them (``description`` is optional everywhere).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from dashboard.sandbox.store import Store, compact_json

_RESULT = (
    '{{"id":"{id}","execution_datetime":"{execution_datetime}",'
    '"upload_datetime":"{upload_datetime}","benchmark":{benchmark},"site":{site},'
    '"flavor":{flavor},"tags":[{tags}],"json":{json}}}'
)


def _marks(keys: Sequence[Any]) -> str:
    return ",".join("?" * len(keys))


def _without_nulls(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def benchmark_json(row: sqlite3.Row) -> str:
    """A benchmark as the API shows it."""
    fields = _without_nulls(
        {
            "id": row["id"],
            "docker_image": row["docker_image"],
            "docker_tag": row["docker_tag"],
            "url": row["url"],
            "description": row["description"],
            "upload_datetime": row["upload_datetime"],
        }
    )
    return compact_json(fields)[:-1] + f',"json_schema":{row["json_schema"]}}}'


def _fields_json(row: sqlite3.Row, names: tuple[str, ...]) -> str:
    return compact_json(_without_nulls({name: row[name] for name in names}))


def site_json(row: sqlite3.Row) -> str:
    """A site as the API shows it."""
    return _fields_json(row, ("id", "name", "address", "description", "upload_datetime"))


def flavor_json(row: sqlite3.Row) -> str:
    """A flavor as the API shows it."""
    return _fields_json(row, ("id", "name", "description", "upload_datetime"))


def tag_json(row: sqlite3.Row) -> str:
    """A tag as the API shows it."""
    return _fields_json(row, ("id", "name", "description"))


def user_json(row: sqlite3.Row) -> str:
    """A user as the API shows it."""
    return compact_json(
        {
            "sub": row["sub"],
            "iss": row["iss"],
            "email": row["email"],
            "registration_datetime": row["registration_datetime"],
        }
    )


def page_json(items: Iterable[str], meta: dict[str, Any]) -> str:
    """A list answer: the rendered items and the pagination fields."""
    return '{"items":[' + ",".join(items) + "]," + compact_json(meta)[1:]


class Renderer:
    """The catalog (benchmarks, sites, flavors, tags, users) as JSON, kept until a write."""

    def __init__(self, store: Store):
        self.store = store
        self._generation = -1
        self._benchmarks: dict[str, str] = {}
        self._sites: dict[str, str] = {}
        self._flavors: dict[str, str] = {}
        self._tags: dict[str, tuple[str, str]] = {}
        self._users: dict[tuple[str, str], str] = {}

    def _fresh(self) -> None:
        if self._generation == self.store.generation:
            return
        every = self.store.all
        self._benchmarks = {
            row["id"]: benchmark_json(row) for row in every("SELECT * FROM benchmarks")
        }
        self._sites = {row["id"]: site_json(row) for row in every("SELECT * FROM sites")}
        self._flavors = {row["id"]: flavor_json(row) for row in every("SELECT * FROM flavors")}
        self._tags = {
            row["id"]: (row["name"], tag_json(row)) for row in every("SELECT * FROM tags")
        }
        self._users = {
            (row["iss"], row["sub"]): user_json(row) for row in every("SELECT * FROM users")
        }
        self._generation = self.store.generation

    def benchmark(self, item_id: str) -> str:
        """A stored benchmark's JSON."""
        self._fresh()
        return self._benchmarks[item_id]

    def site(self, item_id: str) -> str:
        """A stored site's JSON."""
        self._fresh()
        return self._sites[item_id]

    def flavor(self, item_id: str) -> str:
        """A stored flavor's JSON."""
        self._fresh()
        return self._flavors[item_id]

    def tag(self, item_id: str) -> str:
        """A stored tag's JSON."""
        self._fresh()
        return self._tags[item_id][1]

    def user(self, iss: str, sub: str) -> str:
        """A registered user's JSON."""
        self._fresh()
        return self._users[(iss, sub)]

    def catalog(self, resource: str, ids: Iterable[str]) -> list[str]:
        """The JSON of several benchmarks, sites, flavors or tags, in the order given."""
        render = {
            "benchmark": self.benchmark,
            "site": self.site,
            "flavor": self.flavor,
            "tag": self.tag,
        }[resource]
        return [render(item_id) for item_id in ids]

    def results(self, rids: Sequence[int]) -> list[str]:
        """The JSON of several results (by ``rid``), in the order given."""
        if not rids:
            return []
        self._fresh()
        rows = self._rows_by(
            "rid",
            "SELECT r.rid, r.id, r.benchmark_id, r.site_id, r.flavor_id,"
            " r.execution_datetime, r.upload_datetime, j.json FROM results r"
            " JOIN result_json j ON j.rid = r.rid WHERE r.rid IN ({marks})",
            rids,
        )
        tags: dict[int, list[tuple[str, str]]] = {}
        for rid, tag_id in self.store.db.execute(
            f"SELECT rid, tag_id FROM result_tags WHERE rid IN ({_marks(rids)})", rids
        ):
            tags.setdefault(rid, []).append(self._tags[tag_id])
        return [
            _RESULT.format(
                id=row["id"],
                execution_datetime=row["execution_datetime"],
                upload_datetime=row["upload_datetime"],
                benchmark=self._benchmarks[row["benchmark_id"]],
                site=self._sites[row["site_id"]],
                flavor=self._flavors[row["flavor_id"]],
                tags=",".join(rendered for _, rendered in sorted(tags.get(rid, ()))),
                json=row["json"],
            )
            for rid in rids
            if (row := rows.get(rid)) is not None
        ]

    def claims(self, ids: Sequence[str]) -> list[str]:
        """The JSON of several claims, in the order given."""
        if not ids:
            return []
        self._fresh()
        # A result holds one claim reference, its newest claim's: an older claim on the
        # same result comes back without its resource_id, as on the real service.
        rows = self._rows_by(
            "id",
            "SELECT c.*, CASE WHEN c.rowid = (SELECT max(o.rowid) FROM claims o"
            " WHERE o.rid = c.rid) THEN r.id END AS result_id"
            " FROM claims c JOIN results r ON r.rid = c.rid WHERE c.id IN ({marks})",
            ids,
        )
        return [self._claim(rows[claim_id]) for claim_id in ids if claim_id in rows]

    def _rows_by(self, column: str, sql: str, keys: Sequence[Any]) -> dict[Any, sqlite3.Row]:
        """The rows `sql` selects for `keys` (its ``IN ({marks})`` filled in), by `column`."""
        return {row[column]: row for row in self.store.all(sql.format(marks=_marks(keys)), keys)}

    def _claim(self, row: sqlite3.Row) -> str:
        fields = {
            "id": row["id"],
            "message": row["message"],
            "upload_datetime": row["upload_datetime"],
            "resource_type": "result",
        }
        if row["result_id"] is not None:
            fields["resource_id"] = row["result_id"]
        return self._with_uploader(fields, row["uploader_iss"], row["uploader_sub"])

    def submits(self, rows: Iterable[tuple[str, str, str, str, str]]) -> list[str]:
        """The JSON of pending submissions, from (kind, id, uploaded, iss, sub) rows."""
        self._fresh()
        return [
            self._with_uploader(
                {"resource_type": kind, "resource_id": item_id, "upload_datetime": when}, iss, sub
            )
            for kind, item_id, when, iss, sub in rows
        ]

    def _with_uploader(self, fields: dict[str, Any], iss: str, sub: str) -> str:
        return compact_json(fields)[:-1] + ',"uploader":' + self._users[(iss, sub)] + "}"

    def users(self, keys: Iterable[tuple[str, str]]) -> list[str]:
        """The JSON of several users, from (iss, sub) keys."""
        self._fresh()
        return [self._users[key] for key in keys]
