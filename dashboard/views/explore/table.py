"""The explorer's table: chosen columns, remote pagination, details, export, code."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from html import escape
from typing import Any

import pandas as pd
import panel as pn
import param
from bokeh.models.widgets.tables import DateFormatter, NumberFormatter

from dashboard.results.frame import documents
from dashboard.results.numbers import decimals_for, numbro_format
from dashboard.results.table import TABLE_TITLES
from dashboard.state.explorer import FILTER_PARAMETERS
from dashboard.views.base import choice, html_label, offer
from dashboard.views.copy import copy_button
from dashboard.views.explore.filters import ExplorerView


class _RowLabels(Mapping):
    """The index label at each row position of a table's rows, read when asked."""

    def __init__(self, index: pd.Index) -> None:
        self._index = index

    def __getitem__(self, row: Any) -> Any:
        if isinstance(row, int) and 0 <= row < len(self._index):
            return self._index[row]
        raise KeyError(row)

    def __len__(self) -> int:
        return len(self._index)

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self._index)))


class LargeTabulator(pn.widgets.Tabulator):
    """A Tabulator whose rows may be a million (shown a page at a time).

    On every change of its rows, Panel's builds a dict from each row's position to its
    index label, for the few clicks that ask it one: at 100,000 rows that was an eighth
    of a facet change. Here the labels are read from the index when a click asks.
    Panel's attribute is private: should a later Panel not call this method, its own
    dict is built, as before.
    """

    def _update_index_mapping(self) -> None:
        rows = self._processed
        if isinstance(rows, pd.DataFrame):
            self._index_mapping = _RowLabels(rows.index)
        else:
            super()._update_index_mapping()


class ResultsTable(ExplorerView):
    """The filtered results (those picked in the plot, if any), a page at a time; ticked
    rows are the state's ``ticked``."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        state = self.state
        self._columns = choice(
            pn.widgets.MultiChoice, state, "columns", label="Columns", sizing_mode="stretch_width"
        )
        self._table = LargeTabulator(
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
            css_classes=["explore-table"],
        )
        self._table.param.watch(self._sorted, "sorters")
        self._table.param.watch(
            lambda _event: setattr(state, "ticked", self.selected_ids), "selection"
        )
        self._picked = pn.pane.HTML("", visible=False, margin=(0, 10))
        show_all = pn.widgets.Button(label="Show all", color="light", visible=False)
        show_all.on_click(lambda _event: setattr(state, "picked", None))
        self._show_all = show_all
        csv = pn.widgets.FileDownload(
            callback=lambda: io.StringIO(state.export_csv()),
            filename="eosc-performance-results.csv",
            label="Export CSV",
            width=120,
        )
        json = pn.widgets.FileDownload(
            callback=lambda: io.StringIO(state.export_json()),
            filename="eosc-performance-results.json",
            label="Export JSON",
            width=120,
        )
        #: The exports, for the explorer's bar of actions above the table.
        self.exports = [csv, json]
        #: The filters as code (a DataFrame in Python, the query with curl), copy buttons
        #: in view.
        self.code = self._code_panel()
        state.param.watch(self._refresh, ["filtered", "picked"])
        state.param.watch(self._restyle, ["columns", "fields"])
        self._formatted_for: pd.DataFrame | None = None  # the results the formats fit
        state.param.watch(self._show_code, [*FILTER_PARAMETERS, "benchmark_id"])
        #: The choice of columns (the explorer puts its bar of actions under it).
        self.columns_choice = self._columns
        self._layout = pn.Column(
            pn.Row(self._picked, self._show_all),
            self._table,
            sizing_mode="stretch_width",
        )
        self._restyle()
        self._show_code()

    def _code_panel(self) -> pn.Column:
        self._python = pn.widgets.TextInput(value="")
        self._curl = pn.widgets.TextInput(value="")
        self._code = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["query-code"])
        return pn.Column(
            pn.Row(
                copy_button("Copy Python", self._python),
                copy_button("Copy curl", self._curl),
            ),
            self._code,
            sizing_mode="stretch_width",
        )

    @property
    def selected_ids(self) -> list[str]:
        """Ids of the ticked rows."""
        value = self._table.value
        return [value.iloc[i]["id"] for i in self._table.selection if i < len(value)]

    def _refresh(self, *_events) -> None:
        """New rows, same columns: only the data changes (a filter change must be quick)."""
        table = self.state.table_rows()
        picked = self.state.picked is not None
        self._picked.object = (
            f"Showing the {len(table):,} results picked in the plot." if picked else ""
        )
        self._picked.visible = self._show_all.visible = picked
        if (
            list(table.columns) != list(self._table.value.columns)
            or self._formatted_for is not self.state.population
        ):
            self._restyle()  # other columns, or other results: their formats too
            return
        self._table.value = table

    def _restyle(self, *_events) -> None:
        """New columns: titles, tooltips, formats and the sort go with them."""
        state = self.state
        labels = state.labels
        offer(
            self._columns,
            {html_label(labels.get(f.path, f.path)): f.path for f in state.fields},
            state.columns,
        )
        table = state.table_rows()
        with param.parameterized.batch_call_watchers(self._table):
            self._table.titles = {
                **TABLE_TITLES,
                **{f"json.{path}": html_label(labels.get(path, path)) for path in state.columns},
            }
            self._table.header_tooltips = {
                f"json.{f.path}": html_label(f.description) for f in state.fields if f.description
            }
            self._table.formatters = self._formatters(table, state.population)
            self._formatted_for = state.population
            self._table.sorters = self._sorters(table)
            self._table.value = table

    @staticmethod
    def _formatters(table: pd.DataFrame, population: pd.DataFrame) -> dict:
        """Dates to the minute; numbers with the decimals their column needs among all
        the results loaded (the same while filters change)."""
        formats = {}
        for column in table.columns:
            dtype = table[column].dtype
            if pd.api.types.is_datetime64_any_dtype(dtype):
                formats[column] = DateFormatter(format="%Y-%m-%d %H:%M", nan_format="")
            elif pd.api.types.is_float_dtype(dtype):  # one format per column, read down
                values = population[column] if column in population.columns else table[column]
                decimals = decimals_for(values.to_numpy())
                formats[column] = NumberFormatter(format=numbro_format(decimals), nan_format="")
            elif pd.api.types.is_integer_dtype(dtype):
                formats[column] = NumberFormatter(format="0,0", nan_format="")
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
        document = documents(match)[0] if len(match) else {}
        return pn.pane.JSON(
            document,
            depth=2,
            theme="light",
            sizing_mode="stretch_width",
            css_classes=["result-json"],
        )

    def _show_code(self, *_events) -> None:
        python, curl = self.state.query_code()
        note = ""
        if len(self.state.site_ids) > 1 or len(self.state.flavor_ids) > 1 or self.state.text:
            note = (
                "The API takes one site and one flavor and has no free-text filter: curl "
                "gets more results than the table shows; the Python snippet filters the "
                "rest itself."
            )
        self._python.value, self._curl.value = python, curl
        # the snippet quotes the link's filters (free text included): escaped, never Markdown
        self._code.object = (
            "<p>Python (in a notebook, the same rows as a pandas DataFrame):</p>"
            f"<pre><code>{escape(python)}</code></pre>"
            "<p>curl (the API's first page of them, as JSON):</p>"
            f"<pre><code>{escape(curl)}</code></pre>" + (f"<p>{escape(note)}</p>" if note else "")
        )
