"""The explorer in headless Chromium: a benchmark's columns, a JSON filter, a shared link."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
from helpers import (
    NOTHING_CHOSEN,
    api_url_of,
    benchmark_chooser,
    explore_table,
    result_rows,
    show_every_benchmark,
    widget,
)
from hostile import HOSTILE_TAG, HOSTILE_VALUE
from playwright.sync_api import TimeoutError as PlaywrightTimeout
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


def choose_benchmark(page, name: str) -> None:
    """Choose the benchmark ``image:tag`` in the explorer's list."""
    chooser = benchmark_chooser(page)
    chooser.select_option(label=chooser.get_by_role("option", name=name).first.inner_text())


def test_the_first_screen_offers_the_benchmarks_and_one_click_explores_one(
    page, dashboard_url, hostile_dashboard
):
    """Nothing loaded yet: no empty plot or table, a button per benchmark; its click
    shows that benchmark's results."""
    page.goto(f"{dashboard_url}?tab=explore")
    expect(page.get_by_text(NOTHING_CHOSEN)).to_be_visible(timeout=30_000)
    api = api_url_of(page)
    benchmark_id, name, total = flagship(api)
    every = httpx.get(f"{api}/benchmarks").json()["total"]
    menu = page.locator(".benchmark-menu")
    expect(menu.get_by_role("button", name=re.compile("^Explore "))).to_have_count(every + 1)
    expect(explore_table(page)).to_be_hidden()
    expect(page.get_by_text("Plot and summary")).to_be_hidden()

    menu.get_by_role("button", name=f"Explore {name}", exact=True).click()
    expect(page.get_by_text(f"{total} of {total} results match")).to_be_visible(timeout=30_000)
    expect(result_rows(explore_table(page)).first).to_be_visible()
    expect(menu).to_be_hidden()
    assert f"benchmark_id={benchmark_id}" in page.url  # the choice is in the link


def test_a_benchmark_a_json_filter_and_the_shared_link(page, dashboard_url, hostile_dashboard):
    page.goto(f"{dashboard_url}?tab=explore")
    show_every_benchmark(page, timeout=30_000)
    api = api_url_of(page)
    benchmark_id, name, total = flagship(api)
    expect(page.get_by_text(name).first).to_be_attached()  # the chooser lists it as image:tag

    choose_benchmark(page, name)
    expect(page.get_by_text(f"{total} of {total} results match")).to_be_visible(timeout=30_000)
    # the columns' titles (the tick and detail columns have none)
    headers = explore_table(page).get_by_role("columnheader").filter(has_text=re.compile(r"\S"))
    # a suggested schema column (the table is redrawn after the count is said)
    expect(headers.filter(has_text="score")).to_have_count(1, timeout=15_000)

    field = widget(page, "Field")
    field.select_option(
        label=field.get_by_role("option", name=re.compile(r"^count")).first.inner_text()
    )
    widget(page, "Operator").select_option(">=")
    # the value box follows the field once the server has answered: an input, not the
    # previous field's list
    value = page.locator("input").and_(widget(page, "Value"))
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
    before = headers.all_inner_texts()
    page.goto(shared)
    expect(page.get_by_text(f"{expected} of {total} results match")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("machine.cpu.count >= 8", exact=True)).to_be_visible()
    shown = benchmark_chooser(page).evaluate("select => select.options[select.selectedIndex].text")
    assert shown.startswith(name), "the benchmark list shows the link's benchmark"
    expect(headers).to_have_text(before)
    assert page.dialogs == [], "hostile names in the data stayed text"


FRAME = """() => {
  const found = [];
  const visit = (view, seen) => {
    if (!view || seen.has(view)) return;
    seen.add(view);
    if (view.frame !== undefined && view.model.x_range !== undefined) {
      const box = view.el.getBoundingClientRect();
      const m = view.model;
      found.push({left: box.left + view.frame.bbox.left, top: box.top + view.frame.bbox.top,
                  width: view.frame.bbox.width, height: view.frame.bbox.height,
                  x0: m.x_range.start, x1: m.x_range.end, y0: m.y_range.start, y1: m.y_range.end});
    }
    for (const child of (view.child_views || [])) visit(child, seen);
  };
  const seen = new Set();
  for (const view of Object.values(Bokeh.index)) visit(view, seen);
  return found;
}"""

RINGS = """() => {
  let rows = 0;
  for (const doc of Bokeh.documents) for (const model of doc.all_models) {
    const name = model.constructor.__name__ || model.constructor.name;
    // The rings' source: results with ids, a handful at most (the plot's own has them all).
    if (name === 'ColumnDataSource' && model.data.id !== undefined
        && model.data.id.length < 5) rows += model.data.id.length;
  }
  return rows;
}"""


