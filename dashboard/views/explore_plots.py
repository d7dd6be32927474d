"""Linked plots of the filtered results, a summary per group, and a side-by-side comparison."""

from __future__ import annotations

from html import escape

import holoviews as hv
import holoviews.plotting.bokeh  # registers the Bokeh backend the plots' options are for
import pandas as pd
import panel as pn
import param

from .. import summaries
from ..plots import GROUPS, PLOT_KINDS, build_plot, selection_ids
from .explore_filters import ExplorerView, html_label


class PlotsPanel(ExplorerView):
    """Plot settings, the plot (box-select picks rows), and the per-group summary."""

    selected = param.List(default=None, allow_None=True, doc="Ids picked in the plot, or None.")

    def __init__(self, **params) -> None:
        super().__init__(**params)
        state = self.state
        p = state.param
        self._x = pn.widgets.Select.from_param(p.plot_x, label="X", options={}, width=200)
        self._y = pn.widgets.Select.from_param(p.plot_y, label="Y", options={}, width=200)
        self._link = hv.link_selections.instance(unselected_alpha=0.15)
        self._link.param.watch(self._picked, "selection_expr")
        self._plot = pn.pane.HoloViews(sizing_mode="stretch_width", min_height=420)
        self._message = pn.pane.Alert("", alert_type="info", visible=False)
        self._reference = pn.widgets.Select.from_param(
            p.reference, label="Compare with", options=[""], width=220
        )
        self._summary = pn.widgets.Tabulator(
            pd.DataFrame(), disabled=True, sizing_mode="stretch_width", layout="fit_data_table"
        )
        controls = pn.Row(
            pn.widgets.Select.from_param(p.plot_kind, label="Plot", options=list(PLOT_KINDS)),
            self._x,
            self._y,
            pn.widgets.Select.from_param(p.plot_group, label="Group by", options=list(GROUPS)),
            pn.widgets.Checkbox.from_param(p.logx, label="log x"),
            pn.widgets.Checkbox.from_param(p.logy, label="log y"),
        )
        state.param.watch(self._options, ["fields"])
        state.param.watch(
            self._redraw,
            ["filtered", "plot_kind", "plot_x", "plot_y", "plot_group", "logx", "logy"],
        )
        state.param.watch(
            self._resummarise, ["filtered", "plot_y", "plot_group", "reference", "direction"]
        )
        self._layout = pn.Column(
            controls,
            self._message,
            self._plot,
            pn.Row(
                self._reference,
                pn.widgets.Select.from_param(p.direction, label="Better is", width=120),
            ),
            self._summary,
            sizing_mode="stretch_width",
        )
        self._options()
        self._redraw()
        self._resummarise()

    def _options(self, *_events) -> None:
        numeric = {f.label: f.path for f in self.state.fields if f.numeric}
        self._x.options = {"Execution date": "execution_datetime", **numeric}
        self._y.options = numeric

    def _redraw(self, *_events) -> None:
        state = self.state
        spec = state.plot_spec()
        problems = spec.problems(state.filtered)
        self._message.object = escape("; ".join(problems))
        self._message.visible = bool(problems)
        if problems:
            self._plot.object = None
            return
        self.selected = None
        self._link.selection_expr = None
        self._plot.object = self._link(build_plot(state.filtered, spec))

    def _picked(self, event) -> None:
        expr = event.new
        self.selected = None if expr is None else sorted(selection_ids(self.state.filtered, expr))

    def _resummarise(self, *_events) -> None:
        summary = self.state.summary()
        groups = [""] + [str(g) for g in summary.index] if not summary.empty else [""]
        self._reference.options = groups
        self._summary.value = summary.reset_index() if not summary.empty else summary


class Comparison(ExplorerView):
    """The ticked results side by side, differing fields marked."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        self._table = pn.widgets.Tabulator(
            pd.DataFrame(), disabled=True, show_index=False, sizing_mode="stretch_width"
        )
        self._hint = pn.pane.Markdown("Tick two or more rows in the table, then compare.")
        self._layout = pn.Column(self._hint, self._table, sizing_mode="stretch_width")

    def show(self, ids: list[str]) -> None:
        """Compare the results with these ids."""
        if len(ids) < 2:
            self._hint.object = "Tick two or more rows in the table, then compare."
            self._table.value = pd.DataFrame()
            return
        table = summaries.compare(self.state.filtered, ids).reset_index()
        table.columns = [html_label(column) for column in table.columns]
        self._hint.object = f"{len(ids)} results; differing fields are highlighted."
        self._table.value = table
        self._table.style.apply(
            lambda row: ["background-color: #fff3cd" if row.iloc[-1] else ""] * len(row),
            axis=1,
        )
