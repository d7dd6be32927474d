"""What sessions cost a dashboard server, with 100,000 results in one benchmark.

Starts the sandbox API in its own process, then plays a served dashboard in this one:
each session is what ``panel serve`` builds for a visitor (``create_app``, its page
template in a Bokeh document, the page's load callbacks run). Measures:

- ``first_load_over_fetch``: the first session's time from choosing the benchmark to
  its table and plot ready, over a bare fetch of the same pages (the same concurrency,
  bytes only, nothing decoded) made just before it. A large load is ready once the
  columns its table and plot show are made; the others are made right after, before
  the next figures. The machine is noisy: the pair is measured three times, the server's
  copy dropped before each (each is a first load), and the median ratio kept;
- ``next_session_ready_s``: the median time of 10 more sessions, opened on a link to
  that benchmark, from their creation to their table and plot ready;
- ``mb_per_extra_session``: the RSS those 10 sessions added, each;
- ``mb_after_close``: the RSS over the idle server's once every session has ended and
  the shared results have expired. The idle server is one that has served a session on
  each of the smaller benchmarks the measurement opens later, closed since: what a
  process loads once, on its first plot of each kind (some 25 MB here), is not the
  sessions' memory. The same over the server before any plot is printed as
  ``cold ...``;
- ``busy_first_paint_over_idle``: a new visitor's first page (the session built and its
  document ready to send, counted from when the server's loop could have started it)
  while three other sessions load results, over the same on an idle server;
- ``new_session_cpu_ms``: the server CPU a new session costs up to its first page
  (median of 20).

The last six lines are those figures, as ``name=value``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import statistics
import time
from types import SimpleNamespace

import httpx
import panel as pn
from bokeh.document import Document
from panel.io.state import set_curdoc
from sandbox_process import add_api_option, as_the_server_runs, rss_mb, sandbox_url

from dashboard.api import PerfClient
from dashboard.api.gc_pause import freeze_startup
from dashboard.app import create_app
from dashboard.serving import start_workers
from dashboard.state.shared import SHARED

#: How many times the first load and its bare fetch are measured, side by side.
FIRST_LOADS = 3


class Session:
    """One visitor's session, as ``panel serve`` builds it."""

    def __init__(self, url: str, query: dict[str, str] | None = None) -> None:
        self.document = Document()
        with set_curdoc(self.document):
            self.shell = create_app(url, sandbox=True)
            if query:
                self.shell.explorer.state.restore(query)
                # a link to a benchmark opens Explore (the page's address says so)
                self.shell.tabs.active = self.shell.tabs.objects.index(self.shell._explore_tab)
            self.shell.template().server_doc(self.document)

    async def opened(self) -> None:
        """What the page's load callbacks do."""
        with set_curdoc(self.document):
            await asyncio.gather(self.shell.state.refresh(), self.shell.explorer.state.start())

    def ready(self, total: int) -> bool:
        state = self.shell.explorer.state
        if state.loading or len(state.population) != total:
            return False  # (the table is not asked for before: asking builds it)
        return len(self.shell.explorer.table._table.value) > 0

    async def until_ready(self, total: int) -> None:
        while not self.ready(total):
            await asyncio.sleep(0.01)

    def end(self) -> None:
        # what a server's session context tells the callbacks (Panel's clean up with it)
        context = SimpleNamespace(id=f"session-{id(self.document)}", _document=self.document)
        for callback in list(self.document.session_destroyed_callbacks):
            # Panel's raise KeyError for parts this unserved document never had
            with contextlib.suppress(KeyError):
                callback(context)
        self.document.clear()


async def bare_fetch(url: str, benchmark_id: str, concurrency: int = 16) -> float:
    """Seconds to fetch every page of the benchmark's results, bytes only."""
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=url + "/") as http:
        query = {"benchmark_id": benchmark_id, "per_page": 100}
        first = await http.get("results", params={**query, "page": 1})
        pages = first.json()["pages"]  # the only page read: it says how many there are
        limit = asyncio.Semaphore(concurrency)

        async def fetch(number: int) -> int:
            async with limit:
                answer = await http.get("results", params={**query, "page": number})
                return len(answer.content)

        await asyncio.gather(*(fetch(n) for n in range(2, pages + 1)))
    return time.perf_counter() - started


