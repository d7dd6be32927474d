"""``ResultsExplorer``: filters, table, linked plots and comparison, in one Viewer."""

from __future__ import annotations

import asyncio

import panel as pn
import param

from dashboard.state import SessionState
from dashboard.state.explorer import (
    FILTER_PARAMETERS,
    URL_PARAMETERS,
    ExplorerState,
    empty_frame,
)
from dashboard.views.base import keep_in_address
from dashboard.views.copy import copy_button
from dashboard.views.explore.claim import ClaimPanel
from dashboard.views.explore.filters import (
    BenchmarkChooser,
    DateAndTextFilters,
    FacetFilters,
    JsonFilterBuilder,
    LoadProgress,
)
from dashboard.views.explore.menu import BenchmarkMenu
from dashboard.views.explore.plots import Comparison, PlotsPanel
from dashboard.views.explore.table import ResultsTable


def compare_label(ticked: int) -> str:
    """The compare button's words for this many ticked rows."""
    if ticked >= 2:
        return f"Compare {ticked:,} ticked results"
    return "Tick one more row to compare" if ticked == 1 else "Tick rows to compare"


class ResultsExplorer(pn.viewable.Viewer):
    """Explore every result of a benchmark: filter, tabulate, plot, compare, export; and,
    given the ``session``, report a result.

    In a notebook (after ``pn.extension("tabulator")``), see :func:`dashboard.explorer`::

        explorer = ResultsExplorer(ExplorerState(client=PerfClient(url)))
        explorer            # the widgets
        explorer.value      # the filtered results, a pandas DataFrame
    """

    value = param.DataFrame(default_factory=empty_frame, doc="The results the filters leave.")

    def __init__(self, state: ExplorerState, session: SessionState | None = None, **params):
        super().__init__(**params)
        self.state = state
        self.benchmark = BenchmarkChooser(state=state)
        self.progress = LoadProgress(state=state)
        self._session = session
        self._main: pn.Column | None = None
        state.param.watch(lambda event: setattr(self, "value", event.new), "filtered")
        self._narrowing: list | None = None  # the filters, once a benchmark is chosen
        self.filters = pn.Column(self.benchmark, sizing_mode="stretch_width", min_width=260)
        # Before a benchmark is chosen nothing is loaded: the benchmarks to choose from,
        # not empty plot and table controls. The one or the other is in the page, not
        # both with one hidden: a table first drawn hidden shows no new columns later.
        self._menu: BenchmarkMenu | None = None
        self._body = pn.Column(sizing_mode="stretch_width")
        state.param.watch(self._show_body, "benchmark_id")
        self._show_body()
        #: What the explorer shows beside its filters (a page template puts the filters
        #: in its sidebar, this in the main area).
        self.content = pn.Column(self.progress, self._body, sizing_mode="stretch_width")
        self._layout = pn.Row(
            pn.Column(self.filters, width=330), self.content, sizing_mode="stretch_width"
        )

    @property
    def main(self) -> pn.Column:
        """Plots, table, comparison (and claims): built when a benchmark is first chosen.
        Before that the page shows the benchmarks, and a new visitor's first page costs
        the server a third less without them."""
        return self._built()._main

    @property
    def table(self) -> ResultsTable:
        return self._built()._table

    @property
    def plots(self) -> PlotsPanel:
        return self._built()._plots

    @property
    def comparison(self) -> Comparison:
        return self._built()._comparison

    @property
    def menu(self) -> BenchmarkMenu:
        """The benchmarks to choose from (built when first shown)."""
        if self._menu is None:
            self._menu = BenchmarkMenu(state=self.state)
        return self._menu

    @property
    def facets(self) -> FacetFilters:
        return self._filters()[1]

    @property
    def dates(self) -> DateAndTextFilters:
        return self._filters()[2]

    @property
    def conditions(self) -> JsonFilterBuilder:
        return self._filters()[3]

    def _filters(self) -> list:
        if self._narrowing is None:
            state = self.state
            clear = pn.widgets.Button(
                label="Clear all filters",
                description="Every result of the benchmark: no site, flavor, tag, date, "
                "search or condition",
                sizing_mode="stretch_width",
                css_classes=["clear-filters"],
            )
            clear.on_click(lambda _event: state.clear_filters())
            state.param.watch(
                lambda _event: setattr(clear, "disabled", not state.narrowed),
                list(FILTER_PARAMETERS),
            )
            clear.disabled = not state.narrowed
            self._narrowing = [
                clear,
                FacetFilters(state=state),
                DateAndTextFilters(state=state),
                JsonFilterBuilder(state=state),
            ]
        return self._narrowing

    def _built(self) -> ResultsExplorer:
        if self._main is None:
            self._main = self._build_main()
        return self

    def _build_main(self) -> pn.Column:
        state = self.state
        self._table = ResultsTable(state=state)
        self._plots = PlotsPanel(state=state)
        self._comparison = Comparison(state=state)
        compare = pn.widgets.Button(label=compare_label(0), color="primary", disabled=True)
        compare.on_click(lambda _event: self._comparison.show(state.ticked))
        actions = [compare]
        # The report form is made when first asked for: few visitors report a result.
        self._claim_slot = pn.Column(sizing_mode="stretch_width")
        self._claim: ClaimPanel | None = None
        report = pn.widgets.Button(label="Report…", disabled=True, width=110)
        report.on_click(lambda _event: self._report())
        if self._session is not None:
            actions.append(report)

        def count_ticked(event) -> None:
            compare.param.update(label=compare_label(len(event.new)), disabled=len(event.new) < 2)
            report.disabled = len(event.new) != 1

        state.param.watch(count_ticked, "ticked")
        # What acts on the rows sits right above them: tick, then compare, report, export.
        bar = pn.FlexBox(
            *actions,
            *self._table.exports,
            copy_button("Copy link", width=110),
            align_items="center",
            sizing_mode="stretch_width",
        )
        results = [self._table.columns_choice, bar, self._comparison, self._claim_slot]
        main = pn.Column(
            pn.Card(self._plots, title="Plot and summary", sizing_mode="stretch_width"),
            pn.Card(
                pn.Column(*results, self._table, sizing_mode="stretch_width"),
                title="Results",
                sizing_mode="stretch_width",
            ),
            pn.Card(
                self._table.code,
                title="These results in Python or curl",
                sizing_mode="stretch_width",
            ),
            sizing_mode="stretch_width",
        )
        return main

    def _report(self) -> None:
        """The report form, under the bar of actions (made on its first use)."""
        if self._claim is None:
            self._claim = ClaimPanel(state=self.state, session=self._session)
            self._claim.open()
            self._claim_slot.objects = [self._claim]
        else:
            self._claim.open()

    def _show_body(self, *_events) -> None:
        chosen = bool(self.state.benchmark_id)
        shown = self.main if chosen else self.menu
        if self._body.objects != [shown]:
            self._body.objects = [shown]
        # no filters for nothing: they come with the benchmark's results
        if (len(self.filters) > 1) != chosen:  # (Panel holds each view's own layout)
            self.filters.objects = [self.benchmark, *(self._filters() if chosen else ())]

    async def loaded(self, timeout: float = 120.0) -> None:
        """Wait until the results of the current choice are loaded, every column of them
        (in a notebook cell)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self.state.loading or not self.state.started:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"the results did not load within {timeout:.0f} s")
            await asyncio.sleep(0.05)
        left = max(deadline - asyncio.get_running_loop().time(), 0.0)
        try:
            await asyncio.wait_for(self.state.settled(), left)
        except TimeoutError:
            raise TimeoutError(f"the results did not load within {timeout:.0f} s") from None

    def share_in_url(self) -> None:
        """Keep every choice in the page's URL, so a link restores this exact view.

        The link's own values go through the state's checks (:meth:`ExplorerState.restore`),
        the same as a click's; from then on every change is written to the URL.
        """
        keep_in_address(self.state, URL_PARAMETERS, list(URL_PARAMETERS))

    def __panel__(self):
        return self._layout
