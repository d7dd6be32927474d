"""Results as the tables show them: display-ready rows, columns in the user's words.

The explorer's table shows the chosen JSON columns beside the base ones (tags joined,
datetimes naive UTC under titles that say UTC); :class:`DisplayTable` makes the whole
population display-ready once per load and choice of columns, so that a filter change
only picks rows. The latest-uploads table, a user's own uploads and the upload form's
preview are made here too, so every table shows results the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from dashboard.api.records import Result
from dashboard.results.frame import results_frame
from dashboard.schema.fields import SchemaField
from dashboard.schema.flatten import flatten_schema
from dashboard.schema.jsonpath import values_at

__all__ = [
    "LATEST_COLUMNS",
    "TABLE_TITLES",
    "DisplayTable",
    "latest_frame",
    "mine_frame",
    "preview_frame",
    "table_frame",
]

TABLE_BASE = ["id", "benchmark", "site", "flavor", "tags", "execution_datetime"]
TABLE_TITLES = {
    "benchmark": "Benchmark",
    "site": "Site",
    "flavor": "Flavor",
    "tags": "Tags",
    "execution_datetime": "Executed (UTC)",
}


def table_frame(
    filtered: pd.DataFrame, columns: Sequence[str], benchmark_chosen: bool
) -> pd.DataFrame:
    """What the explorer's table shows, display-ready (tags joined, datetimes naive UTC):
    which machine (benchmark, site, flavor), then the chosen JSON columns (the values
    a reader came for, in view before the table scrolls sideways), then tags and date."""
    base = [c for c in TABLE_BASE if c != "benchmark" or not benchmark_chosen]
    json_columns = [f"json.{path}" for path in columns if f"json.{path}" in filtered.columns]
    split = base.index("tags")
    table = filtered[base[:split] + json_columns + base[split:]].copy()
    # Joined once per distinct combination of tags, not once per row.
    combination, combinations = pd.factorize(table["tags"], use_na_sentinel=False)
    joined = np.array([", ".join(tags) for tags in combinations] or [""], dtype=object)
    table["tags"] = joined[combination]
    table["execution_datetime"] = table["execution_datetime"].dt.tz_localize(None)
    for column in json_columns:
        if isinstance(table[column].dtype, pd.DatetimeTZDtype):
            table[column] = table[column].dt.tz_localize(None)
    return table


class DisplayTable:
    """The explorer's table rows: the population made display-ready once per load and
    choice of columns, then only picked (filtered rows keep their labels)."""

    def __init__(self) -> None:
        self._of: pd.DataFrame | None = None
        self._key: tuple = ()
        self._display = pd.DataFrame()

    def rows(
        self,
        population: pd.DataFrame,
        filtered: pd.DataFrame,
        columns: Sequence[str],
        benchmark_chosen: bool,
    ) -> pd.DataFrame:
        """The display rows of ``filtered`` (rows of ``population``)."""
        key = (tuple(columns), benchmark_chosen)
        if self._of is not population or self._key != key:
            self._display = table_frame(population, columns, benchmark_chosen)
            self._of, self._key = population, key
        if filtered is population:
            return self._display
        table = self._display.reindex(filtered.index)
        if not table["id"].equals(filtered["id"]):  # rows of an earlier load, replaced next
            table = table_frame(filtered, columns, benchmark_chosen)
        return table


LATEST_COLUMNS = [
    "Executed (UTC)",
    "Benchmark",
    "Result",
    "Site",
    "Flavor",
    "Tags",
    "Uploaded (UTC)",
]


def headline(result: Result, fields: Sequence[SchemaField]) -> str:
    """The result's headline figure in words, ``score 188.43 s``: the first number field
    its benchmark's schema suggests among its results' own figures (``result.*``, not the
    machine's), else any it suggests, else its first figure; "" when it holds none."""

    def rank(field: SchemaField) -> tuple[bool, bool, bool]:
        figure = field.path.startswith("result.")
        return (not (field.suggested and figure), not field.suggested, not figure)

    numeric = sorted((f for f in fields if f.numeric), key=rank)
    found = values_at([result.json], [f.path for f in numeric])
    for field in numeric:
        value = found[field.path][0]
        if isinstance(value, int | float) and not isinstance(value, bool):
            name = field.path.rsplit(".", 1)[-1].replace("_", " ")
            shown = f"{value:,}" if isinstance(value, int) else f"{value:,.6g}"
            return f"{name} {shown}" + (f" {field.unit}" if field.unit else "")
    return ""


def _utc_naive(moment):
    # table widgets show naive datetimes as they are; the column title says UTC
    return moment.replace(tzinfo=None)


def latest_frame(results: list[Result]) -> pd.DataFrame:
    """The latest-results table: one row per result, in the user's words, with its
    headline figure."""
    fields: dict[str, list[SchemaField]] = {}
    for result in results:
        if result.benchmark.id not in fields:
            fields[result.benchmark.id] = flatten_schema(result.benchmark.json_schema)
    rows = [
        {
            "Executed (UTC)": _utc_naive(result.execution_datetime),
            "Benchmark": result.benchmark.name,
            "Result": headline(result, fields[result.benchmark.id]),
            "Site": result.site.name,
            "Flavor": result.flavor.name,
            "Tags": ", ".join(tag.name for tag in result.tags),
            "Uploaded (UTC)": _utc_naive(result.upload_datetime),
        }
        for result in results
    ]
    frame = pd.DataFrame(rows, columns=LATEST_COLUMNS)
    for column in ("Executed (UTC)", "Uploaded (UTC)"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def mine_frame(results: Sequence[Result]) -> pd.DataFrame:
    """A user's uploads as the explorer's table shows results (without JSON columns)."""
    return table_frame(results_frame(results), [], benchmark_chosen=False)


def preview_frame(result: Result, columns: Sequence[str], labels: Mapping[str, str]):
    """One result as the explorer's table will show it, titled in the user's words."""
    table = table_frame(results_frame([result], columns), columns, benchmark_chosen=True)
    titles = {**TABLE_TITLES, **{f"json.{path}": labels[path] for path in columns}}
    return table.drop(columns="id").rename(columns=titles)
