"""The results explorer's state: what the user chose, what was loaded, what it leaves.

Strategy: nothing is loaded until a benchmark is chosen (or every benchmark, ``"*"``).
Choosing one reads *all* its results, as one DataFrame the whole server process shares
(:mod:`dashboard.state.shared`: loaded once, page 1 then the others concurrently, with
progress). Every filter, facet count, summary and plot after that is computed in the
session, with the API's own semantics for the filters the API has
(:mod:`dashboard.results`), so a change is instant and the explorer always analyses the
whole population, never one page. Choosing another benchmark while one is loading
stops waiting for that load.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping

import pandas as pd
import param

from dashboard.api import APIError, Benchmark
from dashboard.plots.spec import GROUPS, PLOT_KINDS, default_value
from dashboard.results import filters
from dashboard.results import frame as frames
from dashboard.results.facets import facet_counts, options, site_flavors
from dashboard.results.table import DisplayTable
from dashboard.schema.fields import SchemaField
from dashboard.state.base import ClientState
from dashboard.state.explorer_filters import FILTER_PARAMETERS, FilterChoices, nothing_matches
from dashboard.state.explorer_output import ExplorerOutput
from dashboard.state.links import (
    link_query,
    quoted,
    read_link,
    unoffered_choices,
)
from dashboard.state.shared import SHARED, Loaded

#: The parameters a shared link carries: every choice, none of the loaded data.
URL_PARAMETERS = (
    "benchmark_id",
    *FILTER_PARAMETERS,
    "columns",
    "sort",
    "plot_kind",
    "plot_x",
    "plot_y",
    "plot_group",
    "logx",
    "logy",
    "reference",
    "direction",
)
#: The facets with options to choose from, each with its counts.
FACETS = ("site", "flavor", "tags")
#: The ``benchmark_id`` of every benchmark at once (only the columns all schemas share).
EVERY_BENCHMARK = "*"
#: The least time between two showings of a load's progress (each redraws bar and text).
PROGRESS_EVERY_S = 0.25


def empty_frame() -> pd.DataFrame:
    """The frame of no results, with every column a loaded one has."""
    return frames.results_frame([])


def _date(doc: str) -> param.CalendarDate:
    return param.CalendarDate(default=None, allow_None=True, doc=doc)


class ExplorerState(FilterChoices, ExplorerOutput, ClientState):
    """Everything the results explorer shows, derived from what the user chose."""

    benchmark_id = param.String(
        default="",
        doc=f"The benchmark explored; {EVERY_BENCHMARK!r} for all (their common columns); "
        "empty for none yet (nothing is loaded).",
    )
    site_ids = param.List(default=[], item_type=str, doc="Only results of these sites.")
    flavor_ids = param.List(default=[], item_type=str, doc="Only results of these flavors.")
    tag_ids = param.List(default=[], item_type=str, doc="Only results carrying all these tags.")
    execution_after = _date("Only results executed after this day.")
    execution_before = _date("Only results executed before this day.")
    upload_after = _date("Only results uploaded after this day.")
    upload_before = _date("Only results uploaded before this day.")
    text = param.String(default="", doc="Words every result must mention (site, flavor, tag...).")
    json_filters = param.List(
        default=[], item_type=str, doc='Conditions on the results\' JSON: "path op value".'
    )
    result_ids = param.List(
        default=[], item_type=str, doc="Only these results (a link to what was just uploaded)."
    )
    columns = param.List(default=[], item_type=str, doc="The JSON fields shown as columns.")
    sort = param.String(default="", doc='The table\'s order: "+column" or "-column".')
    plot_kind = param.Selector(default="scatter", objects=list(PLOT_KINDS), doc="Plot type.")
    # None too: a choice widget with nothing to offer yet says None
    plot_x = param.String(
        default="execution_datetime", allow_None=True, doc="The plot's x (scatter, histogram)."
    )
    plot_y = param.String(default="", allow_None=True, doc="The plotted value.")
    plot_group = param.Selector(default="site", objects=list(GROUPS), doc="Colour and groups.")
    logx = param.Boolean(default=False, doc="Logarithmic x axis.")
    logy = param.Boolean(default=False, doc="Logarithmic y axis.")
    reference = param.String(
        default="", allow_None=True, doc="The group every other group is compared with."
    )
    direction = param.Selector(
        default="auto",
        objects=["auto", "lower", "higher"],
        doc="Whether lower or higher values are better (auto: from the schema).",
    )

    sandbox = param.Boolean(default=False, doc="Whether the API read is the embedded sandbox.")
    benchmarks = param.List(default=[], doc="The approved benchmarks to choose from.")
    fields = param.List(default=[], doc="The benchmark's fields: its schema's, then the data's.")
    # Frames of their own per instance: pandas notes each view of a frame on it, and a
    # class default (every session's frames copied from it) kept those notes for good,
    # each small one holding a megabyte of the server's memory after the sessions ended.
    population = param.DataFrame(default_factory=empty_frame, doc="Every result loaded.")
    filtered = param.DataFrame(default_factory=empty_frame, doc="The rows the filters leave.")
    counts = param.Dict(default={}, doc="For each facet, option id → results it would leave.")
    progress = param.Tuple(default=(0, 0), length=2, doc="Pages loaded, pages in all.")
    problem = param.String(default="", doc="Why the last load failed, in words.")
    filter_problem = param.String(default="", doc="Why the last JSON filter was refused.")
    notice = param.String(
        default="", doc="What a link (or the previous benchmark) asked for that was left out."
    )
    nothing = param.String(
        default="", doc="When the filters leave no result: the filters responsible, in words."
    )
    undo = param.Dict(
        default={},
        doc="The choices before the last switch of benchmark, when it left some out "
        "(a link's query: undone by undo_switch).",
    )
    facet_options = param.Dict(
        default={}, doc="For each facet, the (id, name) of each option the results hold."
    )
    flavors_at = param.Dict(default={}, doc="Site id → ids of its flavors among the results.")
    ticked = param.List(
        default=[], item_type=str, doc="Ids of the rows ticked in the table (to compare, report)."
    )
    picked = param.List(
        default=None,
        allow_None=True,
        item_type=str,
        doc="Ids of the results picked in the plot (a box selection); None: no pick.",
    )

    _started = False  # set by start(); a benchmark set before then is loaded by start
    _display: DisplayTable
    _from_link: frozenset[str] = frozenset()  # what a link set, until the load that checks it
    _carried: tuple[str, ...] = ()  # what a load left out before it made way for the next
    _progress_at = 0.0  # when the progress was last shown
    _shown: Loaded | None = None  # the shared copy the population is, or is drawn from
    _rest: asyncio.Task | None = None  # a large load's other columns, awaited
    _before: dict[str, str] | None = None  # the choices before the user switched benchmark
    _linked = URL_PARAMETERS

    def __init__(self, client, **params) -> None:
        super().__init__(client, **params)
        self._display = DisplayTable()
        self.param.watch(self._switching, "benchmark_id")

    # -- a shared link --------------------------------------------------------------

    def restore(self, query: Mapping[str, str]) -> None:
        """Take the choices of a shared link (the URL's query values, as text).

        Each value is read as its parameter's type here, and checked against what the
        widgets could offer once the results are loaded; what fails is left out and
        said in ``notice``.
        """
        values, refused = read_link(self.param, query, URL_PARAMETERS)
        with param.parameterized.batch_call_watchers(self):
            for name, value in values.items():
                try:
                    setattr(self, name, value)
                except ValueError as error:  # the parameter's own bounds
                    refused.append(f"{name} {quoted(query[name])} ({error})")
        self._from_link = frozenset(values)
        self._carried = tuple(refused)
        self._before = None  # the link's choice of benchmark, not the user's switch
        if refused:
            self.notice = self._left_out(refused)

    def url_query(self) -> dict[str, str]:
        """The query of a link to this view: every choice that differs from the default."""
        return link_query(self, URL_PARAMETERS)

    @staticmethod
    def _left_out(what: list[str] | tuple[str, ...]) -> str:
        return "Left out, as nothing here offers it: " + "; ".join(what) + "."

    # -- loading --------------------------------------------------------------------

    @property
    def started(self) -> bool:
        """Whether :meth:`start` was called (the first load is under way or done)."""
        return self._started

    async def start(self) -> None:
        """Load the benchmarks to choose from, then the chosen one's results."""
        self._started = True
        await self._work.run(self._load())

    @param.depends("benchmark_id", watch=True)
    async def reload(self) -> None:
        """Load every result of the chosen benchmark (or of all benchmarks).

        A shared link sets the benchmark before the page has loaded: ``start`` loads it then.
        """
        if self._started:
            await self._work.run(self._load())

    async def retry(self) -> None:
        """Load again if the last load failed (the API could not be reached, say)."""
        if self.problem and self._started:
            await self._work.run(self._load())

    async def _load(self) -> None:
        # what a link asked for and could not have stays said until the load adds its own
        self.param.update(progress=(0, 0), problem="", notice=self.notice if self._carried else "")
        if not self.benchmarks:  # the schemas give the columns: they come first
            try:
                self.benchmarks = await self.client.benchmarks.all()
            except APIError as error:
                self.param.update(problem=f"Could not load the benchmarks: {error}")
                self._emptied()
                return
        if self.benchmark_id not in ("", EVERY_BENCHMARK) and self.benchmark is None:
            # no such (approved) benchmark: none chosen, as on a page opened without a link
            self._carried = (
                *self._carried,
                f"the benchmark {quoted(self.benchmark_id)} (no such benchmark)",
            )
            self.benchmark_id = ""
            return
        if not self.benchmark_id:  # nothing chosen: nothing loaded
            SHARED.release(self)
            self._emptied()
            self.param.update(
                fields=[], notice=self._left_out(self._carried) if self._carried else ""
            )
            self._carried = ()
            return
        try:
            loaded = await SHARED.get(
                self.client,
                self.api_benchmark_id,
                self.benchmarks,
                holder=self,
                progress=self._told,
            )
        except APIError as error:
            self.problem = f"Could not load the results: {error}"
            self._emptied()
            return
        self._show(loaded)

    def _show(self, loaded: Loaded) -> None:
        """The loaded results in place of the previous ones, a link's choices checked."""
        from_link, self._from_link = self._from_link, frozenset()
        before, self._before = self._before, None
        switched = before is not None and "benchmark_id" not in from_link
        fields, population = loaded.fields, loaded.population
        # What no widget could offer for these results is left out, and said; after a
        # switch, so is what was meant for the other benchmark and meets none of these.
        changes, dropped = unoffered_choices(
            {name: getattr(self, name) for name in URL_PARAMETERS},
            fields,
            population,
            from_link=from_link,
            switched=switched,
        )
        if switched and dropped:
            self.undo = before
        dropped, self._carried = [*self._carried, *dropped], ()
        with param.parameterized.batch_call_watchers(self):
            self.param.update(fields=fields, population=population, **changes)
            if not self.columns:
                suggested = [f.path for f in fields if f.suggested]
                self.columns = suggested or [f.path for f in fields[:6]]
            if not self._numeric(self.plot_y):
                self.plot_y = default_value(fields, population)
            if not self._numeric(self.plot_x):
                self.plot_x = "execution_datetime"
            if self.undo:
                self.notice = "Not carried over to this benchmark: " + "; ".join(dropped) + "."
            else:
                self.notice = self._left_out(dropped) if dropped else ""
            # in the same batch: no view sees the new results with the previous rows left
            self.refilter()
        self._shown = loaded
        if loaded.later:  # a large load: its other columns are made once this is shown
            self._rest = asyncio.ensure_future(self._completed(loaded))

    async def _completed(self, loaded: Loaded) -> None:
        """The same rows, with the columns the first screen went without."""
        full = await asyncio.shield(SHARED.complete(loaded))
        if self._shown is not loaded or full is loaded:
            return  # another load since, or the columns could not be made
        population = full.population
        if self.population is not loaded.population:  # results forgotten since
            population = population[population["id"].isin(self.population["id"])]
        self._shown = full
        self.param.update(population=population, filtered=filters.apply(population, self.filters()))

    async def settled(self) -> None:
        """Until a large load's columns are all made (at once if they are)."""
        if self._rest is not None:
            await asyncio.shield(self._rest)  # a caller that stops waiting leaves it be

    def _emptied(self) -> None:
        """After a failed load: nothing loaded, rather than the previous benchmark's rows."""
        empty = empty_frame()
        self._shown = None
        self.param.update(population=empty, filtered=empty, counts={})

    def _told(self, done: int, total: int) -> None:
        """Progress of the load, shown at most a few times a second (and at its end)."""
        now = time.monotonic()
        if done >= total or now - self._progress_at >= PROGRESS_EVERY_S:
            self._progress_at = now
            self.progress = (done, total)

    def stop(self) -> None:
        """Cancel the work under way and let go of the shared results (the session ends)."""
        super().stop()
        if self._rest is not None:
            self._rest.cancel()
        SHARED.release(self)

    @property
    def api_benchmark_id(self) -> str:
        """The ``benchmark_id`` the API is asked for: "" for every benchmark (or none)."""
        return "" if self.benchmark_id == EVERY_BENCHMARK else self.benchmark_id

    @property
    def benchmark(self) -> Benchmark | None:
        """The chosen benchmark's record."""
        return next((b for b in self.benchmarks if b.id == self.benchmark_id), None)

    def field(self, path: str) -> SchemaField | None:
        """The field at ``path`` (a JSON path, without the ``json.`` prefix)."""
        return next((f for f in self.fields if f.path == path), None)

    def _numeric(self, path: str) -> bool:
        field = self.field(path)
        return bool(field and field.numeric)

    # -- filtering ------------------------------------------------------------------

    def forget(self, ids: list[str]) -> None:
        """Drop results the service no longer lists (one just reported, say)."""
        population = self.population
        self.param.update(
            population=population[~population["id"].isin(ids)],
            ticked=[key for key in self.ticked if key not in ids],
        )
        self.refilter()

    @param.depends(*FILTER_PARAMETERS, watch=True)
    def refilter(self) -> None:
        """Recompute the rows left and every facet's counts (a pick in the plot was
        made among other rows: it goes)."""
        chosen = self.filters()
        frame = self.population
        left = filters.apply(frame, chosen)
        self.param.update(
            filtered=left,
            counts={facet: facet_counts(frame, chosen, facet) for facet in FACETS},
            picked=None,
            nothing="" if len(left) else nothing_matches(frame, chosen),
        )

    @param.depends("population", watch=True)
    def _catalogue(self) -> None:
        """The options each facet offers: those present among the results loaded."""
        frame = self.population
        flavors_at: dict[str, list[str]] = {}
        for site_id, flavor_id in site_flavors(frame):
            flavors_at.setdefault(site_id, []).append(flavor_id)
        self.param.update(
            facet_options={facet: options(frame, facet) for facet in FACETS},
            flavors_at=flavors_at,
        )
