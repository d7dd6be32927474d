"""List queries: filters, search terms, sorts and pagination, as the real service has them.

Each list is one SQL statement selecting the keys of the matching rows in their
final order; `ListCache` keeps recent key lists (and rendered pages) until the
next write, so paging through a list, or counting it, costs a slice, not a query.
Sorting always ends with the row's id, so equal sort keys keep a stable order
across pages.

Facts taken from the real service: ``sort_by`` fields are checked before their
``+``/``-`` prefix; ``filters`` split on single spaces into exactly three parts
and compare numerically when the value reads as a number; search terms are
case-sensitive substrings, all of which must match; dates bound strictly.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dashboard.sandbox import errors
from dashboard.sandbox.render import page_json
from dashboard.sandbox.store import Store

Sql = tuple[str, tuple[Any, ...]]

_BOOLEAN_WORDS = {"true", "True", "TRUE", "false", "False", "FALSE"}
_FILTER_OPERATORS = {"==": "=", ">": ">", "<": "<", ">=": ">=", "<=": "<="}
_FILTER_EXAMPLE = "filters=machine.cpu.count%20%3E%205"

RESULT_SORTS = {
    "id": "r.id",
    "execution_datetime": "r.execution_datetime",
    "upload_datetime": "r.upload_datetime",
    "benchmark_id": "r.benchmark_id",
    "benchmark_name": "(SELECT b.docker_image || ':' || b.docker_tag FROM benchmarks b"
    " WHERE b.id = r.benchmark_id)",
    "site_id": "r.site_id",
    "site_name": "(SELECT s.name FROM sites s WHERE s.id = r.site_id)",
    "site_address": "(SELECT s.address FROM sites s WHERE s.id = r.site_id)",
    "flavor_id": "r.flavor_id",
    "flavor_name": "(SELECT f.name FROM flavors f WHERE f.id = r.flavor_id)",
}
CATALOG_SORTS = {
    "benchmark": ("id", "upload_datetime", "docker_image", "docker_tag", "url", "description"),
    "site": ("id", "upload_datetime", "name", "address", "description"),
    "flavor": ("id", "upload_datetime", "name", "description"),
    "tag": ("id", "upload_datetime", "name", "description"),
}
# What each catalog `:search` looks into, as on the real service.
CATALOG_SEARCHED = {
    "benchmark": ("docker_image", "docker_tag", "description"),
    "site": ("name", "address", "description"),
    "flavor": ("name", "description"),
    "tag": ("name", "description"),
}
CLAIM_SORTS = {
    "id": "c.id",
    "status": "c.status",
    "upload_datetime": "c.upload_datetime",
    "message": "c.message",
    "resource_type": "'result'",
}
SUBMIT_SORTS = {"id": "resource_id", "upload_datetime": "upload_datetime", "resource_type": "kind"}
USER_SORTS = {column: column for column in ("sub", "iss", "email", "registration_datetime")}


class ListCache:
    """Recent key lists and rendered pages, all dropped as soon as the store is written to.

    Clients page through the same lists again and again (a dashboard refreshing, a
    bulk load fetching every page); between writes those answers cannot change.
    """

    def __init__(self, store: Store, capacity: int = 32, page_bytes: int = 64 * 2**20):
        self.store = store
        self.capacity = capacity
        self.page_bytes = page_bytes
        self._generation = store.generation
        self._lists: OrderedDict[Sql, list[Any]] = OrderedDict()
        self._pages: OrderedDict[tuple[Sql, int, int], bytes] = OrderedDict()
        self._cached_bytes = 0

    def _drop_stale(self) -> None:
        if self._generation != self.store.generation:
            self._lists.clear()
            self._pages.clear()
            self._cached_bytes = 0
            self._generation = self.store.generation

    def keys(self, query: Sql) -> list[Any]:
        """The first column of every row `query` selects, in order (rows if it selects more)."""
        self._drop_stale()
        found = self._lists.get(query)
        if found is None:
            cursor = self.store.db.execute(*query)
            cursor.row_factory = None
            rows = cursor.fetchall()
            found = [row[0] for row in rows] if len(cursor.description) == 1 else rows
            self._lists[query] = found
            if len(self._lists) > self.capacity:
                self._lists.popitem(last=False)
        else:
            self._lists.move_to_end(query)
        return found

    def page(
        self, query: Sql, page: int, per_page: int, render: Callable[[Sequence[Any]], list[str]]
    ) -> bytes:
        """The JSON answer for one page of `query`'s keys, rendered by `render`."""
        self._drop_stale()
        key = (query, page, per_page)
        body = self._pages.get(key)
        if body is not None:
            self._pages.move_to_end(key)
            return body
        selected, meta = paginate(self.keys(query), page, per_page)
        body = page_json(render(selected), meta).encode()
        self._pages[key] = body
        self._cached_bytes += len(body)
        while self._cached_bytes > self.page_bytes:
            self._cached_bytes -= len(self._pages.popitem(last=False)[1])
        return body


