"""What a facet change costs the server and the network, with 100,000 results of one benchmark.

Starts the sandbox API in its own process with 100,000 results in its main benchmark,
renders the results explorer into a Bokeh document as a served session would, loads
the benchmark, then makes 50 facet changes (choosing sites, one after another) and
measures for each:

- the server-side time from the change to table and plots recomputed (all watchers
  have run and the document holds the new models);
- the bytes of the document patch the change sends to the browser (what a served
  session would push over its websocket).

After the load it prints the server's RSS (this process: the sandbox runs in its own),
now and at its highest. The last three lines are ``facet_p50_ms=<x>``,
``facet_p95_ms=<x>``, ``bytes_per_change=<n>`` (the median patch size).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import time

import panel as pn
from bokeh.document import Document
from bokeh.protocol import Protocol
from panel.io.state import set_curdoc
from sandbox_process import add_api_option, as_the_server_runs, rss_mb, sandbox_url

from dashboard.api import PerfClient
from dashboard.state.explorer import ExplorerState
from dashboard.views.explore.explorer import ResultsExplorer


def patch_bytes(document: Document, events: list) -> int:
    """Size of the PATCH-DOC message these document events make, buffers included."""
    if not events:
        return 0
    message = Protocol().create("PATCH-DOC", events)
    size = len(message.header_json) + len(message.metadata_json) + len(message.content_json)
    return size + sum(memoryview(buffer.data).nbytes for buffer in message.buffers)


async def measure(url: str, changes: int) -> tuple[list[float], list[float], list[int]]:
    pn.extension("tabulator")
    async with PerfClient(url) as client:
        document = Document()
        with set_curdoc(document):
            explorer = ResultsExplorer(ExplorerState(client=client))
            document.add_root(explorer.__panel__().get_root(document))
            state = explorer.state
            totals = {}
            for benchmark in await client.benchmarks.all():
                page = await client.results.list(benchmark_id=benchmark.id, per_page=1)
                totals[benchmark.id] = page.total
            chosen = max(totals, key=totals.get)
            started = time.perf_counter()
            state.benchmark_id = chosen  # as a shared link restores it, before the start
            await state.start()
            while state.loading or set(state.population["benchmark_id"]) != {chosen}:
                await asyncio.sleep(0.05)
            await state.settled()  # every column made (a large load shows some first)
            took = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
            print(f"loaded {len(state.population):,} results in {took:.1f} s", end="; ")
            print(f"server RSS {rss_mb():.0f} MB, at most {peak:.0f} MB")
            sites = sorted(set(state.population["site_id"]))
            events: list = []
            document.on_change(lambda event: events.append(event))
            times, sizes, cpu_times = [], [], []
            for n in range(changes):
                events.clear()
                choice = [sites[n % len(sites)]] if n % 3 != 2 else []  # never the same twice
                began, began_cpu = time.perf_counter(), time.thread_time()
                state.site_ids = choice
                times.append((time.perf_counter() - began) * 1000)
                cpu_times.append((time.thread_time() - began_cpu) * 1000)
                sizes.append(
                    patch_bytes(document, [e for e in events if hasattr(e, "to_serializable")])
                )
    return times, cpu_times, sizes


def main() -> None:
    as_the_server_runs()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=50)
    add_api_option(parser)
    args = parser.parse_args()
    with sandbox_url(args.size, api=args.api) as url:
        times, cpu_times, sizes = asyncio.run(measure(url, args.changes))
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"cpu ms per change: p50 {statistics.median(cpu_times):.1f}, max {max(cpu_times):.1f}")
    print(f"facet changes: {len(times)}; patch sizes min {min(sizes)} max {max(sizes)} bytes")
    print(f"facet_p50_ms={statistics.median(times):.1f}")
    print(f"facet_p95_ms={p95:.1f}")
    print(f"bytes_per_change={int(statistics.median(sizes))}")


if __name__ == "__main__":
    main()
