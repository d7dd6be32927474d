"""A plot that stays in the browser while the rows it shows change.

Building a HoloViews plot makes new Bokeh models, which costs about a second for a large
frame and resends the whole figure. A `LivePlot` is built once per plot setting: its rows
arrive through a ``Pipe`` stream, so a filter change only recomputes the element (or the
count image) and updates the existing data sources. The same goes for the marks
drawn over it (results ticked in the table or picked in the plot).

Whether a scatter is a count image is decided once, by the size of the population its
rows are filtered from: filtering a large benchmark down to a few results does not cost
a new plot. When the filtered rows are few enough to draw one by one, they are drawn as
dots over the (nearly empty) image, with the hover of a scatter.

Linking is ours rather than ``hv.link_selections``, which triples the work of every
update: the plot's ``SelectionXY`` stream turns a box selection into an ``hv.dim``
expression (`plots.selection_expr`), and `plots.selection_ids` resolves it on the rows.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import holoviews as hv
import numpy as np
import pandas as pd

from dashboard.caches import emptied_with_memory
from dashboard.plots.elements import (
    RASTERIZE_ABOVE,
    build_plot,
    plot_element,
    plot_layout,
)
from dashboard.plots.raster import ZoomableCountImage, count_image
from dashboard.plots.selection import (
    dots_element,
    highlight_element,
    selection_expr,
    selection_ids,
)
from dashboard.plots.spec import PlotSpec

#: At most this many picked results are marked over the plot (each mark is a glyph).
MARK_AT_MOST = 2_000
#: At most this many results filtered from a large population are drawn as dots over
#: its count image (about 50 bytes each to the browser; a change sends at most 100 KB).
DOTS_AT_MOST = 1_000


def _mode(frame: pd.DataFrame, spec: PlotSpec, population: int | None) -> str:
    """How `spec` draws `frame`, filtered from `population` results (None: from itself).

    A population large enough for a count image keeps it whatever the filter leaves, even
    nothing: the plot stays the same while facets change."""
    large = (len(frame) if population is None else population) > RASTERIZE_ABOVE
    if spec.kind == "scatter" and large and {spec.x, spec.y} <= set(frame.columns):
        return "image"
    return "empty" if frame.empty else "glyphs"


@emptied_with_memory
def _forget_option_lookups() -> None:
    """Empty HoloViews' cache of the options it looked up for each kind of element.

    It holds the options of the last plots drawn (what HoloViews does itself whenever
    an option changes), and they pinned some 10 MB of memory after the sessions that
    drew them ended. The cache is a private attribute: if a later HoloViews keeps it
    elsewhere, nothing is emptied.
    """
    cache = getattr(hv.Store, "_lookup_cache", None)
    if isinstance(cache, dict):
        for backend in list(cache):
            cache[backend] = {}


class _PlotKeeper:
    """The hook that tells a live plot its image's HoloViews plot, holding it weakly.

    HoloViews keeps an element's options (its hooks among them) in a process-wide
    lookup cache: a bound method there kept the live plot, and through it the whole
    session, in memory after the session ended.
    """

    def __init__(self, live: LivePlot) -> None:
        self._live = weakref.ref(live)

    def __call__(self, plot, element) -> None:
        live = self._live()
        if live is not None:
            live._keep_plot(plot, element)


class LivePlot:
    """The plot of one `PlotSpec`, fed new rows with `show` and marks with `mark`.

    `population`: how many results the rows shown are filtered from (by default, as many
    as `frame` has); it decides whether a scatter is a count image.
    """

    def __init__(self, frame: pd.DataFrame, spec: PlotSpec, population: int | None = None) -> None:
        self.spec = spec
        self.mode = _mode(frame, spec, population)
        self.rows = frame
        self._on_pick: list[Callable[[list[str] | None], None]] = []
        self._rows = hv.streams.Pipe(data=frame)
        # Streams of one plot need names of their own to be triggered together.
        self._marks = hv.streams.Pipe(data=frame.iloc[:0]).rename(data="marks")
        self._dots = hv.streams.Pipe(data=self._few(frame)).rename(data="dots")
        self.selection: hv.streams.SelectionXY | None = None
        if self.mode == "empty":
            self.object = build_plot(frame, spec)
            return
        self._image_plot = None
        rings = hv.DynamicMap(self._rings, streams=[self._marks])
        if self.mode == "image":
            self._images = ZoomableCountImage(self._rows, spec, hooks=[_PlotKeeper(self)])
            base = self._images.object
            overlay = base * hv.DynamicMap(self._dot_layer, streams=[self._dots]) * rings
        else:
            base = hv.DynamicMap(self._glyphs, streams=[self._rows])
            overlay = base * rings
        # On the plot, not the overlay with the rings: that is where Bokeh reports it.
        self.selection = hv.streams.SelectionXY(source=base)
        self.selection.add_subscriber(self._picked)
        self.object = overlay.opts(**plot_layout(spec), active_tools=["box_select"])

    def _few(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows drawn one by one over a count image: all of them if they are few."""
        return frame if len(frame) <= DOTS_AT_MOST else frame.iloc[:0]

    def _dot_layer(self, dots: pd.DataFrame):
        return dots_element(dots, self.spec)

    def _glyphs(self, data: pd.DataFrame):
        base = plot_element(data, self.spec)
        return base.map(lambda layer: layer.opts(framewise=True), hv.Element)

    def _rings(self, marks: pd.DataFrame):
        return highlight_element(marks, self.spec, rasterized=self.mode == "image")

    def _keep_plot(self, plot, _element) -> None:
        """A hook HoloViews calls with the image's plot once it is drawn (or redrawn)."""
        self._image_plot = plot

    def fits(self, frame: pd.DataFrame, spec: PlotSpec, population: int | None = None) -> bool:
        """Whether `show(frame)` can update this plot; else build a new one."""
        return spec == self.spec and _mode(frame, spec, population) == self.mode != "empty"

    def show(self, frame: pd.DataFrame, marked=()) -> None:
        """Plot these rows instead (a frame that `fits`), ringing the `marked` ids."""
        self.rows = frame
        marks = self._marked_rows(marked)
        if self.mode != "image" or self._image_plot is None:
            # One refresh of the plot for all layers: HoloViews redraws only those whose
            # streams are among the ones triggered (there are dots only over an image).
            streams = [self._rows, self._marks]
            self._marks.update(data=marks)
            self._rows.update(data=frame)
            if self.mode == "image":
                self._dots.update(data=self._few(frame))
                streams.append(self._dots)
            hv.streams.Stream.trigger(streams)
            return
        dots = self._few(frame)
        changed = []
        for stream, rows in ((self._marks, marks), (self._dots, dots)):
            if not (rows.empty and stream.data.empty):
                stream.update(data=rows)
                changed.append(stream)
        if changed:
            hv.streams.Stream.trigger(changed)
        # last: a refresh of the other layers may have set the ranges to what they knew
        self._redraw_image(frame, blank=not dots.empty)

    def _redraw_image(self, frame: pd.DataFrame, *, blank: bool = False) -> None:
        """Give the count image's Bokeh models the image of these rows directly.

        A HoloViews refresh costs several times the count image itself (and makes
        Bokeh recount every model of the page): the image, its extent and its colour
        range are all that change. The data comes from the HoloViews plot's own
        ``get_data``, so it is what a refresh would send; the rows stream is updated
        silently, so that a zoom later draws these rows. `blank`: the rows are drawn as
        dots, and the image over the same extent is one empty pixel (a few bytes instead
        of the whole image).
        """
        plot = self._image_plot
        image = count_image(frame, self.spec)
        data, _, _ = plot.get_data(image, {}, {})
        if blank:
            data["image"] = [np.zeros((1, 1), dtype=data["image"][0].dtype)]
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
