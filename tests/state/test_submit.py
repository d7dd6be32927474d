"""Submitting benchmarks, sites, flavors and tags over HTTP; a bad schema never leaves."""

from __future__ import annotations

import json
import logging

import pytest
from helpers import Faulty, demo_token, nested, no_traceback_logged
from silent_listener import SilentListener, within

from dashboard.api import PerfClient
from dashboard.sandbox import seed_schemas
from dashboard.state.submit import SubmitState

SCHEMA = json.dumps(seed_schemas.c_ray())


@pytest.fixture
async def forms(fresh_sandbox):
    transport = Faulty()
    client = PerfClient(fresh_sandbox().url, demo_token("alice"), transport=transport)
    state = SubmitState(client=client)
    state.transport = transport
    yield state
    await client.aclose()


@pytest.mark.parametrize(
    ("schema_text", "words"),
    [
        ("{not json", "not JSON"),
        ("", "the schema is empty"),
        ('{"type": "nonsense"}', "'nonsense' is not valid"),
        ('{"required": "score"}', "'score' is not of type 'array'"),
        ("[1, 2]", "holds a list"),
    ],
    ids=["not-json", "empty", "bad-type", "bad-required", "not-an-object"],
)
async def test_an_invalid_benchmark_schema_is_refused_in_the_session(forms, schema_text, words):
    ok = await forms.submit_benchmark(
        "example/new-bench", "1.0", "https://example.org/doc", "A new one", schema_text
    )
    assert not ok and "see the problems" in forms.message
    assert any(words in str(problem) for problem in forms.problems), forms.problems
    assert forms.transport.posts == []


async def test_a_benchmark_needs_an_image_a_tag_and_a_web_address(forms):
    assert not await forms.submit_benchmark(" ", "", "ftp://x", "", SCHEMA)
    assert [p.where for p in forms.problems] == ["image", "tag", "documentation URL"]
    assert forms.transport.posts == []


async def test_a_valid_benchmark_awaits_review_and_a_second_one_is_a_duplicate(forms):
    args = ("example/new-bench", "1.0", "https://example.org/doc", "A new one", SCHEMA)
    assert await forms.submit_benchmark(*args)
    assert forms.message == (
        "The benchmark example/new-bench:1.0 was submitted: it awaits an administrator's review."
    )
    pending = await forms.client.benchmarks.all(status="on_review")
    assert "example/new-bench:1.0" in {b.name for b in pending}
    assert not await forms.submit_benchmark(*args)
    assert forms.message == "Not submitted: example/new-bench:1.0 exists already."
    assert forms.transport.posts == ["/api/v1/benchmarks"] * 2


async def test_a_schema_tried_on_a_sample_says_the_suggested_columns(forms):
    sample = (await forms.client.results.list(per_page=1)).items[0].json
    assert forms.try_schema(SCHEMA, json.dumps(sample).encode())
    assert "passes the schema" in forms.tried and "result.score" in forms.tried
    broken = {**sample, "result": {}}
    assert not forms.try_schema(SCHEMA, json.dumps(broken).encode())
    assert "fails the schema" in forms.tried
    assert "result.score" in [p.where for p in forms.problems]


async def test_sites_flavors_and_tags_are_submitted_and_said(forms):
    client = forms.client
    assert await forms.submit_site("LAB", "lab.org")
    assert forms.message == "The site LAB was submitted: it awaits an administrator's review."
    site = next(s for s in await client.sites.all(status="on_review") if s.name == "LAB")
    assert await forms.submit_flavor(site.id, "big")
    assert await forms.submit_tag("lab-tag")
    assert forms.message == "The tag lab-tag was submitted: it is ready to use."
    assert (
        await forms.submit_tag("  ") is None and forms.message == "Give the new tag a name first."
    )
    assert await forms.submit_flavor("", "small") is None
    assert forms.message == "Choose the site the new flavor belongs to first."


async def test_my_results_and_claims_and_retagging(forms):
    await forms.load_mine()
    assert forms.my_results, "alice has uploads in the seed"
    mine = forms.my_results[0]
    tag = (await forms.client.tags.all())[0]
    assert await forms.retag(mine.id, [tag.id])
    changed = next(r for r in forms.my_results if r.id == mine.id)
    assert [t.id for t in changed.tags] == [tag.id]


@pytest.mark.parametrize(
    "image", ["Not An/Image!", "nobody/never-pushed"], ids=["malformed", "unknown-to-the-registry"]
)
async def test_an_image_the_service_cannot_find_is_said_in_words(forms, image):
    args = (image, "1.0", "https://example.org/doc", "", SCHEMA)
    assert not await forms.submit_benchmark(*args)
    assert forms.message.startswith("The service refused the benchmark: ")
    assert "Could not validate container image: Error: manifest not found" in forms.message


async def test_my_own_submissions_are_listed_with_flavors_and_where_their_review_stands(forms):
    client = forms.client
    admin = PerfClient(client.base_url, demo_token("admin"))
    others = await client.benchmarks.all(status="on_review")
    assert others, "the seed holds someone else's pending benchmark"
    assert await forms.submit_site("MINE", "x")
    site = next(s for s in await client.sites.all(status="on_review") if s.name == "MINE")
    assert await forms.submit_flavor(site.id, "mine.large")
    assert [(s.kind, s.name, s.standing) for s in forms.submitted] == [
        ("site", "MINE", "awaiting review"),
        ("flavor", "mine.large", "awaiting review"),
    ], "mine only, the flavor included; nobody else's pending benchmark"
    await admin.sites.approve(site.id)
    flavor = forms.submitted[1]
    await admin.flavors.reject(flavor.id)
    await forms.load_pending()
    assert [s.standing for s in forms.submitted] == ["approved", "rejected"]
    await admin.aclose()