def all_results(api: str, benchmark_id: str) -> list[dict]:
    results, page = [], 1
    while True:
        body = httpx.get(
            f"{api}/results", params={"benchmark_id": benchmark_id, "per_page": 100, "page": page}
        ).json()
        results += body["items"]
        if page >= body["pages"]:
            return results
        page += 1


def test_a_box_selection_in_the_plot_picks_table_rows_and_ticked_rows_are_ringed(
    page, dashboard_url, hostile_dashboard
):
    page.goto(f"{dashboard_url}?tab=explore")
    show_every_benchmark(page, timeout=30_000)
    api = api_url_of(page)
    benchmark_id, name, total = flagship(api)
    choose_benchmark(page, name)
    expect(page.get_by_text(f"{total} of {total} results match")).to_be_visible(timeout=30_000)
    page.get_by_text("Plot and summary").scroll_into_view_if_needed()
    page.wait_for_function(f"({FRAME})().length === 1", timeout=15_000)
    (frame,) = page.evaluate(FRAME)
    # Drag the box select (the plot's active drag tool) over the middle of the plot.
    fx, fy = (0.25, 0.65), (0.05, 0.95)
    page.mouse.move(frame["left"] + fx[0] * frame["width"], frame["top"] + fy[0] * frame["height"])
    page.mouse.down()
    page.mouse.move(
        frame["left"] + fx[1] * frame["width"], frame["top"] + fy[1] * frame["height"], steps=8
    )
    page.mouse.up()
    notice = page.get_by_text(re.compile(r"Showing the [\d,]+ results picked in the plot"))
    expect(notice).to_be_visible(timeout=15_000)
    picked = int(re.search(r"([\d,]+) results", notice.inner_text()).group(1).replace(",", ""))

    # What the box holds, from the API: dates (ms) across, scores down; a pixel of slack.
    def inside(margin: float) -> int:
        x_span, y_span = frame["x1"] - frame["x0"], frame["y1"] - frame["y0"]
        low_x = frame["x0"] + (fx[0] - margin / frame["width"]) * x_span
        high_x = frame["x0"] + (fx[1] + margin / frame["width"]) * x_span
        high_y = frame["y1"] - (fy[0] - margin / frame["height"]) * y_span
        low_y = frame["y1"] - (fy[1] + margin / frame["height"]) * y_span
        count = 0
        for result in all_results(api, benchmark_id):
            executed = datetime.fromisoformat(result["execution_datetime"].replace("Z", "+00:00"))
            moment = executed.replace(tzinfo=executed.tzinfo or UTC).timestamp() * 1000
            score = result["json"]["result"]["score"]
            count += low_x <= moment <= high_x and low_y <= score <= high_y
        return count

    assert 0 < inside(-1) <= picked <= inside(1) < total
    shown = result_rows(explore_table(page))
    expect(shown).to_have_count(min(picked, 25))

    # And back: tick a row of the table, the plot rings it.
    page.get_by_role("button", name="Show all").click()
    expect(notice).to_be_hidden()
    assert page.evaluate(RINGS) == 0
    shown.first.get_by_role("checkbox").check()
    page.wait_for_function(f"({RINGS})() === 1", timeout=15_000)
    assert page.dialogs == [], "hostile names in the data stayed text"
    assert page.console_errors == [] and page.failed_requests == []


POINTS = """() => {
  const found = [];
  const visit = (view, seen, plot) => {
    if (!view || seen.has(view)) return;
    seen.add(view);
    if (view.frame !== undefined && view.model.x_range !== undefined) plot = view;
    const glyph = view.glyph;
    if (plot && glyph && glyph.sx && view.model.data_source) {
      const box = plot.el.getBoundingClientRect();
      for (let i = 0; i < glyph.sx.length; i++)
        found.push({x: box.left + glyph.sx[i], y: box.top + glyph.sy[i]});
    }
    for (const child of (view.child_views || [])) visit(child, seen, plot);
    if (view.renderer_views) for (const child of view.renderer_views.values())
      visit(child, seen, plot);
  };
  const seen = new Set();
  for (const view of Object.values(Bokeh.index)) visit(view, seen, null);
  return found;
}"""


def multi_choice(page, label: str):
    """The (visible) MultiChoice whose label starts with ``label``."""
    labelled = page.get_by_label(re.compile(f"^{re.escape(label)}"))
    return page.get_by_role("combobox").filter(has=labelled, visible=True)


def remove_buttons(multi_choice):
    """The buttons of a MultiChoice's chosen items, one each to remove it."""
    return multi_choice.get_by_role("button", name=re.compile(r"^Remove item"))


def shown_in(multi_choice, text: str):
    """What the box of a MultiChoice shows with ``text`` (with its list closed, its
    chosen items)."""
    return multi_choice.get_by_text(text).filter(visible=True)


