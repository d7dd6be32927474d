"""Explore as a new user met it (issue 15): each test does what that person did, at the
sizes they used, and asserts what they would have noticed."""

from __future__ import annotations

import json
import re
import time
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest
from helpers import (
    api_url_of,
    benchmark_chooser,
    choose_identity,
    eventually,
    explore_table,
    our_console_warnings,
    result_rows,
    tab,
)
from playwright.sync_api import expect

SIZES = [pytest.param((1440, 900), id="1440x900"), pytest.param((1024, 768), id="1024x768")]
MATCH = re.compile(r"^(\d+) of (\d+) results match")
#: What the count says once the results are loaded (before, it may say "0 of 0" a moment)
LOADED_COUNT = re.compile(r"^[\d,]+ of [1-9][\d,]* results match")
# image:tag: other tests submit (and approve) benchmarks of the same images, other tags
C_RAY = "thechristophe/openbench-c-ray:1.1"
DEEP_LEARNING = "deephdc/deep-oc-benchmarks_cnn:1.4.0-gpu"


@pytest.fixture(autouse=True)
def quiet(page):
    """Whatever a test does, the page logs no warning or error of the dashboard's making."""
    yield
    assert our_console_warnings(page) == []


def benchmark(api: str, image: str) -> tuple[str, int]:
    """The id of the benchmark of ``image``, and how many results it has."""
    items = httpx.get(f"{api}/benchmarks").json()["items"]
    found = next(b for b in items if f"{b['docker_image']}:{b['docker_tag']}" == image)
    total = httpx.get(f"{api}/results", params={"benchmark_id": found["id"], "per_page": 1})
    return found["id"], total.json()["total"]


def open_explorer(page, dashboard_url: str, image: str = C_RAY, **query) -> tuple[str, int]:
    """The page on ``image``'s results (by the link its menu button leads to)."""
    page.goto(f"{dashboard_url}?tab=explore")
    expect(page.get_by_text("Connected to the sandbox API")).to_be_visible(timeout=30_000)
    benchmark_id, total = benchmark(api_url_of(page), image)
    link = {"benchmark_id": benchmark_id, **query}
    page.goto(f"{dashboard_url}?{urlencode(link)}")
    expect(page.get_by_text(LOADED_COUNT)).to_be_visible(timeout=30_000)
    return benchmark_id, total


def count(page):
    return page.get_by_text(MATCH)


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.evaluate("window.location.href")).query)


def inside_width(page, locator) -> bool:
    """Whether the element is drawn within the window's width (no sideways scroll)."""
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1


def test_a_switch_of_benchmark_drops_what_no_result_meets_says_so_and_undoes(page, dashboard_url):
    """Point 1: a condition made for the deep-learning benchmark, then c-ray."""
    _, c_ray_total = benchmark(httpx_api(page, dashboard_url), C_RAY)
    open_explorer(page, dashboard_url, DEEP_LEARNING, json_filters='["result.unit == images/s"]')
    # c-ray's results hold a unit too, always seconds
    narrowed = count(page).inner_text()
    sidebar = page.locator("#sidebar")
    expect(sidebar.get_by_text("result.unit == images/s")).to_be_visible()

    chooser = benchmark_chooser(page)
    option = chooser.locator("option").filter(has_text=re.compile(f"^{re.escape(C_RAY)} "))
    chooser.select_option(label=option.inner_text())
    expect(count(page)).to_have_text(f"{c_ray_total} of {c_ray_total} results match")
    notice = page.get_by_text("Not carried over to this benchmark")
    expect(notice).to_contain_text("result.unit == images/s", timeout=15_000)
    expect(notice).to_contain_text("(unit is never images/s)")
    expect(sidebar.get_by_text("result.unit == images/s")).to_be_hidden()

    page.get_by_role("button", name="Undo").click()
    expect(count(page)).to_have_text(narrowed, timeout=30_000)
    expect(sidebar.get_by_text("result.unit == images/s")).to_be_visible()
    expect(page.get_by_role("button", name="Undo")).to_be_hidden()
    assert page.console_errors == []


def httpx_api(page, dashboard_url: str) -> str:
    page.goto(f"{dashboard_url}?tab=explore")
    expect(page.get_by_text("Connected to the sandbox API")).to_be_visible(timeout=30_000)
    return api_url_of(page)


def test_no_result_names_the_filters_responsible_and_clear_all_brings_them_back(
    page, dashboard_url
):
    """Point 1: a search that matches nothing among the sites chosen."""
    _, total = open_explorer(page, dashboard_url)
    clear = page.locator("#sidebar").get_by_role("button", name="Clear all filters")
    expect(clear).to_be_visible()
    expect(clear).to_be_disabled()  # nothing to clear yet
    page.get_by_placeholder("site, flavor, tag…").fill("nosuchword")
    expect(count(page)).to_have_text(f"0 of {total} results match")
    said = page.get_by_text("No result matches")
    expect(said).to_contain_text(f"Without Search: nosuchword: {total} results")
    expect(clear).to_be_enabled()
    clear.click()
    expect(count(page)).to_have_text(f"{total} of {total} results match")
    expect(said).to_be_hidden()
    expect(page.get_by_placeholder("site, flavor, tag…")).to_have_value("")


