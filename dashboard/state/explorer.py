"""The results explorer's state: what the user chose, what was loaded, what it leaves.

Strategy: choosing a benchmark loads *all* its results once (page 1, then the other
pages concurrently, with progress), into one DataFrame. Every filter, facet count,
summary and plot after that is computed in the session, with the API's own
semantics for the filters the API has (:mod:`dashboard.frames`), so a change is
instant and the explorer always analyses the whole population, never one page.
Choosing another benchmark while one is loading cancels that load.
"""

from __future__ import annotations

import asyncio
import json
import shlex
from collections.abc import Mapping
from datetime import date
from urllib.parse import urlencode

import pandas as pd
import param

from .. import filters, frames, summaries
from ..api import APIError, Benchmark, InvalidQuery, JsonFilter
from ..api.query import encode_params
from ..fields import SchemaField, field_labels, fields_from_data, merge_fields
from ..filters import Filters
from ..plots import GROUPS, PLOT_KINDS, PlotSpec
from ..schema import flatten_schema
from .links import condition_problem, quoted, read_link, unoffered_choices
from .tasks import ClientState

#: The parameters a shared link carries: every choice, none of the loaded data.
URL_PARAMETERS = (
    "benchmark_id",
    "site_ids",
    "flavor_ids",
    "tag_ids",
    "execution_after",
    "execution_before",
    "upload_after",
    "upload_before",
    "text",
    "json_filters",
    "result_ids",
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

FILTER_PARAMETERS = URL_PARAMETERS[1:11]


def _plain(value):
    """A query value as plain Python a reader can paste: text, numbers, lists of text."""
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, JsonFilter | date):
        return str(value) if isinstance(value, JsonFilter) else value.isoformat()
    return value


def _default_value(fields: list[SchemaField], population: pd.DataFrame) -> str:
    """The field plotted first: one the schema suggests, else one that varies, results'
    own figures (``result.*``) first, else any number; "" without numbers."""

    def varies(path: str) -> bool:
        column = f"json.{path}"
        return column in population and population[column].nunique() > 1

    numeric = [f for f in fields if f.numeric]
    ranked = sorted(
        numeric,
        key=lambda f: (not f.suggested, not varies(f.path), not f.path.startswith("result")),
    )
    return ranked[0].path if ranked else ""


def _date(doc: str) -> param.CalendarDate:
    return param.CalendarDate(default=None, allow_None=True, doc=doc)


