"""One copy of each benchmark's public results per server process, shared by every session.

``GET /results`` answers everyone the same (hidden and pending results are in no one's
list), so the explorer of every session reads one frame per (API, benchmark): loaded
once, with an anonymous client (no session's token ever shapes it), and handed to each
session read-only. A session keeps only what it chose; what it derives (filtered rows,
results it was told to forget) are new frames, and pandas' copy-on-write keeps the shared
one as it was.

Each time a session asks, one small request (the newest result and the count) tells
whether the copy is still current. When results were only added, those uploaded since
the day of the newest known are fetched and appended; any other change (a claim hid a
result, an administrator deleted one) reloads it whole. Sessions asking while a load is
under way wait for that load, not a load of their own; when the last of them stops
waiting (they chose another benchmark), the load stops.

A large load (``FIRST_SCREEN_FROM`` results or more) is handed to the sessions as soon as
the columns of its first screen are made (the suggested fields and the numbers); the text,
date and list columns, four fifths of the build, are made right after, in a copy that
takes its place (the same rows): the sessions showing the first swap to it.

A copy no session holds is dropped ``idle_s`` seconds after its last use, and copies no
session holds are dropped, least recently used first, while all copies together exceed
``max_bytes`` (a copy in use is never taken away from a session).

Written here rather than with ``pn.cache`` or ``functools.lru_cache``: those memoise a
call's value, but none of them lets concurrent sessions wait for one load, checks
freshness with a request, appends what is new, or bounds memory by size.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import pandas as pd

from dashboard.api import Benchmark, PerfClient
from dashboard.api.columns import ResultColumns, document
from dashboard.api.gc_pause import collector_paused
from dashboard.results import frame as frames
from dashboard.schema.fields import SchemaField, fields_from_data, merge_fields
from dashboard.schema.flatten import flatten_schema
from dashboard.serving import in_worker
from dashboard.state.memory import give_back_memory, trim_memory

__all__ = ["SHARED", "Loaded", "SharedResults"]

log = logging.getLogger(__name__)

IDLE_ENV = "EOSC_PERF_CACHE_IDLE_S"
MEMORY_ENV = "EOSC_PERF_CACHE_MB"
Progress = Callable[[int, int], None]
#: A load gives back the memory its pages left free every this many pages, and at its end.
TRIM_EVERY_PAGES = 100
#: A load of at least this many results shows its first screen before every column is made.
FIRST_SCREEN_FROM = 20_000


@dataclass(eq=False)
class Loaded:
    """One benchmark's public results as every session reads them (never to be changed)."""

    population: pd.DataFrame
    fields: list[SchemaField]
    total: int  # as the API counted them when this copy was checked
    newest: str  # the newest upload time the copy holds ("" without results)
    nbytes: int = 0
    used: float = field(default_factory=time.monotonic)
    holders: weakref.WeakSet = field(default_factory=weakref.WeakSet)
    later: tuple[str, ...] = ()  # the fields whose columns are still being made
    rest: asyncio.Task | None = None  # the copy with them too, being made


class _Flight:
    """A load under way: the task, the sessions waiting for it, their progress bars."""

    def __init__(self) -> None:
        self.task: asyncio.Task | None = None
        self.waiting = 0
        self.listeners: list[Progress] = []
        self.progress = (0, 0)

    def tell(self, done: int, total: int) -> None:
        if done // TRIM_EVERY_PAGES != self.progress[0] // TRIM_EVERY_PAGES:
            trim_memory()  # what the pages read so far left free, given back as it goes
        self.progress = (done, total)
        for listener in list(self.listeners):
            listener(done, total)


def fields_for(benchmark_id: str, benchmarks: Sequence[Benchmark], docs: Iterable) -> list:
    """The explorer's fields: the benchmark's schema's, then those only the data has; for
    all benchmarks, only the fields every benchmark's schema has."""
    if benchmark_id:
        benchmark = next((b for b in benchmarks if b.id == benchmark_id), None)
        schema = benchmark.json_schema if benchmark else {}
        return merge_fields(flatten_schema(schema), fields_from_data(docs))
    schemas = [flatten_schema(b.json_schema) for b in benchmarks]
    common = set.intersection(*({f.path for f in s} for s in schemas)) if schemas else set()
    return [f for f in schemas[0] if f.path in common] if schemas else []


def _loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


def _newest(population: pd.DataFrame) -> str:
    stamps = population["upload_datetime"]
    return stamps.max().isoformat() if len(stamps) else ""


def _size(population: pd.DataFrame) -> int:
    """Roughly the bytes a frame holds (its JSON documents counted shallowly)."""
    return int(population.memory_usage(index=True, deep=True).sum())


