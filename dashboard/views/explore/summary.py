"""The per-group summary of the plotted value: a sortable table, units in its headers,
one number format per column."""

from __future__ import annotations

import pandas as pd
import panel as pn
from bokeh.models.widgets.tables import NumberFormatter

from dashboard.results.numbers import decimals_for, numbro_format
from dashboard.views.base import html_label

#: Column titles; "{unit}" is the plotted value's unit, in brackets (or nothing).
TITLES = {
    "n": "n",
    "median": "Median{unit}",
    "q1": "Q1{unit}",
    "q3": "Q3{unit}",
    "iqr": "IQR{unit}",
    "min": "Min{unit}",
    "max": "Max{unit}",
    "ratio": "Median ÷ reference",
    "speedup": "Times faster than reference",
    "verdict": "Verdict",
}
#: Columns in the plotted value's unit share one format (medians beside their quartiles).
_IN_UNIT = ("median", "q1", "q3", "iqr", "min", "max")


def summary_frame(summary: pd.DataFrame, group: str) -> pd.DataFrame:
    """The summary as the table shows it: the group's name a column, ids left out."""
    if summary.empty:
        return pd.DataFrame()
    shown = summary.drop(columns=["id"], errors="ignore").reset_index()
    return shown.rename(columns={shown.columns[0]: group})


def shared_decimals(frame: pd.DataFrame) -> int:
    """The decimals of the columns in the plotted value's unit (they are read together)."""
    in_unit = [column for column in _IN_UNIT if column in frame.columns]
    return decimals_for(frame[in_unit].to_numpy().ravel()) if in_unit else 0


def summary_formats(frame: pd.DataFrame, shared: int) -> dict[str, NumberFormatter]:
    """Each number column's formatter: the unit's columns share ``shared`` decimals."""
    in_unit = [column for column in _IN_UNIT if column in frame.columns]
    formats = {"n": NumberFormatter(format="0,0")}
    for column in in_unit:
        formats[column] = NumberFormatter(format=numbro_format(shared), text_align="right")
    for column in ("ratio", "speedup"):
        if column in frame.columns:
            formats[column] = NumberFormatter(format="0,0.00", text_align="right")
    return formats


class SummaryTable(pn.viewable.Viewer):
    """Per group: n, median, quartiles, range (and against a reference), sortable."""

    def __init__(self, **params) -> None:
        super().__init__(**params)
        self._table = pn.widgets.Tabulator(
            pd.DataFrame(),
            disabled=True,
            show_index=False,
            selectable=False,
            layout="fit_data_table",
            sizing_mode="stretch_width",
            css_classes=["summary-table"],
            visible=False,
        )
        self._shaped: tuple = ()  # what the titles and formats were made for
        self._values_of: tuple = ()
        self._decimals = 0

    def show(
        self,
        summary: pd.DataFrame,
        group: str,
        unit: str | None,
        population: pd.DataFrame | None = None,
        column: str = "",
    ) -> None:
        """The summary of ``group`` groups (a facet's name), values in ``unit``; the
        decimals from ``population``'s ``column`` (every value loaded: the same while
        filters change), else from the summary's own."""
        frame = summary_frame(summary, group)
        if population is None or column not in population.columns:
            decimals = shared_decimals(frame)
        else:
            known = self._values_of
            if not known or known[0] is not population or known[1] != column:
                # once per load and plotted value
                self._decimals = decimals_for(population[column].to_numpy())
                self._values_of = (population, column)
            decimals = self._decimals
        shape = (group, unit, tuple(frame.columns), decimals)
        if shape == self._shaped:  # a filter changed: only the numbers (columns drawn once)
            self._table.param.update(value=frame, visible=not frame.empty)
            return
        self._shaped = shape
        suffix = f" [{unit}]" if unit else ""
        titles = {
            column: html_label(TITLES[column].format(unit=suffix))
            for column in frame.columns
            if column in TITLES
        }
        titles[group] = group.capitalize()
        self._table.param.update(
            value=frame,
            titles=titles,
            formatters=summary_formats(frame, decimals),
            visible=not frame.empty,
        )

    def __panel__(self):
        return self._table
