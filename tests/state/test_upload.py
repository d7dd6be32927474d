"""The upload form's state over HTTP against a sandbox: checked first, each result sent once."""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

import httpx
import pytest
from helpers import Faulty, demo_token, nested, no_traceback_logged, until
from silent_listener import SilentListener, within

from dashboard.api import PerfClient
from dashboard.state.explorer import ExplorerState
from dashboard.state.submit import SubmitState
from dashboard.state.upload import PASTED, UploadState


async def filled_in(client: PerfClient) -> UploadState:
    """An upload form on ``client``, c-ray chosen, a site and flavor chosen, a sample kept."""
    state = UploadState(client=client, submitter=SubmitState(client=client))
    await state.start()
    c_ray = next(b for b in state.benchmarks if "c-ray" in b.name)
    site = state.sites[0]
    state.param.update(benchmark_id=c_ray.id, site_id=site.id)
    await state._load_flavors()
    state.flavor_id = state.flavors[0].id
    sample = (await client.results.list(benchmark_id=c_ray.id, per_page=1)).items[0].json
    state.sample = json.loads(json.dumps(sample))
    return state


@pytest.fixture
async def form(fresh_sandbox):
    """An upload form as Alice (registered), c-ray chosen, a site and flavor chosen."""
    transport = Faulty()
    client = PerfClient(fresh_sandbox().url, demo_token("alice"), transport=transport)
    state = await filled_in(client)
    state.transport = transport
    yield state
    await client.aclose()


def valid(form, score: float = 42.0) -> dict:
    """A c-ray result its schema accepts (a seeded one), with its own score."""
    document = json.loads(json.dumps(form.sample))
    document["result"]["score"] = score
    return document


async def test_a_valid_file_is_uploaded_once_and_found_among_my_results(form):
    assert form.schema is not None and form.problems() != []  # no file yet
    form.add_files({"run.json": json.dumps(valid(form)).encode()})
    (upload,) = form.uploads
    assert upload.problems == (), [str(p) for p in upload.problems]
    await form.send()
    (upload,) = form.uploads
    assert upload.outcome == "uploaded" and upload.result_id
    assert "1 of 1 results uploaded" in form.message
    mine = await form.client.users.all_my_results()
    assert upload.result_id in {r.id for r in mine}
    await form.send()  # sent already: nothing is sent again
    assert form.transport.posts == ["/api/v1/results"]


