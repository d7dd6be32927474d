"""A plot that stays in the browser while the rows it shows change.

Building a HoloViews plot makes new Bokeh models, which costs about a second for a large
frame and resends the whole figure. A `LivePlot` is built once per plot setting: its rows
arrive through a ``Pipe`` stream, so a filter change only recomputes the element (or the
count image) and updates the existing data sources. The same goes for the marks
drawn over it (results ticked in the table or picked in the plot).

Linking is ours rather than ``hv.link_selections``, which triples the work of every
update: the plot's ``SelectionXY`` stream turns a box selection into an ``hv.dim``
expression (`plots.selection_expr`), and `plots.selection_ids` resolves it on the rows.
"""

from __future__ import annotations

from collections.abc import Callable

import holoviews as hv
import pandas as pd

from dashboard.plots.elements import build_plot, is_rasterized, plot_element, plot_layout
from dashboard.plots.raster import ZoomableCountImage, count_image
from dashboard.plots.selection import highlight_element, selection_expr, selection_ids
from dashboard.plots.spec import PlotSpec

#: At most this many picked results are marked over the plot (each mark is a glyph).
MARK_AT_MOST = 2_000


def _mode(frame: pd.DataFrame, spec: PlotSpec) -> str:
    if frame.empty:
        return "empty"
    return "image" if is_rasterized(frame, spec) else "glyphs"


class LivePlot:
    """The plot of one `PlotSpec`, fed new rows with `show` and marks with `mark`."""

    def __init__(self, frame: pd.DataFrame, spec: PlotSpec) -> None:
        self.spec = spec
        self.mode = _mode(frame, spec)
        self.rows = frame
        self._on_pick: list[Callable[[list[str] | None], None]] = []
        self._rows = hv.streams.Pipe(data=frame)
        self._marks = hv.streams.Pipe(data=frame.iloc[:0])
        self.selection: hv.streams.SelectionXY | None = None
        if self.mode == "empty":
            self.object = build_plot(frame, spec)
            return
        self._image_plot = None
        if self.mode == "image":
            self._images = ZoomableCountImage(self._rows, spec, hooks=[self._keep_plot])
            base = self._images.object
        else:
            base = hv.DynamicMap(self._glyphs, streams=[self._rows])
        marks = hv.DynamicMap(self._rings, streams=[self._marks])
        # On the plot, not the overlay with the rings: that is where Bokeh reports it.
        self.selection = hv.streams.SelectionXY(source=base)
        self.selection.add_subscriber(self._picked)
        self.object = (base * marks).opts(**plot_layout(spec), active_tools=["box_select"])

    def _glyphs(self, data: pd.DataFrame):
        base = plot_element(data, self.spec)
        return base.map(lambda layer: layer.opts(framewise=True), hv.Element)

    def _rings(self, data: pd.DataFrame):
        return highlight_element(data, self.spec, rasterized=self.mode == "image")

    def _keep_plot(self, plot, _element) -> None:
        """A hook HoloViews calls with the image's plot once it is drawn (or redrawn)."""
        self._image_plot = plot

    def fits(self, frame: pd.DataFrame, spec: PlotSpec) -> bool:
        """Whether `show(frame)` can update this plot; else build a new one."""
        return spec == self.spec and _mode(frame, spec) == self.mode != "empty"

    def show(self, frame: pd.DataFrame, marked=()) -> None:
        """Plot these rows instead (a frame that `fits`), ringing the `marked` ids."""
        self.rows = frame
        marks = self._marked_rows(marked)
        if self._image_plot is not None and marks.empty and self._marks.data.empty:
            self._redraw_image(frame)
            return
        # One refresh of the plot for both: the marks change without an event of their own.
        self._marks.update(data=marks)
        self._rows.send(frame)

    def _redraw_image(self, frame: pd.DataFrame) -> None:
        """Give the count image's Bokeh models the image of these rows directly.

        A HoloViews refresh costs several times the count image itself (and makes
        Bokeh recount every model of the page): the image, its extent and its colour
        range are all that change. The data comes from the HoloViews plot's own
        ``get_data``, so it is what a refresh would send; the rows stream is updated
        silently, so that a zoom later draws these rows.
        """
        plot = self._image_plot
        image = count_image(frame, self.spec)
        data, _, _ = plot.get_data(image, {}, {})
        left, bottom, right, top = image.bounds.lbrt()
        handles = plot.handles
        handles["source"].data = data
        handles["x_range"].update(start=left, end=right, reset_start=left, reset_end=right)
        handles["y_range"].update(start=bottom, end=top, reset_start=bottom, reset_end=top)
        handles["color_mapper"].high = max(int(data["image"][0].max(initial=0)), 1)
        self._rows.update(data=frame)
        self._images.drawn = frame

    def mark(self, ids) -> None:
        """Ring the results with these ids (at most MARK_AT_MOST of them)."""
        marked = self._marked_rows(ids)
        if self.mode != "empty" and not (marked.empty and self._marks.data.empty):
            self._marks.send(marked)

    def _marked_rows(self, ids) -> pd.DataFrame:
        rows = self.rows
        marked = rows[rows["id"].isin(list(ids))] if len(ids) else rows.iloc[:0]
        return marked.iloc[:MARK_AT_MOST]

    def on_pick(self, callback: Callable[[list[str] | None], None]) -> None:
        """Call `callback` with the ids a box selection picks (None when it is cleared)."""
        self._on_pick.append(callback)

    def _picked(self, bounds=None, x_selection=None, y_selection=None, **_ignored) -> None:
        if bounds is None or x_selection is None:
            ids = None
        else:
            expr = selection_expr(
                self.spec, x_selection, y_selection, rasterized=self.mode == "image"
            )
            ids = sorted(selection_ids(self.rows, expr))
        for callback in self._on_pick:
            callback(ids)
