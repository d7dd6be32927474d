"""Issue 15's usability findings on the Contribute tab, done as the person did them."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from helpers import api_url_of, choose_identity, tab, widget
from playwright.sync_api import expect

ALICE = "Alice Provider (demo user, registered)"


def select(page, label: str, option: str | re.Pattern) -> None:
    chooser = widget(page, label)
    chooser.select_option(label=chooser.get_by_role("option", name=option).first.inner_text())


def form(page, title: str):
    """The titled form (a card) of the Contribute tab."""
    return page.locator(".card").filter(has=page.get_by_text(title, exact=True))


def as_alice_in_contribute(page, dashboard_url) -> str:
    page.goto(f"{dashboard_url}?tab=explore")
    choose_identity(page, ALICE)
    expect(page.get_by_text("(registered user)")).to_be_visible(timeout=30_000)
    tab(page, "Contribute").click()
    expect(widget(page, "Benchmark")).to_be_visible(timeout=15_000)
    return api_url_of(page)


@pytest.mark.parametrize("size", [(1440, 900), (1024, 768)], ids=["1440x900", "1024x768"])
def test_choosing_a_benchmark_says_what_to_upload_with_an_example_that_passes(
    page, dashboard_url, tmp_path, size
):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    as_alice_in_contribute(page, dashboard_url)
    expect(page.get_by_text("What to upload:")).not_to_be_visible()
    select(page, "Benchmark", re.compile("c-ray"))
    fields = page.locator(".expected")
    expect(fields).to_be_visible(timeout=10_000)
    start = fields.get_by_role("row").filter(has_text="start_datetime")
    expect(start).to_contain_text("required")
    expect(start).to_contain_text("date-time text")
    expect(start).to_contain_text("When the benchmark run started")
    expect(fields.get_by_role("row").filter(has_text="result.score")).to_contain_text("s")
    # nothing of the form is out of reach sideways
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download an example result file").click()
    example = tmp_path / download.value.suggested_filename
    download.value.save_as(example)
    assert example.name.endswith("-example.json") and "c-ray" in example.name
    document = json.loads(example.read_text())
    page.locator("input[type=file][multiple]").set_input_files(example)
    row = page.locator("table.uploads").get_by_role("row").filter(has_text=example.name)
    expect(row).to_contain_text("ready", timeout=10_000)

    # a date that is no date-time is refused, naming it; the pasted text stays
    pasted = json.dumps({**document, "start_datetime": "yesterday"})
    widget(page, "Or paste a result's JSON").fill(pasted)
    page.get_by_role("button", name="Check pasted JSON").click()
    expect(page.get_by_text('"yesterday" is not a valid date-time')).to_be_visible(timeout=10_000)
    expect(widget(page, "Or paste a result's JSON")).to_have_value(pasted)
    assert page.console_errors == []


def test_my_results_are_there_when_opened_and_after_an_upload(page, dashboard_url, tmp_path):
    api = as_alice_in_contribute(page, dashboard_url)
    alice = {"Authorization": "Bearer demo-token-alice"}
    mine = httpx.get(f"{api}/users/self/results", headers=alice, params={"per_page": 1})
    before = mine.json()["total"]
    tab(page, "My results and reports").click()
    chooser = widget(page, "One of my results")
    expect(chooser.get_by_role("option")).to_have_count(before, timeout=15_000)

    # an upload of the example: listed among my results without any Refresh
    tab(page, "Upload results").click()
    select(page, "Benchmark", re.compile("c-ray"))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download an example result file").click()
    example = tmp_path / "example.json"
    download.value.save_as(example)
    select(page, "Site", re.compile("^(?!Choose)"))
    expect(widget(page, "Flavor").get_by_role("option")).not_to_have_count(1, timeout=10_000)
    select(page, "Flavor", re.compile("^(?!Choose)"))
    page.locator("input[type=file][multiple]").set_input_files(example)
    expect(page.get_by_text("How the explorer will show it:")).to_be_visible(timeout=10_000)
    page.get_by_role("button", name="Upload the ready files").click()
    expect(page.get_by_text("1 of 1 results uploaded.")).to_be_visible(timeout=15_000)
    tab(page, "My results and reports").click()
    expect(chooser.get_by_role("option")).to_have_count(before + 1, timeout=15_000)
    # the upload's message was the Upload tab's: not shown here, and gone from there
    expect(page.get_by_text("1 of 1 results uploaded.")).to_have_count(0)
    tab(page, "Upload results").click()
    expect(page.get_by_text("1 of 1 results uploaded.")).to_have_count(0)


def test_a_message_stays_with_its_form_and_goes_when_the_user_moves_on(page, dashboard_url):
    as_alice_in_contribute(page, dashboard_url)
    tab(page, "Submit").click()
    tags = form(page, "Create a tag")
    tags.get_by_role("button", name="Create the tag").click()
    expect(tags.get_by_text("Give the new tag a name first.")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("Give the new tag a name first.")).to_have_count(1)
    tab(page, "My results and reports").click()
    expect(page.get_by_text("Give the new tag a name first.")).to_have_count(0)
    tab(page, "Submit").click()
    expect(page.get_by_text("Give the new tag a name first.")).to_have_count(0)


def test_a_new_site_gets_its_flavor_in_the_same_visit_and_lists_follow_its_review(
    page, dashboard_url
):
    api = as_alice_in_contribute(page, dashboard_url)
    tab(page, "Submit").click()
    for title in ("Submit a benchmark", "Submit a site", "Submit a flavor of a site"):
        expect(form(page, title)).to_be_visible()
    sites = form(page, "Submit a site")
    sites.get_by_label("Name").fill("Friction Lab")
    sites.get_by_label("Address").fill("Karlsruhe")
    sites.get_by_role("button", name="Submit the site").click()
    expect(sites.get_by_text("The site Friction Lab was submitted")).to_be_visible(timeout=10_000)

    flavors = form(page, "Submit a flavor of a site")
    site = flavors.get_by_label("Site of the flavor")
    pending = site.get_by_role("option", name="Friction Lab (awaiting review)")
    expect(pending).to_have_count(1, timeout=10_000)
    site.select_option(label="Friction Lab (awaiting review)")
    expect(flavors.get_by_text("Your site Friction Lab awaits review")).to_be_visible()
    flavors.get_by_label("Name").fill("lab.small")
    flavors.get_by_role("button", name="Submit the flavor").click()
    expect(flavors.get_by_text("The flavor lab.small was submitted")).to_be_visible(timeout=10_000)

    tab(page, "Upload results").click()
    select(page, "Site", "Friction Lab (awaiting review)")
    expect(
        widget(page, "Flavor").get_by_role("option", name="lab.small (awaiting review)")
    ).to_have_count(1, timeout=10_000)

    # an administrator approves the site elsewhere: the lists say so once the tab is opened
    admin = {"Authorization": "Bearer demo-token-admin"}
    found = httpx.get(f"{api}/sites", params={"status": "on_review", "name": "Friction Lab"})
    (site_id,) = [s["id"] for s in found.json()["items"]]
    assert httpx.post(f"{api}/sites/{site_id}:approve", headers=admin).status_code == 204
    tab(page, "Submit").click()
    expect(page.get_by_text(re.compile(r"site Friction Lab — approved"))).to_be_visible(
        timeout=15_000
    )
    expect(site.get_by_role("option", name="Friction Lab", exact=True)).to_have_count(1)
