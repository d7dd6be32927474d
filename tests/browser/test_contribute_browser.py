"""Contributing in headless Chromium: register, upload with a new tag, find it, report one."""

from __future__ import annotations

import json
import re

import httpx
from helpers import (
    api_url_of,
    cell,
    choose_identity,
    explore_table,
    result_rows,
    show_every_benchmark,
    tab,
    widget,
)
from playwright.sync_api import expect


def select(page, label: str, option: str) -> None:
    chooser = widget(page, label)
    chooser.select_option(label=chooser.get_by_role("option", name=option).first.inner_text())


def test_register_upload_with_a_new_tag_find_it_and_report_another_result(
    page, dashboard_url, tmp_path
):
    page.goto(f"{dashboard_url}?tab=explore")
    show_every_benchmark(page, timeout=30_000)
    api = api_url_of(page)

    # Bob is signed in but not registered: the terms first, an explicit yes, then Register.
    choose_identity(page, "Bob Scientist (demo user, not yet registered)")
    expect(page.get_by_text("Register to contribute.")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("link", name="terms of use and the privacy policy")).to_have_attribute(
        "href", "https://performance.services.fedcloud.eu/privacy_policy"
    )
    register = page.get_by_role("button", name="Register")
    expect(register).to_be_disabled()
    # Bokeh's checkbox keeps its input and label text side by side in its shadow root.
    page.get_by_text("I have read and accept").evaluate(
        "text => text.getRootNode().querySelector('input').click()"
    )
    register.click()
    expect(page.get_by_text("Signed in as bob@example.org (registered user)")).to_be_visible(
        timeout=15_000
    )
    # the list of identities no longer says he is not registered
    chooser = page.get_by_label("Demo identity")
    expect(chooser.locator("option:checked")).to_have_text("Bob Scientist (demo user, registered)")

    # Upload a valid result (a seeded one with another score) with a tag made on the spot.
    sample = httpx.get(f"{api}/results", params={"per_page": 1}).json()["items"][0]
    document = {**sample["json"], "result": {**sample["json"]["result"], "score": 9876.5}}
    tab(page, "Contribute").click()
    benchmark = sample["benchmark"]
    select(page, "Benchmark", f"{benchmark['docker_image']}:{benchmark['docker_tag']}")
    select(page, "Site", sample["site"]["name"])
    expect(widget(page, "Flavor").get_by_role("option")).not_to_have_count(1)
    select(page, "Flavor", sample["flavor"]["name"])
    page.get_by_text("Tag not listed? Create it").click()
    widget(page, "Name").fill("bob-browser-run")
    page.get_by_role("button", name="Create the tag").click()
    expect(page.get_by_text("Tag bob-browser-run created and chosen.")).to_be_visible(
        timeout=10_000
    )
    upload = tmp_path / "run.json"
    upload.write_text(json.dumps(document))
    page.locator("input[type=file][multiple]").set_input_files(upload)
    expect(page.get_by_text("ready", exact=True)).to_be_visible(timeout=10_000)
    # the preview comes with it and moves the button: click once the page has settled
    expect(page.get_by_text("How the explorer will show it:")).to_be_visible(timeout=10_000)
    page.get_by_role("button", name="Upload the ready files").click()
    expect(page.get_by_text("1 of 1 results uploaded.")).to_be_visible(timeout=15_000)

    # The link opens the explorer on it: one result, with the new tag and the score sent.
    page.get_by_role("link", name="Open the uploaded results in the explorer").click()
    only = page.get_by_text(
        re.compile(r"^1 of \d+ results match \(only the result the link names\)$")
    )
    expect(only).to_be_visible(timeout=30_000)
    table = explore_table(page)
    table.scroll_into_view_if_needed()  # Tabulator draws its rows once it is in view
    rows = result_rows(table)
    expect(rows).to_have_count(1)
    expect(cell(table, rows.first, "Tags")).to_have_text("bob-browser-run")
    expect(table).to_contain_text("9,876.50")  # the column's decimals: c-ray's scores have two
    page.get_by_role("button", name="Show every result").click()  # the rest is one click away
    expect(page.get_by_text(re.compile(r"^(\d+) of \1 results match$"))).to_be_visible()

    # Report another result: it is hidden at once, and the API no longer lists it.
    page.goto(f"{dashboard_url}?tab=explore")
    show_every_benchmark(page, timeout=30_000)
    choose_identity(page, "Bob Scientist (demo user, not yet registered)")  # a new page's list
    expect(page.get_by_text("(registered user)")).to_be_visible(timeout=15_000)
    before = httpx.get(f"{api}/results", params={"per_page": 1}).json()["total"]
    count = page.get_by_text(re.compile(r"^\d+ of \d+ results match"))
    expect(count).to_have_text(f"{before} of {before} results match")
    row = result_rows(explore_table(page))
    row.first.get_by_role("checkbox").check()
    page.get_by_role("button", name="Report…").click()  # right above the rows
    widget(page, "What is wrong with it?").fill("Ten times too fast.")
    page.get_by_role("button", name="Report the ticked result").click()
    expect(page.get_by_text("Reported: the result is hidden")).to_be_visible(timeout=15_000)
    expect(count).to_have_text(f"{before - 1} of {before - 1} results match")
    after = httpx.get(f"{api}/results", params={"per_page": 1}).json()["total"]
    assert after == before - 1
    assert page.dialogs == [] and page.console_errors == []
