"""The browser's console in headless Chromium: what a developer opening it sees is worth
reading. The explorer's filters are multi-choices, which logged Choices.js's allowHTML
deprecation on every render (about a hundred a page, see :mod:`dashboard.views.choices`).
"""

from __future__ import annotations

from helpers import LOADED, our_console_warnings
from playwright.sync_api import expect

C_RAY = "thechristophe/openbench-c-ray:1.1"


def test_exploring_a_benchmark_logs_no_warning_of_ours(page, dashboard_url):
    page.goto(f"{dashboard_url}?tab=explore")
    explore = page.locator(".benchmark-menu").get_by_role("button", name=f"Explore {C_RAY}")
    explore.click(timeout=60_000)
    expect(page.get_by_text(LOADED)).to_be_visible(timeout=60_000)
    # a multi-choice as Choices.js draws it (the explorer's: Where to run's are hidden)
    choices = page.locator(".choices").filter(visible=True)
    expect(choices.first).to_be_visible(timeout=15_000)
    assert choices.count() >= 2, "the filters' multi-choices are drawn"
    page.wait_for_timeout(1_500)  # the filters' options follow the count: drawn again

    assert [message for message in page.console if "allowHTML" in message] == []
    assert our_console_warnings(page) == []
