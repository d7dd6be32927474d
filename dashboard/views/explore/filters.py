"""The explorer's filters: benchmark, facets with counts, dates, text, JSON conditions."""

from __future__ import annotations

from html import escape

import panel as pn
import param

from dashboard.state.explorer import EVERY_BENCHMARK, ExplorerState
from dashboard.views.alerts import alert
from dashboard.views.base import StateView, choice, offer, with_counts

ALL_BENCHMARKS = "All benchmarks (common columns)"
CHOOSE_BENCHMARK = "Choose a benchmark…"
_FIRST_OPTIONS = {CHOOSE_BENCHMARK: "", ALL_BENCHMARKS: EVERY_BENCHMARK}


def benchmark_label(benchmark) -> str:
    """``image:tag — description``, short enough for a list."""
    description = " ".join(benchmark.description.split())
    if len(description) > 70:
        description = description[:69] + "…"
    return f"{benchmark.name} — {description}" if description else benchmark.name


class ExplorerView(StateView):
    """A region of the explorer; built once, driven by the explorer's state."""

    state = param.ClassSelector(class_=ExplorerState, doc="The explorer's state.")


class BenchmarkChooser(ExplorerView):
    """Pick the benchmark: a search box narrows the list by image, tag or description."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        self.state.param.watch(self._refresh, "benchmarks")
        self._search = pn.widgets.TextInput(
            placeholder="Search benchmarks (image, tag, description)", label="Benchmark"
        )
        self._search.param.watch(self._refresh, "value_input")
        self._select = choice(
            pn.widgets.Select, self.state, "benchmark_id", label="", options=_FIRST_OPTIONS
        )
        self.state.param.watch(self._describe, ["benchmark_id", "benchmarks"])
        self._about = pn.pane.HTML("", margin=(0, 10), styles={"font-size": "0.9em"})
        self._layout = pn.Column(self._search, self._select, self._about)
        self._refresh()

    def _refresh(self, *_events) -> None:
        words = self._search.value_input.lower().split()
        options = dict(_FIRST_OPTIONS)
        for benchmark in self.state.benchmarks:
            haystack = f"{benchmark.name} {benchmark.description}".lower()
            if all(word in haystack for word in words) or benchmark.id == self.state.benchmark_id:
                options[benchmark_label(benchmark)] = benchmark.id
        offer(self._select, options, self.state.benchmark_id)
        self._describe()

    def _describe(self, *_events) -> None:
        chosen = self.state.benchmark
        if chosen:
            about = f"<b>{escape(chosen.name)}</b><br>{escape(chosen.description)}"
        elif self.state.benchmark_id == EVERY_BENCHMARK:
            about = "Every benchmark's results, with the columns they share."
        else:
            count = len(self.state.benchmarks)
            about = f"{count:,} benchmarks to choose from." if count else ""
        self._about.object = about


class FacetFilters(ExplorerView):
    """Sites, flavors (of the chosen sites) and tags, each option with its count."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        state = self.state
        multi = pn.widgets.MultiChoice
        self._sites = choice(multi, state, "site_ids", label="Sites", placeholder="Any site")
        self._flavors = choice(
            multi, state, "flavor_ids", label="Flavors", placeholder="Any flavor"
        )
        self._tags = choice(
            multi, state, "tag_ids", label="Tags (all of them)", placeholder="Any tags"
        )
        state.param.watch(self._refresh, ["counts", "facet_options"])
        self._layout = pn.Column(self._sites, self._flavors, self._tags)
        self._refresh()

    def _refresh(self, *_events) -> None:
        state = self.state
        counts, offered = state.counts, state.facet_options
        flavors = offered.get("flavor", [])
        if state.site_ids:  # flavors within the chosen sites
            at_sites = {f for s in state.site_ids for f in state.flavors_at.get(s, ())}
            flavors = [
                pair for pair in flavors if pair[0] in at_sites or pair[0] in state.flavor_ids
            ]
        for widget, choices, facet, chosen in (
            (self._sites, offered.get("site", []), "site", state.site_ids),
            (self._flavors, flavors, "flavor", state.flavor_ids),
            (self._tags, offered.get("tags", []), "tags", state.tag_ids),
        ):
            offer(widget, with_counts(choices, counts.get(facet, {})), chosen)


