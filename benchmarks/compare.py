"""What a choice in the Compare view costs the server, with 100,000 results of one benchmark.

Starts the sandbox API in its own process with 100,000 results in its main benchmark
(c-ray; the deep-learning benchmark then holds a tenth as many, in a few dozen set-ups),
loads both into the Compare view's state as a session does, then makes changes of
choice and measures each from the change to its answer in (``settled()``):

- on c-ray: one site, two sites, every site; per core and per result; another
  reference group (groups of thousands: the distribution-free interval);
- on the deep-learning benchmark: another configuration, one site, per GPU, another
  reference (groups of tens: the bootstrap).

The last two lines are ``compare_p50_ms=<x>`` and ``compare_p95_ms=<x>``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import time
from collections.abc import Callable

from sandbox_process import add_api_option, as_the_server_runs, rss_mb, sandbox_url

from dashboard.api import PerfClient
from dashboard.results.ranking import BOOTSTRAP
from dashboard.state.compare import CompareState

DEEP_LEARNING = "deephdc/deep-oc-benchmarks_cnn"

Choice = Callable[[CompareState, int], dict]


def _sites(state: CompareState, n: int, count: int) -> list[str]:
    ids = [site_id for site_id, _ in state.sites]
    return [ids[(n + k) % len(ids)] for k in range(count)]


def _reference(state: CompareState, n: int) -> str:
    groups = [g for g in state.result.ranked["group"] if g != state.reference]
    return groups[n % len(groups)]


#: Changes on c-ray, in turn: each differs from the one before.
C_RAY_CHOICES: tuple[Choice, ...] = (
    lambda s, n: {"site_ids": _sites(s, n, 1)},
    lambda s, n: {"site_ids": _sites(s, n, 2)},
    lambda s, n: {"per": "core"},
    lambda s, n: {"site_ids": []},
    lambda s, n: {"reference": _reference(s, n)},
    lambda s, n: {"per": "result"},
)
#: Changes on the deep-learning benchmark, in turn.
DEEP_CHOICES: tuple[Choice, ...] = (
    lambda s, n: {"configuration": s.configs["key"].iloc[n % min(len(s.configs), 6)]},
    lambda s, n: {"site_ids": _sites(s, n, 1)},
    lambda s, n: {"per": "GPU"},
    lambda s, n: {"site_ids": []},
    lambda s, n: {"reference": _reference(s, n)},
    lambda s, n: {"per": "result"},
)


async def _timed(state: CompareState, choices: tuple[Choice, ...], changes: int) -> list[float]:
    times = []
    for n, choose in zip(range(changes), itertools.cycle(choices), strict=False):
        choice = choose(state, n)
        began = time.perf_counter()
        state.param.update(**choice)
        await state.settled()
        times.append((time.perf_counter() - began) * 1000)
        if state.problem:
            raise SystemExit(state.problem)
    return times


def _methods(state: CompareState) -> str:
    ranked = state.result.ranked
    small = int((ranked["method"] == BOOTSTRAP).sum())
    return f"{len(ranked)} groups, {small} by bootstrap, n {ranked['n'].min()}-{ranked['n'].max()}"


async def measure(url: str, changes: int) -> tuple[list[float], list[float]]:
    async with PerfClient(url) as client:
        state = CompareState(client)
        started = time.perf_counter()
        await state.start()
        await state.settled()
        took = time.perf_counter() - started
        chosen = state.chosen
        print(
            f"loaded {state.totals[chosen.id]:,} results of {chosen.name} in {took:.1f} s;",
            f"server RSS {rss_mb():.0f} MB; {_methods(state)}",
        )
        first = await _timed(state, C_RAY_CHOICES, changes - changes // 2)
        deep = next(b for b in state.benchmarks if b.docker_image == DEEP_LEARNING)
        began = time.perf_counter()
        state.param.update(benchmark_id=deep.id, reference="", per="result", site_ids=[])
        await state.settled()
        print(
            f"loaded {state.totals[deep.id]:,} results of {deep.name} in",
            f"{time.perf_counter() - began:.1f} s; {len(state.configs)} set-ups;",
            _methods(state),
        )
        second = await _timed(state, DEEP_CHOICES, changes // 2)
        state.stop()
    return first, second


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    as_the_server_runs()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=40)
    add_api_option(parser)
    args = parser.parse_args()
    with sandbox_url(args.size, api=args.api) as url:
        first, second = asyncio.run(measure(url, args.changes))
    for name, times in (("c-ray", first), ("deep learning", second)):
        print(
            f"{name}: {len(times)} changes, p50 {statistics.median(times):.1f} ms,",
            f"p95 {_p95(times):.1f} ms, max {max(times):.1f} ms",
        )
    every = first + second
    print(f"compare_p50_ms={statistics.median(every):.1f}")
    print(f"compare_p95_ms={_p95(every):.1f}")


if __name__ == "__main__":
    main()
