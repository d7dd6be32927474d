"""Helpers shared by the test tiers (imported as ``helpers``: ``tests/`` is on the path).

Plain code, no fixtures (those live in the conftest.py files): waiting for the state to
settle, the sandbox's demo identities, a transport that fails on demand, the data the
pure tiers build by hand, and the ways the browser tests find what a user sees. The
servers the tests put in the way are modules of their own (faultproxy.py,
silent_listener.py).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import numpy as np
import pandas as pd
import pytest
from hypothesis import strategies as st
from tornado.websocket import WebSocketClosedError

from dashboard.api import Benchmark, Flavor, JsonFilter, PerfClient, Result, Site, Tag
from dashboard.plots.spec import PlotSpec

REPO = Path(__file__).parents[1]

# --- waiting -------------------------------------------------------------------------


async def until(condition, timeout: float = 10.0) -> None:
    """Wait for a watcher's work (scheduled on the loop) to show its effect."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the state did not settle in time")
        await asyncio.sleep(0.02)


def eventually(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Whether ``condition`` holds within ``timeout`` seconds (for threads and processes)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


# --- the sandbox ---------------------------------------------------------------------


def demo_token(key: str) -> str:
    """The token of a sandbox demo identity (``alice``, ``bob``, ``admin``)."""
    from dashboard.sandbox.identities import identity_by_key

    return identity_by_key(key).token


async def close_explorers(*states) -> None:
    """The sessions' explorers end: their work stops and their clients close."""
    for state in states:
        state.stop()
        await state.client.aclose()


def loaded(state, more_than: int = 0) -> bool:
    """Whether the explorer's load has ended with more than ``more_than`` results."""
    return not state.loading and len(state.population) > more_than


async def flagship(client: PerfClient) -> Benchmark:
    """The benchmark with the most results (the first of them, if several have as many)."""
    benchmarks = await client.benchmarks.all()
    totals = [(await client.results.list(benchmark_id=b.id, per_page=1)).total for b in benchmarks]
    return benchmarks[totals.index(max(totals))]


def new_result(client: PerfClient):
    """The coroutine uploading a small result (to ids the API may not know)."""
    return client.results.create(
        {"score": 1},
        benchmark="b" * 8,
        flavor="f" * 8,
        execution_datetime=datetime(2024, 1, 1, tzinfo=UTC),
    )


class Faulty(httpx.AsyncBaseTransport):
    """The real sandbox behind, counting POSTs; ``fault`` may answer or fail a request.

    Used only for what a real server will not do on demand: an answer returned by
    ``fault`` stands for the server's; an exception is raised instead of sending (the
    connection failed), or, with ``lose_answer``, after the server answered (it stored
    the result, the answer never came back).
    """

    lose_answer = False

    def __init__(self, fault: Callable[[httpx.Request], object] | None = None) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.fault = fault
        self.posts: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            self.posts.append(request.url.path)
        verdict = self.fault(request) if self.fault else None
        if isinstance(verdict, httpx.Response):
            return verdict
        if isinstance(verdict, Exception) and not self.lose_answer:
            raise verdict
        response = await self.inner.handle_async_request(request)
        if isinstance(verdict, Exception):
            await response.aread()
            raise verdict
        return response


# Tornado's own report of a message it was writing when the browser closed the socket: a
# race of the server libraries, seen with any Bokeh app (the write's task fails and nobody
# awaits it), not something a session of ours did. Panel 1.10 awaits that write itself and
# reports the same race in one line of its own (panel/io/document.py), also matched here.
CLOSED_SOCKET_WRITE = re.compile(
    r"[^\n]*Task exception was never retrieved\n"
    r"future: [^\n]*write_message[^\n]*exception=WebSocketClosedError\(\)>\n"
    r"(?:(?!Task exception)(?:.|\n))*?^tornado\.websocket\.WebSocketClosedError\n?"
    r"|^[^\n]*WARNING: panel\.io\.document - Failed sending message as connection was closed\n?",
    re.MULTILINE,
)


def closed_socket_write(record: logging.LogRecord) -> bool:
    """Whether a log record is tornado's report of a write to a closed socket."""
    return isinstance(record.exc_info[1], WebSocketClosedError) and "write_message" in (
        record.getMessage()
    )


def without_closed_socket_writes(log: str) -> str:
    """A server's log without tornado's reports of writes to closed sockets."""
    return CLOSED_SOCKET_WRITE.sub("", log)


def no_traceback_logged(caplog: pytest.LogCaptureFixture) -> None:
    """What went wrong was said in one line each: no record carries a traceback."""
    assert all(not record.exc_info for record in caplog.records)
    assert "Traceback" not in caplog.text


# --- results, built by hand ----------------------------------------------------------

C_RAY = Benchmark("b-cray", "thechristophe/openbench-c-ray", "1.1", "https://c-ray.example", {})
PRAGUE = Site("s-prague", "CESNET-MetaCloud", "Prague, Czech Republic")
SANTANDER = Site("s-santander", "IFCA-LCG2", "Santander, Spain")
BARI = Site("s-bari", "INFN-CLOUD-BARI", "Bari, Italy")
SMALL_PRAGUE = Flavor("f-small-prague", "standard.small")
SMALL_BARI = Flavor("f-small-bari", "standard.small")
V100 = Flavor("f-v100", "gpu.v100x1")
CLOUD, GPU, BASELINE = Tag("t-cloud", "cloud"), Tag("t-gpu", "gpu"), Tag("t-baseline", "baseline")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def result(key, site, flavor, tags, executed, uploaded, document, benchmark=C_RAY) -> Result:
    return Result(key, at(executed), at(uploaded), benchmark, site, flavor, tags, document)


# Midnights on purpose: the API's date bounds are strict.
RESULTS = [
    result("r1", PRAGUE, SMALL_PRAGUE, (CLOUD,), "2024-03-01T00:00:00", "2024-03-01T12:00:00",
           {"machine": {"cpu": {"count": 2}, "os": "Ubuntu"},
            "result": {"score": 160.5, "ok": True, "runs": [160.5, 161.0]}}),
    result("r2", PRAGUE, SMALL_PRAGUE, (CLOUD, BASELINE), "2024-03-01T00:00:00.000001",
           "2024-03-02T00:00:00",
           {"machine": {"cpu": {"count": 2}, "os": "Rocky"},
            "result": {"score": 158, "ok": False, "runs": [158]}}),
    result("r3", BARI, SMALL_BARI, (), "2024-02-29T23:59:59", "2024-03-01T00:00:00",
           {"machine": {"cpu": {"count": 4}, "os": "Ubuntu"},
            "result": {"score": 90.25, "ok": True}}),
    result("r4", SANTANDER, V100, (GPU, BASELINE), "2024-03-05T10:00:00", "2024-03-06T10:00:00",
           {"machine": {"cpu": {"count": 8}, "os": "Rocky"}, "result": {"score": None}}),
    result("r5", SANTANDER, V100, (GPU,), "2024-03-10T10:00:00", "2024-03-10T11:00:00",
           {"result": {"score": 40.0, "ok": "yes"}, "notes": "text"}),
]  # fmt: skip
PATHS = ["machine.cpu.count", "machine.os", "result.score", "result.ok", "result.runs", "notes"]


def documents_as_results(documents) -> list[Result]:
    """Results that differ only by their JSON, ids r0, r1..."""
    return [
        result(f"r{i}", PRAGUE, SMALL_PRAGUE, (), "2024-01-01T00:00:00", "2024-01-01T00:00:00", doc)
        for i, doc in enumerate(documents)
    ]


def score(op: str, value) -> JsonFilter:
    """A condition on the results' ``result.score``."""
    return JsonFilter("result.score", op, value)


# --- a results frame for the plots ----------------------------------------------------

SCORE = "json.result.score"
CPUS = "json.machine.cpu.count"
TAGS = ["gpu", "hpc", "ssd", "<b>bold</b>"]
_SITES = ["CESNET", "CESGA", "IFCA", "INFN", "<img src=x onerror=alert(1)>", "CYFRONET"]
_FLAVOR_SIZES = {"small": 1, "medium": 2, "large": 4, "xlarge": 8}


def make_results(rows: int, seed: int = 0) -> pd.DataFrame:
    """A results frame as frames.py builds it: 6 sites with 4 flavors each, a log-normal
    score that falls with flavor size, cpu counts, random tags, two years of dates."""
    rng = np.random.default_rng(seed)
    site = rng.integers(0, len(_SITES), rows)
    size = rng.integers(0, len(_FLAVOR_SIZES), rows)
    multiplier = np.array(list(_FLAVOR_SIZES.values()))[size]
    flavor_names = np.array([f"{s.lower()[:6]}.{f}" for s in _SITES for f in _FLAVOR_SIZES])
    tag_sets = [c for n in range(3) for c in itertools.combinations(TAGS, n)]
    executed = pd.Timestamp("2023-01-01", tz="UTC") + pd.to_timedelta(
        rng.uniform(0, 730, rows), unit="D"
    )
    cpus = pd.array(multiplier * 2, dtype="Int64")
    cpus[rng.random(rows) < 0.05] = pd.NA
    return pd.DataFrame(
        {
            "id": [f"r{i:06d}" for i in range(rows)],
            "benchmark": pd.Categorical(["hpl"] * rows),
            "site": pd.Categorical(np.array(_SITES)[site]),
            "flavor": pd.Categorical(flavor_names[site * len(_FLAVOR_SIZES) + size]),
            "site_id": [f"s{i}" for i in site],
            "flavor_id": [f"f{i}" for i in size],
            "tags": [tag_sets[i] for i in rng.integers(0, len(tag_sets), rows)],
            "execution_datetime": executed,
            "upload_datetime": executed + pd.Timedelta(hours=2),
            SCORE: rng.lognormal(np.log(40 / multiplier), 0.5),
            CPUS: cpus,
            "json.machine.memory_gb": multiplier * 3.75,
            "json.result.delta": rng.normal(0, 1, rows),
            "json.result.passed": pd.array(rng.random(rows) < 0.9, dtype="boolean"),
            "json.system.os": np.array(["linux", "<script>x</script>"])[rng.integers(0, 2, rows)],
        }
    )


def spec_for(kind: str, group: str = "site", **options) -> PlotSpec:
    """A valid plot spec of `kind`: score over time, or the score distribution."""
    if kind == "histogram":
        return PlotSpec(kind=kind, x=SCORE, group=group, **options)
    return PlotSpec(kind=kind, y=SCORE, group=group, **options)


# --- JSON documents and schemas --------------------------------------------------------

ALL_OPERATORS = ("==", ">", "<", ">=", "<=")


def nested(levels: int, inner: bytes = b"1", key: str = "a") -> bytes:
    """JSON whose objects nest ``levels`` deep: {"a": {"a": ... inner ...}}."""
    return f'{{"{key}": '.encode() * levels + inner + b"}" * levels


_KEYS = st.text(alphabet="ab~/%# <é_1", min_size=1, max_size=5)
_DATETIMES = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(datetime.isoformat)
_LEAF_VALUES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5)
    | _DATETIMES
    | st.lists(st.integers(), max_size=3)
)
#: Documents as results hold them: nested objects of every kind of value.
DOCUMENTS = st.dictionaries(
    _KEYS,
    st.recursive(
        _LEAF_VALUES, lambda inner: st.dictionaries(_KEYS, inner, max_size=4), max_leaves=15
    ),
    min_size=1,
    max_size=5,
)


