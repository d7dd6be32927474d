"""A selection of results to take away: CSV, JSON shaped as the API's results, and the
code (our client in Python, or curl) that asks the API for the same selection."""

from __future__ import annotations

import json
import shlex
from datetime import date
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from dashboard.api import JsonFilter
from dashboard.api.query import encode_params
from dashboard.results.filters import Filters
from dashboard.results.frame import documents

__all__ = [
    "compare_snippet",
    "profile_snippet",
    "query_snippets",
    "ranking_csv",
    "to_csv",
    "to_json",
]


def _iso_z(column: pd.Series) -> np.ndarray:
    """Datetimes as ISO 8601 in UTC with a Z, microseconds only when there are some."""
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        column = column.dt.tz_convert("UTC").dt.tz_localize(None)
    moments = column.to_numpy(dtype="datetime64[us]")
    whole = moments.astype("datetime64[s]") == moments
    text = np.where(
        whole,
        np.datetime_as_string(moments, unit="s"),
        np.datetime_as_string(moments, unit="us"),
    )
    return np.where(np.isnat(moments), None, np.char.add(text, "Z").astype(object))


def to_csv(frame: pd.DataFrame) -> str:
    """The rows as CSV: every column but ``raw``; tags joined by ", "; datetimes ISO with Z."""
    columns: dict[str, Any] = {}
    for name in frame.columns:
        column = frame[name]
        if name in ("tags", "tag_ids"):
            columns[name] = [", ".join(values) for values in column]
        elif pd.api.types.is_datetime64_any_dtype(column.dtype):
            columns[name] = _iso_z(column)
        elif name != "raw":
            columns[name] = column.to_numpy()
    return pd.DataFrame(columns).to_csv(index=False)


def to_json(frame: pd.DataFrame) -> str:
    """The rows as a JSON list of results shaped as the API's, with names for references.

    Each: ``id``, ``execution_datetime`` and ``upload_datetime`` (ISO 8601, Z),
    ``benchmark`` ("image:tag"), ``site``, ``flavor``, ``tags`` (names) and ``json``.
    """
    fields = zip(
        frame["id"],
        _iso_z(frame["execution_datetime"]),
        _iso_z(frame["upload_datetime"]),
        frame["benchmark"],
        frame["site"],
        frame["flavor"],
        frame["tags"],
        documents(frame["raw"]),
        strict=True,
    )
    results = [
        {
            "id": key,
            "execution_datetime": executed,
            "upload_datetime": uploaded,
            "benchmark": benchmark,
            "site": site,
            "flavor": flavor,
            "tags": list(tags),
            "json": document,
        }
        for key, executed, uploaded, benchmark, site, flavor, tags, document in fields
    ]
    return json.dumps(results, ensure_ascii=False)


def _plain(value):
    """A query value as plain Python a reader can paste: text, numbers, lists of text."""
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, JsonFilter | date):
        return str(value) if isinstance(value, JsonFilter) else value.isoformat()
    return value


#: Said above a snippet that asks the dashboard's own sandbox API.
SANDBOX_NOTE = (
    "# The dashboard's embedded sandbox API: this address answers only while the\n"
    "# dashboard runs. Against the service, leave the address out (dashboard.connect()\n"
    "# takes $EOSC_PERF_API_URL) or give its URL.\n"
)


