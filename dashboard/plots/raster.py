"""A scatter of many results as an image: how many results each pixel holds.

Above a few thousand points a scatter costs the browser more than a picture of it: the
image is one or two bytes a pixel whatever the number of results. The counts are numpy's
``histogram2d`` on the same linear bins datashader's count would use: datashader compiles
its aggregation with numba on first use in a process (about 4 s here, the largest part
of a first plot), and a count is all this image needs. On a log axis it is
drawn on log10 values (Bokeh's Image glyph is binned linearly) and the ticks show the
values themselves; zooming draws a new image of what is in view.
"""

from __future__ import annotations

from datetime import datetime

import holoviews as hv
import numpy as np
import pandas as pd
from bokeh.models import CustomJSTickFormatter

from dashboard.plots.spec import PlotSpec, is_date

__all__ = ["ZoomableCountImage", "count_image", "is_moment", "log_column", "raster_axes"]

# Pixels of a count image: 80 KB of counts at one byte a pixel, the largest part of what
# a facet change sends (at most 100 KB); zooming computes a new one.
_RASTER_SIZE = (400, 200)


def _power_of_ten_ticks() -> CustomJSTickFormatter:
    """Ticks of a rasterized log axis (drawn on log10 values) showing the values themselves.

    A new model for each plot: a Bokeh model belongs to one document, and each session
    has its own."""
    return CustomJSTickFormatter(code="return String(Number((10 ** tick).toPrecision(3)));")


def log_column(column: str) -> str:
    """The name of a column's log10 values, as a rasterized log axis plots them."""
    return f"log10({column})"


def raster_axes(spec: PlotSpec) -> tuple[str, str]:
    """The columns a rasterized scatter is drawn on: log10 values on a log axis, as Bokeh's
    Image glyph is binned linearly."""
    return (
        log_column(spec.x) if spec.logx else spec.x,
        log_column(spec.y) if spec.logy else spec.y,
    )


def is_moment(value) -> bool:
    """Whether a selection or zoom bound is a point in time (a datetime64 or a datetime)."""
    return isinstance(value, np.datetime64 | datetime)


def _span(values: np.ndarray, chosen) -> tuple[float, float]:
    """The range an image covers: the one `chosen` (a zoom), else the values' own, widened
    by a hair so that the largest value falls inside the last pixel."""
    if chosen is not None and None not in chosen:
        low, high = (pd.Timestamp(v).value if is_moment(v) else float(v) for v in chosen)
        return float(low), float(high)
    low, high = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
    pad = (high - low) * 1e-6 or max(abs(high) * 1e-6, 1.0)
    return low - pad, high + pad


def count_image(frame: pd.DataFrame, spec: PlotSpec, x_range=None, y_range=None) -> hv.Image:
    """Results per pixel of a scatter too large to draw point by point, over `x_range`
    and `y_range` (a zoom) or all the values. On a log axis the image is drawn on log10
    values (Bokeh's Image glyph is binned linearly); the ticks show the values
    themselves. Empty pixels are transparent; box selection works on it."""
    x, y = raster_axes(spec)
    dates = is_date(frame[spec.x])
    if dates:
        values = frame[spec.x]
        moments = np.asarray(values.dt.tz_convert(None) if values.dt.tz else values, "M8[ns]")
        xs = moments.astype("int64").astype("float64")
        xs[np.isnat(moments)] = np.nan
    else:
        xs = frame[spec.x].to_numpy(dtype="float64", na_value=np.nan)
    ys = frame[spec.y].to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        xs = np.log10(xs) if spec.logx else xs
        ys = np.log10(ys) if spec.logy else ys
    keep = np.isfinite(xs) & np.isfinite(ys)
    xs, ys = xs[keep], ys[keep]
    (left, right), (bottom, top) = _span(xs, x_range), _span(ys, y_range)
    width, height = _RASTER_SIZE
    counts, x_edges, y_edges = np.histogram2d(
        xs, ys, bins=(width, height), range=((left, right), (bottom, top))
    )
    # The image is most of what a change sends to the browser: one byte a pixel while
    # every count fits, else two (a pixel of more than 65,535 results shows 65,535).
    grid = counts.T  # rows are y, from the bottom
    dtype = np.uint8 if grid.max(initial=0) <= np.iinfo(np.uint8).max else np.uint16
    grid = np.minimum(grid, np.iinfo(dtype).max).astype(dtype)
    xcoords = (x_edges[:-1] + x_edges[1:]) / 2  # pixel centres
    ycoords = (y_edges[:-1] + y_edges[1:]) / 2
    if dates:
        xcoords = xcoords.astype("int64").astype("datetime64[ns]")
    log_ticks = {"xformatter": _power_of_ten_ticks()} if spec.logx else {}
    if spec.logy:
        log_ticks["yformatter"] = _power_of_ten_ticks()
    image = hv.Image(
        (xcoords, ycoords, grid),
        kdims=[
            hv.Dimension(x, label=spec.label(spec.x)),
            hv.Dimension(y, label=spec.label(spec.y)),
        ],
        vdims=["Count"],
    )
    return image.opts(
        cmap="viridis",
        cnorm="eq_hist",
        clim=(1, None),  # empty pixels (0) are below the colour range: transparent
        clipping_colors={"min": "transparent"},
        colorbar=True,
        tools=["hover", "box_select"],
        framewise=True,
        **log_ticks,
    )


class ZoomableCountImage:
    """`count_image` of the frames a ``Pipe`` sends, computed again at each zoom or pan.

    New rows show in full: a zoom applies to the rows it was made on. `drawn` is the frame
    of the image shown; whoever draws an image by other means says so there."""

    def __init__(self, rows: hv.streams.Pipe, spec: PlotSpec, hooks=()) -> None:
        self.spec = spec
        self.drawn: pd.DataFrame | None = None
        self._hooks = list(hooks)
        self.object = hv.DynamicMap(self._image, streams=[rows, hv.streams.RangeXY()])

    def _image(self, data: pd.DataFrame, x_range=None, y_range=None) -> hv.Image:
        if self.drawn is not data:
            self.drawn = data
            x_range = y_range = None
        image = count_image(data, self.spec, x_range, y_range)
        return image.opts(hooks=self._hooks) if self._hooks else image
