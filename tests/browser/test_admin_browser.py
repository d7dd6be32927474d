"""The Admin tab in headless Chromium: approving a submission brings the tab's count down."""

from __future__ import annotations

import re

from playwright.sync_api import expect

ADMIN_TAB = re.compile(r"^Admin \((\d+) pending\)$")


def sign_in(page, who: str) -> None:
    chooser = page.locator(".bk-input-group", has_text="Demo identity").locator("select")
    chooser.select_option(label=who)


def test_approving_a_submission_brings_the_count_on_the_tab_down_by_one(page, dashboard_url):
    page.goto(dashboard_url)
    expect(page.get_by_text(re.compile(r"\d+ of \d+ results match"))).to_be_visible(timeout=30_000)
    tabs = page.locator(".bk-tab")
    expect(tabs.filter(has_text="Admin")).to_have_count(0)  # anonymous: no Admin tab at all

    sign_in(page, "Ada Admin (demo administrator)")
    tab = tabs.filter(has_text=ADMIN_TAB)
    expect(tab).to_have_count(1, timeout=30_000)
    before = int(ADMIN_TAB.match(tab.inner_text().strip()).group(1))
    tab.click()

    table = page.locator(".tabulator:visible").filter(has_text="Submitted by")
    first = table.locator(".tabulator-row").filter(has=page.locator("input[type=checkbox]")).first
    name = first.locator(".tabulator-cell[tabulator-field=Name]").inner_text()
    first.locator("input[type=checkbox]").check()
    page.get_by_role("button", name="Approve the ticked submissions").click()
    question = page.get_by_text("Approve 1 submission?")
    expect(question).to_be_visible()
    expect(page.get_by_text(name).first).to_be_visible()
    page.get_by_role("button", name="Confirm").click()

    expect(tabs.filter(has_text=f"Admin ({before - 1} pending)")).to_have_count(1, timeout=30_000)
    expect(page.get_by_text(re.compile(r"^Done: Approve"))).to_be_visible()
    assert page.dialogs == []

    sign_in(page, "Alice Provider (demo user, registered)")  # not an administrator
    expect(tabs.filter(has_text="Admin")).to_have_count(0, timeout=30_000)
