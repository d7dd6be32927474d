"""The explorer's table: chosen columns, remote pagination, details, export, code."""

from __future__ import annotations

import io

import pandas as pd
import panel as pn
import param
from bokeh.models.widgets.tables import DateFormatter, NumberFormatter

from .. import summaries
from ..state.explorer import FILTER_PARAMETERS
from .explore_filters import ExplorerView, html_label

BASE = ["id", "benchmark", "site", "flavor", "tags", "execution_datetime"]
TITLES = {
    "benchmark": "Benchmark",
    "site": "Site",
    "flavor": "Flavor",
    "tags": "Tags",
    "execution_datetime": "Executed (UTC)",
}


def table_frame(filtered: pd.DataFrame, columns: list[str], benchmark_chosen: bool) -> pd.DataFrame:
    """What the table shows: base columns, then the chosen JSON columns, display-ready."""
    base = [c for c in BASE if c != "benchmark" or not benchmark_chosen]
    json_columns = [f"json.{path}" for path in columns if f"json.{path}" in filtered.columns]
    table = filtered[base + json_columns].copy()
    table["tags"] = [", ".join(tags) for tags in table["tags"]]
    table["execution_datetime"] = table["execution_datetime"].dt.tz_localize(None)
    for column in json_columns:
        if isinstance(table[column].dtype, pd.DatetimeTZDtype):
            table[column] = table[column].dt.tz_localize(None)
    return table


class ResultsTable(ExplorerView):
    """The filtered results, a page at a time; tick rows to compare them."""

    only_ids = param.List(
        default=None, allow_None=True, doc="Show only these rows (picked in a plot); None: all."
    )

    def __init__(self, **params) -> None:
        super().__init__(**params)
        state = self.state
        self._columns = pn.widgets.MultiChoice.from_param(
            state.param.columns, label="Columns", options=[], sizing_mode="stretch_width"
        )
        self._table = pn.widgets.Tabulator(
            pd.DataFrame(),
            pagination="remote",
            page_size=25,
            selectable="checkbox",
            show_index=False,
            disabled=True,
            hidden_columns=["id"],
            row_content=self._detail,
            embed_content=False,
            sizing_mode="stretch_width",
            layout="fit_data_stretch",
        )
        self._table.param.watch(self._sorted, "sorters")
        csv = pn.widgets.FileDownload(
            callback=lambda: io.StringIO(summaries.to_csv(state.filtered)),
            filename="eosc-performance-results.csv",
            label="Export CSV",
        )
        json = pn.widgets.FileDownload(
            callback=lambda: io.StringIO(summaries.to_json(state.filtered)),
            filename="eosc-performance-results.json",
            label="Export JSON",
        )
        self._code = pn.pane.Markdown("", sizing_mode="stretch_width")
        state.param.watch(self._refresh, ["filtered", "columns", "fields"])
        self.param.watch(self._refresh, "only_ids")
        state.param.watch(self._show_code, [*FILTER_PARAMETERS, "benchmark_id"])
        self._layout = pn.Column(
            self._columns,
            self._table,
            pn.Row(csv, json),
            pn.Card(self._code, title="Copy as code", collapsed=True, sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )
        self._refresh()
        self._show_code()

    @property
    def selected_ids(self) -> list[str]:
        """Ids of the ticked rows."""
        value = self._table.value
        return [value.iloc[i]["id"] for i in self._table.selection if i < len(value)]

    def _refresh(self, *_events) -> None:
        state = self.state
        labels = {f.path: f.label for f in state.fields}
        self._columns.options = {
            html_label(labels.get(f.path, f.path)): f.path for f in state.fields
        }
        rows = state.filtered
        if self.only_ids is not None:
            rows = rows[rows["id"].isin(self.only_ids)]
        table = table_frame(rows, state.columns, bool(state.benchmark_id))
        self._table.titles = {
            **TITLES,
            **{f"json.{path}": html_label(labels.get(path, path)) for path in state.columns},
        }
        self._table.header_tooltips = {
            f"json.{f.path}": html_label(f.description) for f in state.fields if f.description
        }
        self._table.formatters = self._formatters(table)
        self._table.sorters = self._sorters(table)
        self._table.value = table

    @staticmethod
    def _formatters(table: pd.DataFrame) -> dict:
        formats = {}
        for column in table.columns:
            dtype = table[column].dtype
            if pd.api.types.is_datetime64_any_dtype(dtype):
                formats[column] = DateFormatter(format="%Y-%m-%d %H:%M", nan_format="")
            elif pd.api.types.is_float_dtype(dtype):
                formats[column] = NumberFormatter(format="0,0.[000]", nan_format="")
        return formats

    def _sorters(self, table: pd.DataFrame) -> list[dict]:
        sort = self.state.sort
        if sort[1:] in table.columns:
            return [{"field": sort[1:], "dir": "desc" if sort[0] == "-" else "asc"}]
        return []

    def _sorted(self, event) -> None:
        sorters = event.new or []
        if sorters:
            first = sorters[0]
            self.state.sort = ("-" if first.get("dir") == "desc" else "+") + first["field"]

    def _detail(self, row: pd.Series):
        """A row's full JSON, collapsible."""
        match = self.state.filtered.loc[self.state.filtered["id"] == row["id"], "raw"]
        document = match.iloc[0] if len(match) else {}
        return pn.pane.JSON(document, depth=2, theme="light", sizing_mode="stretch_width")

    def _show_code(self, *_events) -> None:
        python, curl = self.state.query_code()
        note = ""
        if len(self.state.site_ids) > 1 or len(self.state.flavor_ids) > 1 or self.state.text:
            note = (
                "\n\nThe API filters on one site and one flavor and has no free-text filter "
                "with these: the snippet loads a superset; filter the rest in pandas."
            )
        self._code.object = f"```python\n{python}```\n\n```bash\n{curl}\n```{note}"