def paginate(keys: Sequence[Any], page: int, per_page: int) -> tuple[Sequence[Any], dict[str, Any]]:
    """One page of `keys` and the pagination fields; 404 for a page past the end."""
    total = len(keys)
    pages = math.ceil(total / per_page)
    if page > 1 and page > pages:
        raise errors.not_found()
    meta: dict[str, Any] = {
        "has_next": page < pages,
        "has_prev": page > 1,
        "page": page,
        "pages": pages,
        "per_page": per_page,
        "total": total,
    }
    if page > 1:
        meta["prev_num"] = page - 1
    if page < pages:
        meta["next_num"] = page + 1
    start = (page - 1) * per_page
    return keys[start : start + per_page], meta


def json_path(dotted: str) -> str | None:
    """The SQLite JSON path of a dotted path (``a.b`` → ``$."a"."b"``), None if unusable."""
    segments = dotted.split(".")
    if any('"' in segment for segment in segments):
        return None
    return "$" + "".join(f'."{segment}"' for segment in segments)


def order_clause(
    sort_by: str | None, fields: Mapping[str, str], tiebreak: str, *, json_column: str | None = None
) -> Sql:
    """``ORDER BY`` for a ``sort_by`` value; 422 (shape 2) for a bad field or prefix."""
    terms: list[str] = []
    params: list[Any] = []
    for control in (sort_by or "").split(","):
        if control == "":
            continue
        if json_column is not None and control[1:6] == "json.":
            path = json_path(control[6:])
            expression = f"json_extract({json_column}, ?)" if path else "NULL"
            params.extend([path] * 2 if path else [])
            # Missing values go last going up and first going down, as on PostgreSQL.
            expression = f"({expression} IS NULL) {{0}}, {expression} {{0}}"
        elif control[1:] in fields:
            expression = f"{fields[control[1:]]} {{0}}"
        else:
            raise errors.invalid_message(
                {
                    "KeyError": f"Unexpected field '{control[1:]}'",
                    "hint": "Use ',' to separate fields",
                }
            )
        if control[0] not in "+-":
            raise errors.invalid_message(
                {
                    "KeyError": f"Unknown order operator '{control[0]}'",
                    "hint": "Use '+'(asc) or '-'(desc) before sort field",
                }
            )
        terms.append(expression.format("ASC" if control[0] == "+" else "DESC"))
    terms.append(f"{tiebreak} ASC")
    return " ORDER BY " + ", ".join(terms), tuple(params)


