"""The dashboard in a notebook: a client, the explorer and the upload form in cells.

::

    import panel as pn
    import dashboard

    pn.extension("tabulator")
    client = dashboard.connect()             # the token found as described below
    frame = client.frame(benchmark_id=...)   # every matching result, as a DataFrame
    ranking = client.compare(benchmark_id)   # where to run: site / flavor ranked
    dashboard.compare()                      # the same, as the Compare view
    view = dashboard.explorer()              # the explorer's widgets
    view
    await view.loaded()                      # then view.value is the filtered frame

The token is found where the notebook runs: inside a JupyterHub user server, the hub
user's own (from their auth_state); else oidc-agent's ``oidc-token`` for the account
``$OIDC_AGENT_ACCOUNT`` (``egi`` by default) when the command is there; else the file
``$EOSC_PERF_TOKEN_FILE`` or ``$EOSC_PERF_TOKEN``; else none (read-only). The same
decision as every other way of running makes (:mod:`dashboard.signin`). The API is
``$EOSC_PERF_API_URL``, else the embedded sandbox.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping, Sequence

import pandas as pd

from dashboard.api import PerfClient, SyncClient, TokenSource
from dashboard.config import resolve_api
from dashboard.results.filters import Filters, apply
from dashboard.results.frame import documents, results_frame
from dashboard.results.profile import profile
from dashboard.results.ranking import ranking
from dashboard.results.where import answer, headline_metric, prepare
from dashboard.schema.fields import fields_from_data, merge_fields
from dashboard.schema.flatten import flatten_schema
from dashboard.signin import decide


def token_source(env: Mapping[str, str] = os.environ) -> TokenSource:
    """Where this notebook's token comes from (see :mod:`dashboard.signin`): the hub, a
    token file or ``$EOSC_PERF_TOKEN``, oidc-agent when it is installed, else none."""
    return decide(env, oauth=False, find_agent=True).tokens()


class NotebookClient(SyncClient):
    """The synchronous client, with results straight into pandas."""

    def frame(
        self,
        json_paths: list[str] | None = None,
        *,
        site_ids: Sequence[str] = (),
        flavor_ids: Sequence[str] = (),
        text: str = "",
        **query,
    ) -> pd.DataFrame:
        """Every result matching ``query`` (the filters of ``results.all``), one row each.

        Each JSON field found in the results is a ``json.<path>`` column, unless
        ``json_paths`` names the ones wanted. ``site_ids``, ``flavor_ids`` and ``text``
        filter as the explorer does (any of several sites or flavors; words each result
        mentions), which the API cannot ask for: the API is asked for the rest, and
        these are applied here.
        """
        local = Filters(site_ids=frozenset(site_ids), flavor_ids=frozenset(flavor_ids), text=text)
        if len(local.site_ids) == 1:
            query["site_id"] = next(iter(local.site_ids))
        if len(local.flavor_ids) == 1:
            query["flavor_id"] = next(iter(local.flavor_ids))
        results = self.results.all(**query)
        if json_paths is None:
            json_paths = [f.path for f in fields_from_data([r.json for r in results])]
        frame = results_frame(results, json_paths)
        return apply(frame, local).reset_index(drop=True)

    def compare(
        self,
        benchmark_id: str,
        metric: str | None = None,
        by: tuple[str, ...] = ("site", "flavor"),
        reference: str | None = None,
        lower_is_better: bool | None = None,
        *,
        configuration: str = "",
        per: str = "result",
        **query,
    ) -> pd.DataFrame:
        """Where to run: the benchmark's results ranked per ``by`` group against
        ``reference`` (default: the middle group), best first, with each ratio's 95 %
        interval and a verdict: the Compare view's numbers, from the same code
        (:mod:`dashboard.results.where`).

        ``metric`` is a JSON path (default: the headline number the view picks);
        ``lower_is_better`` defaults to what the schema says of it (else lower).
        ``configuration`` (by site and flavor only): the key of the set-up compared
        when the results mix several (default: the most common); ``per``: ``"result"``,
        ``"core"`` or ``"GPU"``. ``query``: the filters of :meth:`frame`.
        """
        benchmark = next((b for b in self.benchmarks.all() if b.id == benchmark_id), None)
        site_ids = query.pop("site_ids", ()) if tuple(by) == ("site", "flavor") else ()
        frame = self.frame(benchmark_id=benchmark_id, **query)
        fields = flatten_schema(benchmark.json_schema) if benchmark is not None else []
        fields = merge_fields(fields, fields_from_data(documents(frame["raw"])))
        metric = metric or headline_metric(fields, frame)
        if lower_is_better is None:
            field = next((f for f in fields if f.path == metric), None)
            known = field.lower_is_better if field is not None else None
            lower_is_better = True if known is None else known
        if tuple(by) != ("site", "flavor"):
            column = f"json.{metric}"
            return ranking(
                frame, column, lower_is_better=lower_is_better, by=by, reference=reference
            )
        found = answer(
            prepare(frame, fields),
            metric,
            lower_is_better=lower_is_better,
            reference=reference or "",
            configuration=configuration,
            per=per,
            site_ids=site_ids,
        )
        return found.ranked

    def profile(
        self, weights: Mapping[str, float], metrics: Mapping[str, str] | None = None, **options
    ) -> pd.DataFrame:
        """A workload's ranking: ``weights`` maps benchmark ids to their weight; each is
        compared as :meth:`compare` does (on ``metrics[id]`` when given, else its headline
        number; ``options``: its ``by``, ``reference``...), and the groups ranked by the
        weighted geometric mean of how many times better than each reference they are.
        Groups missing a benchmark come last, saying which."""
        metrics = metrics or {}
        rankings = {
            bench: self.compare(bench, metric=metrics.get(bench), **options) for bench in weights
        }
        named = {self._name(bench): ranked for bench, ranked in rankings.items()}
        return profile(named, {self._name(bench): w for bench, w in weights.items()})

    def _name(self, benchmark_id: str) -> str:
        found = next((b for b in self.benchmarks.all() if b.id == benchmark_id), None)
        return found.name if found is not None else benchmark_id


def connect(api_url: str | None = None, token=None) -> NotebookClient:
    """A client of the API, signed in with the token found (or the one given)."""
    return NotebookClient(resolve_api(api_url).url, token if token is not None else token_source())


def _async_client(api_url: str | None, token) -> PerfClient:
    return PerfClient(resolve_api(api_url).url, token if token is not None else token_source())


def _soon(work) -> None:
    """Start ``work`` on the notebook's running loop (the kernel's)."""
    asyncio.get_running_loop().create_task(work)


def explorer(api_url: str | None = None, token=None, benchmark_id: str = "", **params):
    """The results explorer on ``benchmark_id`` (``"*"``: every benchmark; nothing is
    loaded until one is chosen), loading in the background; ``await view.loaded()`` waits."""
    from dashboard.state.explorer import ExplorerState
    from dashboard.views.explore.explorer import ResultsExplorer

    state = ExplorerState(client=_async_client(api_url, token), benchmark_id=benchmark_id)
    view = ResultsExplorer(state, **params)
    _soon(view.state.start())
    return view


def compare(api_url: str | None = None, token=None, **choices):
    """The Compare view ("where to run") in a cell, loading in the background; ``choices``
    are its state's (``benchmark_id``, ``metric``, ``reference``, ``per``, ``mode``,
    ``workload``...). ``view.state.result.ranked`` is the ranking shown, the same as
    ``client.compare()`` gives; ``await view.state.settled()`` waits for it."""
    from dashboard.state.compare import CompareState
    from dashboard.views.compare.panel import CompareView

    state = CompareState(client=_async_client(api_url, token), **choices)
    view = CompareView(state=state, sandbox=resolve_api(api_url).sandbox)
    _soon(state.start())
    return view


def upload(api_url: str | None = None, token=None):
    """The upload form (needs a registered user's token)."""
    from dashboard.state.submit import SubmitState
    from dashboard.state.upload import UploadState
    from dashboard.views.contribute.upload import UploadPanel

    client = _async_client(api_url, token)
    state = UploadState(client=client, submitter=SubmitState(client=client))
    _soon(state.start())
    return UploadPanel(state=state)
