"""One copy of a benchmark's public results per server process, shared by the sessions'
explorers, checked against a sandbox over HTTP: what each session sees, what crosses the
wire, and what memory is given back."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from datetime import UTC, datetime

import httpx
import pandas as pd
from helpers import close_explorers, demo_token, flagship, until

from dashboard.api import PerfClient
from dashboard.results.frame import documents
from dashboard.state.explorer import ExplorerState
from dashboard.state.shared import SHARED, SharedResults


class Recording(httpx.AsyncBaseTransport):
    """Real HTTP, each request noted: its path, its page and whether it carried a token."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests: list[tuple[str, str, bool]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        page = request.url.params.get("page", "")
        self.requests.append((request.url.path, page, "authorization" in request.headers))
        return await self.inner.handle_async_request(request)

    def result_pages(self) -> list[tuple[str, bool]]:
        return [(page, token) for path, page, token in self.requests if path.endswith("/results")]


async def session(url: str, who: str | None = None, benchmark_id: str = "") -> ExplorerState:
    """A session's explorer on ``benchmark_id``, loaded, its requests recorded."""
    transport = Recording()
    client = PerfClient(url, demo_token(who) if who else None, transport=transport)
    if not benchmark_id:
        async with PerfClient(url) as looking:
            benchmark_id = (await flagship(looking)).id
    state = ExplorerState(client=client, benchmark_id=benchmark_id)  # as a link opens it
    state.transport = transport
    await state.start()
    await until(lambda: not state.loading and len(state.population) > 0)
    return state


async def test_the_next_session_reads_the_first_ones_copy_with_one_small_request(fresh_sandbox):
    url = fresh_sandbox(size=1500).url
    first = await session(url, "alice")
    pages = first.transport.result_pages()
    assert len(pages) > 3, "the first session loads every page"
    assert not any(token for _page, token in pages), "no session's token shapes the copy"

    second = await session(url, "bob", first.benchmark_id)
    assert second.population is first.population
    # the check of the copy, and no page of results
    assert len(second.transport.result_pages()) == 1
    assert len(SHARED) == 1
    await close_explorers(first, second)


async def test_sessions_filter_their_own_rows_and_never_change_the_copy(fresh_sandbox):
    url = fresh_sandbox(size=600).url
    first = await session(url)
    second = await session(url, benchmark_id=first.benchmark_id)
    shared = first.population
    before = shared.copy(deep=True)
    # no filter: a session's rows are the copy itself, not a copy of it each
    assert first.filtered is shared and second.filtered is shared

    sites = list(shared["site_id"].cat.categories)
    first.site_ids = [sites[0]]
    second.site_ids = [sites[1]]
    await until(lambda: set(first.filtered["site_id"]) == {sites[0]})
    await until(lambda: set(second.filtered["site_id"]) == {sites[1]})
    first.sort = "-execution_datetime"
    first.forget(list(shared["id"][:5]))  # results a claim hid, in one session only
    assert len(first.population) == len(shared) - 5
    second.text = shared["site"].iloc[0]
    await asyncio.sleep(0.2)

    pd.testing.assert_frame_equal(shared, before)
    assert second.population is shared and len(second.population) == len(before)
    assert set(second.filtered["site_id"]) <= {sites[1]}
    second.param.update(site_ids=[], text="")  # every filter off: the copy again
    assert second.filtered is shared
    await close_explorers(first, second)


async def test_a_result_hidden_by_a_claim_leaves_every_later_session(fresh_sandbox):
    url = fresh_sandbox(size=300).url
    first = await session(url, "bob")
    hidden = first.population["id"].iloc[0]
    async with PerfClient(url, demo_token("alice")) as alice:
        await alice.results.claim(hidden, "looks wrong")

    later = await session(url, "bob", first.benchmark_id)
    assert hidden not in set(later.population["id"])
    assert len(later.population) == len(first.population) - 1
    await close_explorers(first, later)


async def test_an_upload_hidden_by_a_claim_stays_its_owners_and_no_one_elses(fresh_sandbox):
    """Alice uploads a result and another user reports it: it is hidden. Alice still finds
    it among her results; neither Bob's session nor a visitor's, both reading the shared
    copy, ever holds it."""
    url = fresh_sandbox(size=300).url
    first = await session(url)
    row = first.population.iloc[0]
    async with PerfClient(url, demo_token("alice")) as alice:
        upload = await alice.results.create(
            documents([row["raw"]])[0],
            benchmark=row["benchmark_id"],
            flavor=row["flavor_id"],
            execution_datetime=datetime(2024, 6, 1, tzinfo=UTC),
        )
        async with PerfClient(url, demo_token("admin")) as other:
            await other.results.claim(upload.id, "looks wrong")
        assert upload.id in {result.id for result in await alice.users.all_my_results()}

    later = [await session(url, who, first.benchmark_id) for who in ("bob", None)]
    for state in later:
        assert upload.id not in set(state.population["id"])
        assert len(state.population) == len(first.population)
    assert all(upload.id not in set(copy.population["id"]) for copy in SHARED._copies.values())
    await close_explorers(first, *later)