def leaf_kind(value) -> str:
    """The kind a column of this one value has (what the dashboard should call it)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "datetime" if len(value) > 5 else "string"  # only DATETIMES are that long
    return {list: "array", dict: "object"}.get(type(value), "any")


def leaves(document: dict, prefix: str = "") -> dict:
    """Every leaf of a document (lists and empty objects included) by dotted path."""
    found: dict = {}
    for name, value in document.items():
        path = f"{prefix}.{name}" if prefix else name
        if isinstance(value, dict) and value:
            found.update(leaves(value, path))
        else:
            found[path] = value
    return found


# --- served dashboards -----------------------------------------------------------------

#: What a page logs in the browser's console that no code of the dashboard causes.
NOT_OURS = {
    # Chromium's software GL (the plots' WebGL under --disable-gpu)
    "GL Driver Message",
    # Panel's Tabulator view sets a remote page count before Tabulator has built the
    # table (its setMaxPage and setColumns are called on the model's change, unguarded)
    "Table Not Initialized - Calling the",
}


def our_console_warnings(page) -> list[str]:
    """The warnings and errors a page logged that the dashboard's own code causes."""
    return [
        message
        for message in page.console
        if message.startswith(("warning:", "error:"))
        and not any(theirs in message for theirs in NOT_OURS)
    ]


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def needs_chromium():
    return pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed")