class ExplorerState(ClientState):
    """Everything the results explorer shows, derived from what the user chose."""

    benchmark_id = param.String(
        default="", doc="The benchmark explored; empty for all benchmarks (common columns)."
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

    benchmarks = param.List(default=[], doc="The approved benchmarks to choose from.")
    fields = param.List(default=[], doc="The benchmark's fields: its schema's, then the data's.")
    population = param.DataFrame(default=frames.results_frame([]), doc="Every result loaded.")
    filtered = param.DataFrame(default=frames.results_frame([]), doc="The rows the filters leave.")
    counts = param.Dict(default={}, doc="For each facet, option id → results it would leave.")
    progress = param.Tuple(default=(0, 0), length=2, doc="Pages loaded, pages in all.")
    problem = param.String(default="", doc="Why the last load failed, in words.")
    filter_problem = param.String(default="", doc="Why the last JSON filter was refused.")
    notice = param.String(
        default="", doc="What a link (or the previous benchmark) asked for that was left out."
    )

    _started = False  # set by start(); a benchmark set before then is loaded by start
    _from_link: frozenset[str] = frozenset()  # what a link set, until the load that checks it
    _carried: tuple[str, ...] = ()  # what a load left out before it made way for the next

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
        if refused:
            self.notice = self._left_out(refused)

    def url_query(self) -> dict[str, str]:
        """The query of a link to this view: every choice that differs from the default."""
        query = {}
        for name in URL_PARAMETERS:
            value = getattr(self, name)
            if value == self.param[name].default or value is None:
                continue
            if isinstance(value, date):
                query[name] = value.isoformat()
            elif isinstance(value, bool | list):
                query[name] = json.dumps(value)
            else:
                query[name] = str(value)
        return query

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
        if self.benchmark_id and self.benchmark is None:
            # no such (approved) benchmark: all benchmarks instead, which its own load shows
            self._carried = (
                *self._carried,
                f"the benchmark {quoted(self.benchmark_id)} (no such benchmark)",
            )
            self.benchmark_id = ""
            return
        query = {"benchmark_id": self.benchmark_id} if self.benchmark_id else {}
        try:
            results = await self.client.results.all(
                progress=lambda done, total: setattr(self, "progress", (done, total)), **query
            )
        except APIError as error:
            self.problem = f"Could not load the results: {error}"
            self._emptied()
            return
        from_link, self._from_link = self._from_link, frozenset()
        fields = self._fields_for(results)
        paths = [field.path for field in fields]
        # Building 100,000 rows takes a moment: keep the server's loop free meanwhile.
        population = await asyncio.to_thread(frames.results_frame, results, paths)
        # What no widget could offer for these results is left out, and said.
        changes, dropped = unoffered_choices(
            {name: getattr(self, name) for name in URL_PARAMETERS},
            fields,
            population,
            from_link=from_link,
        )
        dropped, self._carried = [*self._carried, *dropped], ()
        with param.parameterized.batch_call_watchers(self):
            self.param.update(fields=fields, population=population, **changes)
            if not self.columns:
                self.columns = [f.path for f in fields if f.suggested] or paths[:6]
            if not self._numeric(self.plot_y):
                self.plot_y = _default_value(fields, population)
            if not self._numeric(self.plot_x):
                self.plot_x = "execution_datetime"
            self.notice = self._left_out(dropped) if dropped else ""
        self.refilter()

    def _emptied(self) -> None:
        """After a failed load: nothing loaded, rather than the previous benchmark's rows."""
        empty = frames.results_frame([])
        self.param.update(population=empty, filtered=empty, counts={})

    def _fields_for(self, results) -> list[SchemaField]:
        data_fields = fields_from_data(result.json for result in results)
        if self.benchmark_id:
            benchmark = self.benchmark
            schema = benchmark.json_schema if benchmark else {}
            return merge_fields(flatten_schema(schema), data_fields)
        # all benchmarks: only the fields every benchmark's schema has
        schemas = [flatten_schema(b.json_schema) for b in self.benchmarks]
        common = set.intersection(*({f.path for f in s} for s in schemas)) if schemas else set()
        return [f for f in schemas[0] if f.path in common] if schemas else []

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

    def filters(self) -> Filters:
        """The current filters (JSON filters that no longer parse are left out)."""
        parsed = []
        for text in self.json_filters:
            try:
                parsed.append(JsonFilter.parse(text))
            except InvalidQuery:
                continue
        return Filters(
            site_ids=frozenset(self.site_ids),
            flavor_ids=frozenset(self.flavor_ids),
            tag_ids=frozenset(self.tag_ids),
            execution_after=self.execution_after,
            execution_before=self.execution_before,
            upload_after=self.upload_after,
            upload_before=self.upload_before,
            json_filters=tuple(parsed),
            text=self.text,
            result_ids=frozenset(self.result_ids),
        )

    def forget(self, ids: list[str]) -> None:
        """Drop results the service no longer lists (one just reported, say)."""
        population = self.population
        self.population = population[~population["id"].isin(ids)]
        self.refilter()

    @param.depends(*FILTER_PARAMETERS, watch=True)
    def refilter(self) -> None:
        """Recompute the rows left and every facet's counts."""
        chosen = self.filters()
        frame = self.population
        self.param.update(
            filtered=filters.apply(frame, chosen),
            counts={
                facet: summaries.facet_counts(frame, chosen, facet)
                for facet in ("site", "flavor", "tags")
            },
        )

    def add_json_filter(self, path: str, op: str, value) -> bool:
        """Add a JSON filter if it fits the field; else say why in ``filter_problem``."""
        if isinstance(value, date):
            value = value.isoformat()
        problem = condition_problem(self.field(path), path, op, value)
        if problem:
            return self._refuse(problem)
        try:
            condition = JsonFilter(path, op, value)
        except InvalidQuery as error:
            return self._refuse(str(error))
        text = str(condition)
        if text not in self.json_filters:
            self.json_filters = [*self.json_filters, text]
        self.filter_problem = ""
        return True

    def _refuse(self, message: str) -> bool:
        self.filter_problem = message
        return False

    def remove_json_filter(self, text: str) -> None:
        """Drop one JSON filter."""
        self.json_filters = [existing for existing in self.json_filters if existing != text]

    # -- what the views show ----------------------------------------------------------

    def plot_spec(self) -> PlotSpec:
        """The plot the current settings ask for."""
        labels = {f"json.{path}": label for path, label in field_labels(self.fields).items()}
        x = (
            f"json.{self.plot_x}"
            if self.plot_x and self.plot_x != "execution_datetime"
            else ("execution_datetime")
        )
        return PlotSpec(
            kind=self.plot_kind,
            x=x,
            y=f"json.{self.plot_y}" if self.plot_y else "",
            group=self.plot_group,
            logx=self.logx,
            logy=self.logy,
            labels=labels,
        )

    def lower_is_better(self) -> bool:
        """The direction for comparisons: the user's choice, else the schema's, else lower."""
        if self.direction != "auto":
            return self.direction == "lower"
        field = self.field(self.plot_y) if self.plot_y else None
        known = field.lower_is_better if field else None
        return True if known is None else known

    def summary(self) -> pd.DataFrame:
        """Per group of the plot: n, median, IQR, min, max of the plotted value; and, with
        a reference group, every group's speed-up or slow-down against it."""
        column = f"json.{self.plot_y}"
        if not self.plot_y or self.filtered.empty or column not in self.filtered.columns:
            return pd.DataFrame()
        by = "site" if self.plot_group == "site" else self.plot_group
        summary = summaries.group_summary(self.filtered, column, by)
        if self.reference and self.reference in set(summary.index):
            return summaries.relative_to(summary, self.reference, self.lower_is_better())
        return summary

    def query_code(self) -> tuple[str, str]:
        """A Python snippet with our client, and a curl line, reproducing the query."""
        query = self.filters().api_query()
        if self.benchmark_id:
            query = {"benchmark_id": self.benchmark_id, **query}
        query = {
            name: _plain(value) for name, value in query.items() if value not in (None, [], ())
        }
        arguments = ", ".join(f"{name}={value!r}" for name, value in query.items())
        python = (
            "from dashboard.api import SyncClient\n\n"
            f"with SyncClient({self.client.base_url!r}) as client:\n"
            f"    results = client.results.all({arguments})\n"
        )
        params = encode_params({**query, "per_page": 100, "page": 1})
        url = f"{self.client.base_url}/results?{urlencode(params)}"
        curl = f"curl -s {shlex.quote(url)}"
        return python, curl