class SharedResults:
    """The process's copies of public results, by (API, benchmark)."""

    def __init__(self, *, idle_s: float = 600.0, max_bytes: int = 1024 * 2**20) -> None:
        self.idle_s = idle_s
        self.max_bytes = max_bytes
        self._copies: dict[tuple[str, str], Loaded] = {}
        self._flights: dict[tuple[str, str], _Flight] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._timer_due = 0.0  # when it fires, on time.monotonic's clock

    @classmethod
    def from_environment(cls) -> SharedResults:
        """Settings from ``$EOSC_PERF_CACHE_IDLE_S`` and ``$EOSC_PERF_CACHE_MB``."""
        return cls(
            idle_s=float(os.environ.get(IDLE_ENV, 600)),
            max_bytes=int(float(os.environ.get(MEMORY_ENV, 1024)) * 2**20),
        )

    @property
    def nbytes(self) -> int:
        """The bytes the copies hold together (roughly)."""
        return sum(copy.nbytes for copy in self._copies.values())

    def __len__(self) -> int:
        return len(self._copies)

    def clear(self) -> None:
        """Forget every copy (loads under way finish for their sessions, unkept)."""
        self._copies.clear()

    async def get(
        self,
        client: PerfClient,
        benchmark_id: str,
        benchmarks: Sequence[Benchmark],
        *,
        holder: object,
        progress: Progress | None = None,
    ) -> Loaded:
        """The current copy of ``benchmark_id``'s results ("" for all), held by
        ``holder`` (a session's state) until it holds another or is gone.

        Raises the :class:`~dashboard.api.errors.APIError` of the check or the load.
        """
        key = (client.base_url, benchmark_id)
        flight = self._flights.get(key)
        if flight is None or flight.task.done() or flight.task.get_loop() is not _loop():
            flight = self._flights[key] = _Flight()
            # In the asking session's context (Panel's current document among it), which
            # Panel needs for what the load tells that session; it ends with the load.
            flight.task = asyncio.ensure_future(self._refresh(client, key, benchmarks, flight))
            flight.task.add_done_callback(lambda _task: self._landed(key, flight))
        if progress is not None:
            flight.listeners.append(progress)
            progress(*flight.progress)
        flight.waiting += 1
        try:
            copy = await asyncio.shield(flight.task)
        except asyncio.CancelledError:
            if flight.waiting == 1 and not flight.task.done():
                flight.task.cancel()  # no one else waits for this load
            raise
        finally:
            flight.waiting -= 1
            if progress is not None:
                flight.listeners.remove(progress)
        self.release(holder)
        copy.holders.add(holder)
        copy.used = time.monotonic()
        self.evict()  # others may make way for this one
        return copy

    def release(self, holder: object) -> None:
        """``holder`` no longer reads any copy (it chose another, or its session ended)."""
        for copy in self._copies.values():
            if holder in copy.holders:
                copy.holders.discard(holder)
                copy.used = time.monotonic()
        self._schedule_eviction()

    def evict(self, now: float | None = None) -> int:
        """Drop the copies no one holds that are idle or over the memory bound; how many."""
        now = time.monotonic() if now is None else now
        # keys, oldest use first: no reference to a dropped copy may outlive the loop,
        # or its memory could not be given back
        unheld = sorted(
            (key for key, copy in self._copies.items() if not copy.holders),
            key=lambda key: self._copies[key].used,
        )
        dropped = 0
        for key in unheld:
            if now - self._copies[key].used >= self.idle_s or self.nbytes > self.max_bytes:
                del self._copies[key]
                dropped += 1
        if dropped:
            give_back_memory()
        if self.nbytes > self.max_bytes:
            log.warning(
                "Shared results hold %.0f MB, over the %.0f MB bound, all of it in use",
                self.nbytes / 2**20,
                self.max_bytes / 2**20,
            )
        return dropped

    def _schedule_eviction(self) -> None:
        """One timer at a time, due when the first copy no session holds turns idle.

        A timer per release (each ended session) kept a handle and a context alive for
        ``idle_s``: hundreds of small objects scattered among the heap's arenas, each
        keeping its arena from being given back after the sessions had gone.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a session ended outside one): evicted next time
            return
        unheld = [copy.used for copy in self._copies.values() if not copy.holders]
        if not unheld:
            return
        due = min(unheld) + self.idle_s + 0.05
        if self._timer is not None:
            if self._timer_due <= due:
                return
            self._timer.cancel()
        # In an empty context: a timer keeps the context it was made in, and a session's
        # (its Bokeh document) would stay in memory until the timer fires, idle_s later.
        delay = max(due - time.monotonic(), 0.0)
        self._timer = loop.call_later(delay, self._on_timer, context=contextvars.Context())
        self._timer_due = due

    def _on_timer(self) -> None:
        self._timer = None
        self.evict()
        self._schedule_eviction()  # for the copies released since

    def _landed(self, key: tuple[str, str], flight: _Flight) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]

    async def _refresh(
        self,
        client: PerfClient,
        key: tuple[str, str],
        benchmarks: Sequence[Benchmark],
        flight: _Flight,
    ) -> Loaded:
        anonymous = client.anonymous()
        try:
            copy = await self._current(anonymous, key, benchmarks, flight)
        finally:
            await anonymous.aclose()
        self._copies[key] = copy
        return copy

    def complete(self, copy: Loaded) -> asyncio.Task:
        """The making of ``copy`` with every column (its ``later`` ones too), started by
        the first session that has shown its first screen: made alongside, it slowed
        that screen down by half."""
        if copy.rest is None:
            key = next((key for key, held in self._copies.items() if held is copy), None)
            # in a context of its own: it outlives the session that asked, if need be
            copy.rest = _loop().create_task(
                self._complete(key, copy), context=contextvars.Context()
            )
        return copy.rest

    async def _complete(self, key: tuple[str, str] | None, copy: Loaded) -> Loaded:
        """The copy with the columns its first screen could do without, in its place."""
        try:
            full = await in_worker(_completed, copy)
        except Exception:  # the first screen's columns stay; filters read the documents
            log.exception("Could not make the other columns of the results of %s", key)
            return copy
        finally:
            trim_memory()
        if key is not None and self._copies.get(key) is copy:
            full.holders, full.used = copy.holders, copy.used
            self._copies[key] = full
        return full

    async def _current(
        self,
        client: PerfClient,
        key: tuple[str, str],
        benchmarks: Sequence[Benchmark],
        flight: _Flight,
    ) -> Loaded:
        benchmark_id = key[1]
        query = {"benchmark_id": benchmark_id} if benchmark_id else {}
        probe = await client.results.list(per_page=1, sort_by="-upload_datetime", **query)
        newest = probe.items[0].upload_datetime.isoformat() if probe.items else ""
        copy = self._copies.get(key)
        if copy is not None and copy.later:  # some columns are still to be made
            copy = await asyncio.shield(self.complete(copy))
        if copy is not None and (copy.total, copy.newest) == (probe.total, newest):
            return copy
        if copy is not None and copy.newest and probe.total > copy.total:
            grown = await self._appended(client, copy, query, probe.total, benchmarks)
            if grown is not None:
                return grown
        results = await client.results.columns(progress=flight.tell, **query)
        try:
            first = len(results) >= FIRST_SCREEN_FROM
            return await in_worker(_build, benchmark_id, benchmarks, results, first)
        finally:
            trim_memory()

    async def _appended(
        self, client: PerfClient, copy: Loaded, query: dict, total: int, benchmarks
    ) -> Loaded | None:
        """The copy with the results uploaded since, if only additions happened."""
        since = (pd.Timestamp(copy.newest) - timedelta(days=1)).date()
        recent = await client.results.all(upload_after=since, **query)
        known = set(copy.population["id"])
        new = [result for result in recent if result.id not in known]
        if copy.total + len(new) != total:
            return None  # something also went away: load it whole
        log.info("Shared results of %s: %d new", query or "all benchmarks", len(new))
        return await in_worker(_grow, copy, new, query.get("benchmark_id", ""), benchmarks)


def first_screen(fields: Iterable[SchemaField]) -> list[str]:
    """The fields a first screen can show: those the schema suggests (the table's first
    columns) and the numbers (the plot's axes), whose columns are quick to make. The
    texts, dates and lists take four fifths of a large build: they come right after."""
    return [f.path for f in fields if f.suggested or f.numeric]


def _build(benchmark_id: str, benchmarks, results: ResultColumns, first: bool = False) -> Loaded:
    """The copy of ``results``; with ``first``, only the columns of :func:`first_screen`
    (the others in ``later``)."""
    # decoding the documents for their columns makes millions of objects, none in a
    # cycle: the collector would rescan them all again and again (a quarter of the build)
    with collector_paused():
        fields = fields_for(benchmark_id, benchmarks, map(document, results.docs))
        paths = first_screen(fields) if first else [f.path for f in fields]
        population = frames.columns_frame(results, paths)
    later = tuple(f.path for f in fields if f.path not in paths)
    total, newest = len(results), _newest(population)
    return Loaded(population, fields, total, newest, _size(population), later=later)


def _completed(copy: Loaded) -> Loaded:
    with collector_paused():
        order = [f.path for f in copy.fields]
        population = frames.with_json_columns(copy.population, copy.later, order)
    return Loaded(population, copy.fields, copy.total, copy.newest, _size(population))


def _grow(copy: Loaded, new: list, benchmark_id: str, benchmarks) -> Loaded:
    added = _build(benchmark_id, benchmarks, ResultColumns.of(new))
    fields = merge_fields(copy.fields, added.fields)
    population = frames.appended(copy.population, added.population)
    total = copy.total + len(new)
    return Loaded(population, fields, total, _newest(population), _size(population))


#: The copies of this server process.
SHARED = SharedResults.from_environment()
