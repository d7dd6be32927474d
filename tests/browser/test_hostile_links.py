"""Links and names made to run a script stay text in Chromium: no dialog, no element, no error."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from urllib.parse import urlencode

import httpx
import pytest
from helpers import NOTHING_CHOSEN, api_url_of, show_every_benchmark, widget
from playwright.sync_api import expect

from dashboard.sandbox.identities import identity_by_key
from dashboard.state.explorer import URL_PARAMETERS

HOSTILE = {
    "script": "<script>alert(47)</script>",
    "img-onerror": "<img src=x onerror=alert(47)>",
    "svg-onload": "<svg/onload=alert(47)>",
    "javascript-url": "javascript:alert(47)",
}
LISTS = {"site_ids", "flavor_ids", "tag_ids", "json_filters", "columns"}
#: The count once results are loaded: the search a link keeps may leave none of them.
SOME_LOADED = re.compile(r"\d[\d,]* of [1-9][\d,]* results match")
#: A field name that is also markup, without spaces so that a condition can name it.
HOSTILE_FIELD = "<svg/onload=alert(47)>"

INJECTED = """() => {
  const found = [];
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        if (name.startsWith('on') && /alert/.test(attr.value)) found.push(el.outerHTML);
        if (['href', 'src', 'xlink:href', 'action', 'formaction'].includes(name)
            && /^\\s*javascript:/i.test(attr.value)) found.push(el.outerHTML);
      }
      if (el.tagName === 'SCRIPT' && el.textContent.includes('alert(47)')) found.push(el.outerHTML);
      if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') found.push(el.outerHTML);
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  visit(document);
  return found.map(html => html.slice(0, 200));
}"""


def assert_inert(page) -> None:
    assert page.dialogs == [], "a script from the link ran"
    assert page.evaluate(INJECTED) == [], "markup from the link became elements"
    assert page.console_errors == [] and page.failed_requests == []


def hostile_link(base: str, benchmark_id: str, hostile: str) -> str:
    query = {name: json.dumps([hostile]) if name in LISTS else hostile for name in URL_PARAMETERS}
    query["benchmark_id"] = benchmark_id
    query["json_filters"] = json.dumps([f"{hostile.replace(' ', '/')} >= 1"])
    query["theme"] = hostile
    return f"{base}?{urlencode(query)}"


def first_benchmark(api: str) -> str:
    return httpx.get(f"{api}/benchmarks").json()["items"][0]["id"]


@pytest.mark.parametrize("hostile", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_hostile_value_in_every_parameter_of_a_link_stays_text(page, dashboard_url, hostile):
    page.goto(f"{dashboard_url}?tab=explore")
    show_every_benchmark(page, timeout=30_000)
    api = api_url_of(page)
    page.goto(hostile_link(dashboard_url, first_benchmark(api), hostile))
    notice = page.get_by_text(re.compile(r"^Left out, as nothing here offers it"))
    expect(notice).to_contain_text("the condition", timeout=30_000)  # checked once loaded
    expect(notice).to_contain_text("the site")
    expect(page.get_by_text(SOME_LOADED)).to_be_visible()
    search = widget(page, "Search")
    expect(search).to_have_value(hostile)  # the one value kept: a search, shown as typed
    assert_inert(page)


def test_a_hostile_link_in_place_of_json_lists_stays_text(page, dashboard_url):
    """Not even JSON where lists are expected: each value is refused on its own."""
    page.goto(f"{dashboard_url}?tab=explore")
    show_every_benchmark(page, timeout=30_000)
    query = {name: HOSTILE["img-onerror"] for name in URL_PARAMETERS}
    page.goto(f"{dashboard_url}?{urlencode(query)}")
    notice = page.get_by_text(re.compile(r"^Left out, as nothing here offers it"))
    expect(notice).to_contain_text("the benchmark", timeout=30_000)  # checked once loaded
    expect(page.get_by_text(NOTHING_CHOSEN)).to_be_visible()  # none chosen in its place
    for name in ("site_ids", "json_filters", "plot_kind", "execution_after"):
        expect(notice).to_contain_text(name)
    assert_inert(page)


def hostile_benchmark(api: str) -> tuple[str, str]:
    """A benchmark whose schema names a field with markup, and one result of it."""
    admin = {"Authorization": f"Bearer {identity_by_key('admin').token}"}
    alice = {"Authorization": f"Bearer {identity_by_key('alice').token}"}
    schema = {
        "type": "object",
        "properties": {HOSTILE_FIELD: {"type": "number", "description": HOSTILE["script"]}},
    }
    created = httpx.post(
        f"{api}/benchmarks",
        headers=admin,
        json={
            "docker_image": "example/hostile",
            "docker_tag": f"hostile-{uuid.uuid4().hex[:8]}",
            "url": "https://example.org/hostile",
            "description": HOSTILE["img-onerror"],
            "json_schema": schema,
        },
    )
    assert created.status_code == 201, created.text
    benchmark_id = created.json()["id"]
    assert httpx.post(f"{api}/benchmarks/{benchmark_id}:approve", headers=admin).is_success
    site = httpx.get(f"{api}/sites").json()["items"][0]["id"]
    flavor = httpx.get(f"{api}/sites/{site}/flavors").json()["items"][0]["id"]
    uploaded = httpx.post(
        f"{api}/results",
        headers=alice,
        params={
            "benchmark_id": benchmark_id,
            "flavor_id": flavor,
            "execution_datetime": datetime(2025, 3, 1, tzinfo=UTC).isoformat(),
        },
        json={HOSTILE_FIELD: 5},
    )
    assert uploaded.status_code == 201, uploaded.text
    return benchmark_id, f"{HOSTILE_FIELD} >= 1"


def test_a_condition_on_a_field_with_a_hostile_name_stays_text(page, dashboard_url):
    page.goto(f"{dashboard_url}?tab=explore")
    show_every_benchmark(page, timeout=30_000)
    benchmark_id, condition = hostile_benchmark(api_url_of(page))
    page.goto(f"{dashboard_url}?benchmark_id={benchmark_id}")
    expect(page.get_by_text("1 of 1 results match")).to_be_visible(timeout=30_000)

    field = widget(page, "Field")
    field.select_option(label=f"{HOSTILE_FIELD} (number)")
    expect(page.get_by_text(HOSTILE["script"])).to_be_visible()  # its description, as text
    widget(page, "Operator").select_option(">=")
    value = widget(page, "Value")
    value.fill("1")
    value.press("Enter")
    page.get_by_role("button", name="Add condition").click()
    expect(page.get_by_text(condition, exact=True)).to_be_visible(timeout=15_000)
    expect(page.get_by_text("1 of 1 results match")).to_be_visible()
    expect(page).to_have_url(re.compile(r"json_filters="), timeout=10_000)

    page.goto(page.url)  # the shared link holds the condition: the stored form of the attack
    expect(page.get_by_text(condition, exact=True)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("1 of 1 results match")).to_be_visible()
    assert_inert(page)
