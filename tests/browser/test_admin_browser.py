"""The Admin tab in headless Chromium: approving a submission brings the tab's count down,
and a claim's message made of markup is shown as text."""

from __future__ import annotations

import re

from helpers import (
    ADMIN_TAB,
    ANY_ADMIN_TAB,
    cell,
    choose_identity,
    result_rows,
    show_every_benchmark,
    tab,
)
from hostile import HOSTILE_CLAIM
from playwright.sync_api import expect


def test_approving_a_submission_brings_the_count_on_the_tab_down_by_one(
    page, dashboard_url, hostile_dashboard
):
    page.goto(f"{dashboard_url}?tab=explore")
    show_every_benchmark(page, timeout=30_000)
    expect(tab(page, ANY_ADMIN_TAB)).to_have_count(0)  # anonymous: no Admin tab at all

    choose_identity(page, "Ada Admin (demo administrator)")
    admin = tab(page, ADMIN_TAB)
    expect(admin).to_have_count(1, timeout=30_000)
    before = int(ADMIN_TAB.match(admin.inner_text().strip()).group(1))
    admin.click()

    table = page.locator(".admin-submissions")
    first = result_rows(table).filter(has=page.get_by_role("checkbox")).first
    label = f"{cell(table, first, 'Kind').inner_text()} {cell(table, first, 'Name').inner_text()}"
    first.get_by_role("checkbox").check()
    page.get_by_role("button", name="Approve the ticked submissions").click()
    expect(page.get_by_text(f"Approve {label}?", exact=True)).to_be_visible()
    page.get_by_role("button", name=f"Approve {label}", exact=True).click()

    expect(tab(page, f"Admin ({before - 1} pending)")).to_have_count(1, timeout=30_000)
    expect(page.get_by_text(re.compile(r"^Done: Approve"))).to_be_visible()
    tab(page, "Claims").click()
    expect(page.get_by_text(HOSTILE_CLAIM).first).to_be_visible(timeout=15_000)  # as text
    assert page.dialogs == []

    choose_identity(page, "Alice Provider (demo user, registered)")  # not an administrator
    expect(tab(page, ANY_ADMIN_TAB)).to_have_count(0, timeout=30_000)