class DateAndTextFilters(ExplorerView):
    """Execution and upload date ranges, and free text."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        p = self.state.param
        self._layout = pn.Column(
            pn.pane.Markdown("**Executed** (after / before)", margin=(5, 10, 0, 10)),
            pn.Row(
                pn.widgets.DatePicker.from_param(p.execution_after, label="", width=140),
                pn.widgets.DatePicker.from_param(p.execution_before, label="", width=140),
            ),
            pn.pane.Markdown("**Uploaded** (after / before)", margin=(5, 10, 0, 10)),
            pn.Row(
                pn.widgets.DatePicker.from_param(p.upload_after, label="", width=140),
                pn.widgets.DatePicker.from_param(p.upload_before, label="", width=140),
            ),
            self._search(),
        )

    def _search(self) -> pn.widgets.TextInput:
        """Free text that filters as it is typed: the results, and a link copied at
        once, follow the box, not the last time Enter was pressed."""
        state = self.state
        box = pn.widgets.TextInput(
            value=state.text,
            label="Search",
            placeholder="site, flavor, tag…",
            description="Words every result must mention (site, flavor, tag...)",
        )
        box.param.watch(lambda event: setattr(state, "text", event.new), "value_input")

        def follow(event) -> None:
            if box.value_input != event.new:  # set elsewhere: a link, "Clear all filters"
                box.param.update(value=event.new, value_input=event.new)

        state.param.watch(follow, "text")
        return box


class JsonFilterBuilder(ExplorerView):
    """Conditions on the results' JSON: a field, an operator that fits it, a typed value."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        self._field = pn.widgets.Select(label="Field", options={})
        self._help = pn.pane.HTML("", margin=(0, 10), styles={"font-size": "0.85em"})
        self._op = pn.widgets.Select(label="Operator", options=[], width=90)
        self._value_slot = pn.Column()
        self._add = pn.widgets.Button(label="Add condition", color="primary")
        self._add.on_click(self._on_add)
        self._refused = alert(self.state.param.filter_problem, "warning")
        self._active = pn.Column()
        self._field.param.watch(self._field_changed, "value")
        self.state.param.watch(self._fields_changed, "fields")
        self.state.param.watch(self._show_active, "json_filters")
        self._layout = pn.Column(
            pn.pane.Markdown("**Conditions on the results' JSON**", margin=(5, 10, 0, 10)),
            self._field,
            self._help,
            pn.Row(self._op, self._value_slot),
            self._add,
            self._refused,
            self._active,
        )
        self._fields_changed()
        self._show_active()

    def _fields_changed(self, *_events) -> None:
        usable = [f for f in self.state.fields if f.operators]
        labels = self.state.labels
        self._field.options = {f"{labels[f.path]} ({f.kind})": f.path for f in usable}
        self._field_changed()

    def _field_changed(self, *_events) -> None:
        field = self.state.field(self._field.value) if self._field.value else None
        if field is None:
            self._op.options, self._help.object = [], ""
            self._value_slot.objects = []
            return
        self._op.options = list(field.operators)
        self._help.object = escape(field.description or "No description in the schema.")
        self._value_slot.objects = [self._value_widget(field)]

    @staticmethod
    def _value_widget(field):
        if field.enum:
            return pn.widgets.Select(label="Value", options=list(field.enum))
        if field.kind == "boolean":
            return pn.widgets.Select(label="Value", options=[True, False])
        if field.kind == "integer":
            return pn.widgets.IntInput(label="Value", value=0)
        if field.numeric:
            return pn.widgets.FloatInput(label="Value", value=0.0)
        if field.kind == "datetime":
            return pn.widgets.DatePicker(label="Value")
        return pn.widgets.TextInput(label="Value", placeholder="one word")

    def _on_add(self, _event) -> None:
        if not self._field.value or not self._value_slot.objects:
            self.state.filter_problem = "Choose a field first"
            return
        value = self._value_slot.objects[0].value
        if value is None or value == "":
            self.state.filter_problem = "Give a value to compare with"
            return
        self.state.add_json_filter(self._field.value, self._op.value, value)

    def _show_active(self, *_events) -> None:
        rows = []
        for condition in self.state.json_filters:
            remove = pn.widgets.Button(label="✕", width=40, description="Remove this condition")
            remove.on_click(lambda _e, text=condition: self.state.remove_json_filter(text))
            # a condition's text may come from a link: shown as text, never as markup
            shown = pn.pane.HTML(f"<code>{escape(condition)}</code>", margin=(10, 5))
            rows.append(pn.Row(shown, remove))
        self._active.objects = rows


