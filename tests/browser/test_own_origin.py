"""Every asset comes from the dashboard's own server: many hubs run offline."""

from __future__ import annotations

import re
import time

import pytest
from helpers import ANY_ADMIN_TAB, choose_identity, show_every_benchmark, tab
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

IDENTITIES = {
    "anonymous": None,
    "user": "Alice Provider (demo user, registered)",
    "admin": "Ada Admin (demo administrator)",
}

#: The titles of the tabs on the page that are shown (inner ones once their tab is open),
#: as Bokeh's models of the tabs hold them.
SHOWN_TAB_TITLES = """() => Array.from(Bokeh.index.query(
  (view) => view.model.tabs !== undefined && view.el.checkVisibility({visibilityProperty: true})
)).flatMap((view) => view.model.tabs.map((panel) => panel.title))"""


PENDING = re.compile(r" \(\d+ pending\)$")


def open_every_tab(page, expected: set[str], timeout_s: float = 120) -> set[str]:
    """Open each tab, and in it each inner tab (shown once its outer tab is open).

    A tab's inner tabs are built when it is first opened, so on a busy server they may
    appear only after the walk has moved on: walk again until ``expected`` were all
    opened or ``timeout_s`` has passed.
    """
    opened: set[str] = set()

    def names() -> list[str]:
        try:
            return [title.strip() for title in page.evaluate(SHOWN_TAB_TITLES)]
        except PlaywrightError:
            return []

    def open_tab(path: tuple[str, ...]) -> bool:
        """Click the tabs of ``path`` in turn; False if one could not be clicked yet."""
        for outer in path:  # the tabs above it first: they were left meanwhile
            # "Admin" becomes "Admin (3 pending)" once its queue is in: either is it
            base = re.escape(PENDING.sub("", outer))
            titled = re.compile(rf"^{base}( \(\d+ pending\))?$")
            try:
                tab(page, titled).first.click(timeout=15_000)
            except PlaywrightError:  # redrawn meanwhile (a tab's title, its inner tabs)
                return False
        return True

    def visit(path: tuple[str, ...], walked: set[str]) -> None:
        for name in names():
            if name in walked or name in path:
                continue
            if not open_tab((*path, name)):
                continue  # the next walk tries it again
            walked.add(name)
            opened.add(PENDING.sub("", name))
            page.wait_for_timeout(500)
            visit((*path, name), walked)

    deadline = time.monotonic() + timeout_s
    while True:
        visit((), set())
        if expected <= opened or time.monotonic() > deadline:
            return opened
        page.wait_for_timeout(1_000)


@pytest.mark.parametrize("who", list(IDENTITIES))
def test_no_request_leaves_the_dashboards_origin_on_any_tab(page, dashboard_url, who):
    elsewhere: list[str] = []
    own = dashboard_url.rstrip("/")

    def record(request) -> None:
        url = request.url
        if not (url.startswith(own) or url.startswith(("data:", f"blob:{own}"))):
            elsewhere.append(url)

    page.on("request", record)
    page.goto(f"{dashboard_url}?tab=explore")
    show_every_benchmark(page, timeout=60_000)
    if IDENTITIES[who]:
        choose_identity(page, IDENTITIES[who])
        expect(page.get_by_text(re.compile(r"^Signed in as"))).to_be_visible(timeout=30_000)
    if who == "admin":
        expect(tab(page, ANY_ADMIN_TAB)).to_have_count(1, timeout=30_000)
    expected = {"Explore", "Latest results"}
    if who != "anonymous":
        expected |= {"Contribute", "Upload results", "Submit", "My results and reports"}
    if who == "admin":
        expected |= {"Admin", "Submissions", "Claims", "Edit sites and tags", "Actions"}
    opened = open_every_tab(page, expected)
    assert expected <= opened, opened
    assert elsewhere == [], "every asset is the dashboard's own"
    assert page.console_errors == [] and page.failed_requests == []
