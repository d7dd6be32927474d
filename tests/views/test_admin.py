"""The Admin tab over HTTP against a sandbox: who gets it, and what its actions do.

Every outcome is checked through the public API, as anyone else would see it.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import panel as pn
from bokeh.document import Document
from helpers import Faulty, demo_token, until

from dashboard.api import PerfClient
from dashboard.app import create_app
from dashboard.schema.jsonpath import value_at as lookup
from dashboard.state.admin import AdminQueue

ADMIN = {"Authorization": "Bearer demo-token-admin"}


async def session(url: str, who: str, transport=None):
    """A whole app session signed in as ``who``; the Admin tab loaded if it has one."""
    shell = create_app(url, sandbox=True)
    if transport is not None:  # the same session, over a transport that can fail on demand
        client = PerfClient(url, shell.state.client.token_source, transport=transport)
        await shell.state.client.aclose()
        shell.state.client = client
        shell.admin = lambda: _admin_panel(client)
    shell.__panel__().get_root(Document())
    await shell.state.refresh()
    shell.state.identity = who
    await until(lambda: shell.state.checks >= 2 and not shell.state.loading)
    if shell.state.admin:
        await until(lambda: shell.admin_view is not None and shell.admin_view.queue.pending)
    return shell


def _admin_panel(client):
    from dashboard.views.admin.panel import AdminPanel

    return AdminPanel(AdminQueue(client=client))


async def close(shell) -> None:
    shell.close()
    shell.state.stop()
    shell.explorer.state.stop()
    await shell.state.client.aclose()


def tab_titles(shell) -> list[str]:
    """The titles the browser shows on the main tabs."""
    return [panel.title for panel in shell.tabs.get_root(Document()).tabs]


def admin_parts(shell) -> list:
    """Anything of the Admin tab found in the session's whole layout."""
    found = []
    for obj in shell.__panel__().select():
        table = isinstance(obj, pn.widgets.Tabulator) and "Submitted by" in obj.value.columns
        if table or (isinstance(obj, pn.widgets.Button) and "ticked submissions" in obj.label):
            found.append(obj)
    return found


def public(url: str, path: str, **params) -> list[dict]:
    """Every item of a public list, as an anonymous client sees it."""
    items, page = [], 1
    while True:
        answer = httpx.get(f"{url}{path}", params={**params, "page": page, "per_page": 100})
        answer.raise_for_status()
        body = answer.json()
        items += body["items"]
        if not body["has_next"]:
            return items
        page += 1


async def test_only_an_administrator_gets_the_admin_tab(fresh_sandbox):
    url = fresh_sandbox().url
    shell = await session(url, "alice")
    assert shell.state.registered and not shell.state.admin
    assert not any(title.startswith("Admin") for title in tab_titles(shell))
    assert shell.admin_view is None and admin_parts(shell) == []

    shell.state.identity = "admin"
    await until(lambda: shell.admin_view is not None and shell.admin_view.queue.pending)
    pending = len(shell.admin_view.queue.submissions) + len(shell.admin_view.queue.claims)
    assert tab_titles(shell)[-1] == f"Admin ({pending} pending)"
    assert admin_parts(shell)

    shell.state.identity = "alice"  # the next person at this browser is no administrator
    await until(lambda: shell.state.checks >= 4 and not shell.state.loading)
    assert shell.admin_view is None and admin_parts(shell) == []
    assert not any(title.startswith("Admin") for title in tab_titles(shell))
    await close(shell)


