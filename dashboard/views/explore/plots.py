"""Linked plots of the filtered results, a summary per group, and a side-by-side comparison."""

from __future__ import annotations

from html import escape

import pandas as pd
import panel as pn

from dashboard.plots.live import LivePlot
from dashboard.plots.spec import GROUPS, PLOT_KINDS
from dashboard.views.alerts import alert
from dashboard.views.base import choice, html_label, offer
from dashboard.views.explore.filters import ExplorerView
from dashboard.views.explore.summary import SummaryTable


class PlotsPanel(ExplorerView):
    """Plot settings, the plot (a box selection is the state's ``picked``; its ``ticked``
    rows are ringed), and the per-group summary."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        state = self.state
        p = state.param
        self._x = choice(pn.widgets.Select, state, "plot_x", label="X", width=180)
        self._y = choice(pn.widgets.Select, state, "plot_y", label="Y", width=180)
        self._live: LivePlot | None = None
        self._plot = pn.pane.HoloViews(
            sizing_mode="stretch_width", min_height=420, css_classes=["explore-plot"]
        )
        self._message = alert("", "info")
        self._reference = choice(
            pn.widgets.Select, state, "reference", label="Compare with", width=220
        )
        self._summary = SummaryTable()
        # Wrapped onto more lines where the page is narrow: every control in view.
        controls = pn.FlexBox(
            pn.widgets.Select.from_param(
                p.plot_kind, label="Plot", options=list(PLOT_KINDS), width=120
            ),
            self._x,
            self._y,
            pn.widgets.Select.from_param(
                p.plot_group, label="Group by", options=list(GROUPS), width=120
            ),
            pn.widgets.Checkbox.from_param(p.logx, label="log x", width=60, align="end"),
            pn.widgets.Checkbox.from_param(p.logy, label="log y", width=60, align="end"),
            align_items="flex-end",
            sizing_mode="stretch_width",
        )
        state.param.watch(self._options, ["fields"])
        state.param.watch(
            self._redraw,
            ["filtered", "plot_kind", "plot_x", "plot_y", "plot_group", "logx", "logy"],
        )
        state.param.watch(self._loaded, ["loading"])
        state.param.watch(
            self._resummarise, ["filtered", "plot_y", "plot_group", "reference", "direction"]
        )
        state.param.watch(self._mark, ["ticked", "picked"])
        self._layout = pn.Column(
            controls,
            self._message,
            self._plot,
            pn.FlexBox(
                self._reference,
                pn.widgets.Select.from_param(p.direction, label="Better is", width=120),
                sizing_mode="stretch_width",
            ),
            self._summary,
            sizing_mode="stretch_width",
        )
        self._options()
        self._redraw()
        self._resummarise()

    def _options(self, *_events) -> None:
        labels = self.state.labels
        numeric = {labels[f.path]: f.path for f in self.state.fields if f.numeric}
        offer(self._x, {"Execution date": "execution_datetime", **numeric}, self.state.plot_x)
        offer(self._y, numeric, self.state.plot_y)

    def _redraw(self, *_events) -> None:
        state = self.state
        waiting = state.loading or state.population.empty
        if self._live is None and state.filtered.empty and waiting:
            # Nothing loaded yet: the first plot waits for the rows (a plot of none would be
            # redone), and no axis is missing yet ("choose a numeric column" misled here).
            self._message.visible = False
            return
        spec = state.plot_spec()
        frame = state.filtered
        problems = spec.problems(frame)
        self._message.object = escape("; ".join(problems))
        self._message.visible = bool(problems)
        state.picked = None  # a pick was made in what was drawn before
        if problems:
            self._live = None
            self._plot.object = None
            return
        population = len(state.population)
        if self._live is not None and self._live.fits(frame, spec, population):
            self._live.show(frame, self._ringed())
        else:
            self._live = LivePlot(frame, spec, population)
            self._live.on_pick(self._picked)
            self._live.mark(self._ringed())
            self._plot.object = self._live.object

    def _loaded(self, *_events) -> None:
        if not self.state.loading and self._live is None:
            self._redraw()  # what waited for a load that brought no rows

    def _ringed(self) -> list[str]:
        """The results ringed: those picked in the plot, else the rows ticked."""
        state = self.state
        return list(state.ticked if state.picked is None else state.picked)

    def _mark(self, *_events) -> None:
        if self._live is not None:
            self._live.mark(self._ringed())

    def _picked(self, ids: list[str] | None) -> None:
        self.state.picked = ids

    def _resummarise(self, *_events) -> None:
        summary = self.state.summary()
        groups = [""] + [str(g) for g in summary.index] if not summary.empty else [""]
        offer(self._reference, {group: group for group in groups}, self.state.reference)
        state = self.state
        field = state.field(state.plot_y) if state.plot_y else None
        self._summary.show(
            summary,
            state.plot_group,
            field.unit if field else None,
            state.population,
            f"json.{state.plot_y}",
        )


#: A differing row: pale yellow with dark text, readable under either theme (the dark
#: theme's light text on pale yellow was not).
DIFFERS = "background-color: #fff3cd; color: #212529"


class Comparison(ExplorerView):
    """The ticked results side by side, differing fields marked."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        self._hint = pn.pane.HTML("", visible=False)
        # The table is made on the first comparison: one widget less to update until then.
        self._table: pn.widgets.Tabulator | None = None
        self._layout = pn.Column(self._hint, sizing_mode="stretch_width")

    def show(self, ids: list[str]) -> None:
        """Compare the results with these ids."""
        self._hint.visible = True
        if len(ids) < 2:
            self._hint.object = "Tick two or more rows in the table, then compare."
            if self._table is not None:
                self._table.value = pd.DataFrame()
            return
        table = self.state.comparison(ids)
        # Tabulator titles are HTML; "index" would be taken for the (hidden) index.
        table = table.rename_axis("Field").reset_index()
        table.columns = [html_label(column) for column in table.columns]
        self._hint.object = f"{len(ids)} results; differing fields are highlighted."
        if self._table is None:
            self._table = pn.widgets.Tabulator(
                table,
                disabled=True,
                show_index=False,
                selectable=False,
                hidden_columns=["differs"],
                frozen_columns=["Field"],
                layout="fit_data_fill",  # every header whole
                sizing_mode="stretch_width",
                css_classes=["compare-table"],
            )
            # Styles are worked out whenever the value changes: registered once.
            self._table.style.apply(
                lambda row: [DIFFERS if row["differs"] else ""] * len(row),
                axis=1,
            )
            self._layout.append(self._table)
        else:
            self._table.value = table
