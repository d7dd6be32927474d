"""Markup users submit comes back from the API as it was sent: escaping it is the
dashboard's work (the browser tests check it does), so the API must not change it."""

from __future__ import annotations

from hostile import (
    HOSTILE_CLAIM,
    HOSTILE_SITE_DESCRIPTION,
    HOSTILE_TAG,
    HOSTILE_VALUE,
    TAGGED,
    HostileData,
)


def test_markup_comes_back_as_it_was_sent(sandbox_client, hostile_data: HostileData) -> None:
    anonymous, admin = sandbox_client(), sandbox_client("admin")
    site = anonymous.get(f"/sites/{hostile_data.site_id}").json()
    assert site["description"] == HOSTILE_SITE_DESCRIPTION
    assert anonymous.get(f"/tags/{hostile_data.tag_id}").json()["name"] == HOSTILE_TAG
    result = anonymous.get(f"/results/{hostile_data.free_form_id}").json()
    assert result["json"] == {HOSTILE_TAG: HOSTILE_VALUE, "score": 1}
    claim = admin.get(f"/reports/claims/{hostile_data.claim_id}").json()
    assert claim["message"] == HOSTILE_CLAIM


def test_the_hostile_tag_marks_flagship_results_and_the_claimed_one_is_hidden(
    sandbox_client, hostile_data: HostileData
) -> None:
    anonymous = sandbox_client()
    tagged = anonymous.get("/results", params={"tags_ids": hostile_data.tag_id}).json()["items"]
    assert sorted(r["id"] for r in tagged) == sorted(hostile_data.tagged_ids)
    assert len(tagged) == TAGGED and len({r["benchmark"]["id"] for r in tagged}) == 1
    listed = anonymous.get("/results", params={"flavor_id": hostile_data.flavor_id}).json()
    assert hostile_data.claimed_id not in {r["id"] for r in listed["items"]}