async def first_page_s(url: str) -> tuple[float, float]:
    """A new visitor's first page: (seconds from when the loop was asked, CPU seconds)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future = loop.create_future()
    asked = time.perf_counter()

    def build() -> None:
        cpu = time.process_time()
        session = Session(url)
        done.set_result((time.perf_counter() - asked, time.process_time() - cpu, session))

    loop.call_soon(build)
    wall, cpu, session = await done
    session.end()
    return wall, cpu


async def warmed_rss(url: str, totals: dict[str, int], warm: list[str]) -> float:
    """The RSS once a session has drawn each of the ``warm`` benchmarks and closed."""
    for benchmark_id in warm:
        session = Session(url, {"benchmark_id": benchmark_id})
        await session.opened()
        await session.until_ready(totals[benchmark_id])
        session.end()
        del session
    await _expire()
    return rss_mb()


async def _expire() -> None:
    """Until every shared copy no session holds has expired."""
    idle_s = SHARED.idle_s
    SHARED.idle_s = 0.5
    SHARED.evict()
    await asyncio.sleep(1.5)  # the sessions' clients close, the copies expire
    SHARED.evict()
    SHARED.idle_s = idle_s
    gc.collect()


async def measure(url: str) -> dict[str, float]:
    pn.extension("tabulator")
    freeze_startup()  # as the dashboard's server does before it starts
    start_workers()  # and as it does once started
    async with PerfClient(url) as client:
        totals = {
            b.id: (await client.results.list(benchmark_id=b.id, per_page=1)).total
            for b in await client.benchmarks.all()
        }
    chosen = max(totals, key=totals.get)
    others = sorted(totals, key=totals.get, reverse=True)[1:4]
    figures: dict[str, float] = {}

    cpu_costs, idle_pages = [], []
    for _ in range(20):
        wall, cpu = await first_page_s(url)
        cpu_costs.append(cpu * 1000)
        idle_pages.append(wall)
    await asyncio.sleep(0.5)
    gc.collect()
    cold_rss = rss_mb()
    idle_rss = await warmed_rss(url, totals, others)
    figures["new_session_cpu_ms"] = statistics.median(cpu_costs)

    ratios = []
    for attempt in range(FIRST_LOADS):
        SHARED.clear()  # each a first load: no copy to start from
        fetch_s = await bare_fetch(url, chosen)
        first = Session(url)
        await first.opened()
        started = time.perf_counter()
        first.shell.explorer.state.benchmark_id = chosen
        await first.until_ready(totals[chosen])
        first_s = time.perf_counter() - started
        ratios.append(first_s / fetch_s)
        print(f"first load {first_s:.2f} s, bare fetch {fetch_s:.2f} s")
        await first.shell.explorer.state.settled()  # the copy's other columns, made after
        if attempt < FIRST_LOADS - 1:
            first.end()
    figures["first_load_over_fetch"] = statistics.median(ratios)

    gc.collect()
    one_rss = rss_mb()
    sessions, ready_s = [first], []
    for _ in range(10):
        began = time.perf_counter()
        session = Session(url, {"benchmark_id": chosen})
        await session.opened()
        await session.until_ready(totals[chosen])
        ready_s.append(time.perf_counter() - began)
        sessions.append(session)
    gc.collect()
    figures["next_session_ready_s"] = statistics.median(ready_s)
    figures["mb_per_extra_session"] = (rss_mb() - one_rss) / 10

    # Others load while a new visitor arrives (copies of their own: other benchmarks).
    busy = [Session(url, {"benchmark_id": other}) for other in others]
    loads = [asyncio.ensure_future(s.opened()) for s in busy]
    await asyncio.sleep(0.2)
    busy_pages = []
    while not all(s.ready(totals[o]) for s, o in zip(busy, others, strict=True)):
        busy_pages.append((await first_page_s(url))[0])
        await asyncio.sleep(0.05)
    await asyncio.gather(*loads)
    busy_pages = busy_pages or [(await first_page_s(url))[0]]
    figures["busy_first_paint_over_idle"] = statistics.median(busy_pages) / statistics.median(
        idle_pages
    )
    print(f"first pages while others load: {len(busy_pages)}")

    for session in [*sessions, *busy]:
        session.end()
    del sessions, busy, first, session
    await _expire()
    print(f"shared copies left: {len(SHARED)}")
    figures["mb_after_close"] = rss_mb() - idle_rss
    print(f"cold idle {cold_rss:.0f} MB, warm idle {idle_rss:.0f} MB: cold mb_after_close", end="")
    print(f" {rss_mb() - cold_rss:.0f}")
    return figures


def main() -> None:
    as_the_server_runs()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    add_api_option(parser)
    args = parser.parse_args()
    with sandbox_url(args.size, api=args.api) as url:
        figures = asyncio.run(measure(url))
    for name in (
        "first_load_over_fetch",
        "next_session_ready_s",
        "mb_per_extra_session",
        "mb_after_close",
        "busy_first_paint_over_idle",
        "new_session_cpu_ms",
    ):
        print(f"{name}={figures[name]:.2f}")


if __name__ == "__main__":
    main()
