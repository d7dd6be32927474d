"""A server that closes idle keep-alive connections, as the real service does after 2 s.

A pooled connection the server closes just as the client reuses it fails before any
answer. Reads are sent again, once, and succeed; a POST is never sent again (it may
have been carried out: see test_faults.py for what the upload form then does).
"""

from __future__ import annotations

import asyncio
import logging
import random

import pytest
from helpers import new_result

from dashboard.api import ConnectionLost, PerfClient, transport

WORKERS = 20
GETS_EACH = 15  # 300 GETs in all


async def test_reads_on_connections_closed_while_idle_never_fail(
    fresh_sandbox, fault_proxy, caplog
):
    """300 GETs, each after an idle pause around 2 s, on a server closing connections
    idle for 2 s: zero failures.

    The sandbox closes idle connections itself (tornado's idle timeout), which httpx
    notices before it reuses one; in front of it, the proxy closes them the way that
    fails, the way the real service was seen to: the request has just been written.
    """
    proxy = fault_proxy(fresh_sandbox(idle_timeout_s=2.0).url)
    proxy.idle_close = 2.0
    url = proxy.url
    caplog.set_level(logging.INFO, logger="dashboard.api")
    rng = random.Random(7)
    pauses = [[rng.uniform(1.9, 2.1) for _ in range(GETS_EACH)] for _ in range(WORKERS)]
    failures: list[BaseException] = []

    async def worker(waits: list[float]) -> int:  # a session of its own, one connection
        done = 0
        async with PerfClient(url) as client:
            for wait in waits:
                await asyncio.sleep(wait)
                try:
                    page = await client.results.list(per_page=1)
                except Exception as error:  # counted: the test is that there are none
                    failures.append(error)
                else:
                    done += page.total > 0
        return done

    answered = await asyncio.gather(*(worker(waits) for waits in pauses))
    assert failures == [] and sum(answered) == WORKERS * GETS_EACH
    resent = [r for r in caplog.records if "connection dropped" in r.getMessage()]
    # the race happened, many times, and no one saw it
    assert len(proxy.dropped_idle) == len(resent) > WORKERS
    assert len(proxy.reached) == WORKERS * GETS_EACH


async def test_a_read_whose_connection_drops_before_any_answer_is_sent_again_once(
    fresh_sandbox, fault_proxy
):
    proxy = fault_proxy(fresh_sandbox().url)
    async with PerfClient(proxy.url) as client:
        assert (await client.results.list(per_page=1)).total > 0  # a pooled connection now
        proxy.lose_answer("GET", "/results")
        assert (await client.results.list(per_page=1)).total > 0, "no failure the user sees"
        assert proxy.received.count(("GET", "/results")) == 3
        proxy.lose_answer("GET", "/results")
        proxy.lose_answer("GET", "/results")
        with pytest.raises(ConnectionLost):  # dropped twice in a row: said, not hidden
            await client.results.list(per_page=1)
        assert proxy.received.count(("GET", "/results")) == 5


async def test_a_post_whose_connection_drops_is_not_sent_again(fresh_sandbox, fault_proxy):
    proxy = fault_proxy(fresh_sandbox().url)
    async with PerfClient(proxy.url, "demo-token-alice") as client:
        await client.results.list(per_page=1)
        proxy.lose_answer("POST", "/results")
        with pytest.raises(ConnectionLost) as lost:
            await new_result(client)
    assert lost.value.sent is True
    assert proxy.received.count(("POST", "/results")) == 1


async def test_a_connection_the_server_closed_while_idle_is_noticed_before_reuse(
    fresh_sandbox, caplog, monkeypatch
):
    """The pool asks each idle connection whether the server closed it (the client's own,
    cheaper way of asking): a closed one is never sent a request, so none is resent."""
    url = fresh_sandbox(idle_timeout_s=0.5).url
    caplog.set_level(logging.INFO, logger="dashboard.api")
    asked = []
    readable = transport._readable
    monkeypatch.setattr(transport, "_readable", lambda sock: asked.append(sock) or readable(sock))
    async with PerfClient(url) as client:
        for _ in range(3):
            assert (await client.results.list(per_page=1)).total > 0
            await asyncio.sleep(1.0)  # the sandbox closes the connection meanwhile
        assert (await client.results.list(per_page=1)).total > 0
    assert not [r for r in caplog.records if "connection dropped" in r.getMessage()]
    assert asked, "the client's own check answered"
