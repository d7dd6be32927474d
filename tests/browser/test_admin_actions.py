"""The Admin tab in headless Chromium: red only for what deletes.

Rejecting a submission deletes it on the service, approving one publishes it: the
administrator sees the approval's confirmation in the primary colour, named for what it
approves, and the rejection's in red, named for what it deletes. Nothing is confirmed
here (the sandbox is shared with the other browser tests): each question is cancelled.
"""

from __future__ import annotations

import re

from helpers import ADMIN_TAB, cell, choose_identity, result_rows, tab
from playwright.sync_api import expect

ADMIN = "Ada Admin (demo administrator)"
BACKGROUND = "(button) => getComputedStyle(button).backgroundColor"


def colour(button) -> tuple[int, int, int]:
    """The button's background colour as the browser paints it (red, green, blue)."""
    red, green, blue = re.findall(r"\d+", button.evaluate(BACKGROUND))[:3]
    return int(red), int(green), int(blue)


def reddish(rgb: tuple[int, int, int]) -> bool:
    red, green, blue = rgb
    return red > 150 and red > 2 * green and red > 2 * blue


def blueish(rgb: tuple[int, int, int]) -> bool:
    red, _green, blue = rgb
    return blue > 100 and blue > 2 * red


def test_approving_asks_in_the_primary_colour_and_rejecting_in_red(page, dashboard_url):
    page.goto(f"{dashboard_url}?tab=explore")
    choose_identity(page, ADMIN)
    tab(page, ADMIN_TAB).click(timeout=60_000)
    table = page.locator(".admin-submissions")
    first = result_rows(table).filter(has=page.get_by_role("checkbox")).first
    label = f"{cell(table, first, 'Kind').inner_text()} {cell(table, first, 'Name').inner_text()}"
    first.get_by_role("checkbox").check()
    confirmation = page.locator(".admin-confirmation")

    approve = page.get_by_role("button", name="Approve the ticked submissions")
    reject = page.get_by_role("button", name="Reject the ticked submissions")
    assert blueish(colour(approve)) and reddish(colour(reject))

    for button, asked, kind, looks_right, said in (
        (approve, f"Approve {label}", "primary", blueish, "They become public"),
        (reject, f"Reject and delete {label}", "danger", reddish, "this cannot be undone"),
    ):
        button.click()
        expect(confirmation.get_by_text(f"{asked}?", exact=True)).to_be_visible()
        confirm = confirmation.get_by_role("button", name=asked, exact=True)
        expect(confirm).to_have_class(re.compile(rf"\bbk-btn-{kind}\b"))
        assert looks_right(colour(confirm)), colour(confirm)
        expect(confirmation.get_by_text(said)).to_be_visible()
        confirmation.get_by_role("button", name="Cancel").click()
        expect(confirm).to_be_hidden()
    assert page.dialogs == [] and page.console_errors == []