def query_snippets(
    base_url: str, benchmark_id: str, filters: Filters, *, sandbox: bool = False
) -> tuple[str, str]:
    """A Python snippet giving the DataFrame of ``filters`` (of ``benchmark_id``, or of
    every benchmark when it is ""), and a curl line asking the API for them.

    The snippet asks ``base_url`` (the API the dashboard is connected to) and yields
    the same rows as the explorer: what the API cannot filter (several sites or
    flavors, free text, the results a link names) is filtered by ``client.frame``.
    """
    query = filters.api_query()
    if benchmark_id:
        query = {"benchmark_id": benchmark_id, **query}
    query = {name: _plain(value) for name, value in query.items() if value not in (None, [], ())}
    arguments = dict(query)
    for name in ("site_ids", "flavor_ids"):
        chosen = sorted(getattr(filters, name))
        if len(chosen) > 1:
            arguments[name] = chosen
    if filters.text.strip():
        arguments["text"] = filters.text.strip()
    listed = "".join(f"    {name}={value!r},\n" for name, value in arguments.items())
    python = (
        (SANDBOX_NOTE if sandbox else "")
        + "import dashboard\n\n"
        + f"client = dashboard.connect({base_url!r})\n"
        + (f"frame = client.frame(\n{listed})\n" if listed else "frame = client.frame()\n")
    )
    if filters.result_ids:
        ids = sorted(filters.result_ids)
        python += f"frame = frame[frame['id'].isin({ids!r})]\n"
    params = encode_params({**query, "per_page": 100, "page": 1})
    url = f"{base_url}/results?{urlencode(params)}"
    return python, f"curl -s {shlex.quote(url)}"


def ranking_csv(
    ranked: pd.DataFrame,
    *,
    benchmark: str,
    metric: str,
    unit: str,
    lower_is_better: bool,
    per: str = "result",
    configuration: str = "",
) -> str:
    """The Compare view's ranking as CSV: a row per site + flavor, best first, each
    saying what was compared (benchmark, metric and unit, direction, per what, the
    configuration, the reference) so that the file stands on its own."""
    reference = ranked.loc[ranked["verdict"] == "reference", "group"]
    if lower_is_better:
        with np.errstate(divide="ignore"):
            low, high = 1 / ranked["high"], 1 / ranked["low"]
    else:
        low, high = ranked["low"], ranked["high"]
    table = pd.DataFrame(
        {
            "rank": range(1, len(ranked) + 1),
            "site": ranked.get("site", ranked["group"]),
            "flavor": ranked.get("flavor", ""),
            "n": ranked["n"],
            f"median [{unit}]" if unit else "median": ranked["median"],
            f"q1 [{unit}]" if unit else "q1": ranked["q1"],
            f"q3 [{unit}]" if unit else "q3": ranked["q3"],
            "times_better": ranked["times_better"],
            "times_better_95_low": low,
            "times_better_95_high": high,
            "verdict": ranked["verdict"],
            "interval_method": ranked["method"],
            "reference": reference.iloc[0] if len(reference) else "",
            "benchmark": benchmark,
            "metric": metric,
            "better": "lower" if lower_is_better else "higher",
            "per": per,
            "configuration": configuration,
        }
    )
    return table.to_csv(index=False)


def compare_snippet(
    base_url: str, benchmark_id: str, choices: dict[str, Any], *, sandbox: bool = False
) -> str:
    """Python that gives the same ranking as the Compare view (``choices``: the
    arguments of ``client.compare`` that differ from their defaults)."""
    listed = "".join(f"    {name}={value!r},\n" for name, value in choices.items())
    return (
        (SANDBOX_NOTE if sandbox else "")
        + "import dashboard\n\n"
        + f"client = dashboard.connect({base_url!r})\n"
        + f"ranking = client.compare(\n    {benchmark_id!r},\n{listed})\n"
    )


def profile_snippet(
    base_url: str, weights: dict[str, float], metrics: dict[str, str], *, sandbox: bool = False
) -> str:
    """Python that gives the same workload ranking as the Where to run view
    (``metrics``: the benchmarks compared on another number than their headline one)."""
    listed = "".join(f"    {bench!r}: {weight:g},\n" for bench, weight in weights.items())
    chosen = f", metrics={metrics!r}" if metrics else ""
    return (
        (SANDBOX_NOTE if sandbox else "")
        + "import dashboard\n\n"
        + f"client = dashboard.connect({base_url!r})\n"
        + f"workload = client.profile({{\n{listed}}}{chosen})\n"
    )
