"""What a plot of results shows: its kind, axes, grouping and scales, checked against a frame.

Pure (pandas only): the explorer's state says what to plot with a :class:`PlotSpec`, and
needs no plotting library for that; :mod:`dashboard.plots.elements` draws it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "DATE_COLUMN",
    "GROUPS",
    "PLOT_KINDS",
    "PlotSpec",
    "default_value",
    "is_date",
    "is_numeric",
]

PLOT_KINDS = ("scatter", "box", "violin", "bar", "histogram")
GROUPS = ("site", "flavor", "tags")

#: The column of when each result ran: the x of a plot over time.
DATE_COLUMN = "execution_datetime"
_DEFAULT_LABELS = {DATE_COLUMN: "execution date", "upload_datetime": "upload date"}


def is_numeric(series: pd.Series) -> bool:
    """Whether a column holds numbers (booleans are not)."""
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def is_date(series: pd.Series) -> bool:
    """Whether a column holds datetimes."""
    return pd.api.types.is_datetime64_any_dtype(series)


@dataclass(frozen=True)
class PlotSpec:
    """What to plot: the kind, the columns on each axis, the grouping and axis scales."""

    kind: str = "scatter"
    x: str = DATE_COLUMN
    y: str = ""
    group: str = "site"
    logx: bool = False
    logy: bool = False
    labels: Mapping[str, str] = field(default_factory=dict)

    def label(self, column: str) -> str:
        """The human label of a column: from `labels`, else its name without ``json.``."""
        return self.labels.get(column) or _DEFAULT_LABELS.get(column, column.removeprefix("json."))

    def problems(self, frame: pd.DataFrame) -> list[str]:
        """Why this spec cannot be plotted from `frame`, as messages for the user; [] if it can."""
        problems = []
        if self.kind not in PLOT_KINDS:
            problems.append(
                f"Unknown plot kind {self.kind!r}: choose one of {', '.join(PLOT_KINDS)}"
            )
        if self.group not in GROUPS:
            problems.append(f"Unknown grouping {self.group!r}: choose one of {', '.join(GROUPS)}")
        if problems:
            return problems
        if self.kind in ("scatter", "histogram"):
            problems += self._axis_problems(frame, self.x, "x", self.logx, dates=True)
        if self.kind != "histogram":
            problems += self._axis_problems(frame, self.y, "y", self.logy, dates=False)
        return problems

    def _axis_problems(
        self, frame: pd.DataFrame, column: str, axis: str, log: bool, *, dates: bool
    ) -> list[str]:
        kinds = "numeric or date" if dates else "numeric"
        if not column:
            return [f"Choose a {kinds} column for {axis}"]
        if frame.empty:
            # A search without results has no JSON columns to check: the plot says so itself.
            return []
        if column not in frame:
            return [f"{self.label(column)} ({axis}) is not a column of these results"]
        values = frame[column]
        if dates and is_date(values):
            return [f"log axis needs numbers: {self.label(column)} is a date"] if log else []
        if not is_numeric(values):
            return [f"{self.label(column)} ({axis}) is not {kinds}"]
        not_positive = int((values <= 0).sum()) if log else 0
        if not_positive:
            return [f"log axis needs positive values: {not_positive} rows are <= 0"]
        return []


def default_value(fields: list, population: pd.DataFrame) -> str:
    """The field plotted first (of schema fields): one the schema suggests, else one that
    varies, results' own figures (``result.*``) first, else any number; "" without numbers."""

    def varies(path: str) -> bool:
        column = f"json.{path}"
        return column in population and population[column].nunique() > 1

    numeric = [f for f in fields if f.numeric]
    ranked = sorted(
        numeric,
        key=lambda f: (not f.suggested, not varies(f.path), not f.path.startswith("result")),
    )
    return ranked[0].path if ranked else ""
