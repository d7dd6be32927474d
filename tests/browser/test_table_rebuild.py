"""Rows that arrive while a table is being rebuilt are shown once it is built.

Panel before 1.10 dropped them: a shared link opened on a busy machine showed
"1 of 800 results match" over an empty table (dashboard/views/explore/tabulator_fix.py).
The race is made certain here: the explorer's table is rebuilt (as on a change of
columns) and, while it builds, its rows change.
"""

from __future__ import annotations

from helpers import show_every_benchmark

EXPLORER_TABLE = """() => Bokeh.index.query_one(
  (v) => v.model.type.endsWith("DataTabulator") && v.el.offsetParent !== null
    && v.model.source.data.id !== undefined && v.model.source.data.id.length > 1
)"""

REBUILD_WHILE_ROWS_CHANGE = f"""() => {{
  const view = ({EXPLORER_TABLE})();
  const before = view.model.source.data;
  const reversed = {{}};
  for (const [column, values] of Object.entries(before)) {{
    reversed[column] = Array.from(values).reverse();
  }}
  view.render();  // the table is being built from here until Tabulator says it is built
  view.model.source.setv({{data: reversed}}, {{silent: true}});
  view.model.source.properties.data.change.emit();  // new rows while it builds
  return {{first: String(before.id[0]), last: String(before.id[before.id.length - 1])}};
}}"""

FIRST_ROW_ID = f"""() => {{
  const rows = ({EXPLORER_TABLE})().tabulator.getRows("visible");
  return rows.length ? String(rows[0].getData().id) : null;
}}"""


def test_rows_that_change_while_the_table_is_built_are_shown(page, dashboard_url):
    page.goto(f"{dashboard_url}?tab=explore")
    show_every_benchmark(page, timeout=30_000)
    page.wait_for_function(f"({EXPLORER_TABLE})() !== null", timeout=30_000)
    page.wait_for_function(f"({FIRST_ROW_ID})() !== null", timeout=30_000)
    ids = page.evaluate(REBUILD_WHILE_ROWS_CHANGE)
    assert ids["first"] != ids["last"]
    page.wait_for_function(f"({FIRST_ROW_ID})() === {ids['last']!r}", timeout=10_000)