async def test_my_reports_pending_and_upheld_are_listed_and_reports_on_my_results_shown(forms):
    await forms.load_mine()
    mine, other = forms.my_results[:2]
    bob = PerfClient(forms.client.base_url, demo_token("bob"))
    admin = PerfClient(forms.client.base_url, demo_token("admin"))
    await bob.users.register()
    await bob.results.claim(mine.id, "Looks ten times too fast")
    await forms.load_reports_on(mine.id)
    assert [c.message for c in forms.reports_on] == ["Looks ten times too fast"]

    seen = {r.claim.id for r in forms.my_claims}
    pending = await forms.client.results.claim(other.id, "Mine, uploaded twice")
    upheld = await forms.client.results.claim(mine.id, "Mine too, wrong flavor")
    await admin.reports.approve_claim(upheld.id)
    await forms.load_mine()
    standings = {r.claim.id: r.standing for r in forms.my_claims if r.claim.id not in seen}
    assert standings == {pending.id: "awaiting review", upheld.id: "upheld by an administrator"}
    await bob.aclose()
    await admin.aclose()


HOSTILE_SCHEMAS = [
    pytest.param('{"$schema": 5}', "schema, at $schema", "must be text in quotes", id="$schema-5"),
    pytest.param(
        nested(2000, b"{}", key="not").decode(),
        "schema",
        "nested more than 64 levels",
        id="nested-2000",
    ),
    pytest.param(
        nested(70, b"{}", key="not").decode(),
        "schema, at not.not.not",
        "nested more than 64",
        id="nested-70",
    ),
    pytest.param(
        json.dumps({"description": "x" * (2 * 1024 * 1024 + 100_000)}),
        "schema",
        "the schema is 2.1 MB; a benchmark's schema may be at most 256 kB",
        id="2.1-MB",
    ),
    pytest.param(
        '{"maximum": 1e400}', "schema, at maximum", "1e400 is beyond the largest", id="1e400"
    ),
    pytest.param(
        '{"type": "object", "type": "array"}',
        "schema",
        'the key "type" is given twice',
        id="duplicate-key",
    ),
    pytest.param('{"title": "\\ud800"}', "schema, at title", "surrogate pair", id="\\ud800"),
    pytest.param('{"title": "\ud800"}', "schema, line 1, column 12", "surrogate", id="pasted"),
    pytest.param('{"$ref": "#"}', "schema, at $ref", "starts a loop", id="ref-loop"),
    pytest.param(
        '{"properties": {"a": {"$ref": "#/$defs/none"}}}',
        "schema, at properties.a.$ref",
        '"#/$defs/none" points to nothing in this schema',
        id="ref-to-nothing",
    ),
    pytest.param(
        '{"pattern": "[a-"}', "schema, at pattern", "'[a-' is not a 'regex'", id="bad-regex"
    ),
    pytest.param('{"$id": 5}', "schema, at $id", "must be text in quotes", id="$id-5"),
]


@pytest.mark.parametrize(("schema_text", "where", "words"), HOSTILE_SCHEMAS)
async def test_a_hostile_schema_is_said_in_the_form_and_never_sent(
    forms, caplog, schema_text, where, words
):
    caplog.set_level(logging.DEBUG)
    args = ("eoscperf/hostile", "1.0", "https://example.org/doc", "", schema_text)
    assert not await forms.submit_benchmark(*args)
    (problem,) = forms.problems
    assert problem.where.startswith(where) and words in problem.message, problem
    assert not forms.try_schema(schema_text, b'{"score": 1}')
    assert forms.problems == [problem] and forms.tried == ""
    assert forms.transport.posts == []
    no_traceback_logged(caplog)


async def test_a_schema_with_remote_refs_fetches_nothing_and_names_them(forms):
    with SilentListener() as listener:
        for ref in (
            f"http://127.0.0.1:{listener.port}/s.json",
            f"https://127.0.0.1:{listener.port}/s.json#/definitions/x",
            "file:///etc/passwd",
            "other.json",
        ):
            text = json.dumps({"properties": {"score": {"$ref": ref}}})
            _, problems = within(1, lambda t=text: forms.read_schema(t))
            (problem,) = problems
            assert problem.where == "schema, at properties.score.$ref"
            assert problem.message.startswith(f'"{ref}" refers to a document outside')
            assert not within(1, lambda t=text: forms.try_schema(t, b'{"score": 1}'))
            assert forms.problems == [problem]
            assert not await forms.submit_benchmark(
                "eoscperf/remote", "1.0", "https://example.org/doc", "", text
            )
        assert listener.connections == 0
    assert forms.transport.posts == []


async def test_a_schema_with_its_own_definitions_is_tried_and_submitted(forms):
    schema = {
        "$id": "https://example.org/bench.json",
        "definitions": {"seconds": {"$id": "seconds.json", "type": "number", "minimum": 0}},
        "properties": {
            "score": {"$ref": "seconds.json"},
            "runs": {"items": {"$ref": "#/definitions/seconds"}},
            "config": {"$ref": "http://json-schema.org/draft-07/schema#"},
            "when": {"type": "string", "format": "date-time"},
        },
    }
    text = json.dumps(schema)
    assert forms.try_schema(text, b'{"score": 1, "runs": [2], "config": {"type": "string"}}')
    assert not forms.try_schema(text, b'{"score": -1, "when": "yesterday"}')
    assert [p.where for p in forms.problems] == ["score", "when"]
    assert await forms.submit_benchmark(
        "example/self-contained", "1.0", "https://example.org/doc", "", text
    )
    assert forms.transport.posts == ["/api/v1/benchmarks"]
