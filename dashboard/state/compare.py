"""The Compare view's state: where to run, answered on the first screen.

With no choice made it answers at once: the benchmark with the most results, its
headline metric, every site + flavor ranked against the middle one. Each choice (the
benchmark, the metric and its direction, the reference, the configuration, per core or
per GPU, the sites, a workload of several benchmarks) recomputes from the results every
session shares (:mod:`dashboard.state.shared`), loaded once; the statistics are
:mod:`dashboard.results.where`'s and :mod:`dashboard.results.ranking`'s, the same code
as the notebook client's ``compare()`` and ``profile()``.

Every choice is in the page's address under its own key (:data:`URL_KEYS`: the explorer
has its own), read back through the same checks as a click: what nothing offers is left
out and said.
"""

from __future__ import annotations

import asyncio
import math
import weakref
from collections.abc import Mapping

import pandas as pd
import param

from dashboard.api import APIError, Benchmark
from dashboard.results.export import compare_snippet, profile_snippet, ranking_csv
from dashboard.results.profile import coverage, profile
from dashboard.results.ranking import rank_groups
from dashboard.results.where import PER, Answer, Prepared, answer, prepare
from dashboard.serving import in_worker
from dashboard.state.base import ClientState
from dashboard.state.links import link_query, quoted, read_link
from dashboard.state.shared import SHARED, Loaded

__all__ = ["URL_KEYS", "CompareState"]

#: Each choice's key in the page's address.
URL_KEYS = {
    "benchmark_id": "compare",
    "metric": "metric",
    "direction": "better",
    "reference": "baseline",
    "configuration": "setup",
    "per": "per",
    "site_ids": "at",
    "mode": "view",
    "workload": "workload",
}


#: What each shared copy's answers need, made once for every session (see ``_prepare``).
_PREPARED: weakref.WeakKeyDictionary[Loaded, Prepared] = weakref.WeakKeyDictionary()


def _about(loaded: Loaded, prepared: Prepared) -> tuple[list[tuple[str, str]], str]:
    """The sites among a copy's results, by name, and its headline metric."""
    return list(prepared.sites), prepared.headline


class _Holder:
    """What holds one benchmark's shared copy (a workload holds several at once)."""


def _metrics(workload: list[str]) -> dict[str, str]:
    """Each workload item's metric (``"id:weight:path"``), where it names one."""
    found = {}
    for item in workload:
        parts = item.split(":", 2)
        if len(parts) == 3 and parts[2]:
            found[parts[0]] = parts[2]
    return found


def _weights(workload: list[str]) -> dict[str, float]:
    """``["id:2", "id2", "id3:1:result.score"]`` as ``{"id": 2.0, "id2": 1.0, "id3":
    1.0}`` (a third part is the benchmark's metric); ValueError names a bad one."""
    found = {}
    for item in workload:
        benchmark, _, weight = item.partition(":")
        weight = weight.split(":", 1)[0]
        try:
            value = float(weight) if weight else 1.0
        except ValueError:
            raise ValueError(f"the weight of {quoted(item)} is not a number") from None
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"the weight of {quoted(item)} is not a positive number")
        found[benchmark] = value
    return found