def choose(multi_choice, text: str) -> None:
    """Pick an option of a MultiChoice by its text (its list opens on a click)."""
    option = multi_choice.get_by_role("option", name=text)
    for _ in range(5):  # a click while the page is still busy may not open the list
        multi_choice.click()
        try:
            option.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeout:
            multi_choice.page.keyboard.press("Escape")
    option.click()
    multi_choice.page.keyboard.press("Escape")


def test_hostile_text_from_the_api_stays_text_in_every_explorer_widget(
    page, dashboard_url, hostile_dashboard
):
    """Markup users put in a tag name and in a free-form result's JSON key and value."""
    page.goto(f"{dashboard_url}?tab=explore")
    show_every_benchmark(page, timeout=30_000)
    api = api_url_of(page)
    tag_id = hostile_dashboard.tag_id
    tagged = httpx.get(f"{api}/results", params={"tags_ids": tag_id}).json()["items"]
    (name,) = {f"{r['benchmark']['docker_image']}:{r['benchmark']['docker_tag']}" for r in tagged}

    # The tag facet lists the tag as text, and choosing it filters.
    tags = multi_choice(page, "Tags")
    choose(tags, f"{HOSTILE_TAG} ({len(tagged)})")
    expect(page.get_by_text(re.compile(rf"^{len(tagged)} of \d+ results match"))).to_be_visible(
        timeout=15_000
    )
    cells = explore_table(page).get_by_role("gridcell", name=HOSTILE_TAG)  # in the Tags column
    expect(cells).to_have_count(len(tagged))

    # Its benchmark, grouped by tag: the summary and the plot's hover show the tag as text.
    choose_benchmark(page, name)
    expect(page.get_by_text(re.compile(rf"^{len(tagged)} of \d+ results match"))).to_be_visible(
        timeout=30_000
    )
    widget(page, "Group by").select_option("tags")
    summary = page.locator(".summary-table")
    expect(summary.get_by_role("gridcell", name=HOSTILE_TAG, exact=True)).to_have_count(
        1, timeout=20_000
    )  # the summary is redrawn by group once the choice is in
    page.get_by_text("Plot and summary").scroll_into_view_if_needed()
    page.wait_for_function(f"({POINTS})().length > 0", timeout=15_000)
    tooltip = page.locator(".explore-plot").get_by_text(HOSTILE_TAG)  # its hover, as text
    for point in page.evaluate(POINTS):
        page.mouse.move(point["x"] - 15, point["y"] - 15)
        page.mouse.move(point["x"], point["y"], steps=4)
        if tooltip.count():
            break
    expect(tooltip.first).to_be_visible()

    # The free-form benchmark: a JSON key and a value made of markup.
    hostile = httpx.get(f"{api}/results/{hostile_dashboard.free_form_id}").json()
    free_form = hostile["benchmark"]
    assert free_form["json_schema"] == {}
    total = httpx.get(f"{api}/results", params={"benchmark_id": free_form["id"]}).json()["total"]
    page.goto(f"{dashboard_url}?benchmark_id={free_form['id']}")
    expect(page.get_by_text(f"{total} of {total} results match")).to_be_visible(timeout=30_000)
    columns = multi_choice(page, "Columns")
    expect(remove_buttons(columns)).not_to_have_count(0)
    if not shown_in(columns, HOSTILE_TAG).count():  # not among the default columns
        choose(columns, HOSTILE_TAG)
    table = explore_table(page)
    table.scroll_into_view_if_needed()  # Tabulator draws its rows once it is in view
    expect(table.get_by_role("columnheader", name=HOSTILE_TAG)).to_have_count(1)
    row = result_rows(table).filter(has=page.get_by_role("gridcell", name=HOSTILE_VALUE))
    expect(row).to_have_count(1, timeout=15_000)
    row.get_by_role("gridcell", name="►").click()  # the row's whole JSON
    detail = page.locator(".result-json")
    expect(detail.get_by_text(HOSTILE_TAG).first).to_be_visible(timeout=10_000)
    expect(detail.get_by_text(HOSTILE_VALUE).first).to_be_visible()

    # Side by side with the others (all ticked at once): the key is a row of the comparison.
    table.get_by_role("columnheader").get_by_role("checkbox").check()
    page.get_by_role("button", name=f"Compare {total} ticked results").click()
    expect(page.get_by_text(f"{total} results; differing fields are highlighted.")).to_be_visible(
        timeout=10_000
    )
    comparison = page.locator(".compare-table")
    key = comparison.get_by_role("gridcell", name=f"json.{HOSTILE_TAG}", exact=True)  # its Field
    expect(key).to_be_visible()
    # Only one of the two has that key: its row is highlighted as differing.
    expect(key).to_have_css("background-color", "rgb(255, 243, 205)")

    assert page.dialogs == [], "markup from the API ran"
    assert page.console_errors == [] and page.failed_requests == []