async def test_the_admin_approves_a_site_and_rejects_a_benchmark(fresh_sandbox):
    url = fresh_sandbox().url
    shell = await session(url, "admin")
    view, queue = shell.admin_view, shell.admin_view.queue
    before = queue.pending
    site = next(s for s in queue.submissions if s.kind == "site")
    assert site.item.name not in {s["name"] for s in public(url, "/sites")}

    # Tick its row, ask to approve: the confirmation says what will happen; nothing yet.
    view.submissions.selection = [list(view.submissions.value["id"]).index(site.id)]
    approve = next(b for b in admin_parts(shell) if "Approve the ticked" in b.label)
    approve.clicks += 1
    assert site.label in view.confirmation.asking and "become public" in view.confirmation.asking
    assert site.item.name not in {s["name"] for s in public(url, "/sites")}
    view.confirmation.confirm.clicks += 1
    await until(lambda: site.id not in {s.id for s in queue.submissions})
    assert site.item.name in {s["name"] for s in public(url, "/sites")}
    assert queue.pending == before - 1
    assert tab_titles(shell)[-1] == f"Admin ({before - 1} pending)"

    # A benchmark, one at a time from its details: rejecting deletes it.
    benchmark = next(s for s in queue.submissions if s.kind == "benchmark")
    row = view.submissions.value.set_index("id").loc[benchmark.id].to_dict() | {"id": benchmark.id}
    detail = view._submission_detail(row)
    text = detail.objects[0].object
    assert benchmark.item.docker_image in text and "hub.docker.com" in text
    reject = next(b for b in detail.select(pn.widgets.Button) if b.label.startswith("Reject"))
    reject.clicks += 1
    assert "cannot be undone" in view.confirmation.asking
    view.confirmation.confirm.clicks += 1
    await until(lambda: benchmark.id not in {s.id for s in queue.submissions})
    assert httpx.get(f"{url}/benchmarks/{benchmark.id}").status_code == 404
    assert [a.what for a in queue.actions] == [f"Reject {benchmark.label}", f"Approve {site.label}"]
    assert all(a.ok for a in queue.actions)
    await close(shell)


async def test_the_admin_upholds_one_claim_and_drops_another(fresh_sandbox):
    url = fresh_sandbox().url
    shell = await session(url, "admin")
    view, queue = shell.admin_view, shell.admin_view.queue
    upheld, dropped = queue.claims[:2]
    benchmark_id = upheld.result.benchmark.id

    def shown() -> set[str]:
        return {r["id"] for r in public(url, "/results", benchmark_id=benchmark_id)}

    assert upheld.result.id not in shown() and dropped.result.id not in shown()
    detail = view._claim_detail({"id": upheld.id})
    assert "percentile" in detail.objects[0].object  # how it compares with the others
    standing = upheld.standings[0]
    assert standing.others == len(shown())  # counted among the results everyone sees
    others = public(url, "/results", benchmark_id=benchmark_id)
    lower = [r for r in others if lookup(r["json"], standing.path) < standing.value]
    assert standing.lower == len(lower)

    view.claims.selection = [list(view.claims.value["id"]).index(upheld.id)]
    next(
        b for b in view.__panel__().select(pn.widgets.Button) if "ticked claims" in b.label
    ).clicks += 1
    assert "stay hidden" in view.confirmation.asking
    view.confirmation.confirm.clicks += 1
    await until(lambda: upheld.id not in {c.id for c in queue.claims})

    assert "(the claim stands; the result stays hidden)" in queue.message
    view.ask_decide([dropped], uphold=False)
    assert "EOSC Performance 1.2.3 keeps them hidden" in view.confirmation.asking
    assert "checked and said afterwards" in view.confirmation.asking
    view.confirmation.cancel.clicks += 1  # thought better of it: nothing happens
    assert view.confirmation.asking == "" and dropped.id in {c.id for c in queue.claims}
    view.ask_decide([dropped], uphold=False)
    view.confirmation.confirm.clicks += 1
    await until(lambda: dropped.id not in {c.id for c in queue.claims})

    assert "(the claim is dropped; the service still hides the result)" in queue.message
    visible = shown()
    assert upheld.result.id not in visible, "an upheld claim keeps its result hidden"
    assert dropped.result.id not in visible, "as the queue said: the service still hides it"
    await queue.load_handled()
    assert upheld.id in {c.id for c in queue.handled}
    await close(shell)


