"""The sandbox's SQLite database: its tables, the seed load and every write.

One connection, used only from the server's event-loop thread. Writes run in
explicit transactions and bump `Store.generation`, which is what the query and
rendering caches key on: any write makes every cached page stale at once.

Datetimes are stored as naive UTC ISO strings (``2022-01-01T10:00:00[.ffffff]``),
exactly what the API answers; in that one format string order is time order, so
sorting and date filters work on the text.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DB_FILENAME = "sandbox.sqlite3"

_TABLES = """
CREATE TABLE IF NOT EXISTS users (
    iss TEXT NOT NULL, sub TEXT NOT NULL, email TEXT NOT NULL,
    registration_datetime TEXT NOT NULL,
    PRIMARY KEY (iss, sub)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS benchmarks (
    id TEXT PRIMARY KEY, docker_image TEXT NOT NULL, docker_tag TEXT NOT NULL,
    url TEXT NOT NULL, description TEXT, json_schema TEXT NOT NULL,
    upload_datetime TEXT NOT NULL, status TEXT NOT NULL,
    uploader_iss TEXT NOT NULL, uploader_sub TEXT NOT NULL,
    UNIQUE (docker_image, docker_tag),
    FOREIGN KEY (uploader_iss, uploader_sub) REFERENCES users (iss, sub) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS sites (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, address TEXT NOT NULL,
    description TEXT, upload_datetime TEXT NOT NULL, status TEXT NOT NULL,
    uploader_iss TEXT NOT NULL, uploader_sub TEXT NOT NULL,
    FOREIGN KEY (uploader_iss, uploader_sub) REFERENCES users (iss, sub) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS flavors (
    id TEXT PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    name TEXT NOT NULL, description TEXT, upload_datetime TEXT NOT NULL, status TEXT NOT NULL,
    uploader_iss TEXT NOT NULL, uploader_sub TEXT NOT NULL,
    UNIQUE (site_id, name),
    FOREIGN KEY (uploader_iss, uploader_sub) REFERENCES users (iss, sub) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS tags (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT,
    upload_datetime TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
    rid INTEGER PRIMARY KEY, id TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
    benchmark_id TEXT NOT NULL REFERENCES benchmarks (id) ON DELETE CASCADE,
    site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    flavor_id TEXT NOT NULL REFERENCES flavors (id) ON DELETE CASCADE,
    execution_datetime TEXT NOT NULL, upload_datetime TEXT NOT NULL,
    uploader_iss TEXT NOT NULL, uploader_sub TEXT NOT NULL,
    FOREIGN KEY (uploader_iss, uploader_sub) REFERENCES users (iss, sub) ON DELETE CASCADE
);
-- The (large) result documents live apart, so scans and sorts of the metadata stay fast.
CREATE TABLE IF NOT EXISTS result_json (
    rid INTEGER PRIMARY KEY REFERENCES results (rid) ON DELETE CASCADE,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS result_tags (
    rid INTEGER NOT NULL REFERENCES results (rid) ON DELETE CASCADE,
    tag_id TEXT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (rid, tag_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS claims (
    id TEXT PRIMARY KEY, rid INTEGER NOT NULL REFERENCES results (rid) ON DELETE CASCADE,
    message TEXT NOT NULL, upload_datetime TEXT NOT NULL, status TEXT NOT NULL,
    uploader_iss TEXT NOT NULL, uploader_sub TEXT NOT NULL,
    FOREIGN KEY (uploader_iss, uploader_sub) REFERENCES users (iss, sub) ON DELETE CASCADE
);
"""

# Created after a seed load, so the bulk insert does not maintain them row by row.
_INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS results_by_id ON results (id);
CREATE INDEX IF NOT EXISTS results_by_execution ON results (deleted, execution_datetime, id);
CREATE INDEX IF NOT EXISTS results_by_benchmark
    ON results (benchmark_id, deleted, execution_datetime, id);
CREATE INDEX IF NOT EXISTS results_by_flavor ON results (flavor_id);
CREATE INDEX IF NOT EXISTS results_by_site ON results (site_id);
CREATE INDEX IF NOT EXISTS results_by_uploader ON results (uploader_iss, uploader_sub);
CREATE INDEX IF NOT EXISTS result_tags_by_tag ON result_tags (tag_id, rid);
CREATE INDEX IF NOT EXISTS claims_by_result ON claims (rid);
CREATE INDEX IF NOT EXISTS claims_by_uploader ON claims (uploader_iss, uploader_sub);
CREATE INDEX IF NOT EXISTS flavors_by_site ON flavors (site_id, name);
CREATE INDEX IF NOT EXISTS benchmarks_by_uploader ON benchmarks (uploader_iss, uploader_sub);
CREATE INDEX IF NOT EXISTS sites_by_uploader ON sites (uploader_iss, uploader_sub);
CREATE INDEX IF NOT EXISTS flavors_by_uploader ON flavors (uploader_iss, uploader_sub);
PRAGMA analysis_limit = 1000;
ANALYZE;
"""

# The tables whose rows have an `id` the API exposes, by resource name.
TABLES = {
    "benchmark": "benchmarks",
    "site": "sites",
    "flavor": "flavors",
    "tag": "tags",
    "claim": "claims",
    "result": "results",
}


class Duplicate(Exception):
    """A write would break a uniqueness rule (same site name, image and tag, ...)."""


def iso_utc(value: dt.datetime) -> str:
    """A datetime as the API shows it: converted to UTC, offset dropped."""
    if value.tzinfo is dt.UTC:  # the common case, and a hot path when loading a seed
        return value.isoformat()[:-6]
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat()


def now_iso() -> str:
    """The current time, in the stored format."""
    return iso_utc(dt.datetime.now(dt.UTC))


def new_id() -> str:
    """A fresh resource id."""
    return str(uuid.uuid4())


def compact_json(value: Any) -> str:
    """JSON text as stored and sent: compact, and never NaN or Infinity."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


class Store:
    """The sandbox database: tables, seed loading, transactions and writes."""

    def __init__(self, path: Path):
        self.path = path
        # Autocommit mode: transactions are opened explicitly by `transaction()`.
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.executescript(_TABLES)
        #: Bumped by every committed write; caches compare it to know they are stale.
        self.generation = 0

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        """Open (creating if needed) the database file in `data_dir`."""
        data_dir.mkdir(parents=True, exist_ok=True)
        return cls(data_dir / DB_FILENAME)

    def close(self) -> None:
        """Close the connection (checkpointing the write-ahead log)."""
        self.db.close()

    def ensure_indexes(self) -> None:
        """Create the query indexes if they are missing, and refresh the planner's statistics."""
        self.db.executescript(_INDEXES)

    @contextmanager
    def bulk_load(self) -> Iterator[sqlite3.Connection]:
        """A transaction for filling an empty database quickly.

        The write-ahead log would copy every page twice; a fresh database has almost
        nothing for a rollback journal to save, and an interrupted load rolls back
        to empty (so the next start seeds again).
        """
        self.db.execute("PRAGMA journal_mode = DELETE")
        self.db.execute("PRAGMA synchronous = OFF")
        try:
            with self.transaction() as db:
                yield db
        finally:
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA journal_mode = WAL")

    def is_empty(self) -> bool:
        """True when nothing was ever stored: no users and no resources."""
        probe = " UNION ALL ".join(
            f"SELECT 1 FROM {table}" for table in ("users", "benchmarks", "sites", "tags")
        )
        return self.db.execute(f"SELECT EXISTS ({probe})").fetchone()[0] == 0

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: committed (and caches invalidated) or rolled back as a whole."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        self.generation += 1

    # -- reads ------------------------------------------------------------------------

    def one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        """The first row of a query, or None."""
        return self.db.execute(sql, params).fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Every row of a query."""
        return self.db.execute(sql, params).fetchall()

    def item(self, resource: str, item_id: str) -> sqlite3.Row | None:
        """The stored row of one resource (``benchmark``, ``site``, ...) by id."""
        return self.one(f"SELECT * FROM {TABLES[resource]} WHERE id = ?", (item_id,))

    def user(self, sub: str, iss: str) -> sqlite3.Row | None:
        """A registered user, or None."""
        return self.one("SELECT * FROM users WHERE iss = ? AND sub = ?", (iss, sub))

    # -- writes -----------------------------------------------------------------------

    def insert(self, resource: str, values: Mapping[str, Any]) -> str:
        """Store a new benchmark, site, flavor, tag or claim; returns its id."""
        row = {"id": new_id(), **values}
        self._write(
            f"INSERT INTO {TABLES[resource]} ({', '.join(row)}) VALUES ({_marks(len(row))})",
            tuple(row.values()),
        )
        return row["id"]

    def update(self, resource: str, item_id: str, values: Mapping[str, Any]) -> None:
        """Change some columns of one stored item."""
        if values:
            assignments = ", ".join(f"{column} = ?" for column in values)
            self._write(
                f"UPDATE {TABLES[resource]} SET {assignments} WHERE id = ?",
                (*values.values(), item_id),
            )

    def delete(self, resource: str, item_id: str) -> None:
        """Delete one item; what depends on it goes with it (foreign-key cascades)."""
        self._write(f"DELETE FROM {TABLES[resource]} WHERE id = ?", (item_id,))

    def register_user(self, sub: str, iss: str, email: str) -> None:
        """Store a newly registered user; `Duplicate` if already registered."""
        self._write(
            "INSERT INTO users (iss, sub, email, registration_datetime) VALUES (?, ?, ?, ?)",
            (iss, sub, email, now_iso()),
        )

    def update_user_email(self, sub: str, iss: str, email: str) -> None:
        """Refresh a user's e-mail address."""
        self._write("UPDATE users SET email = ? WHERE iss = ? AND sub = ?", (email, iss, sub))

    def remove_users(self, selectors: Mapping[str, str]) -> None:
        """Delete the users matching every selector, and all they uploaded."""
        where = " AND ".join(f"{column} = ?" for column in selectors)
        self._write(f"DELETE FROM users WHERE {where}", tuple(selectors.values()))

    def insert_result(
        self, values: Mapping[str, Any], document: str, tags_ids: Iterable[str]
    ) -> str:
        """Store a new result (its JSON `document` as text) and its tags; returns its id."""
        row = {"id": new_id(), **values}
        with self.transaction() as db:
            cursor = db.execute(
                f"INSERT INTO results ({', '.join(row)}) VALUES ({_marks(len(row))})",
                tuple(row.values()),
            )
            db.execute(
                "INSERT INTO result_json (rid, json) VALUES (?, ?)", (cursor.lastrowid, document)
            )
            db.executemany(
                "INSERT INTO result_tags (rid, tag_id) VALUES (?, ?)",
                [(cursor.lastrowid, tag_id) for tag_id in dict.fromkeys(tags_ids)],
            )
        return row["id"]

    def set_result_tags(self, rid: int, tags_ids: Iterable[str]) -> None:
        """Replace the tags of a result."""
        with self.transaction() as db:
            db.execute("DELETE FROM result_tags WHERE rid = ?", (rid,))
            db.executemany(
                "INSERT INTO result_tags (rid, tag_id) VALUES (?, ?)",
                [(rid, tag_id) for tag_id in dict.fromkeys(tags_ids)],
            )

    def hide_result(self, rid: int) -> None:
        """Take a result out of lists and searches (it stays readable by id)."""
        self._write("UPDATE results SET deleted = 1 WHERE rid = ?", (rid,))

    def claim_result(self, rid: int, message: str, uploader: tuple[str, str]) -> str:
        """Store a pending claim and hide its result; returns the claim id."""
        claim_id = new_id()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO claims (id, rid, message, upload_datetime, status,"
                " uploader_sub, uploader_iss) VALUES (?, ?, ?, ?, 'on_review', ?, ?)",
                (claim_id, rid, message, now_iso(), *uploader),
            )
            db.execute("UPDATE results SET deleted = 1 WHERE rid = ?", (rid,))
        return claim_id

    def holds_claim(self, claim_id: str, rid: int) -> bool:
        """Whether the result still holds this claim (its newest; a later one takes it)."""
        row = self.one("SELECT id FROM claims WHERE rid = ? ORDER BY rowid DESC LIMIT 1", (rid,))
        return row is not None and row["id"] == claim_id

    def drop_claim(self, claim_id: str) -> None:
        """Delete a claim. Its result stays hidden, as on the real service 1.2.3 (where
        rejecting a claim is meant to show the result again, but does not)."""
        self._write("DELETE FROM claims WHERE id = ?", (claim_id,))

    def _write(self, sql: str, params: Sequence[Any]) -> None:
        try:
            with self.transaction() as db:
                db.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" in str(exc) or "PRIMARY KEY" in str(exc):
                raise Duplicate(str(exc)) from None
            raise


def _marks(count: int) -> str:
    return ", ".join("?" * count)