def serve(command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """Start a server process, its output in ``log_path``."""
    return subprocess.Popen(
        command, stdout=log_path.open("w"), stderr=subprocess.STDOUT, env={**os.environ, **env}
    )


def wait_for_http(
    url: str, process: subprocess.Popen, timeout: float = 90, log_path: Path | None = None
) -> None:
    """Wait until ``url`` answers (anything but a server error) while ``process`` runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = f": {log_path.read_text()}" if log_path else ""
            raise RuntimeError(f"the server exited with {process.returncode}{said}")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


# --- what a user sees in the browser ---------------------------------------------------

#: The explorer's count once results are loaded ("0 of 0" shows before anything is).
LOADED = re.compile(r"[1-9][\d,]* of [\d,]+ results match")
#: What the explorer says on a page opened without a benchmark (nothing is loaded).
NOTHING_CHOSEN = "Choose a benchmark to explore its results:"
ADMIN_TAB = re.compile(r"^Admin \((\d+) pending\)$")
ANY_ADMIN_TAB = re.compile(r"^Admin")


def benchmark_chooser(page):
    """The explorer's list of benchmarks (the one offering them all)."""
    from dashboard.views.explore.filters import ALL_BENCHMARKS

    every = page.get_by_role("option", name=ALL_BENCHMARKS, exact=True)
    return page.get_by_role("combobox").filter(has=every)


def show_every_benchmark(page, timeout: float = 30_000) -> None:
    """On an opened page (nothing chosen, nothing loaded), choose every benchmark and
    wait for their results."""
    from playwright.sync_api import expect

    from dashboard.views.explore.filters import ALL_BENCHMARKS

    expect(page.get_by_text(NOTHING_CHOSEN)).to_be_visible(timeout=timeout)
    benchmark_chooser(page).select_option(label=ALL_BENCHMARKS)
    expect(page.get_by_text(LOADED)).to_be_visible(timeout=timeout)


def api_url_of(page) -> str:
    text = page.get_by_text(re.compile(r"Connected to the sandbox API at")).inner_text()
    return re.search(r"(http://\S+/api/v1)", text).group(1)


def tab(page, title: str | re.Pattern):
    """The tab titled ``title``, in the main tabs or in the tabs of one of them."""
    return page.locator(".main-tabs").get_by_text(title, exact=True)


def choose_identity(page, label: str) -> None:
    """Take one of the sandbox's demo identities, as a visitor does."""
    page.get_by_label("Demo identity").select_option(label=label)


def widget(page, label: str):
    """The visible input, select or text area whose label starts with ``label``."""
    return page.get_by_label(re.compile(f"^{re.escape(label)}")).filter(visible=True)


def explore_table(page):
    """The explorer's results table."""
    return page.locator(".explore-table")


def result_rows(table):
    """The rows of a table that hold results (not its header)."""
    return table.get_by_role("row").filter(has=table.page.get_by_role("gridcell"))


def cell(table, row, column: str):
    """The cell of ``row`` in the column titled ``column``."""
    row.wait_for()  # its table's header is drawn with it
    titles = [title.strip() for title in table.get_by_role("columnheader").all_inner_texts()]
    return row.get_by_role("gridcell").nth(titles.index(column))


# --- signing in at a local OIDC issuer ---------------------------------------------------

ADMINS = "urn:mace:egi.eu:group:eosc-perf:admins:role=member#aai.egi.eu"
TOKEN_LIFETIME = 25


def proxy_command() -> str | None:
    local = REPO / ".ci" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
    return str(local) if local.exists() else shutil.which("configurable-http-proxy")


def issued_tokens(app) -> set[str]:
    """Every access and refresh token the provider issued (read as one of its requests)."""
    from oidc_provider_mock._storage import storage as issued

    with app.test_request_context("/"):
        app.preprocess_request()
        access = {t.token for t in issued.access_tokens()}
        return access | {t.token for t in issued.refresh_tokens()}


def token_for(issuer: str, sub: str) -> str:
    """An access token of ``sub``, to check the service from outside the browser."""
    callback = "http://127.0.0.1/cb"
    answer = httpx.post(
        f"{issuer}/oauth2/authorize",
        params={
            "client_id": "checker",
            "redirect_uri": callback,
            "response_type": "code",
            "scope": "openid email",
        },
        data={"sub": sub},
    )
    code = parse_qs(urlparse(answer.headers["location"]).query)["code"][0]
    tokens = httpx.post(
        f"{issuer}/oauth2/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": callback},
        auth=("checker", "x"),
    )
    return tokens.json()["access_token"]


def sign_in_at_issuer(browser, url: str, sub: str, frames: list[str]):
    """A new browser context opens ``url`` and signs in at the issuer as ``sub``."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    page.goto(url)
    page.locator("input[name=sub]").fill(sub)  # the issuer's own sign-in page
    page.locator("input[name=sub]").press("Enter")
    page.wait_for_url(re.compile(re.escape(url)), timeout=60_000)
    return page