class LoadProgress(ExplorerView):
    """How far a load is; problems in words."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        state = self.state
        self._bar = pn.indicators.Progress(
            value=0, max=1, visible=state.param.loading, sizing_mode="stretch_width"
        )
        state.param.watch(self._moved, "progress")
        self._text = pn.pane.HTML(
            pn.bind(
                self._describe,
                state.param.loading,
                state.param.progress,
                state.param.filtered,
                state.param.problem,
            ),
            margin=(5, 10),
        )
        self._alert = alert(state.param.problem, "danger")
        self._notice = alert(state.param.notice, "warning")
        self._undo = pn.widgets.Button(
            label="Undo",
            visible=state.param.undo.rx.bool(),
            description="Back to the previous benchmark, with every filter it had",
            width=90,
        )
        self._undo.on_click(lambda _event: state.undo_switch())
        self._nothing = alert(state.param.nothing, "warning")
        self._clear = pn.widgets.Button(
            label="Clear all filters",
            visible=state.param.nothing.rx.bool(),
            width=150,
        )
        self._clear.on_click(lambda _event: state.clear_filters())
        self._every = pn.widgets.Button(
            label="Show every result",
            visible=state.param.result_ids.rx.bool(),
            description="The link names a few results: show all of the benchmark's",
        )
        self._every.on_click(lambda _event: setattr(state, "result_ids", []))
        self._layout = pn.Column(
            pn.Row(self._text, self._every),
            self._bar,
            self._alert,
            pn.Row(self._notice, self._undo, sizing_mode="stretch_width"),
            pn.Row(self._nothing, self._clear, sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )

    def _moved(self, event) -> None:
        done, total = event.new
        top = max(total, 1)
        # in the order that keeps the value within the maximum at each step
        if top >= self._bar.max:
            self._bar.max, self._bar.value = top, min(done, top)
        else:
            self._bar.value, self._bar.max = min(done, top), top

    def _describe(self, loading: bool, progress: tuple[int, int], filtered, problem: str) -> str:
        done, total = progress
        if loading and not self.state.benchmark_id:
            return "Loading the benchmarks…"
        if not self.state.started and self.state.benchmark_id:
            return "Loading results…"  # a link's benchmark, before the page has loaded
        if loading:
            return f"Loading results: {done:,} of {f'{total:,}' if total else '?'} pages"
        if problem:  # the alert says why; no count of what is not there
            return ""
        if not self.state.benchmark_id:
            return "Choose a benchmark to explore its results:"
        named = len(self.state.result_ids)
        only = ""
        if named:
            only = (
                " (only the result the link names)"
                if named == 1
                else (f" (only the {named:,} results the link names)")
            )
        return f"{len(filtered):,} of {len(self.state.population):,} results match{only}"
