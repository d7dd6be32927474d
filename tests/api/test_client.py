"""The client against the sandbox API over real HTTP: every operation of the spec.

The last test checks that, together, the tests of this module reached every
operation in ``openapi.json`` (it skips when only part of the module runs).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from helpers import flagship

from dashboard.api import (
    Benchmark,
    Conflict,
    Forbidden,
    InvalidQuery,
    NotFound,
    Result,
    ServerError,
    SyncClient,
    Unauthorized,
    ValidationFailed,
    json_path,
)
from dashboard.sandbox.identities import identity_by_key


def unique(word: str) -> str:
    return f"{word}-{uuid.uuid4().hex[:8]}"


async def test_public_lists_pages_and_items(make_client):
    client = make_client()
    page = await client.benchmarks.list(per_page=2)
    assert page.page == 1 and page.per_page == 2 and len(page.items) == 2
    assert page.total >= 5 and page.has_next
    every = await client.benchmarks.all()
    paged = [b async for p in client.benchmarks.pages(per_page=2) for b in p.items]
    assert [b.id for b in paged] == [b.id for b in every]
    assert [b.docker_image for b in every] == sorted(b.docker_image for b in every)

    found = await client.benchmarks.search(every[0].docker_image.split("/")[-1])
    assert every[0].id in {b.id for b in found.items}
    assert (await client.benchmarks.get(every[0].id)).json_schema == every[0].json_schema

    sites = await client.sites.all()
    assert [s.name for s in sites] == sorted(s.name for s in sites)
    assert (await client.sites.get(sites[0].id)).name == sites[0].name
    assert sites[0].id in {s.id for s in (await client.sites.search(sites[0].name)).items}

    flavors = await client.flavors.all(sites[0].id)
    assert flavors, "every seeded site has flavors"
    assert (await client.flavors.list(sites[0].id)).total == len(flavors)
    assert (await client.flavors.get(flavors[0].id)).name == flavors[0].name
    assert (await client.flavors.site(flavors[0].id)).id == sites[0].id
    hits = await client.flavors.search(flavors[0].name, parent=sites[0].id)
    assert flavors[0].id in {f.id for f in hits.items}

    tags = await client.tags.all()
    assert (await client.tags.get(tags[0].id)).name == tags[0].name
    assert tags[0].id in {t.id for t in (await client.tags.search(tags[0].name)).items}


async def test_results_filter_sort_search_and_aware_datetimes(make_client):
    client = make_client()
    bench = await flagship(client)
    first = (await client.results.list(benchmark_id=bench.id, per_page=5)).items
    assert all(isinstance(r, Result) and r.benchmark.id == bench.id for r in first)
    assert all(
        r.execution_datetime.tzinfo is UTC and r.upload_datetime.tzinfo is UTC for r in first
    )
    assert [r.execution_datetime for r in first] == sorted(r.execution_datetime for r in first)
    assert (await client.results.get(first[0].id)).json == first[0].json

    # a JSON filter and a JSON sort on a numeric field the results carry
    path, value = _numeric_leaf(first[0].json)
    filtered = await client.results.all(
        benchmark_id=bench, filters=[json_path(path) >= value], sort_by=[f"-json.{path}"]
    )
    values = [_get(r.json, path) for r in filtered]
    assert values and all(v >= value for v in values)
    assert values == sorted(values, reverse=True)

    site = first[0].site
    by_search = await client.results.search(site.name)
    assert by_search.total >= 1 and all(
        site.name in (r.site.name, r.site.address, r.benchmark.docker_image, r.flavor.name)
        or site.name in {t.name for t in r.tags}
        for r in by_search.items
    )
    # the range parameters are dates: "after" means after that day's midnight (UTC)
    day = first[-1].execution_datetime.date()
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    recent = await client.results.all(benchmark_id=bench.id, execution_after=day)
    assert recent and all(r.execution_datetime > midnight for r in recent)
    earlier = await client.results.all(benchmark_id=bench.id, execution_before=day)
    assert all(r.execution_datetime < midnight for r in earlier)
    everything = await client.results.list(benchmark_id=bench.id, per_page=1)
    assert len(recent) + len(earlier) == everything.total


async def test_bulk_load_is_complete_in_order_and_reports_progress(make_client):
    client = make_client()
    bench = await flagship(client)
    progress: list[tuple[int, int]] = []
    every = await client.results.all(
        benchmark_id=bench.id, progress=lambda d, t: progress.append((d, t))
    )
    page_by_page = [r async for p in client.results.pages(benchmark_id=bench.id) for r in p.items]
    assert [r.id for r in every] == [r.id for r in page_by_page]
    assert len(every) == (await client.results.list(benchmark_id=bench.id, per_page=1)).total
    total_pages = progress[-1][1]
    assert total_pages == -(-len(every) // 100) and sorted(progress) == progress
    assert progress[-1] == (total_pages, total_pages)
    # many results, one benchmark record: the bulk load shares it
    assert len({id(r.benchmark) for r in every}) == 1


async def test_unknown_filters_and_bad_pages_never_reach_the_api(make_client):
    client = make_client()
    with pytest.raises(InvalidQuery, match="Unknown filter benchmark"):
        await client.results.list(benchmark="x")
    with pytest.raises(InvalidQuery, match="per_page"):
        await client.results.list(per_page=500)
    with pytest.raises(NotFound):
        await client.results.list(page=10_000)


async def test_a_user_contributes(make_client):
    alice = make_client("alice")
    assert (await alice.users.me()).email == identity_by_key("alice").email
    assert await alice.users.try_admin() is False
    await alice.users.update_me()

    tag = await alice.tags.create(name=unique("tag"), description="made by a test")
    site = await alice.sites.create(name=unique("Site"), address="Karlsruhe, Germany")
    assert site.id not in {s.id for s in await alice.sites.all()}, "a new site waits for review"
    assert site.id in {s.id for s in await alice.sites.all(status="on_review")}
    flavor = await alice.flavors.create(site.id, name=unique("flavor"), description="4 vCPU")
    assert flavor.id in {f.id for f in await alice.flavors.all(site.id, status="on_review")}
    bench_name = unique("example/bench")
    benchmark = await alice.benchmarks.create(
        docker_image=bench_name,
        docker_tag="1.0",
        url="https://hub.docker.com/r/example/bench",
        json_schema={"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"},
        description="A test benchmark",
    )
    assert benchmark.name == f"{bench_name}:1.0"

    bench = await flagship(alice)
    template = (await alice.results.list(benchmark_id=bench.id, per_page=1)).items[0]
    when = datetime.now(UTC) - timedelta(hours=1)
    result = await alice.results.create(
        template.json, benchmark=bench, flavor=template.flavor, execution_datetime=when, tags=[tag]
    )
    assert result.benchmark.id == bench.id and [t.id for t in result.tags] == [tag.id]
    assert abs(result.execution_datetime - when) < timedelta(seconds=1)
    mine = await alice.users.all_my_results()
    assert result.id in {r.id for r in mine}
    assert (await alice.users.my_results(benchmark_id=bench.id)).total >= 1

    await alice.results.update_tags(result.id, [])
    assert (await alice.results.get(result.id)).tags == ()
    assert (await alice.results.claims(result.id)).total == 0

    with pytest.raises(ValidationFailed) as refused:
        await alice.results.create(
            {"unexpected": True}, benchmark=bench, flavor=template.flavor, execution_datetime=when
        )
    assert refused.value.field_errors, "a schema failure says what failed"

    claim = await alice.results.claim(template.id, "The score is ten times the others")
    assert claim.resource_id == template.id
    assert claim.id in {c.id for c in (await alice.users.my_claims(status="on_review")).items}
    assert template.id not in {r.id for r in await alice.results.all(benchmark_id=bench.id)}

    with pytest.raises(Forbidden):
        await alice.reports.submits()


async def test_an_administrator_reviews(make_client):
    alice, admin = make_client("alice"), make_client("admin")
    assert await admin.users.try_admin() is True

    site = await alice.sites.create(name=unique("Review site"), address="Bari, Italy")
    flavor = await alice.flavors.create(site.id, name=unique("gpu"))
    doomed_flavor = await alice.flavors.create(site.id, name=unique("doomed"))
    submits = await admin.reports.all_submits()
    assert {site.id, flavor.id} <= {s.resource_id for s in submits}
    assert (await admin.reports.submits(resource_type="site")).total >= 1

    await admin.sites.approve(site.id)
    spam = await alice.sites.create(name=unique("Spam site"), address="Nowhere")
    await admin.sites.reject(spam.id)
    with pytest.raises(NotFound):
        await admin.sites.get(spam.id)
    await admin.flavors.approve(flavor.id)
    await admin.flavors.reject(doomed_flavor.id)
    assert site.id in {s.id for s in await alice.sites.all()}
    with pytest.raises(NotFound):
        await admin.flavors.get(doomed_flavor.id)
    edited = await admin.sites.update(site.id, description="Edited by the admin")
    assert (edited.name, edited.description) == (site.name, "Edited by the admin")
    assert (await admin.flavors.update(flavor.id, description="1x V100")).description == "1x V100"

    pending = await alice.benchmarks.create(
        docker_image=unique("example/pending"),
        docker_tag="2",
        url="https://hub.docker.com/r/example/pending",
        json_schema={"type": "object"},
    )
    rejected = await alice.benchmarks.create(
        docker_image=unique("example/rejected"),
        docker_tag="2",
        url="https://hub.docker.com/r/example/rejected",
        json_schema={"type": "object"},
    )
    await admin.benchmarks.approve(pending.id)
    await admin.benchmarks.reject(rejected.id)
    assert pending.id in {b.id for b in await alice.benchmarks.all()}
    updated = await admin.benchmarks.update(pending.id, description="Now documented")
    assert updated.description == "Now documented"
    with pytest.raises(NotFound):
        await admin.benchmarks.get(rejected.id)
    await admin.benchmarks.delete(pending.id)

    bench = await flagship(alice)
    victims = (
        await alice.results.list(benchmark_id=bench.id, per_page=3, sort_by="-upload_datetime")
    ).items
    kept, dropped, deleted = victims
    claim_kept = await alice.results.claim(kept.id, "Clearly wrong")
    claim_dropped = await alice.results.claim(dropped.id, "Looks odd")
    assert (await admin.reports.claim(claim_kept.id)).message == "Clearly wrong"
    pending_claims = await admin.reports.all_claims(status="on_review")
    assert {claim_kept.id, claim_dropped.id} <= {c.id for c in pending_claims}
    await admin.reports.approve_claim(claim_kept.id)
    await admin.reports.reject_claim(claim_dropped.id)
    visible = {r.id for r in await alice.results.all(benchmark_id=bench.id)}
    # rejecting a claim leaves its result hidden too, as the real service 1.2.3 does
    assert kept.id not in visible and dropped.id not in visible
    with pytest.raises(NotFound):
        await admin.reports.claim(claim_dropped.id)
    assert claim_kept.id in {c.id for c in (await admin.reports.claims()).items}
    assert (await admin.results.claims(kept.id, status="approved")).total == 1

    uploader = await admin.results.uploader(deleted.id)
    assert uploader.sub and uploader.iss
    await admin.results.delete(deleted.id)
    # the service deletes softly: gone from every list, still readable by id
    assert deleted.id not in {r.id for r in await alice.results.all(benchmark_id=bench.id)}

    tag = await alice.tags.create(name=unique("typo"))
    assert (await admin.tags.update(tag.id, name=tag.name + "-fixed")).name == tag.name + "-fixed"
    await admin.tags.delete(tag.id)
    await admin.flavors.delete(flavor.id)
    await admin.sites.delete(site.id)
    with pytest.raises(NotFound):
        await admin.sites.get(site.id)

    users = await admin.users.list()
    assert identity_by_key("alice").email in {u.email for u in users.items}
    assert (await admin.users.search("alice")).total >= 1


async def test_a_result_claimed_twice_reads_as_two_claims_one_of_them_unnamed(make_client):
    """As on the real service 1.2.3: no list fails for the claim that lost its result."""
    alice, admin = make_client("alice"), make_client("admin")
    result = (await alice.users.my_results(per_page=1)).items[0]
    older = await alice.results.claim(result.id, "Looks off")
    newer = await alice.results.claim(result.id, "Looks off, really")
    for claims in (
        await alice.users.my_claims(status="on_review"),
        await admin.reports.claims(status="on_review"),
        await admin.results.claims(result.id, status="on_review"),
    ):
        by_id = {claim.id: claim for claim in claims.items}
        assert by_id[older.id].resource_id is None and by_id[older.id].message == "Looks off"
        assert by_id[newer.id].resource_id == result.id
        assert claims.unreadable == ()
    everything = await admin.reports.all_claims(status="on_review")
    assert {older.id, newer.id} <= {c.id for c in everything} and everything.unreadable == []
    with pytest.raises(ServerError):
        await admin.reports.reject_claim(older.id)
    await admin.reports.reject_claim(newer.id)


async def test_registration_and_removal(fresh_sandbox, make_client):
    server = fresh_sandbox()
    bob, admin = make_client("bob", url=server.url), make_client("admin", url=server.url)
    with pytest.raises(NotFound):
        await bob.users.me()
    registered = await bob.users.register()
    assert registered.email == identity_by_key("bob").email
    assert registered.registration_datetime.tzinfo is UTC
    with pytest.raises(Conflict):
        await bob.users.register()
    await admin.users.remove(email=registered.email)
    with pytest.raises(NotFound):
        await bob.users.me()


async def test_anonymous_and_wrong_tokens_are_told_apart(make_client, sandbox_url):
    with pytest.raises(Unauthorized):
        await make_client().users.me()
    from dashboard.api import PerfClient

    async with PerfClient(sandbox_url, "not-a-real-token") as stranger:
        with pytest.raises(Unauthorized, match="HTTP 401"):
            await stranger.results.claim(str(uuid.uuid4()), "x")


def test_the_sync_facade_runs_the_same_client(sandbox_url):
    with SyncClient(sandbox_url, identity_by_key("alice").token) as client:
        benchmarks = client.benchmarks.all()
        assert benchmarks and all(isinstance(b, Benchmark) for b in benchmarks)
        pages = list(client.results.pages(benchmark_id=benchmarks[0].id, per_page=7))
        assert sum(len(p.items) for p in pages) == pages[0].total
        assert client.users.me().email == identity_by_key("alice").email
        with pytest.raises(NotFound):
            client.results.get(str(uuid.uuid4()))
        assert "StaticToken(***)" in repr(client)


async def test_the_sync_facade_works_where_a_loop_is_already_running(sandbox_url):
    # as in a Jupyter cell: the caller's thread already runs an event loop
    with SyncClient(sandbox_url) as client:
        assert client.benchmarks.list(per_page=1).total >= 5


def test_every_operation_of_the_spec_was_reached(operation_log, request):
    module_tests = {item.name for item in request.session.items if item.module is request.module}
    defined = {name for name in globals() if name.startswith("test_")}
    if module_tests != defined:
        pytest.skip("reports on the operations the whole module reaches: run all of it")
    missing = sorted(set(operation_log.operations) - operation_log.reached)
    assert operation_log.operations, "the spec was not found beside the repository"
    assert not missing, f"operations no test reached: {missing}"


def _numeric_leaf(data, prefix=""):
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, int | float) and not isinstance(value, bool):
            return path, value
        if isinstance(value, dict):
            found = _numeric_leaf(value, path + ".")
            if found:
                return found
    return None


def _get(data, path):
    for part in path.split("."):
        data = data[part]
    return data