def _day_start(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00"


def date_bounds(column: str, before: dt.date | None, after: dt.date | None) -> Sql:
    """Strict bounds on a datetime column, each date read as its midnight (UTC)."""
    where, params = [], []
    if before is not None:
        where.append(f"{column} < ?")
        params.append(_day_start(before))
    if after is not None:
        where.append(f"{column} > ?")
        params.append(_day_start(after))
    return " AND ".join(where), tuple(params)


def json_filter(expression: str) -> Sql:
    """The SQL condition for one ``filters`` expression (``path op value``) on results."""
    parts = expression.split(" ")
    if len(parts) != 3:
        reason = (
            f"not enough values to unpack (expected 3, got {len(parts)})"
            if len(parts) < 3
            else "too many values to unpack (expected 3)"
        )
        raise errors.invalid(
            {
                "filter": expression,
                "reason": [reason],
                "hint": "Probably missing spaces (%20)",
                "example": _FILTER_EXAMPLE,
            }
        )
    dotted, operator, raw = parts
    path = json_path(dotted)
    value: Any
    try:
        value = float(raw)
        kinds, extracted = "('integer', 'real')", "json_extract(j.json, ?)"
    except ValueError:
        if raw in _BOOLEAN_WORDS:
            value = raw.lower() == "true"
            kinds, extracted = "('true', 'false')", "(json_type(j.json, ?) = 'true')"
        else:
            value = raw
            kinds, extracted = (
                "('integer', 'real', 'text', 'object', 'array')",
                ("CAST(json_extract(j.json, ?) AS TEXT)"),
            )
    if operator not in _FILTER_OPERATORS:
        raise errors.invalid_message(
            {
                "filter": expression,
                "reason": [f"Unknown filter operator: '{operator}'"],
                "hint": "Use only one of ['==', '>', '<', '>=', '<=']",
                "example": _FILTER_EXAMPLE,
            }
        )
    if path is None:
        return "0", ()
    sql = f"(json_type(j.json, ?) IN {kinds} AND {extracted} {_FILTER_OPERATORS[operator]} ?)"
    return sql, (path, path, value)


def results_query(args: Mapping[str, Any], *, uploader: tuple[str, str] | None = None) -> Sql:
    """Keys (``rid``) of the results a ``/results`` (or ``/users/self/results``) call lists.

    Public lists leave out claimed and deleted results; a user's own list keeps them.
    """
    where: list[str] = []
    params: list[Any] = []
    if uploader is None:
        where.append("r.deleted = 0")
    else:
        where.append("r.uploader_sub = ? AND r.uploader_iss = ?")
        params.extend(uploader)
    for column in ("benchmark_id", "site_id", "flavor_id"):
        if args.get(column) is not None:
            where.append(f"r.{column} = ?")
            params.append(args[column])
    for tag_id in args.get("tags_ids", ()):
        where.append("r.rid IN (SELECT rid FROM result_tags WHERE tag_id = ?)")
        params.append(tag_id)
    for column in ("execution", "upload"):
        bounds = date_bounds(
            f"r.{column}_datetime", args.get(f"{column}_before"), args.get(f"{column}_after")
        )
        _extend(where, params, bounds)
    for expression in args.get("filters", ()):
        _extend(where, params, json_filter(expression))
    for term in args.get("terms", ()):
        where.append(
            "(r.benchmark_id IN (SELECT id FROM benchmarks"
            "  WHERE instr(docker_image || ':' || docker_tag, ?) > 0)"
            " OR r.site_id IN (SELECT id FROM sites WHERE instr(name, ?) > 0"
            "  OR instr(address, ?) > 0)"
            " OR r.flavor_id IN (SELECT id FROM flavors WHERE instr(name, ?) > 0)"
            " OR r.rid IN (SELECT rt.rid FROM result_tags rt JOIN tags t ON t.id = rt.tag_id"
            "  WHERE t.name = ?))"
        )
        params.extend([term] * 5)
    order, order_params = order_clause(
        args.get("sort_by"), RESULT_SORTS, "r.id", json_column="j.json"
    )
    conditions = " AND ".join(where)
    # The result documents are joined only when a filter or sort looks into them.
    source = "results r"
    if "j.json" in conditions or "j.json" in order:
        source += " JOIN result_json j ON j.rid = r.rid"
    return f"SELECT r.rid FROM {source} WHERE {conditions}{order}", (*params, *order_params)


def catalog_query(resource: str, args: Mapping[str, Any], *, site_id: str | None = None) -> Sql:
    """Keys (``id``) of the benchmarks, sites, flavors or tags a list or search call lists."""
    table = f"{resource}s"
    where: list[str] = ["1"]
    params: list[Any] = []
    if site_id is not None:
        where.append("site_id = ?")
        params.append(site_id)
    if resource != "tag":
        where.append("status = ?")
        params.append(args["status"])
    for column in ("name", "address", "docker_image", "docker_tag"):
        if args.get(column) is not None:
            where.append(f"{column} = ?")
            params.append(args[column])
    _extend(where, params, date_bounds("upload_datetime", *_upload_dates(args)))
    for term in args.get("terms", ()):
        searched = CATALOG_SEARCHED[resource]
        where.append("(" + " OR ".join(f"instr({column}, ?) > 0" for column in searched) + ")")
        params.extend([term] * len(searched))
    fields = {name: name for name in CATALOG_SORTS[resource]}
    order, order_params = order_clause(args.get("sort_by"), fields, "id")
    sql = f"SELECT id FROM {table} WHERE {' AND '.join(where)}{order}"
    return sql, (*params, *order_params)


def claims_query(
    args: Mapping[str, Any], *, rid: int | None = None, uploader: tuple[str, str] | None = None
) -> Sql:
    """Keys (``id``) of the claims a claims list shows (all, one result's, one user's)."""
    where, params = ["c.status = ?"], [args["status"]]
    if rid is not None:
        where.append("c.rid = ?")
        params.append(rid)
    if uploader is not None:
        where.append("c.uploader_sub = ? AND c.uploader_iss = ?")
        params.extend(uploader)
    _extend(where, params, date_bounds("c.upload_datetime", *_upload_dates(args)))
    order, order_params = order_clause(args.get("sort_by"), CLAIM_SORTS, "c.id")
    sql = f"SELECT c.id FROM claims c WHERE {' AND '.join(where)}{order}"
    return sql, (*params, *order_params)


def submits_query(args: Mapping[str, Any]) -> Sql:
    """Rows of the pending submissions: benchmarks, sites, flavors and claims on review."""
    pending = " UNION ALL ".join(
        f"SELECT '{kind}' AS kind, id AS resource_id, upload_datetime,"
        f" uploader_iss, uploader_sub FROM {kind}s WHERE status = 'on_review'"
        for kind in ("benchmark", "claim", "flavor", "site")
    )
    where, params = ["1"], []
    if args.get("resource_type") is not None:
        where.append("kind = ?")
        params.append(args["resource_type"])
    _extend(where, params, date_bounds("upload_datetime", *_upload_dates(args)))
    order, order_params = order_clause(args.get("sort_by"), SUBMIT_SORTS, "resource_id")
    sql = (
        "SELECT kind, resource_id, upload_datetime, uploader_iss, uploader_sub"
        f" FROM ({pending}) WHERE {' AND '.join(where)}{order}"
    )
    return sql, (*params, *order_params)


def users_query(args: Mapping[str, Any]) -> Sql:
    """Keys (``iss``, ``sub``) of the users a users list or search shows."""
    where, params = ["1"], []
    for column in ("sub", "iss", "email"):
        if args.get(column) is not None:
            where.append(f"{column} = ?")
            params.append(args[column])
    for term in args.get("terms", ()):
        where.append("instr(email, ?) > 0")
        params.append(term)
    order, order_params = order_clause(args.get("sort_by"), USER_SORTS, "iss, sub")
    sql = f"SELECT iss, sub FROM users WHERE {' AND '.join(where)}{order}"
    return sql, (*params, *order_params)


def _upload_dates(args: Mapping[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    return args.get("upload_before"), args.get("upload_after")


def _extend(where: list[str], params: list[Any], condition: Sql) -> None:
    if condition[0]:
        where.append(condition[0])
        params.extend(condition[1])