BAD_FILES = {
    "not-json.json": (b"{score: 1}", "not JSON"),
    "empty.json": (b"", "the file is empty"),
    "array.json": (b"[1]", "holds a list"),
    "string.json": (b'"x"', "holds a string"),
    "bom.json": (b"\xef\xbb\xbf{}", "byte order mark"),
    "huge.json": (b" " * (3 * 1024 * 1024) + b"{}", "at most 2 MB"),
    "nan.json": (b'{"result": {"score": NaN}}', "NaN is not a JSON value"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
async def test_a_broken_file_is_refused_in_the_session(form, name):
    data, words = BAD_FILES[name]
    form.add_files({name: data})
    (upload,) = form.uploads
    assert words in str(upload.problems[0])
    await form.send()
    assert "no file is ready to send" in form.message
    assert form.transport.posts == [], "nothing reached the API"


def without(document: dict, *path: str) -> dict:
    copy = json.loads(json.dumps(document))
    node = copy
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return copy


def changed(document: dict, value, *path: str) -> dict:
    copy = json.loads(json.dumps(document))
    node = copy
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return copy


@pytest.mark.parametrize(
    ("broken", "where"),
    [
        (lambda d: without(d, "result"), "result"),
        (lambda d: without(d, "result", "score"), "result.score"),
        (lambda d: changed(d, "fast", "result", "score"), "result.score"),
        (lambda d: changed(d, "other", "benchmark", "scene"), "benchmark.scene"),
        (lambda d: changed(d, "c-ray-2", "benchmark", "name"), "benchmark.name"),
    ],
    ids=["missing-required", "nested-required", "wrong-type", "enum", "const"],
)
async def test_a_result_failing_its_schema_is_refused_in_the_session(form, broken, where):
    form.add_text(json.dumps(broken(valid(form))))
    (upload,) = form.uploads
    assert upload.name == PASTED and where in [p.where for p in upload.problems]
    await form.send()
    assert form.transport.posts == []


@pytest.mark.parametrize(
    ("when", "words"),
    [
        (datetime.now(UTC) + timedelta(days=1), "in the future"),
        (datetime(2025, 1, 1), "no timezone"),
    ],
    ids=["future", "naive"],
)
async def test_a_wrong_execution_time_is_refused_in_the_session(form, when, words):
    form.add_files({"run.json": json.dumps(valid(form)).encode()})
    form.execution_datetime = when
    await form.send()
    assert words in form.message and form.transport.posts == []
    assert form.uploads[0].document == valid(form), "the file is kept"


async def test_no_flavor_chosen_is_refused_in_the_session(form):
    form.add_files({"run.json": json.dumps(valid(form)).encode()})
    form.flavor_id = ""
    await form.send()
    assert "choose the site and the flavor" in form.message and form.transport.posts == []


@pytest.mark.parametrize(
    "fault",
    [
        lambda request: httpx.Response(
            422,
            json={"code": 422, "status": "Unprocessable Entity", "errors": {"error": "odd"}},
        ),
        lambda request: httpx.Response(500, json={"code": 500}),
        lambda request: httpx.ConnectError("connection refused"),
        lambda request: httpx.ReadTimeout("no answer"),
    ],
    ids=["422", "500", "connection-refused", "timeout-before-storing"],
)
async def test_a_failed_upload_keeps_the_form_filled_in(form, fault):
    form.transport.fault = lambda request: fault(request) if request.method == "POST" else None
    form.add_files({"run.json": json.dumps(valid(form)).encode()})
    chosen = (form.benchmark_id, form.site_id, form.flavor_id, form.execution_datetime)
    await form.send()
    (upload,) = form.uploads
    assert not upload.result_id and upload.outcome.startswith(("refused", "not uploaded"))
    assert "everything is kept for a retry" in form.message
    assert (form.benchmark_id, form.site_id, form.flavor_id, form.execution_datetime) == chosen
    assert upload.document == valid(form)

    form.transport.fault = None  # the service is back: the retry uploads it once
    await form.send()
    assert form.uploads[0].result_id
    mine = await form.client.users.all_my_results()
    assert sum(r.json == valid(form) for r in mine) == 1


async def test_a_timeout_after_the_result_was_stored_is_not_uploaded_twice(form):
    """The answer is lost after the service stored the result: it is found, not resent."""
    form.transport.lose_answer = True
    form.transport.fault = lambda request: (
        httpx.ReadTimeout("lost answer") if request.method == "POST" else None
    )
    form.add_files({"run.json": json.dumps(valid(form, 7.5)).encode()})
    await form.send()
    (upload,) = form.uploads
    assert upload.outcome == "uploaded" and upload.result_id
    await form.send()
    assert form.transport.posts == ["/api/v1/results"]
    mine = await form.client.users.all_my_results()
    assert sum(r.json == valid(form, 7.5) for r in mine) == 1


async def test_a_double_click_sends_once(form):
    import asyncio

    form.add_files({"run.json": json.dumps(valid(form, 3.0)).encode()})
    await asyncio.gather(form.send(), form.send())
    assert form.transport.posts == ["/api/v1/results"]


async def test_a_batch_uploads_the_valid_files_and_says_what_happened_to_each(form):
    form.add_files(
        {
            "a.json": json.dumps(valid(form, 1.0)).encode(),
            "b.json": b"{broken",
            "c.json": json.dumps(valid(form, 2.0)).encode(),
        }
    )
    await form.send()
    outcomes = {u.name: (bool(u.result_id), bool(u.problems)) for u in form.uploads}
    assert outcomes == {"a.json": (True, False), "b.json": (False, True), "c.json": (True, False)}
    assert "2 of 3 results uploaded" in form.message
    assert form.transport.posts == ["/api/v1/results"] * 2


async def test_the_execution_time_is_prefilled_from_the_result_when_the_schema_has_one(form):
    stamp = "2025-03-04T05:06:07+00:00"
    free_form_with_time = {
        "type": "object",
        "properties": {"meta": {"properties": {"finished": {"format": "date-time"}}}},
    }
    benchmark = form.benchmarks[0]
    form.benchmarks = [
        dataclasses.replace(benchmark, json_schema=free_form_with_time),
        *form.benchmarks[1:],
    ]
    form.benchmark_id = benchmark.id
    form.add_files({"run.json": json.dumps({"meta": {"finished": stamp}}).encode()})
    assert form.execution_datetime == datetime.fromisoformat(stamp)
    form.execution_datetime = datetime(2025, 1, 1, tzinfo=UTC)  # the user's choice stays
    form.add_files({"other.json": json.dumps({"meta": {"finished": stamp}}).encode()})
    assert form.execution_datetime == datetime(2025, 1, 1, tzinfo=UTC)


async def test_new_site_flavor_and_tag_are_created_inline_and_chosen(form):
    assert await form.new_site("MY-LAB", "lab.example.org", "A lab cluster")
    assert "awaits an administrator's review" in form.message
    assert await form.new_flavor("lab.large", "64 cores")
    assert form.flavors[-1].id == form.flavor_id
    assert await form.new_tag("lab-runs", "Runs in my lab")
    assert form.tags[-1].id in form.tag_ids


async def test_the_preview_is_the_row_the_explorer_will_show(form):
    assert form.preview() is None  # no file yet
    form.add_files({"run.json": json.dumps(valid(form, 55.5)).encode()})
    row = form.preview()
    site = next(s for s in form.sites if s.id == form.site_id)
    # which machine, then the benchmark's own values, then tags and date: as the explorer
    assert list(row.columns[:2]) == ["Site", "Flavor"]
    assert list(row.columns[-2:]) == ["Tags", "Executed (UTC)"]
    assert row.iloc[0]["Site"] == site.name and "score [s]" in row.columns[2:-2]
    assert row.iloc[0]["score [s]"] == 55.5


@pytest.fixture
async def proxied(fresh_sandbox, fault_proxy):
    """The same form, its requests passing a real fault proxy (``.proxy``);
    ``await .stored(document)`` counts Alice's results holding ``document``, as the
    sandbox itself tells her (not through the proxy)."""
    server = fresh_sandbox()
    proxy = fault_proxy(server.url)
    client = PerfClient(proxy.url, demo_token("alice"))
    direct = PerfClient(server.url, demo_token("alice"))
    state = await filled_in(client)

    async def stored(document: dict) -> int:
        mine = await direct.users.all_my_results(benchmark_id=state.benchmark_id)
        return sum(r.json == document for r in mine)

    state.proxy = proxy
    state.stored = stored
    yield state
    await client.aclose()
    await direct.aclose()


UPLOAD = ("POST", "/results")
LOOKUP = ("GET", "/users/self/results")


@pytest.mark.parametrize("keep_head", [False, True], ids=["no-answer", "headers-only"])
async def test_an_upload_whose_answer_is_lost_is_found_and_stored_once(proxied, keep_head):
    document = valid(proxied, 11.5)
    proxied.proxy.lose_answer(*UPLOAD, keep_head=keep_head)
    proxied.add_files({"run.json": json.dumps(document).encode()})
    await proxied.send()
    (upload,) = proxied.uploads
    assert upload.outcome == "uploaded" and upload.result_id
    assert "1 of 1 results uploaded" in proxied.message
    assert await proxied.stored(document) == 1

    await proxied.send()  # clicked again
    await proxied.send()  # and once more, as a retry
    assert proxied.uploads[0].result_id == upload.result_id
    assert await proxied.stored(document) == 1
    assert proxied.proxy.reached.count(UPLOAD) == 1
    assert proxied.proxy.received.count(UPLOAD) == 1, "it was found, so never sent again"


async def test_when_the_lookup_fails_too_the_next_send_looks_first(proxied):
    """The answer is lost and so is the lookup's (sent again once, lost again): the form
    cannot tell, and says so."""
    document = valid(proxied, 12.5)
    proxied.proxy.lose_answer(*UPLOAD)
    proxied.proxy.lose_answer(*LOOKUP)
    proxied.proxy.lose_answer(*LOOKUP)
    proxied.add_files({"run.json": json.dumps(document).encode()})
    await proxied.send()
    (upload,) = proxied.uploads
    assert not upload.result_id
    assert upload.outcome.startswith("not known whether it was uploaded")
    assert "could not be checked" in upload.outcome and "checked again first" in upload.outcome
    assert "kept for a retry" in proxied.message
    assert await proxied.stored(document) == 1, "the service had stored it"

    await proxied.send()  # the network is healthy again: the user tries again
    (upload,) = proxied.uploads
    assert upload.outcome == "uploaded" and upload.result_id
    assert "1 of 1 results uploaded" in proxied.message
    assert await proxied.stored(document) == 1
    assert proxied.proxy.received.count(UPLOAD) == 1, "looked up first, found, not resent"
    assert proxied.proxy.reached.count(UPLOAD) == 1
    # two lost lookups and the one that found it; then "My results" is read once, to show it
    assert proxied.proxy.reached.count(LOOKUP) == 4


async def test_a_result_stored_only_after_the_lookup_is_found_by_the_next_send(proxied):
    """The service stores it late, after the lookup saw nothing: the next send looks first."""
    document = valid(proxied, 13.5)
    proxied.proxy.hold(*UPLOAD)  # forwarded only once the lookup has been answered
    proxied.add_files({"run.json": json.dumps(document).encode()})
    await proxied.send()
    (upload,) = proxied.uploads
    assert not upload.result_id
    assert upload.outcome.startswith("not uploaded, as far as your results show")
    assert "checked again first" in upload.outcome
    # released only now: any answer relayed before the lookup's must not set it going
    proxied.proxy.release()
    await until(lambda: proxied.proxy.reached.count(UPLOAD) == 1)  # stored, late
    assert proxied.proxy.reached.index(UPLOAD) > proxied.proxy.reached.index(LOOKUP)
    assert await proxied.stored(document) == 1

    await proxied.send()  # the retry the form offered
    (upload,) = proxied.uploads
    assert upload.outcome == "uploaded" and upload.result_id
    assert await proxied.stored(document) == 1
    assert proxied.proxy.received.count(UPLOAD) == 1, "found first: not sent a second time"
    assert proxied.proxy.reached.count(UPLOAD) == 1


HOSTILE_FILES = [
    pytest.param(nested(10_000), "run.json", "nested more than 32 levels", id="nested-10000"),
    pytest.param(nested(33), "run.json, at a.a.a", "nested more than 32 levels", id="nested-33"),
    pytest.param(
        b'{"result": {"score": ' + b"7" * 5000 + b"}}",
        "run.json, at result.score",
        "a number of 5,000 digits is beyond the largest number",
        id="integer-of-5000-digits",
    ),
    pytest.param(
        b'{"result": {"score": 1e400}}',
        "run.json, at result.score",
        "1e400 is beyond the largest number JSON results can carry",
        id="1e400",
    ),
    pytest.param(
        b'{"result": {"score": 2.5e-400}}',
        "run.json, at result.score",
        "2.5e-400 is too small for JSON results to carry",
        id="2.5e-400",
    ),
    pytest.param(
        b'{"note": "\\ud800"}', "run.json, at note", "half of a UTF-16 surrogate pair", id="\\ud800"
    ),
    pytest.param(
        b'{"\\udc00": 1}', "run.json", 'the key "\\udc00" holds \\udc00', id="surrogate-key"
    ),
    pytest.param(b'{"note": "\\u0000"}', "run.json, at note", "NUL character", id="nul"),
    pytest.param(
        b'{"result": {"score": 1, "score": 2}}',
        "run.json, at result",
        'the key "score" is given twice',
        id="duplicate-key",
    ),
    pytest.param(
        b'{"v": [' + b"1," * 60_000 + b"1]}",
        "run.json",
        "holds more than 50,000 values",
        id="huge-array",
    ),
    pytest.param(
        json.dumps({f"key{i}": i for i in range(60_000)}).encode(),
        "run.json",
        "holds more than 50,000 values",
        id="huge-object",
    ),
]


@pytest.mark.parametrize(("data", "where", "words"), HOSTILE_FILES)
async def test_a_hostile_file_is_said_in_the_form_and_nothing_is_sent(
    form, caplog, data, where, words
):
    caplog.set_level(logging.DEBUG)
    form.add_files({"run.json": data})
    (upload,) = form.uploads
    assert not upload.ready and upload.document is None
    (problem,) = upload.problems
    assert problem.where.startswith(where) and words in problem.message, problem
    await form.send()
    assert "no file is ready to send" in form.message
    assert form.transport.posts == [], "nothing reached the API"
    no_traceback_logged(caplog)


async def test_pasted_text_with_a_lone_surrogate_is_said_in_the_form(form, caplog):
    caplog.set_level(logging.DEBUG)
    form.add_text('{"result": {"score": 1, "note": "\ud800"}}')
    (upload,) = form.uploads
    (problem,) = upload.problems
    assert problem.where == f"{PASTED}, line 1, column 34"
    assert "half of a UTF-16 surrogate pair" in problem.message
    await form.send()
    assert form.transport.posts == []
    no_traceback_logged(caplog)


async def test_minus_zero_and_long_texts_are_ordinary_values(form):
    document = {**valid(form, 1.0), "offset": 0.0, "notes": "n" * 1_000_000}
    form.add_text(json.dumps(document).replace('"offset": 0.0', '"offset": -0'))
    (upload,) = form.uploads
    assert upload.ready, upload.problems
    assert upload.document["offset"] == 0 and len(upload.document["notes"]) == 1_000_000


async def test_a_benchmark_schema_with_a_remote_ref_fetches_nothing_and_says_so(form, caplog):
    caplog.set_level(logging.DEBUG)
    with SilentListener() as listener:
        remote = f"http://127.0.0.1:{listener.port}/score.json"
        benchmark = next(b for b in form.benchmarks if b.id == form.benchmark_id)
        hostile = {"properties": {"result": {"$ref": remote}}}
        form.benchmarks = [
            dataclasses.replace(b, json_schema=hostile) if b is benchmark else b
            for b in form.benchmarks
        ]
        within(1, lambda: form.add_files({"run.json": json.dumps(valid(form)).encode()}))
        assert listener.connections == 0
    (upload,) = form.uploads
    (problem,) = upload.problems
    assert problem.where == "the benchmark's schema, at properties.result.$ref"
    assert f'"{remote}" refers to a document outside this schema' in problem.message
    await form.send()
    assert form.transport.posts == []
    no_traceback_logged(caplog)


async def test_a_date_time_that_is_not_one_is_refused_in_the_session(form):
    benchmark = next(b for b in form.benchmarks if b.id == form.benchmark_id)
    timed = {"properties": {"finished": {"type": "string", "format": "date-time"}}}
    form.benchmarks = [
        dataclasses.replace(b, json_schema=timed) if b is benchmark else b for b in form.benchmarks
    ]
    form.add_text(json.dumps({"finished": "yesterday"}))
    (upload,) = form.uploads
    assert [(p.where, p.message) for p in upload.problems] == [
        ("finished", '"yesterday" is not a valid date-time, such as 2024-05-01T12:00:00Z')
    ]
    await form.send()
    assert form.transport.posts == []


async def test_the_link_after_an_upload_opens_the_explorer_on_exactly_those_results(form):
    form.add_files({f"run{i}.json": json.dumps(valid(form, 40.0 + i)).encode() for i in range(2)})
    await form.send()
    sent = {u.result_id for u in form.uploads}
    assert len(sent) == 2 and all(sent)
    explorer = ExplorerState(client=form.client)
    explorer.restore(dict(parse_qsl(form.explorer_link.lstrip("?"))))
    await explorer.start()
    await until(lambda: not explorer.loading and len(explorer.population) > 2)
    assert set(explorer.filtered["id"]) == sent, "the upload, not its whole site and flavor"
    assert explorer.notice == ""