async def test_results_uploaded_since_are_appended_not_reloaded(fresh_sandbox):
    url = fresh_sandbox(size=1500).url
    first = await session(url)
    sample = first.population.iloc[0]
    async with PerfClient(url, demo_token("alice")) as alice:
        uploaded = await alice.results.create(
            sample["raw"],
            benchmark=sample["benchmark_id"],
            flavor=sample["flavor_id"],
            execution_datetime=datetime(2025, 6, 1, tzinfo=UTC),
        )

    later = await session(url, benchmark_id=first.benchmark_id)
    assert uploaded.id in set(later.population["id"])
    assert len(later.population) == len(first.population) + 1
    # the check, then the few pages uploaded since, not all of them again
    assert len(later.transport.result_pages()) < len(first.transport.result_pages()) / 2
    assert isinstance(later.population["site"].dtype, pd.CategoricalDtype)
    row = later.population.loc[later.population["id"] == uploaded.id].iloc[0]
    assert row["site_id"] == sample["site_id"] and row["tags"] == ()
    await close_explorers(first, later)


async def test_a_copy_no_session_holds_is_dropped_and_its_memory_given_back(fresh_sandbox):
    url = fresh_sandbox(size=3000).url
    cache = SharedResults(idle_s=3600, max_bytes=2**40)
    async with PerfClient(url) as client:
        benchmarks = await client.benchmarks.all()
        chosen = (await flagship(client)).id
        holder = object.__new__(ExplorerState)  # anything a weak reference can name
        # a first load and eviction: what stays of it (imports, caches) is not the copy's
        await cache.get(client, chosen, benchmarks, holder=holder)
        cache.clear()
        await asyncio.sleep(0.05)
        gc.collect()
        tracemalloc.start()
        try:
            baseline = tracemalloc.get_traced_memory()[0]
            copy = await cache.get(client, chosen, benchmarks, holder=holder)
            rows = len(copy.population)
            del copy
            gc.collect()
            held = tracemalloc.get_traced_memory()[0] - baseline
            assert cache.evict() == 0, "a copy in use stays"
            cache.release(holder)
            assert cache.evict() == 0, "not idle yet"
            cache.idle_s = 0
            assert cache.evict() == 1 and len(cache) == 0
            await asyncio.sleep(0.05)  # the loop runs the load's last callbacks
            gc.collect()
            left = tracemalloc.get_traced_memory()[0] - baseline
        finally:
            tracemalloc.stop()
    assert rows > 1000 and held > 1_000_000
    assert left < held * 0.1, f"{left:,} of {held:,} bytes still held after eviction"


async def test_copies_over_the_memory_bound_go_least_recently_used_first(fresh_sandbox):
    url = fresh_sandbox(size=600).url
    cache = SharedResults(idle_s=3600, max_bytes=2**40)
    async with PerfClient(url) as client:
        benchmarks = await client.benchmarks.all()
        first, second, third = (b.id for b in benchmarks[:3])
        a, b = object.__new__(ExplorerState), object.__new__(ExplorerState)
        await cache.get(client, first, benchmarks, holder=a)
        await cache.get(client, second, benchmarks, holder=b)
        cache.release(a)
        cache.release(b)
        cache.max_bytes = cache.nbytes - 1  # one of the two must go
        assert cache.evict() == 1
        assert [key[1] for key in cache._copies] == [second]
        await cache.get(client, third, benchmarks, holder=a)
        assert {key[1] for key in cache._copies} == {third}, "the unheld one made way"


async def test_sessions_that_ask_together_wait_for_one_load(fresh_sandbox):
    url = fresh_sandbox(size=1500, latency_ms=20).url
    states = []
    transports = []
    for _ in range(3):
        transport = Recording()
        client = PerfClient(url, transport=transport)
        transports.append(transport)
        states.append(ExplorerState(client=client))
    async with PerfClient(url) as looking:
        chosen = (await flagship(looking)).id
    for state in states:
        state.benchmark_id = chosen
    await asyncio.gather(*(state.start() for state in states))
    await until(lambda: all(len(s.population) and not s.loading for s in states), timeout=30)
    assert states[0].population is states[1].population is states[2].population
    bulk = [t for t in transports if len(t.result_pages()) > 2]
    assert len(bulk) == 1, "one session loaded the pages, the others waited for it"
    await close_explorers(*states)


async def test_copies_released_by_many_sessions_expire_on_one_timer(fresh_sandbox):
    url = fresh_sandbox(size=300).url
    cache = SharedResults(idle_s=0.4, max_bytes=2**40)
    loop = asyncio.get_running_loop()

    def timers() -> int:
        return sum(
            1
            for handle in loop._scheduled
            if not handle.cancelled() and getattr(handle._callback, "__self__", None) is cache
        )

    async with PerfClient(url) as client:
        benchmarks = await client.benchmarks.all()
        chosen = (await flagship(client)).id
        holders = [object.__new__(ExplorerState) for _ in range(30)]
        for holder in holders:
            await cache.get(client, chosen, benchmarks, holder=holder)
        for holder in holders:  # thirty sessions end, one after another
            cache.release(holder)
            await asyncio.sleep(0.005)
        assert timers() == 1, "one timer for every release, not one each"
        await until(lambda: len(cache) == 0, timeout=5)
        assert timers() == 0
        # a copy released after the timer was set is still dropped when it turns idle
        await cache.get(client, chosen, benchmarks, holder=holders[0])
        cache.release(holders[0])
        await until(lambda: len(cache) == 0, timeout=5)
