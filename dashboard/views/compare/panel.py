"""The Compare view: where to run, answered before any click.

The first screen holds the answer in words, the ranked chart with its intervals, and a
machine card per site + flavor; the choices sit in one row above them, each defaulting
to what answers best without a choice. Below: how runs inside a result spread, the
scaling with cores, the ranking to take away (CSV, Python). "A workload of several"
ranks the groups over several benchmarks with weights, and shows their coverage.
"""

from __future__ import annotations

import io
from functools import partial
from html import escape

import panel as pn
import param
from bokeh.models import ColumnDataSource
from bokeh.plotting import figure

from dashboard.state.compare import URL_KEYS, CompareState
from dashboard.views.alerts import alert
from dashboard.views.base import StateView, choice, keep_in_address, offer
from dashboard.views.compare.cards import CARD_CSS, cards_html, coverage_html
from dashboard.views.compare.chart import RankedChart, on_page
from dashboard.views.compare.words import answer_html, legend_html
from dashboard.views.copy import copy_button

__all__ = ["CompareView"]

PER_LABELS = {"per result": "result", "per vCPU": "core", "per GPU": "GPU"}
MODES = {"One benchmark": "ranking", "A workload of several": "profile"}


class CompareView(StateView):
    """The whole Compare tab."""

    state = param.ClassSelector(class_=CompareState)
    sandbox = param.Boolean(default=False, doc="Whether the API is the embedded sandbox.")

    def __init__(self, **params) -> None:
        super().__init__(**params)
        state = self.state
        self._answer = pn.pane.HTML(answer_html(state), sizing_mode="stretch_width")
        self._controls = self._make_controls()
        self.chart = RankedChart(self._pick)
        self._cards = pn.pane.HTML("", sizing_mode="stretch_width", stylesheets=[CARD_CSS])
        self._spread = pn.pane.HTML("", sizing_mode="stretch_width")
        self._scaling_source = None  # the plot is made with the first scaling to show
        self._scaling = pn.Column(sizing_mode="stretch_width")
        self._python = pn.widgets.TextInput(value="")
        self._code = pn.pane.HTML("", sizing_mode="stretch_width")
        self._one = self._one_benchmark()
        self._many = None  # a workload's view, made when first asked for
        # one or the other, swapped rather than hidden (a hidden chart never lays out,
        # and the page would wait for it before counting as loaded)
        self._shown = pn.Column(self._one, sizing_mode="stretch_width")
        #: The choices (a page template puts them in its sidebar) and the rest.
        self.controls = self._controls
        self.content = pn.Column(
            self._answer,
            alert(state.param.notice, "warning"),
            alert(state.param.problem, "danger"),
            self._notes,
            self._shown,
            sizing_mode="stretch_width",
            css_classes=["compare-view"],
        )
        self._layout = pn.Row(
            pn.Column(self.controls, width=300), self.content, sizing_mode="stretch_width"
        )
        state.param.watch(self._show, ["result", "benchmarks", "configs", "sites", "metrics"])
        state.param.watch(
            self._show_profile,
            ["ranked_profile", "covered", "compared", "mode", "workload_metrics"],
        )
        self._show()
        self._show_profile()

    def _one_benchmark(self) -> pn.Column:
        """What one benchmark's ranking shows: chart and cards, spread, scaling, exports."""
        csv = pn.widgets.FileDownload(
            callback=lambda: io.StringIO(self.state.export_csv()),
            filename="eosc-performance-ranking.csv",
            label="Export ranking (CSV)",
            width=190,
        )
        # The cards in a strip above the chart (scrolled sideways for more), which keeps
        # the chart the page's whole width on a narrow window; a FlexBox wrapping them
        # beside it lays Bokeh's figure out wrongly (its axis labels fall off the canvas).
        return pn.Column(
            pn.pane.HTML(
                "<b>The machines, best first</b> (scroll sideways for the rest)",
                margin=(0, 10),
            ),
            self._cards,
            pn.pane.HTML(legend_html(), sizing_mode="stretch_width"),
            self.chart,
            self._spread,
            self._scaling,
            pn.Row(csv, copy_button("Copy Python", self._python)),
            self._code,
            sizing_mode="stretch_width",
        )

    # -- the controls -----------------------------------------------------------------

    def _make_controls(self) -> pn.Column:
        state = self.state
        self._benchmark = choice(pn.widgets.Select, state, "benchmark_id", label="Ranked benchmark",
                                 options={}, sizing_mode="stretch_width")  # fmt: skip
        self._metric = choice(pn.widgets.Select, state, "metric", label="Ranked by", options={},
                              sizing_mode="stretch_width")  # fmt: skip
        self._direction = choice(pn.widgets.Select, state, "direction", label="Better values",
                                 options={"as the schema says": "auto", "lower": "lower",
                                          "higher": "higher"}, width=150)  # fmt: skip
        self._per = choice(pn.widgets.Select, state, "per", label="Count",
                           options=PER_LABELS, width=110)  # fmt: skip
        self._configuration = choice(pn.widgets.Select, state, "configuration",
                                     label="Configuration", options={}, sizing_mode="stretch_width",
                                     visible=False)  # fmt: skip
        self._reference = choice(pn.widgets.Select, state, "reference", label="Reference",
                                 options={}, sizing_mode="stretch_width")  # fmt: skip
        self._sites = choice(pn.widgets.MultiChoice, state, "site_ids", label="Only these sites",
                             options={}, sizing_mode="stretch_width",
                             placeholder="every site")  # fmt: skip
        # radio buttons: which one is chosen reads at a glance in both themes
        self._mode = pn.widgets.RadioBoxGroup(options=MODES, value=state.mode, inline=True)
        self._mode.link(state, value="mode", bidirectional=True)
        self._mode.param.watch(self._mode_changed, "value")
        self._notes = pn.pane.HTML("", sizing_mode="stretch_width", visible=False)
        self._direction_row = pn.Row(self._direction, self._per)
        return pn.Column(
            self._mode, self._benchmark, self._metric, self._direction_row,
            self._reference, self._configuration, self._sites,
            sizing_mode="stretch_width", min_width=260,
        )  # fmt: skip

    def _make_many(self) -> pn.Column:
        """A workload's view: its benchmarks and weights, the coverage, the code."""
        self._coverage = pn.pane.HTML("", sizing_mode="stretch_width", stylesheets=[CARD_CSS])
        self._profile_python = pn.widgets.TextInput(value="")
        self._profile_code = pn.pane.HTML("", sizing_mode="stretch_width")
        return pn.Column(
            self._make_workload(),
            self._coverage,
            copy_button("Copy Python", self._profile_python),
            self._profile_code,
            sizing_mode="stretch_width",
        )

    def _make_workload(self) -> pn.Column:
        self._picked = pn.widgets.MultiChoice(
            label="Benchmarks in the workload", options={}, width=420
        )
        self._weights = pn.Column()
        self._picked.param.watch(self._workload_changed, "value")
        self._profile_intro = pn.pane.HTML(
            "<h2>Where to run a workload</h2><p>Each site / flavor is scored by the weighted "
            "geometric mean of how many times better than the reference it is on each "
            "benchmark. Groups missing a benchmark are ranked apart, below.</p>",
            sizing_mode="stretch_width",
        )
        return pn.Column(self._profile_intro, pn.Row(self._picked, self._weights))

    def _single_choices(self) -> list:
        """The choices of one benchmark's ranking (a workload has its own)."""
        return [self._benchmark, self._metric, self._direction_row, self._configuration,
                self._sites]  # fmt: skip

    def _has_setups(self) -> bool:
        configs = self.state.configs
        return configs is not None and len(configs) > 1

    def _pick(self, group: str) -> None:
        self.state.reference = group

    def _mode_changed(self, event) -> None:
        state = self.state
        if event.new == "profile" and not state.workload:
            state.workload = [f"{b.id}:1" for b in state.benchmarks[:2]]

    # -- showing the answer -----------------------------------------------------------

    def _show(self, *_events) -> None:
        state = self.state
        self._offer_choices()
        self._answer.object = answer_html(state)
        found = state.result
        if found is None:
            return
        notes = [*found.notes]
        self._notes.object = "".join(f"<div>{escape(n)}</div>" for n in notes)
        self._notes.visible = bool(notes) and state.mode != "profile"
        self.chart.show(found.ranked, found.dots, state.lower_is_better, state.unit)
        self._show_scaling(found.scaling)
        self._cards.object = cards_html(found.ranked, state.cards)
        self._spread.object = f"<p>{escape(found.spread)}</p>" if found.spread else ""
        self._python.value = state.snippet(self.sandbox)
        self._code.object = f"<pre style='overflow-x:auto'>{escape(self._python.value)}</pre>"

    def _offer_choices(self) -> None:
        state = self.state
        benchmarks = {
            f"{b.name} ({state.totals.get(b.id, 0):,} results)": b.id for b in state.benchmarks
        }
        if state.benchmarks:  # the largest is the default: "" stands for it
            first = state.benchmarks[0]
            benchmarks = {f"{first.name} ({state.totals.get(first.id, 0):,} results)": "",
                          **{k: v for k, v in benchmarks.items() if v != first.id}}  # fmt: skip
        offer(self._benchmark, benchmarks, state.benchmark_id)
        headline = state.shown_metric if not state.metric else ""
        metrics = {}
        for field in state.metrics:
            if field.path == headline:
                metrics = {f"{field.label} ({field.path})": "", **metrics}
            else:
                metrics[f"{field.label} ({field.path})"] = field.path
        offer(self._metric, metrics, state.metric)
        found = state.result
        groups = list(found.ranked["group"]) if found is not None else []
        middle = found.ranked.loc[found.ranked["verdict"] == "reference", "group"] if found else []
        references = {f"the middle group: {middle.iloc[0]}" if len(middle) and not state.reference
                      else "the middle group": ""}  # fmt: skip
        references.update({g: g for g in sorted(groups)})
        offer(self._reference, references, state.reference)
        configs = state.configs
        keys = list(configs["key"]) if configs is not None and len(configs) > 1 else []
        options = {}
        for i, key in enumerate(keys):
            n = int(configs["n"].iloc[i])
            options[f"{key} ({n} results)" + (" — most common" if i == 0 else "")] = (
                "" if i == 0 else key
            )
        offer(self._configuration, options, state.configuration)
        self._configuration.visible = bool(keys) and state.mode != "profile"
        offer(self._sites, {name: i for i, name in state.sites}, state.site_ids)

    def _scaling_plot(self, data: dict) -> pn.pane.Bokeh:
        self._scaling_source = ColumnDataSource(data)
        plot = figure(height=260, sizing_mode="stretch_width", toolbar_location=None,
                      x_axis_label="vCPUs", y_axis_label="speed-up over the site's smallest",
                      title="Scaling with vCPUs (dashed: ideal)")  # fmt: skip
        plot.scatter(x="vcpus", y="speedup", source=self._scaling_source, size=8,
                     color="colour", legend_field="site")  # fmt: skip
        plot.line(x=[1, 64], y=[1, 64], line_dash="dashed", color="#9e9e9e")
        plot.legend.location = "top_left"
        plot.y_range.start = 0
        return pn.pane.Bokeh(plot, sizing_mode="stretch_width")

    def _show_scaling(self, table) -> None:
        """The scaling plot, in its column while there is one to show: a hidden figure is
        never laid out (the page would never count as loaded), and a Bokeh pane told to
        show again copies the figure's stylesheets, which Panel refuses."""
        if table is None or table.empty:
            self._scaling.objects = []
            return
        palette = ["#0b3d91", "#2e7d32", "#c62828", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037"]
        sites = sorted(table["site"].unique())
        colour = {s: palette[i % len(palette)] for i, s in enumerate(sites)}
        data = {
            "vcpus": list(table["vcpus"]),
            "speedup": list(table["speedup"]),
            "site": [str(s) for s in table["site"]],
            "colour": [colour[s] for s in table["site"]],
        }
        if self._scaling_source is None:
            self._scaling_pane = self._scaling_plot(data)
        else:
            on_page(self._scaling_source, partial(setattr, self._scaling_source, "data", data))
        if not self._scaling.objects:
            self._scaling.objects = [self._scaling_pane]

    # -- a workload -------------------------------------------------------------------

    def _workload_changed(self, event) -> None:
        kept = {item.split(":", 1)[0]: item for item in self.state.workload}
        self.state.workload = [kept.get(b, f"{b}:1") for b in event.new]

    def _show_profile(self, *_events) -> None:
        state = self.state
        profile = state.mode == "profile"
        if profile and self._many is None:
            self._many = self._make_many()
        wanted = self._many if profile else self._one
        if self._shown.objects != [wanted]:
            self._shown.objects = [wanted]
        self._answer.visible = not profile
        self._notes.visible = not profile and bool(self._notes.object)
        for widget in self._single_choices():
            widget.visible = not profile and (
                widget is not self._configuration or self._has_setups()
            )
        if self._many is None:
            return
        names = {b.name: b.id for b in state.benchmarks}
        chosen = [item.partition(":")[0] for item in state.workload]
        if self._picked.options != names or self._picked.value != chosen:
            self._picked.param.update(options=names, value=chosen)
        shown = [(w.benchmark, w.offered) for w in self._weights.objects]
        wanted = [(b, bool(state.workload_metrics.get(b))) for b in chosen]
        if shown != wanted:  # not while a weight is typed in
            self._weights.objects = [self._workload_item(item) for item in state.workload]
        self._coverage.object = coverage_html(state.covered, state.ranked_profile, state.compared)
        if profile:
            self._profile_python.value = state.snippet(self.sandbox)
            code = escape(self._profile_python.value)
            self._profile_code.object = f"<pre style='overflow-x:auto'>{code}</pre>"

    def _workload_item(self, item: str) -> pn.Row:
        """A benchmark of the workload: its weight, and the number it is compared on."""
        benchmark, weight, metric = ([*item.split(":", 2), "", ""])[:3]
        name = next((b.name for b in self.state.benchmarks if b.id == benchmark), benchmark)
        offered = self.state.workload_metrics.get(benchmark, [])
        weigh = pn.widgets.FloatInput(
            label=f"Weight of {name}", value=float(weight or 1), start=0, step=0.5, width=300
        )
        metrics = pn.widgets.Select(
            label="compared on",
            options={"its headline number": "", **{f"{t} ({p})": p for t, p in offered}},
            value=metric if metric in {p for _, p in offered} else "",
            width=240,
            visible=bool(offered),
        )

        def changed(_event) -> None:
            mine = f"{benchmark}:{weigh.value:g}" + (f":{metrics.value}" if metrics.value else "")
            self.state.workload = [
                mine if it.split(":", 1)[0] == benchmark else it for it in self.state.workload
            ]

        weigh.param.watch(changed, "value")
        metrics.param.watch(changed, "value")
        row = pn.Row(weigh, metrics)
        row.benchmark, row.offered = benchmark, bool(offered)
        return row

    # -- the address ------------------------------------------------------------------

    def share_in_url(self) -> None:
        """Keep every choice in the page's address (the explorer keeps its own keys)."""
        keep_in_address(self.state, set(URL_KEYS.values()), list(URL_KEYS))