@pytest.mark.parametrize("size", SIZES)
def test_every_control_is_in_view_without_scrolling_sideways(page, dashboard_url, size):
    """Point 2: the plot's controls, the plot and the benchmark's columns, at both sizes."""
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    open_explorer(page, dashboard_url)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    sidebar = page.locator("#sidebar")
    for label in ("Sites", "Flavors", "Tags (all of them)", "Search"):
        expect(sidebar.get_by_text(label, exact=True)).to_be_visible()
    for label in ("Plot", "X", "Y", "Group by", "Compare with", "Better is"):
        control = page.locator(".bk-input-group").filter(has=page.get_by_text(label, exact=True))
        expect(control.first).to_be_attached()
        assert inside_width(page, control.first), f"{label} is off the screen"
    for label in ("log x", "log y"):
        assert inside_width(page, page.get_by_text(label, exact=True)), label
    assert inside_width(page, page.locator(".explore-plot"))
    table = explore_table(page)
    table.scroll_into_view_if_needed()
    header = table.get_by_role("columnheader", name="score [s]")
    expect(header).to_be_visible()
    assert inside_width(page, header), "the benchmark's value is scrolled off"


def test_the_address_follows_each_change_and_copy_link_copies_it(page, dashboard_url):
    """Point 3: a change, then at once the link."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_explorer(page, dashboard_url)
    group = page.locator(".bk-input-group").filter(has=page.get_by_text("Group by", exact=True))
    group.locator("select").select_option("flavor")
    assert eventually(lambda: query_of(page).get("plot_group") == ["flavor"], timeout=5)
    page.get_by_placeholder("site, flavor, tag…").fill("gpu")  # no Enter, no leaving the box
    assert eventually(lambda: query_of(page).get("text") == ["gpu"], timeout=5)
    button = page.get_by_role("button", name="Copy link")
    button.click()
    expect(page.get_by_role("button", name="Copied ✓")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.evaluate("window.location.href")
    assert parse_qs(urlparse(copied).query)["text"] == ["gpu"]


@pytest.mark.parametrize("size", SIZES)
def test_a_rows_actions_are_right_above_it_and_copy_buttons_in_view(page, dashboard_url, size):
    """Point 4 (and 11's wording): tick, then report or compare, without scrolling away."""
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_explorer(page, dashboard_url)
    choose_identity(page, "Alice Provider (demo user, registered)")
    expect(page.get_by_text("(registered user)")).to_be_visible(timeout=15_000)
    table = explore_table(page)
    table.scroll_into_view_if_needed()
    rows = result_rows(table)
    compare = page.get_by_role("button", name=re.compile("compare|Compare"))
    expect(compare).to_have_text("Tick rows to compare")
    rows.nth(0).get_by_role("checkbox").check()
    expect(compare).to_have_text("Tick one more row to compare")
    report = page.get_by_role("button", name="Report…")
    expect(report).to_be_enabled()
    # the action is one screen from the row it acts on
    assert rows.nth(0).bounding_box()["y"] - report.bounding_box()["y"] < height
    report.click()
    expect(page.get_by_text("Report a suspicious result.")).to_be_visible()
    expect(page.get_by_role("button", name="Report the ticked result")).to_be_visible()
    rows.nth(1).get_by_role("checkbox").check()
    expect(compare).to_have_text("Compare 2 ticked results")
    expect(report).to_be_disabled()  # a report is about one result
    compare.click()
    expect(page.get_by_text("2 results; differing fields are highlighted.")).to_be_visible()
    copy = page.get_by_role("button", name="Copy Python")
    copy.scroll_into_view_if_needed()
    expect(copy).to_be_visible()  # in view without hovering anything
    copy.click()
    expect(page.get_by_role("button", name="Copied ✓")).to_be_visible()
    snippet = page.evaluate("navigator.clipboard.readText()")
    assert "client.frame(" in snippet and api_url_of(page) in snippet


def test_the_theme_switch_keeps_who_you_are(page, dashboard_url):
    """Point 5: the theme toggle reloads the page; the demo identity stays."""
    page.goto(f"{dashboard_url}?tab=explore")
    choose_identity(page, "Alice Provider (demo user, registered)")
    expect(page.get_by_text("(registered user)")).to_be_visible(timeout=15_000)
    page.locator("#theme-switch").click()
    expect(page).to_have_url(re.compile("theme=dark"), timeout=15_000)
    expect(page.get_by_text("(registered user)")).to_be_visible(timeout=15_000)
    expect(page.get_by_label("Demo identity")).to_have_value(
        "Alice Provider (demo user, registered)"
    )
    assert page.console_errors == []


def test_a_link_cannot_pick_an_identity_the_list_does_not_offer(page, dashboard_url):
    page.goto(f"{dashboard_url}?identity=mallory")
    expect(page.get_by_text("Not signed in")).to_be_visible(timeout=30_000)
    expect(page.get_by_label("Demo identity")).to_have_value("Anonymous (read-only)")
    assert "mallory" not in page.evaluate("window.location.href")


def column_texts(table, title: str) -> list[str]:
    titles = [t.strip() for t in table.get_by_role("columnheader").all_inner_texts()]
    at = titles.index(title)
    rows = result_rows(table)
    return [rows.nth(i).get_by_role("gridcell").nth(at).inner_text() for i in range(rows.count())]


def decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def test_numbers_read_down_their_column_with_units_and_sort(page, dashboard_url):
    """Point 6: the summary and the table."""
    open_explorer(page, dashboard_url)
    summary = page.locator(".summary-table")
    expect(summary.get_by_role("columnheader", name="Median [s]")).to_be_visible()
    medians = column_texts(summary, "Median [s]")
    assert len(medians) > 2 and len({decimals(m) for m in medians}) == 1, medians
    assert all("e+" not in m for m in medians)
    summary.get_by_role("columnheader", name="n", exact=True).click()
    assert eventually(
        lambda: (ns := column_texts(summary, "n")) == sorted(ns, key=lambda n: int(n)), timeout=5
    )
    table = explore_table(page)
    table.scroll_into_view_if_needed()
    scores = column_texts(table, "score [s]")
    assert len({decimals(s) for s in scores if s}) == 1, scores


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two ``rgb(...)`` colours."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


#: A cell's colours and its row's background; null while the table is redrawing it (a
#: redraw may take the cell out of its row between finding it and reading it).
CELL_COLOURS = """cell => cell.isConnected && cell.parentElement ? [
  getComputedStyle(cell).color, getComputedStyle(cell).backgroundColor,
  getComputedStyle(cell.parentElement).backgroundColor] : null"""


def settled_colours(page, cell, timeout_s: float = 10) -> list[str]:
    """The colours of a cell once the table holds it in a row."""
    deadline = time.monotonic() + timeout_s
    while (colours := cell.evaluate(CELL_COLOURS)) is None and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert colours is not None, "the cell stayed out of its row"
    return colours


@pytest.mark.parametrize("theme", ["default", "dark"])
def test_the_comparison_is_readable_in_both_themes(page, dashboard_url, theme):
    """Point 10: differing rows, and every header whole."""
    open_explorer(page, dashboard_url, theme=theme)
    table = explore_table(page)
    table.scroll_into_view_if_needed()
    rows = result_rows(table)
    rows.nth(0).get_by_role("checkbox").check()
    rows.nth(1).get_by_role("checkbox").check()
    page.get_by_role("button", name="Compare 2 ticked results").click()
    comparison = page.locator(".compare-table")
    differing = comparison.get_by_role("gridcell", name="flavor", exact=True)
    expect(differing).to_be_visible(timeout=10_000)
    colours = settled_colours(page, differing)
    background = colours[1] if "0, 0, 0, 0" not in colours[1] else colours[2]
    assert contrast(colours[0], background) >= 4.5, colours
    titles = comparison.locator(".tabulator-col-title").filter(has_text=re.compile(r"\w"))
    expect(titles.nth(2)).to_be_visible()  # Field, then each result
    for title in titles.all():
        assert title.evaluate("t => t.scrollWidth <= t.clientWidth + 1"), title.inner_text()


def test_latest_results_show_each_results_figure_and_whole_names(page, dashboard_url):
    """Point 11: the Latest results tab."""
    page.goto(f"{dashboard_url}?tab=explore")
    tab(page, "Latest results").click()
    latest = page.locator(".latest-table")
    expect(latest.get_by_role("columnheader", name="Result")).to_be_visible(timeout=30_000)
    figures = column_texts(latest, "Result")
    assert any(re.search(r"\d", figure) for figure in figures), figures
    names = latest.get_by_role("gridcell").filter(has_text=re.compile(r"^[\w./-]+:[\w.-]+$"))
    expect(names.first).to_be_visible()
    for cell in names.all():
        assert cell.evaluate("c => c.scrollWidth <= c.clientWidth + 1"), cell.inner_text()
    # a short tab leaves no long empty page under it
    assert (
        page.evaluate("document.documentElement.scrollHeight") <= page.viewport_size["height"] + 200
    )


def test_the_query_as_code_reads_from_the_api_the_dashboard_reads(page, dashboard_url):
    """Point 12: the snippet names this API and gives a DataFrame."""
    benchmark_id, _ = open_explorer(page, dashboard_url, site_ids=json.dumps([]))
    code = page.locator(".query-code")
    code.scroll_into_view_if_needed()
    expect(code).to_contain_text(f"dashboard.connect('{api_url_of(page)}')")
    expect(code).to_contain_text("frame = client.frame(")
    expect(code).to_contain_text(benchmark_id)
    expect(code).to_contain_text("answers only while the")  # the sandbox's address
