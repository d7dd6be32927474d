"""The sandbox as a server: persistence, simulated latency, routing, logging."""

from __future__ import annotations

import asyncio
import logging
import time

import httpx
import pytest

from dashboard.sandbox.identities import identity_by_key

NOT_FOUND = {"code": 404, "status": "Not Found"}


def test_data_survives_a_restart_and_the_seed_is_not_reloaded(
    fresh_sandbox, sandbox_client, tmp_path
):
    first = fresh_sandbox(data_dir=tmp_path)
    admin = sandbox_client("admin", url=first.url)
    site = admin.post("/sites", json={"name": "Restart Site", "address": "Here"}).json()
    results = admin.get("/results").json()["total"]
    first.stop()

    second = fresh_sandbox(data_dir=tmp_path, size=10)
    again = sandbox_client("admin", url=second.url)

    assert again.get(f"/sites/{site['id']}").json() == site
    assert again.get("/results").json()["total"] == results
    assert (tmp_path / "sandbox.sqlite3").is_file()


def test_latency_delays_every_request_yet_requests_overlap(fresh_sandbox):
    server = fresh_sandbox(latency_ms=300)

    async def timed_requests():
        async with httpx.AsyncClient(base_url=server.url) as client:
            started = time.perf_counter()
            await client.get("/tags")
            one = time.perf_counter() - started
            started = time.perf_counter()
            answers = await asyncio.gather(*(client.get("/tags") for _ in range(8)))
            return one, time.perf_counter() - started, answers

    one, eight, answers = asyncio.run(timed_requests())

    assert one >= 0.3
    # one after another they would take 8 latencies; side by side, about one (the margin
    # is for a machine busy with other tests)
    assert eight < 8 * 0.3 * 0.6, "concurrent requests should wait their latency side by side"
    assert {answer.status_code for answer in answers} == {200}


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/nothing-here", id="unknown-path"),
        pytest.param("/sites/not-a-uuid", id="malformed-id"),
        pytest.param("/results/123:claim", id="malformed-id-action"),
        pytest.param("/flavors", id="no-flavor-collection"),
    ],
)
def test_paths_the_api_does_not_have_are_plainly_not_found(sandbox_client, path):
    answer = sandbox_client().get(path)

    assert answer.status_code == 404
    assert answer.json() == NOT_FOUND


def test_an_unsupported_method_names_the_allowed_ones(sandbox_client):
    answer = sandbox_client().patch("/sites")

    assert answer.status_code == 405
    assert set(answer.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST"}


def test_head_answers_like_get_without_a_body(sandbox_client):
    answer = sandbox_client().head("/sites")

    assert answer.status_code == 200 and answer.content == b""


def test_the_access_log_drops_query_strings_and_never_shows_tokens(sandbox_client, caplog):
    token = identity_by_key("alice").token
    caplog.set_level(logging.INFO, logger="dashboard.sandbox.access")

    sandbox_client("alice").get("/results", params={"per_page": 3, "filters": "a.b == secret"})

    def lines() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "dashboard.sandbox.access"]

    deadline = time.monotonic() + 5  # the server's thread logs once the answer is out
    while not any("GET /api/v1/results" in line for line in lines()):
        assert time.monotonic() < deadline, lines()
        time.sleep(0.02)
    lines = lines()
    assert not any("?" in line or "secret" in line or token in line for line in lines)


def test_a_malformed_json_body_is_a_bad_request(sandbox_client):
    answer = sandbox_client("alice").post(
        "/sites", content=b"{not json", headers={"Content-Type": "application/json"}
    )

    assert answer.status_code == 400
    assert answer.json()["errors"] == {"json": ["Invalid JSON body."]}
