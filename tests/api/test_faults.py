"""Faults end in the documented exception or a successful retry, and a POST is never sent twice.

Timeouts, refused connections and expired tokens come from real servers, and answers
lost after the service carried a request out from a real TCP proxy in front of one
(``fault_proxy``); the 5xx answers, a broken body and the rarer transport errors come
from httpx's MockTransport, as no server gives those on demand.
"""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import UTC, datetime

import httpx
import pytest
from helpers import new_result

from dashboard.api import (
    ConnectionFailed,
    ConnectionLost,
    MalformedResponse,
    NotFound,
    PerfClient,
    RequestTimeout,
    ServerError,
    TransportError,
    Unauthorized,
)
from dashboard.sandbox.identities import identity_by_key

LIST_BODY = (
    b'{"items":[],"total":0,"page":1,"pages":0,"per_page":100,"has_next":false,"has_prev":false}'
)


class Counting(httpx.AsyncBaseTransport):
    """Wraps a transport and counts the requests that went through it, per method."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.sent: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request.method)
        return await self.inner.handle_async_request(request)


def scripted(*answers: tuple[int, bytes]) -> Counting:
    """A transport that answers with ``answers`` in turn (the last one repeats)."""
    queue = list(answers)

    def answer(request: httpx.Request) -> httpx.Response:
        status, body = queue.pop(0) if len(queue) > 1 else queue[0]
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    return Counting(httpx.MockTransport(answer))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends


@pytest.mark.parametrize(
    ("answers", "outcome", "attempts"),
    [
        pytest.param([(503, b""), (502, b""), (200, LIST_BODY)], "ok", 3, id="503-502-then-ok"),
        pytest.param([(504, b"")], ServerError, 3, id="504-until-retries-run-out"),
        pytest.param([(500, b'{"code":500}')], ServerError, 1, id="500-is-not-retried"),
        pytest.param([(200, b"{not json")], MalformedResponse, 1, id="malformed-json-body"),
    ],
)
async def test_reads_retry_only_what_may_pass(answers, outcome, attempts):
    transport = scripted(*answers)
    async with PerfClient("http://api.test/api/v1", transport=transport, backoff=0.001) as client:
        if outcome == "ok":
            assert (await client.results.list()).total == 0
        else:
            with pytest.raises(outcome):
                await client.results.list()
    assert transport.sent == ["GET"] * attempts


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_a_post_is_never_sent_twice_on_server_errors(status):
    transport = scripted((status, b""))
    async with PerfClient("http://api.test/api/v1", "t", transport=transport, backoff=0.001) as c:
        with pytest.raises(ServerError, match=f"HTTP {status}"):
            await new_result(c)
    assert transport.sent == ["POST"]


async def test_connection_refused_is_retried_for_reads_only():
    port = closed_port()
    transport = Counting(httpx.AsyncHTTPTransport())
    url = f"http://127.0.0.1:{port}/api/v1"
    async with PerfClient(url, "t", transport=transport, backoff=0.001, retries=2) as client:
        with pytest.raises(ConnectionFailed, match=f"Could not reach .*127.0.0.1:{port}") as read:
            await client.results.list()
        assert transport.sent == ["GET", "GET", "GET"]
        transport.sent.clear()
        with pytest.raises(ConnectionFailed) as write:
            await new_result(client)
        assert transport.sent == ["POST"]
    assert read.value.sent is False and write.value.sent is False, "refused: never sent"


async def test_a_slow_answer_times_out_with_its_own_exception(fresh_sandbox):
    server = fresh_sandbox(latency_ms=400)
    transport = Counting(httpx.AsyncHTTPTransport())
    async with PerfClient(server.url, timeout=0.1, transport=transport) as client:
        with pytest.raises(RequestTimeout, match="did not answer GET /results in time") as late:
            await client.results.list()
    assert transport.sent == ["GET"], "a read timeout is not retried: the user is told at once"
    assert late.value.sent is True, "it reached the service, which may have carried it out"


@pytest.mark.parametrize(
    ("error", "raised", "sent", "get_attempts"),
    [
        pytest.param(httpx.ConnectError("refused"), ConnectionFailed, False, 3, id="connect"),
        pytest.param(httpx.ConnectTimeout("slow"), RequestTimeout, False, 3, id="connect-time"),
        pytest.param(httpx.PoolTimeout("busy"), RequestTimeout, False, 1, id="pool-timeout"),
        pytest.param(httpx.UnsupportedProtocol("ftp"), ConnectionFailed, False, 1, id="scheme"),
        pytest.param(httpx.ProxyError("refused"), ConnectionFailed, False, 1, id="proxy"),
        pytest.param(httpx.WriteError("broken"), ConnectionLost, True, 2, id="write"),
        pytest.param(httpx.WriteTimeout("slow"), RequestTimeout, True, 1, id="write-timeout"),
        pytest.param(httpx.ReadError("reset"), ConnectionLost, True, 2, id="read"),
        pytest.param(httpx.ReadTimeout("slow"), RequestTimeout, True, 1, id="read-timeout"),
        pytest.param(httpx.RemoteProtocolError("gone"), ConnectionLost, True, 2, id="closed"),
        pytest.param(httpx.LocalProtocolError("odd"), ConnectionLost, True, 1, id="local"),
    ],
)
async def test_a_request_without_an_answer_says_whether_it_may_have_arrived(
    error, raised, sent, get_attempts
):
    def fail(request: httpx.Request) -> httpx.Response:
        raise error

    transport = Counting(httpx.MockTransport(fail))
    url = "http://api.test/api/v1"
    async with PerfClient(url, "secret-token", transport=transport, backoff=0.001) as client:
        with pytest.raises(raised) as got:
            await new_result(client)
        assert transport.sent == ["POST"], "a POST is never sent again"
        assert isinstance(got.value, TransportError) and got.value.sent is sent
        transport.sent.clear()
        with pytest.raises(raised) as read:
            await client.results.list(benchmark_id="b" * 8)
        assert transport.sent == ["GET"] * get_attempts, "connecting, or a dropped connection"
    assert read.value.sent is sent
    for message in (str(got.value), str(read.value)):
        assert "secret-token" not in message and "benchmark_id" not in message


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({}, id="closed-without-an-answer"),
        pytest.param({"reset": True}, id="reset-without-an-answer"),
        pytest.param({"keep_head": True}, id="closed-after-the-headers"),
    ],
)
async def test_an_answer_lost_after_sending_may_mean_it_was_carried_out(
    fresh_sandbox, fault_proxy, fault
):
    """The service stored the result, then the connection broke: the client says so."""
    server = fresh_sandbox()
    proxy = fault_proxy(server.url)
    token = identity_by_key("alice").token
    async with PerfClient(proxy.url, token) as client:
        benchmark = next(b for b in await client.benchmarks.all() if "c-ray" in b.name)
        site = (await client.sites.list()).items[0]
        flavor = (await client.flavors.list(site.id)).items[0]
        seeded = await client.results.list(benchmark_id=benchmark.id, per_page=1)
        document = json.loads(json.dumps(seeded.items[0].json))
        document["result"]["score"] = 4242.5  # a result of its own, to count
        proxy.lose_answer("POST", "/results", **fault)
        with pytest.raises(ConnectionLost, match="broke during POST /results") as lost:
            await client.results.create(
                document,
                benchmark=benchmark,
                flavor=flavor,
                execution_datetime=datetime(2024, 1, 1, tzinfo=UTC),
            )
        assert lost.value.sent is True and "may have carried it out" in str(lost.value)
        assert token not in str(lost.value)
        mine = await client.users.all_my_results(benchmark_id=benchmark.id)
    assert proxy.received.count(("POST", "/results")) == 1, "the client sent it once"
    assert proxy.reached.count(("POST", "/results")) == 1
    assert sum(r.json == document for r in mine) == 1, "the service did store it"


async def test_no_free_connection_in_time_means_not_sent(fresh_sandbox):
    server = fresh_sandbox(latency_ms=500)
    timeout = httpx.Timeout(10.0, pool=0.05)
    async with PerfClient(server.url, timeout=timeout, concurrency=1) as client:
        # the pool holds 10 connections: the 11th request waits for one, in vain
        outcomes = await asyncio.gather(
            *(client.results.list() for _ in range(11)), return_exceptions=True
        )
    (waited,) = [o for o in outcomes if isinstance(o, Exception)]
    assert isinstance(waited, RequestTimeout) and waited.sent is False
    assert "GET /results was not sent" in str(waited)


async def test_an_expired_token_is_replaced_once_and_the_request_retried(sandbox_url):
    asked: list[bool] = []

    def tokens(fresh: bool = False) -> str:
        asked.append(fresh)
        return identity_by_key("alice").token if fresh else "expired-token"

    transport = Counting(httpx.AsyncHTTPTransport())
    async with PerfClient(sandbox_url, tokens, transport=transport) as client:
        assert (await client.users.me()).email == identity_by_key("alice").email
    assert asked.count(True) == 1
    assert transport.sent == ["GET", "GET"]


async def test_requests_refused_together_share_one_fresh_token():
    fresh_asked = 0
    current = "expired"

    async def tokens(fresh: bool = False) -> str:
        nonlocal fresh_asked, current
        if fresh:
            fresh_asked += 1
            await asyncio.sleep(0.01)  # a token endpoint takes a moment
            current = f"fresh-{fresh_asked}"
        return current

    def answer(request: httpx.Request) -> httpx.Response:
        if request.headers["Authorization"] == "Bearer expired":
            return httpx.Response(401, json={"error": "Unauthenticated"})
        return httpx.Response(200, content=LIST_BODY)

    transport = Counting(httpx.MockTransport(answer))
    async with PerfClient("http://api.test/api/v1", tokens, transport=transport) as client:
        pages = await asyncio.gather(*(client.results.list() for _ in range(10)))
    assert [p.total for p in pages] == [0] * 10
    assert fresh_asked == 1
    assert len(transport.sent) == 20


async def test_a_token_that_stays_bad_ends_in_unauthorized(sandbox_url):
    transport = Counting(httpx.AsyncHTTPTransport())
    async with PerfClient(sandbox_url, lambda: "always-bad", transport=transport) as client:
        with pytest.raises(Unauthorized):
            await client.users.me()
    assert transport.sent == ["GET"], "the same token again would fail again: not re-sent"


def paged(pages: int, *, fail_page: int | None = None, delay: float = 0.0):
    """A transport serving ``pages`` pages of a list, recording requests in flight."""
    state = {"in_flight": 0, "most": 0, "served": []}

    async def answer(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page"])
        state["in_flight"] += 1
        state["most"] = max(state["most"], state["in_flight"])
        await asyncio.sleep(delay)
        state["in_flight"] -= 1
        state["served"].append(number)
        if number == fail_page:
            return httpx.Response(404, json={"code": 404, "status": "Not Found"})
        items = [{"id": f"t{number}-{i}", "name": f"tag {number}.{i}"} for i in range(100)]
        body = {
            "items": items,
            "total": pages * 100,
            "page": number,
            "pages": pages,
            "per_page": 100,
            "has_next": number < pages,
            "has_prev": number > 1,
        }
        return httpx.Response(200, json=body)

    return httpx.MockTransport(answer), state


async def test_a_bulk_load_keeps_order_and_its_bound_on_requests_in_flight():
    transport, seen = paged(30, delay=0.02)
    async with PerfClient("http://api.test/api/v1", transport=transport, concurrency=4) as c:
        tags = await c.tags.all()
    assert [t.id for t in tags] == [f"t{p}-{i}" for p in range(1, 31) for i in range(100)]
    assert seen["most"] == 4, "never more pages in flight than the bound, and the bound is used"
    assert seen["served"][0] == 1, "page 1 first: it says how many pages there are"


async def test_a_page_failing_mid_load_raises_its_own_error_and_stops_the_rest():
    transport, seen = paged(40, fail_page=5, delay=0.02)
    async with PerfClient("http://api.test/api/v1", transport=transport, concurrency=2) as c:
        with pytest.raises(NotFound):
            await c.tags.all()
    assert len(seen["served"]) < 40, "pages not yet asked for were not fetched"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"id": "x"}, id="missing-fields"),
        pytest.param({"id": "x", "name": "n", "address": "a", "upload_datetime": 7}, id="bad-date"),
        pytest.param([1, 2], id="not-an-object"),
    ],
)
async def test_an_item_this_client_cannot_read_is_a_malformed_response(body):
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    async with PerfClient("http://api.test/api/v1", transport=transport) as client:
        with pytest.raises(MalformedResponse, match="GET /sites/x with data this client cannot"):
            await client.sites.get("x")


async def test_a_read_under_way_when_the_session_closes_its_client_ends_in_an_api_error(
    fresh_sandbox,
):
    """The page closed while a slow list was loading: the work ends with the client's
    own error (which every state turns into words), not httpx's RuntimeError (which
    escaped as a task exception no one retrieved)."""
    server = fresh_sandbox(latency_ms=500, size=20)
    client = PerfClient(server.url)
    loading = asyncio.create_task(client.benchmarks.all())
    await asyncio.sleep(0.1)  # the request is out, its answer not yet in
    await client.aclose()
    with pytest.raises(ConnectionFailed, match="connection to the performance service is closed"):
        await loading


async def test_the_collector_is_back_after_a_bulk_load_whichever_way_it_ends(fresh_sandbox):
    """A bulk load holds the cyclic collector off until it ends: done, failed or
    cancelled, the collector runs again (else the server would never collect again)."""
    import gc

    server = fresh_sandbox(latency_ms=200, size=600)
    assert gc.isenabled()
    async with PerfClient(server.url, retries=0) as client:
        seen: list[bool] = []
        await client.results.all(progress=lambda done, total: seen.append(gc.isenabled()))
        assert seen and not any(seen), "paused while the pages came in"
        assert gc.isenabled(), "back after a load that worked"

        loading = asyncio.create_task(client.results.all())
        await asyncio.sleep(0.1)
        assert not loading.done() and not gc.isenabled()
        loading.cancel()
        with pytest.raises(asyncio.CancelledError):
            await loading
        assert gc.isenabled(), "back after a cancelled load"

        failing = asyncio.create_task(client.results.all())
        await asyncio.sleep(0.1)
        assert not failing.done()
        server.stop()
        with pytest.raises(TransportError):
            await failing
        assert gc.isenabled(), "back after a failed load"