class CompareState(ClientState):
    """The choices of the Compare view and the answer they give."""

    benchmark_id = param.String(
        default="", allow_None=True, doc="The benchmark compared (default: most results)."
    )
    metric = param.String(
        default="", allow_None=True, doc="The JSON path compared (default: the headline one)."
    )
    direction = param.Selector(
        default="auto", objects=["auto", "lower", "higher"], doc="Which is better (auto: schema)."
    )
    reference = param.String(
        default="", allow_None=True, doc="The group compared with (default: the middle one)."
    )
    configuration = param.String(
        default="", allow_None=True, doc="The set-up compared (default: most common)."
    )
    per = param.Selector(default="result", objects=list(PER), doc="Per result, core or GPU.")
    site_ids = param.List(default=[], item_type=str, doc="Only these sites (none: every one).")
    mode = param.Selector(default="ranking", objects=["ranking", "profile"], doc="One or many.")
    workload = param.List(
        default=[], item_type=str, doc='The workload\'s benchmarks and weights: "id:weight".'
    )

    benchmarks = param.List(default=[], doc="The approved benchmarks, most results first.")
    totals = param.Dict(default={}, doc="Benchmark id → its results, as the API counts them.")
    metrics = param.List(default=[], doc="The benchmark's numeric fields (SchemaField).")
    lower_is_better = param.Boolean(default=True, doc="The direction in force.")
    unit = param.String(default="", doc="The metric's unit, as the schema says it.")
    shown_metric = param.String(default="", doc="The metric compared (the chosen or headline).")
    result = param.Parameter(default=None, doc="The ranking's Answer (results.where).")
    configs = param.DataFrame(default=None, allow_None=True, doc="The configurations found.")
    cards = param.Dict(default={}, doc="Group → its MachineCard.")
    sites = param.List(default=[], doc="(id, name) of the sites among the results.")
    ranked_profile = param.DataFrame(default=None, allow_None=True, doc="The workload ranking.")
    workload_metrics = param.Dict(
        default={}, doc="Benchmark id → (label, path) of each number its workload item can compare."
    )
    covered = param.DataFrame(default=None, allow_None=True, doc="Group × benchmark: results.")
    compared = param.DataFrame(
        default=None, allow_None=True, doc="Group × benchmark: results of the set-up compared."
    )
    problem = param.String(default="", doc="Why the last load failed, in words.")
    notice = param.String(default="", doc="What a link asked for that nothing offers.")

    def __init__(self, client, **params) -> None:
        super().__init__(client, **params)
        self._holders: dict[str, _Holder] = {}
        self._started = False
        self._stopped = False  # the session ended: no load starts again
        self._refused: list[str] = []

    # -- the address ------------------------------------------------------------------

    def restore(self, query: Mapping[str, str]) -> None:
        """Take a link's choices (checked again once the results are loaded)."""
        named = {name: query[key] for name, key in URL_KEYS.items() if key in query}
        values, refused = read_link(self.param, named, URL_KEYS)
        if "workload" in values:
            try:
                _weights(values["workload"])
            except ValueError as error:
                refused.append(str(error))
                del values["workload"]
        with param.parameterized.discard_events(self):  # start() answers them all
            for name, value in values.items():
                try:
                    setattr(self, name, value)
                except ValueError as error:
                    refused.append(f"{URL_KEYS[name]} {quoted(named[name])} ({error})")
        self._refused = refused

    def url_query(self) -> dict[str, str]:
        """Every choice that differs from its default, under its key in the address."""
        return {URL_KEYS[name]: value for name, value in link_query(self, URL_KEYS).items()}

    # -- loading ----------------------------------------------------------------------

    async def start(self) -> None:
        """Load the benchmarks and their counts, then answer."""
        if self._stopped:
            return
        self._started = True
        await self._work.run(self._load())

    @property
    def started(self) -> bool:
        """Whether :meth:`start` was called (the first answer is under way or in)."""
        return self._started

    async def settled(self) -> None:
        """Wait until the answer to the latest choice is in."""
        while self.loading:
            await asyncio.sleep(0.01)

    @param.depends(
        "benchmark_id", "metric", "direction", "reference", "configuration", "per",
        "site_ids", "mode", "workload", watch=True,
    )  # fmt: skip
    def _asked(self) -> None:
        # The answer's work is only scheduled when a choice's setter returns: busy from
        # now, so that settled() waits for it rather than returning the previous answer.
        if self._started and not self._stopped:
            self.loading = True

    @param.depends(
        "benchmark_id", "metric", "direction", "reference", "configuration", "per",
        "site_ids", "mode", "workload", watch=True,
    )  # fmt: skip
    async def _changed(self) -> None:
        if self._started and not self._stopped:
            await self._work.run(self._load())

    async def _load(self) -> None:
        self.problem = ""
        try:
            if not self.benchmarks:
                await self._catalogue()
            if self.mode == "profile":
                await self._profile()
            else:
                await self._ranking()
        except APIError as error:
            self.problem = f"Could not load the results: {error}"
        if self._refused:
            self.notice = "Left out, as nothing here offers it: " + "; ".join(self._refused) + "."
            self._refused = []

    async def _catalogue(self) -> None:
        benchmarks = await self.client.benchmarks.all()
        pages = await asyncio.gather(
            *(self.client.results.list(benchmark_id=b.id, per_page=1) for b in benchmarks)
        )
        totals = {b.id: page.total for b, page in zip(benchmarks, pages, strict=True)}
        ordered = sorted(benchmarks, key=lambda b: (-totals[b.id], b.name))
        self.param.update(benchmarks=ordered, totals=totals)

    def _benchmark(self, benchmark_id: str) -> Benchmark | None:
        return next((b for b in self.benchmarks if b.id == benchmark_id), None)

    async def _prepare(self, benchmark_id: str) -> tuple[Loaded, Prepared]:
        """A benchmark's shared results, whole, and what every answer of them needs
        (made once per copy, for every session)."""
        holder = self._holders.setdefault(benchmark_id, _Holder())
        loaded = await SHARED.get(self.client, benchmark_id, self.benchmarks, holder=holder)
        if self._stopped:  # ended while the copy came: it is not held
            SHARED.release(holder)
            raise asyncio.CancelledError
        if loaded.later:  # the set-ups are text columns, made after the first screen's
            loaded = await asyncio.shield(SHARED.complete(loaded))
        made = _PREPARED.get(loaded)
        if made is None:
            made = _PREPARED[loaded] = await in_worker(prepare, loaded.population, loaded.fields)
        return loaded, made

    def _check(self, name: str, offered, what: str) -> None:
        """Leave out (and say) a choice, or each of a list's choices, not ``offered``."""
        value = getattr(self, name)
        if isinstance(value, list):
            unknown = [v for v in value if v not in offered]
            kept = [v for v in value if v in offered]
        else:
            unknown = [value] if value and value not in offered else []
            kept = self.param[name].default
        if unknown:
            self._refused.append(f"{what} " + ", ".join(quoted(v) for v in unknown))
            with param.parameterized.discard_events(self):
                setattr(self, name, kept)

    async def _ranking(self) -> None:
        if not self.benchmarks:
            return
        self._check("benchmark_id", [b.id for b in self.benchmarks], "the benchmark")
        chosen = self._benchmark(self.benchmark_id) or self.benchmarks[0]
        loaded, prepared = await self._prepare(chosen.id)
        numbers = [f for f in loaded.fields if f.numeric]
        self._check("metric", [f.path for f in numbers], "the metric")
        sites, headline = _about(loaded, prepared)
        metric = self.metric or headline
        field = next((f for f in numbers if f.path == metric), None)
        lower = self._lower(field)
        self._check("configuration", [key for key, _ in prepared.setups], "the configuration")
        self._check("reference", list(prepared.cards), "the reference")
        self._check("site_ids", {i for i, _ in sites}, "the site(s)")  # none ran there
        found = answer(
            prepared,
            metric,
            lower_is_better=lower,
            reference=self.reference or "",
            configuration=self.configuration or "",
            per=self.per,
            site_ids=self.site_ids,
        )
        self.param.update(
            metrics=numbers,
            lower_is_better=lower,
            unit=(field.unit or "") if field else "",
            shown_metric=metric,
            configs=pd.DataFrame(list(prepared.configs), columns=list(prepared.config_columns)),
            cards=prepared.cards,
            sites=sites,
            result=found,
        )

    def _lower(self, field) -> bool:
        if self.direction != "auto":
            return self.direction == "lower"
        known = field.lower_is_better if field is not None else None
        return True if known is None else known

    @property
    def chosen(self) -> Benchmark | None:
        """The benchmark the ranking shows (the link's, the user's, else the largest)."""
        return self._benchmark(self.benchmark_id) or (self.benchmarks or [None])[0]

    @property
    def answer(self) -> Answer | None:
        """The ranking shown (None before the first load)."""
        return self.result

    async def _profile(self) -> None:
        weights = {b: w for b, w in _weights(self.workload).items() if self._benchmark(b)}
        chosen = _metrics(self.workload)
        rankings, counts, compared, offered = {}, {}, {}, {}
        for benchmark_id in weights:
            loaded, prepared = await self._prepare(benchmark_id)
            numbers = [
                f for f in loaded.fields if f.numeric and f"json.{f.path}" in prepared.columns
            ]
            offered[benchmark_id] = [(f.label, f.path) for f in numbers]
            metric = chosen.get(benchmark_id, "")
            if metric not in {f.path for f in numbers}:
                if metric:
                    self._refused.append(f"the metric {quoted(metric)}")
                metric = _about(loaded, prepared)[1]
            field = next((f for f in loaded.fields if f.path == metric), None)
            lower = (
                True if field is None or field.lower_is_better is None else field.lower_is_better
            )
            found = answer(prepared, metric, lower_is_better=lower, reference=self.reference or "")
            name = self._benchmark(benchmark_id).name
            rankings[name] = found.ranked
            compared[name] = dict(zip(found.ranked["group"], found.ranked["n"], strict=True))
            counts[name] = prepared.group_counts  # every set-up's results
        named = {self._benchmark(b).name: w for b, w in weights.items()}
        table = profile(rankings, named) if rankings else rank_groups({}, lower_is_better=True)
        self.param.update(
            workload_metrics=offered,
            ranked_profile=table,
            covered=coverage(counts) if counts else pd.DataFrame(),
            compared=coverage(compared) if compared else pd.DataFrame(),
        )

    # -- to take away ----------------------------------------------------------------

    def export_csv(self) -> str:
        """The ranking shown, as CSV that says what was compared."""
        if self.result is None or self.chosen is None:
            return ""
        return ranking_csv(
            self.result.ranked,
            benchmark=self.chosen.name,
            metric=self.shown_metric,
            unit=self.unit,
            lower_is_better=self.lower_is_better,
            per=self.per,
            configuration=self.result.configuration,
        )

    def snippet(self, sandbox: bool = False) -> str:
        """Python that gives the ranking shown, with our client."""
        if self.mode == "profile":
            try:
                weights = _weights(self.workload)
            except ValueError:
                return ""
            return profile_snippet(
                self.client.base_url, weights, _metrics(self.workload), sandbox=sandbox
            )
        if self.chosen is None:
            return ""
        choices: dict = {}
        if self.metric:
            choices["metric"] = self.metric
        if self.direction != "auto":
            choices["lower_is_better"] = self.direction == "lower"
        if self.reference:
            choices["reference"] = self.reference
        if self.configuration:
            choices["configuration"] = self.configuration
        if self.per != "result":
            choices["per"] = self.per
        if self.site_ids:
            choices["site_ids"] = list(self.site_ids)
        return compare_snippet(self.client.base_url, self.chosen.id, choices, sandbox=sandbox)

    def stop(self) -> None:
        """Stop for good (the session ended): the work under way, and the shared copies."""
        self._stopped = True
        super().stop()
        for holder in self._holders.values():
            SHARED.release(holder)
