"""Markup where users can put it: the data the escaping tests feed the dashboard.

The demo data holds none (a newcomer must not meet it), so the tests that check that
the dashboard shows what the API gives as text add it themselves, through the API as
the demo users would (imported as ``hostile``: ``tests/`` is on the path):
`add_hostile_data` submits a site whose description holds a script and a flavor of
it (the administrator approves both), a tag named with an ``<img onerror>``, flagship
(c-ray) results carrying that tag, a free-form result whose key and value are markup,
and a claim whose message is markup (left for the administrator to review).
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass

import httpx

from dashboard.sandbox.identities import identity_by_key
from dashboard.sandbox.seed_benchmarks import BENCHMARKS

HOSTILE_TAG = "<img src=x onerror=alert(1)>"
HOSTILE_VALUE = "<script>alert('xss')</script>"
HOSTILE_SITE_DESCRIPTION = 'OpenStack cloud of a test site. <script>alert("site")</script>'
HOSTILE_CLAIM = (
    'The note imported with this result read <b>bold</b> & <script>alert("claim")</script>; '
    "it is not one of our runs."
)
#: How many flagship results carry the hostile tag.
TAGGED = 3


@dataclass(frozen=True)
class HostileData:
    """The ids of what `add_hostile_data` made."""

    site_id: str
    flavor_id: str
    tag_id: str
    tagged_ids: tuple[str, ...]  # flagship results tagged HOSTILE_TAG
    free_form_id: str  # its JSON is {HOSTILE_TAG: HOSTILE_VALUE, "score": 1}
    claim_id: str  # pending, its message HOSTILE_CLAIM
    claimed_id: str  # the flagship result claimed (hidden from the lists)


def _client(api_url: str, who: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {identity_by_key(who).token}"} if who else {}
    return httpx.Client(base_url=api_url, headers=headers, timeout=30.0)


def _created(answer: httpx.Response) -> dict:
    assert answer.status_code == 201, answer.text
    return answer.json()


def _benchmark(client: httpx.Client, *, image: str, tag: str | None = None) -> dict:
    """The benchmark of ``image`` (and ``tag``), as the API lists it."""
    answer = client.get("/benchmarks", params={"docker_image": image, "per_page": 100})
    return next(b for b in answer.json()["items"] if tag is None or b["docker_tag"] == tag)


def _tag(alice: httpx.Client) -> dict:
    """The hostile tag: made now, or found if a test made it before on this sandbox."""
    description = "Tag imported from a legacy spreadsheet; its name is kept as it was."
    answer = alice.post("/tags", json={"name": HOSTILE_TAG, "description": description})
    if answer.status_code != 409:
        return _created(answer)
    page = 1
    while True:
        body = alice.get("/tags", params={"per_page": 100, "page": page}).json()
        found = [tag for tag in body["items"] if tag["name"] == HOSTILE_TAG]
        if found or page >= body["pages"]:
            return found[0]
        page += 1


def _site_and_flavor(alice: httpx.Client, admin: httpx.Client) -> tuple[dict, dict]:
    """A site with a script in its description and a flavor of it, both approved."""
    body = {
        "name": f"HOSTILE-TEST-{uuid.uuid4().hex[:6]}",  # a sandbox takes a site name once
        "address": "Nowhere",
        "description": HOSTILE_SITE_DESCRIPTION,
    }
    site = _created(alice.post("/sites", json=body))
    flavor = _created(alice.post(f"/sites/{site['id']}/flavors", json={"name": "standard.small"}))
    for path in (f"/sites/{site['id']}:approve", f"/flavors/{flavor['id']}:approve"):
        assert admin.post(path).status_code == 204, path
    return site, flavor


def _upload(
    alice: httpx.Client, benchmark: dict, flavor: dict, document: dict, tags: tuple[str, ...] = ()
) -> dict:
    params = {
        "benchmark_id": benchmark["id"],
        "flavor_id": flavor["id"],
        "execution_datetime": "2025-03-01T12:00:00+00:00",
        "tags_ids": list(tags),
    }
    return _created(alice.post("/results", params=params, json=copy.deepcopy(document)))


def add_hostile_data(api_url: str) -> HostileData:
    """Submit, as alice and the administrator, markup everywhere a user can put text."""
    flagship = BENCHMARKS[0]
    free_form = next(b for b in BENCHMARKS if b.build is None and b.status == "approved")
    with _client(api_url, "alice") as alice, _client(api_url, "admin") as admin:
        site, flavor = _site_and_flavor(alice, admin)
        tag = _tag(alice)
        c_ray = _benchmark(alice, image=flagship.image, tag=flagship.tag)
        sample = alice.get("/results", params={"benchmark_id": c_ray["id"], "per_page": 1})
        document = sample.json()["items"][0]["json"]  # a valid c-ray result, whatever its shape
        tagged = [_upload(alice, c_ray, flavor, document, (tag["id"],)) for _ in range(TAGGED)]
        hostile = _upload(
            alice,
            _benchmark(alice, image=free_form.image, tag=free_form.tag),
            flavor,
            {HOSTILE_TAG: HOSTILE_VALUE, "score": 1},
        )
        claimed = _upload(alice, c_ray, flavor, document)
        claim = _created(
            admin.post(f"/results/{claimed['id']}:claim", json={"message": HOSTILE_CLAIM})
        )
    return HostileData(
        site_id=site["id"],
        flavor_id=flavor["id"],
        tag_id=tag["id"],
        tagged_ids=tuple(r["id"] for r in tagged),
        free_form_id=hostile["id"],
        claim_id=claim["id"],
        claimed_id=claimed["id"],
    )
