"""Results picked in a plot, and marked on it.

A box selection on a plot is an ``hv.dim`` expression over the plot's columns
(:func:`selection_expr`); on a rasterized log axis it is expressed in
``log10(<column>)``, and :func:`selection_ids` resolves it to result ids. Selecting a tag
of a plot grouped by tags gives ``dim("tags").isin(...)``, resolved on one row per tag
of each result. :func:`highlight_element` rings the results picked (or ticked).
"""

from __future__ import annotations

import holoviews as hv
import numpy as np
import pandas as pd

from dashboard.plots.elements import (
    _CATEGORY_CMAP,
    _columns,
    _plot_data,
    _rows_per_tag,
    hover_columns,
)
from dashboard.plots.raster import is_moment, raster_axes
from dashboard.plots.spec import PlotSpec

__all__ = ["dots_element", "highlight_element", "selection_expr", "selection_ids"]


def highlight_element(rows: pd.DataFrame, spec: PlotSpec, *, rasterized: bool) -> hv.Element:
    """Marks for `rows` (results picked in the table or the plot) drawn over the plot of
    `spec`: rings at their points, at their values in their group, or spikes at their x
    on a histogram. `rasterized`: the plot under them is a count image."""
    style = {"color": "#d62728", "framewise": True}
    if spec.kind == "histogram":
        data = _plot_data(rows, spec, per_tag=False) if len(rows) else None
        values = data[spec.x] if data is not None else []
        x = hv.Dimension(spec.x, label=spec.label(spec.x))
        return hv.Spikes(values, kdims=[x]).opts(line_width=2, **style)
    # The hover names each ringed result (and keeps its id in the browser's data).
    rings = {"size": 9, "fill_alpha": 0, "line_width": 2, "tools": ["hover"], **style}
    rings["hover_tooltips"] = [("result", "@{id}")]
    if spec.kind == "scatter":
        x, y = raster_axes(spec) if rasterized else (spec.x, spec.y)
        if not len(rows):
            return hv.Points([], kdims=[x, y], vdims=["id"]).opts(**rings)
        data = _columns(rows, log_columns=rasterized)
        data = data[data[[x, y]].notna().all(axis=1)]
        return hv.Points(data, kdims=[x, y], vdims=["id"]).opts(**rings)
    if not len(rows):
        return hv.Scatter([], kdims=[spec.group], vdims=[spec.y, "id"]).opts(**rings)
    data = _plot_data(rows, spec, per_tag=spec.group == "tags")
    data[spec.group] = data[spec.group].astype(str)
    return hv.Scatter(data, kdims=[spec.group], vdims=[spec.y, "id"]).opts(**rings)


def dots_element(rows: pd.DataFrame, spec: PlotSpec) -> hv.Points:
    """`rows` as dots over the count image of a scatter (on its axes: log10 values on a
    log scale), coloured by site or flavor, with a scatter's hover."""
    x, y = raster_axes(spec)
    data = _columns(rows, log_columns=True)
    for axis in (x, y):  # a log axis of values not all positive: nothing to draw there
        if axis not in data.columns:
            data[axis] = np.nan
    data = data[data[[x, y]].notna().all(axis=1)]
    hovered = [c for c in hover_columns(spec) if c in data.columns]
    vdims = [hv.Dimension(c, label=spec.label(c)) for c in hovered if c not in (x, y)]
    kdims = [
        hv.Dimension(
            axis, label=spec.label(column) if axis == column else f"log10 {spec.label(column)}"
        )
        for axis, column in ((x, spec.x), (y, spec.y))
    ]
    style = {"size": 5, "alpha": 0.8, "tools": ["hover"], "framewise": True}
    style["hover_tooltips"] = [spec.label(c) for c in hovered]
    if spec.group in ("site", "flavor"):
        style.update(color=spec.group, cmap=_CATEGORY_CMAP)
    return hv.Points(data, kdims=kdims, vdims=vdims).opts(**style)


def selection_expr(spec: PlotSpec, x_selection, y_selection, *, rasterized: bool) -> hv.dim:
    """The rows a box selection on the plot of `spec` picks, as an hv.dim expression for
    `selection_ids`. The selections are a SelectionXY stream's: a (low, high) range on a
    continuous axis, a list of categories on a categorical one (raster axes of a log
    scale are in log10)."""
    if spec.kind == "scatter":
        x, y = raster_axes(spec) if rasterized else (spec.x, spec.y)
        return _within(x, x_selection) & _within(y, y_selection)
    if spec.kind == "histogram":
        return _within(spec.x, x_selection)
    picked = hv.dim(spec.group).isin([str(category) for category in x_selection or []])
    return picked if spec.kind == "bar" else picked & _within(spec.y, y_selection)


def _within(column: str, selection) -> hv.dim:
    low, high = selection
    if is_moment(low):
        low, high = np.datetime64(pd.Timestamp(low)), np.datetime64(pd.Timestamp(high))
    return (hv.dim(column) >= low) & (hv.dim(column) <= high)


def _expression_columns(expr: hv.dim) -> set[str]:
    """The names of all columns an hv.dim expression refers to."""
    names = {expr.dimension.name}
    for op in expr.ops:
        for arg in [*op["args"], *op["kwargs"].values()]:
            if isinstance(arg, hv.dim):
                names |= _expression_columns(arg)
    return names


def selection_ids(frame: pd.DataFrame, expr: hv.dim | None) -> set[str]:
    """The ids of the results a link_selections ``selection_expr`` picks; all ids for None.

    An expression on a column these results lack picks nothing.
    """
    if expr is None:
        return set(frame["id"].astype(str))
    names = _expression_columns(expr)
    data = _columns(frame, log_columns=any(name.startswith("log10(") for name in names))
    if "tags" in names:
        rows, tags = _rows_per_tag(frame["tags"], np.arange(len(frame)))
        data = data.take(rows).assign(tags=tags)
    if not names <= set(data.columns):
        return set()
    picked = expr.apply(hv.Dataset(data[sorted(names)]), keep_index=False)
    return set(data["id"][np.asarray(picked, dtype=bool)])