async def test_a_failed_action_says_why_and_leaves_the_item_in_place(fresh_sandbox):
    url = fresh_sandbox().url

    def fail_approvals(request: httpx.Request):
        if request.url.path.endswith(":approve"):
            return httpx.Response(503, json={"code": 503, "status": "Service Unavailable"})
        return None

    shell = await session(url, "admin", transport=Faulty(fail_approvals))
    queue = shell.admin_view.queue
    flavor = next(s for s in queue.submissions if s.kind == "flavor")
    await queue.review([flavor], approve=True)
    assert flavor.id in {s.id for s in queue.submissions}, "still waiting for review"
    assert "503" in queue.message or "unavailable" in queue.message.lower()
    assert queue.actions[0].what == f"Approve {flavor.label}" and not queue.actions[0].ok
    await close(shell)


async def test_a_service_refusal_is_said_plainly(sandbox_url):
    """If the service ever refuses (403), the queue says so instead of failing silently."""
    client = PerfClient(sandbox_url, demo_token("alice"))  # a user, not an administrator
    queue = AdminQueue(client=client)
    await queue.load()
    assert "not an administrator" in queue.problem and "403" in queue.problem
    assert queue.submissions == [] and queue.pending == 0
    await client.aclose()


async def test_actions_not_yet_sent_are_dropped_when_another_identity_takes_over(fresh_sandbox):
    url = fresh_sandbox(latency_ms=150).url
    sent: list[tuple[str, str]] = []

    def record(request: httpx.Request):
        if request.url.path.endswith(":approve"):
            sent.append((request.url.path, request.headers.get("Authorization", "")))

    shell = await session(url, "admin", transport=Faulty(record))
    queue = shell.admin_view.queue
    everything = list(queue.submissions)
    assert len(everything) >= 3
    work = asyncio.ensure_future(queue.review(everything, approve=True))
    await until(lambda: len(sent) >= 1)
    shell.state.identity = "alice"  # the next person takes the browser mid-way
    await work
    await until(lambda: shell.admin_view is None)
    assert sent and len(sent) < len(everything)
    assert {auth for _path, auth in sent} == {"Bearer demo-token-admin"}
    await close(shell)


async def test_the_editors_save_a_site_a_flavor_and_a_tag_and_keep_refused_text(fresh_sandbox):
    url = fresh_sandbox().url
    shell = await session(url, "admin")
    editor, queue = shell.admin_view.editor, shell.admin_view.queue
    site = next(s for s in queue.sites if s.name == "CESGA")
    editor.site.value = site.id
    await until(lambda: editor.site_name.value == "CESGA" and queue.flavors)
    editor.site_description.value = "Galician supercomputing centre, edited"
    await editor._save_site()
    assert httpx.get(f"{url}/sites/{site.id}").json()["description"].endswith("edited")

    # Half-typed text survives a reload; a change made elsewhere is shown once loaded.
    editor.site_address.value = "Santiago, half-typed"
    await queue.load()
    assert editor.site_address.value == "Santiago, half-typed"
    changed = {"name": "CESGA", "address": "Changed elsewhere", "description": "x"}
    assert httpx.put(f"{url}/sites/{site.id}", json=changed, headers=ADMIN).status_code < 300
    await queue.load()
    assert editor.site_address.value == "Changed elsewhere" and editor.site_description.value == "x"

    flavor = queue.flavors[0]
    editor.flavor.value = flavor.id
    editor.flavor_description.value = "Renamed by the test"
    editor.flavor_name.value = "   "  # refused here: what was typed stays
    await editor._save_flavor()
    assert "cannot be empty" in queue.message
    assert editor.flavor_description.value == "Renamed by the test"
    editor.flavor_name.value = f"{flavor.name}-v2"
    await editor._save_flavor()
    assert httpx.get(f"{url}/flavors/{flavor.id}").json()["name"] == f"{flavor.name}-v2"

    tag = queue.tags[0]
    editor.tag.value = tag.id
    editor.tag_name.value = f"{tag.name}-renamed"
    await editor._save_tag()
    assert f"{tag.name}-renamed" in {t["name"] for t in public(url, "/tags")}
    assert [a.ok for a in queue.actions] == [True, True, True]
    await close(shell)


class SlowFor(Faulty):
    """The sandbox, but requests whose path holds ``slow`` answer half a second late."""

    slow = "never"

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.slow in request.url.path:
            await asyncio.sleep(0.5)
        return await super().handle_async_request(request)


