"""How much faster the client's bulk load is than a page-by-page loop, and how close to the limit.

Starts the sandbox API in its own process with 10,000 results in one benchmark and
50 ms of simulated network latency per request, then times, for all results of that
benchmark (100 pages of 100):

- sequential: page after page, each waiting for the previous (what the existing web
  frontend does), through the same client so both parse the same records;
- client: ``client.results.all(benchmark_id=...)`` (page 1, then the rest concurrently);
- limit: a bare httpx fetch of the same pages, all at once, decoded as the client decodes
  a page of results (typed, the embedded records skipped) but not turned into records:
  what no client can beat.

Each is run a few times and the median kept; the machine is noisy, so ratios count.
The last two lines are ``sequential_over_client=<ratio>`` and ``client_over_limit=<ratio>``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time

import httpx
from sandbox_process import as_the_server_runs, start_sandbox

from dashboard.api import PerfClient
from dashboard.api.columns import decode_results_page


async def biggest_benchmark(client: PerfClient) -> tuple[str, int]:
    best = ("", 0)
    for benchmark in await client.benchmarks.all():
        total = (await client.results.list(benchmark_id=benchmark.id, per_page=1)).total
        best = max(best, (benchmark.id, total), key=lambda pair: pair[1])
    return best


async def sequential(client: PerfClient, benchmark_id: str) -> int:
    count = 0
    async for page in client.results.pages(benchmark_id=benchmark_id):
        count += len(page.items)
    return count


async def bulk(client: PerfClient, benchmark_id: str) -> int:
    return len(await client.results.all(benchmark_id=benchmark_id))


async def limit(url: str, benchmark_id: str) -> int:
    limits = httpx.Limits(max_connections=200)
    async with httpx.AsyncClient(base_url=url + "/", timeout=60, limits=limits) as http:
        query = {"benchmark_id": benchmark_id, "per_page": 100}
        first = decode_results_page(
            (await http.get("/results", params={**query, "page": 1})).content
        )
        rest = await asyncio.gather(
            *(
                http.get("/results", params={**query, "page": n})
                for n in range(2, first.page.pages + 1)
            )
        )
        return len(first.page.items) + sum(
            len(decode_results_page(r.content).page.items) for r in rest
        )


async def timed(work) -> tuple[float, int]:
    started = time.perf_counter()
    count = await work
    return time.perf_counter() - started, count


async def measure(url: str, repeats: int, concurrency: int | None) -> dict[str, float]:
    options = {"concurrency": concurrency} if concurrency else {}
    async with PerfClient(url, **options) as client:
        benchmark_id, total = await biggest_benchmark(client)
        print(f"benchmark {benchmark_id}: {total} results, {-(-total // 100)} pages")
        times: dict[str, list[float]] = {"sequential": [], "client": [], "limit": []}
        for _ in range(repeats):
            for name, work in (
                ("sequential", sequential(client, benchmark_id)),
                ("client", bulk(client, benchmark_id)),
                ("limit", limit(url, benchmark_id)),
            ):
                seconds, count = await timed(work)
                assert count == total, f"{name} loaded {count} of {total}"
                times[name].append(seconds)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    as_the_server_runs()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--concurrency", type=int, default=None, help="the client's (default: its own default)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        process, url = start_sandbox(data_dir, args.size, args.latency_ms)
        try:
            medians = asyncio.run(measure(url, args.repeats, args.concurrency))
        finally:
            process.terminate()
            process.wait(timeout=10)
    for name, seconds in medians.items():
        print(f"{name}: {seconds * 1000:.0f} ms (median of {args.repeats})")
    print(f"sequential_over_client={medians['sequential'] / medians['client']:.2f}")
    print(f"client_over_limit={medians['client'] / medians['limit']:.2f}")


if __name__ == "__main__":
    main()
