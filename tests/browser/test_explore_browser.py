"""The explorer in headless Chromium: a benchmark's columns, a JSON filter, a shared link."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect


def flagship(api_url: str) -> tuple[str, str, int]:
    """The benchmark with the most results: id, image:tag, result count."""
    benchmarks = httpx.get(f"{api_url}/benchmarks").json()["items"]
    best = max(
        benchmarks,
        key=lambda b: httpx.get(
            f"{api_url}/results", params={"benchmark_id": b["id"], "per_page": 1}
        ).json()["total"],
    )
    total = httpx.get(f"{api_url}/results", params={"benchmark_id": best["id"]}).json()["total"]
    return best["id"], f"{best['docker_image']}:{best['docker_tag']}", total


def api_url_of(page) -> str:
    text = page.get_by_text(re.compile(r"Connected to the sandbox API at")).inner_text()
    return re.search(r"(http://\S+/api/v1)", text).group(1)


def test_a_benchmark_a_json_filter_and_the_shared_link(page, dashboard_url):
    page.goto(dashboard_url)
    expect(page.get_by_text(re.compile(r"\d+ of \d+ results match"))).to_be_visible(timeout=30_000)
    api = api_url_of(page)
    benchmark_id, name, total = flagship(api)
    expect(page.get_by_text(name).first).to_be_attached()  # the chooser lists it as image:tag

    chooser = page.locator(".bk-input-group", has_text="Benchmark").locator("select")
    chooser.select_option(label=chooser.locator("option", has_text=name).first.inner_text())
    expect(page.get_by_text(f"{total} of {total} results match")).to_be_visible(timeout=30_000)
    headers = page.locator(".tabulator", has_text="Executed (UTC)").locator(".tabulator-col-title")
    expect(headers.filter(has_text="score")).to_have_count(1)  # a suggested schema column

    field = page.locator(".bk-input-group", has_text="Field").locator("select")
    field.select_option(
        label=field.locator("option", has_text=re.compile(r"^count")).first.inner_text()
    )
    page.locator(".bk-input-group", has_text="Operator").locator("select").select_option(">=")
    value = page.locator(".bk-input-group", has_text="Value").locator("input")
    value.fill("8")
    value.press("Enter")
    page.get_by_role("button", name="Add condition").click()
    expected = httpx.get(
        f"{api}/results",
        params={"benchmark_id": benchmark_id, "filters": "machine.cpu.count >= 8", "per_page": 1},
    ).json()["total"]
    expect(page.get_by_text(f"{expected} of {total} results match")).to_be_visible(timeout=15_000)

    expect(page).to_have_url(re.compile(r"json_filters=.*machine\.cpu\.count"), timeout=10_000)
    shared = page.url
    assert benchmark_id in shared
    page.goto(shared)
    expect(page.get_by_text(f"{expected} of {total} results match")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("machine.cpu.count >= 8", exact=True)).to_be_visible()
    assert page.dialogs == [], "hostile names in the data stayed text"