async def test_the_flavor_editor_shows_the_flavors_of_the_site_chosen_last(fresh_sandbox):
    url = fresh_sandbox().url
    transport = SlowFor()
    shell = await session(url, "admin", transport=transport)
    editor, queue = shell.admin_view.editor, shell.admin_view.queue
    first, last = (s for s in queue.sites if s.name in ("IFCA-LCG2", "IN2P3-IRES"))
    assert editor.site.value not in (first.id, last.id)  # each choice is a change
    transport.slow = f"/sites/{first.id}/flavors"
    editor.site.value = first.id  # its flavors come late…
    await asyncio.sleep(0.05)
    editor.site.value = last.id  # …after the ones of the site chosen next
    await asyncio.sleep(1.0)
    expected = {f["id"] for f in public(url, f"/sites/{last.id}/flavors")}
    assert expected and {f.id for f in queue.flavors} == expected
    assert set(editor.flavor.options.values()) == expected
    await close(shell)


def _claimed_twice(url: str) -> tuple[dict, dict, dict]:
    """A result Alice reports twice: the result, the older claim, the newer one."""
    alice = {"Authorization": "Bearer demo-token-alice"}
    result = public(url, "/results")[0]
    older, newer = (
        httpx.post(
            f"{url}/results/{result['id']}:claim", headers=alice, json={"message": message}
        ).json()
        for message in ("Far too fast", "Still far too fast")
    )
    return result, older, newer


async def test_a_result_claimed_twice_shows_both_claims_and_says_why_one_cannot_be_rejected(
    fresh_sandbox,
):
    url = fresh_sandbox().url
    result, older, newer = _claimed_twice(url)
    shell = await session(url, "admin")
    view, queue = shell.admin_view, shell.admin_view.queue
    cases = {c.id: c for c in queue.claims}
    assert {older["id"], newer["id"]} <= set(cases), "one odd claim hides no other"
    assert queue.problem == "" and queue.unreadable == []
    assert cases[newer["id"]].result.id == result["id"]
    unnamed = cases[older["id"]]
    assert unnamed.result is None and "(its result is not named)" in unnamed.label
    rows = view.claims.value.set_index("id")
    assert rows.loc[older["id"], "Benchmark"] == "(result not named)"
    assert "claimed again since" in view._claim_detail({"id": older["id"]}).objects[0].object

    await queue.decide([unnamed], uphold=False)
    assert "the service failed" in queue.message and "HTTP 500" in queue.message
    assert "decide the newer claim of that result" in queue.message
    assert older["id"] in {c.id for c in queue.claims}, "it stays in the queue"
    await queue.decide([cases[newer["id"]]], uphold=False)
    assert "(the claim is dropped; the service still hides the result)" in queue.message
    await close(shell)


async def test_a_claim_the_client_cannot_read_is_said_and_hides_none_of_the_others(
    fresh_sandbox,
):
    """A fault no server gives on demand: an item without its id among the claims."""
    url = fresh_sandbox().url

    class Mangling(Faulty):
        async def handle_async_request(self, request):
            response = await super().handle_async_request(request)
            if request.url.path.endswith("/reports/claims"):
                body = json.loads(await response.aread())
                if body["items"]:
                    del body["items"][0]["id"]
                return httpx.Response(response.status_code, json=body)
            return response

    shell = await session(url, "admin", transport=Mangling())
    queue, view = shell.admin_view.queue, shell.admin_view
    pending = public_claims(url)
    assert len(queue.claims) == len(pending) - 1 >= 1, "the others are all in the queue"
    (said,) = queue.unreadable
    assert said.startswith("A claim: an item without an id (missing 'id'; it has message")
    assert view._unreadable.visible and "could not be read" in view._unreadable.object
    assert queue.problem == ""
    await close(shell)


def public_claims(url: str) -> list[dict]:
    return httpx.get(f"{url}/reports/claims", headers=ADMIN, params={"status": "on_review"}).json()[
        "items"
    ]
