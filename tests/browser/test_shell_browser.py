"""The served dashboard in headless Chromium, as a first-time visitor sees it."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_a_visitor_sees_seeded_results_and_can_take_a_demo_identity(page, dashboard_url):
    page.goto(dashboard_url)
    expect(
        page.get_by_text(re.compile(r"Latest uploads \(\d[\d,]* results in all\)"))
    ).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Connected to the sandbox API")).to_be_visible()
    table = page.locator(".tabulator")
    expect(table.locator(".tabulator-row").first).to_be_visible()
    assert table.locator(".tabulator-row").count() == 20
    expect(table).to_contain_text("openbench-c-ray")
    expect(page.get_by_text("Not signed in")).to_be_visible()

    page.locator("select").first.select_option(label="Alice Provider (demo user, registered)")
    expect(page.get_by_text("Signed in as alice@example.org (registered user)")).to_be_visible(
        timeout=15_000
    )
    assert page.dialogs == []


def test_the_server_log_holds_no_token_and_no_query_string(page, dashboard_url, dashboard_log):
    page.goto(dashboard_url)
    page.locator("select").first.select_option(label="Ada Admin (demo administrator)")
    expect(page.get_by_text("(administrator)")).to_be_visible(timeout=15_000)
    log = dashboard_log.read_text()
    assert "GET /api/v1/users/self" in log, "the log does record requests"
    assert "demo-token" not in log and "Bearer" not in log
    assert not re.search(r"https?://\S+\?", log), "no URL with a query string"
