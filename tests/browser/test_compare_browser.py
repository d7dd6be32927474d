"""The Compare view in Chromium: the first screen answers "where should I run?" with no
click; a click on a bar picks the reference; a workload of two benchmarks; a reload
shows the same view."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from helpers import api_url_of, our_console_warnings
from playwright.sync_api import expect

SIZES = [pytest.param((1440, 900), id="1440x900"), pytest.param((1024, 768), id="1024x768")]


@pytest.fixture(autouse=True)
def quiet(page):
    yield
    assert our_console_warnings(page) == []


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.evaluate("window.location.href")).query)


def largest_benchmark(api: str) -> str:
    """image:tag of the benchmark with the most results, by the API's own counts."""
    items = httpx.get(f"{api}/benchmarks").json()["items"]
    totals = {
        f"{b['docker_image']}:{b['docker_tag']}": httpx.get(
            f"{api}/results", params={"benchmark_id": b["id"], "per_page": 1}
        ).json()["total"]
        for b in items
    }
    return max(totals, key=totals.get)


def answered(page):
    """The answer's heading, once the ranking is drawn."""
    heading = page.get_by_role("heading", name=re.compile(r"^Where to run \S"))
    expect(heading).to_be_visible(timeout=30_000)
    expect(page.get_by_text(re.compile(r"results in \d+ site / flavor groups"))).to_be_visible()
    return heading


def drawn_chart(page) -> dict:
    """The chart's box once it is drawn for the ranking (a row of 30 px per group)."""
    chart = page.locator(".compare-view canvas").first
    for _ in range(100):
        box = chart.bounding_box() if chart.count() else None
        if box is not None and box["height"] > 200:
            return box
        page.wait_for_timeout(100)
    raise AssertionError("the chart was not drawn for the ranking")


def in_first_screen(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] < size["height"] - 40
        and box["x"] >= 0
        and box["x"] + min(box["width"], 60) <= size["width"]
    )


@pytest.mark.parametrize("size", SIZES)
def test_the_first_screen_answers_with_ranked_intervals_and_machine_cards(
    page, dashboard_url, size
):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(dashboard_url)
    heading = answered(page)
    assert largest_benchmark(api_url_of(page)) in heading.inner_text()
    answer = page.locator(".compare-view").get_by_text(re.compile("as good as the reference"))
    expect(answer).to_contain_text("95 % interval")
    chart = page.locator(".compare-view canvas").first
    expect(chart).to_be_visible()
    assert in_first_screen(page, chart)
    card = page.locator(".machine-card").first
    expect(card).to_contain_text(re.compile(r"\d+ vCPUs?"))
    expect(card).to_contain_text("machine from the results")
    assert in_first_screen(page, card)
    # the key says what the bars' colours and whiskers mean, the sparse groups among them
    expect(page.get_by_text("too few results to conclude").first).to_be_visible()
    expect(page.get_by_text("whisker: 95 % interval")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]


def test_a_click_on_a_bar_makes_its_group_the_reference(page, dashboard_url):
    page.goto(dashboard_url)
    answered(page)
    cards = page.locator(".machine-card h4")
    expect(cards.first).to_be_visible()
    top = [cards.nth(i).inner_text().replace("\n", " ") for i in range(3)]
    assert "baseline" not in query_of(page)
    chart = page.locator(".compare-view canvas").first
    # the second bar from the top (30 px a row), well inside its length
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.7, box["y"] + 10 + 30 * 1.5)
    expect(page.get_by_text(re.compile("ranks first|as good as the reference"))).to_be_visible()
    page.wait_for_function("window.location.search.includes('baseline=')", timeout=10_000)
    picked = query_of(page)["baseline"][0]
    assert picked in [" ".join(t.split()) for t in top]
    reference = page.get_by_label("Reference")
    expect(reference).to_have_value(picked)
    # the picked group's bar is the reference: its card says so
    expect(page.locator(".machine-card").filter(has_text=picked).first).to_contain_text("reference")


def test_a_workload_of_two_benchmarks_and_a_reload_shows_the_same_view(page, dashboard_url):
    page.goto(dashboard_url)
    answered(page)
    page.get_by_text("A workload of several", exact=True).click()
    table = page.locator("table.coverage")
    expect(table).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="Where to run a workload")).to_be_visible()
    page.wait_for_function("window.location.search.includes('workload=')", timeout=10_000)
    query = query_of(page)
    assert query["view"] == ["profile"]
    assert len(json.loads(query["workload"][0])) == 2
    headers = table.locator("th").all_inner_texts()
    assert len([h for h in headers if ":" in h]) == 2  # the two benchmarks' columns
    before = table.inner_text()
    # a group lacking one of them is ranked apart and told what to run there
    if "none: run" in before:
        assert "ranked apart" in before
    page.reload()
    expect(page.locator("table.coverage")).to_be_visible(timeout=30_000)
    again = page.locator("table.coverage")
    for _ in range(100):  # the same table, once the workload is compared again
        if again.count() and again.inner_text() == before:
            break
        page.wait_for_timeout(100)
    assert again.inner_text() == before
    assert query_of(page) == query


def test_a_link_to_explore_leaves_where_to_run_for_when_it_is_opened(page, dashboard_url):
    page.goto(f"{dashboard_url}?tab=explore")
    expect(page.get_by_text("Choose a benchmark to explore its results:")).to_be_visible(
        timeout=30_000
    )
    page.locator(".main-tabs").get_by_text("Where to run", exact=True).click()
    answered(page)
    assert "tab" not in query_of(page), "the first tab needs no word in the address"
