"""HoloViews plots of benchmark results for the results explorer.

Pure functions: a results frame (one row per result, see ``frames.py``) and a `PlotSpec`
in, a HoloViews object out; no widgets and no I/O. ``live_plot.py`` keeps one of them in
the browser while its rows change, and links it with the table.

A scatter of more than RASTERIZE_ABOVE results is a datashader count image. Selections
are ``hv.dim`` expressions over the plot's columns (`selection_expr`); on a rasterized
log axis they are expressed in ``log10(<column>)``, and `selection_ids` resolves them to
result ids. Selecting a tag of a plot grouped by tags gives ``dim("tags").isin(...)``,
resolved on one row per tag of each result.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import colorcet
import datashader as ds
import holoviews as hv
import holoviews.plotting.bokeh  # registers the Bokeh backend the options are for
import numpy as np
import pandas as pd
import param
from bokeh.models import CustomJSTickFormatter
from holoviews.core.operation import Operation
from holoviews.operation import histogram

PLOT_KINDS = ("scatter", "box", "violin", "bar", "histogram")
GROUPS = ("site", "flavor", "tags")
RASTERIZE_ABOVE = 2_000  # points; above it the browser gets an image (~80 bytes a point otherwise)
NO_TAG = "(no tag)"

_DATE = "execution_datetime"
_DEFAULT_LABELS = {_DATE: "execution date", "upload_datetime": "upload date"}
_HEIGHT = 400
_BINS = 40
# Pixels of a count image (256 KB of counts); zooming computes a new one.
_RASTER_SIZE = (512, 256)
_EMPTY_TITLE = "No results match"
# Starts with Bokeh's familiar Category10, then goes on with distinct colours, so that 24
# flavors or many tags do not repeat colours.
_CATEGORY_CMAP = list(colorcet.palette["glasbey_category10"])
# A rasterized log axis is drawn on log10 values; the ticks show the values themselves.
_POWER_OF_TEN_TICKS = CustomJSTickFormatter(
    code="return String(Number((10 ** tick).toPrecision(3)));"
)


def _log_column(column: str) -> str:
    return f"log10({column})"


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _is_date(series: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(series)


@dataclass(frozen=True)
class PlotSpec:
    """What to plot: the kind, the columns on each axis, the grouping and axis scales."""

    kind: str = "scatter"
    x: str = _DATE
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
        if dates and _is_date(values):
            return [f"log axis needs numbers: {self.label(column)} is a date"] if log else []
        if not _is_numeric(values):
            return [f"{self.label(column)} ({axis}) is not {kinds}"]
        not_positive = int((values <= 0).sum()) if log else 0
        if not_positive:
            return [f"log axis needs positive values: {not_positive} rows are <= 0"]
        return []


def hover_columns(spec: PlotSpec) -> list[str]:
    """The columns the hover shows: per result site, flavor, the values and execution date.

    Box, violin and bar plots show the category and the value; a histogram shows the bin
    of x (and its count).
    """
    if spec.kind == "histogram":
        return [spec.x]
    if spec.kind != "scatter":
        return [spec.group, spec.y]
    wanted = ["site", "flavor", spec.group, spec.x, spec.y, _DATE]
    return list(dict.fromkeys(wanted))


def _columns(
    frame: pd.DataFrame, *, log_columns: bool, only: Collection[str] | None = None
) -> pd.DataFrame:
    """The plottable columns of `frame` (or `only` those of them), one row per result, as
    HoloViews and Bokeh want them; always with id, site and flavor.

    Site and flavor are categoricals (grouping by codes is several times faster than by
    strings), dates lose their (UTC) time zone because Bokeh plots naive datetimes,
    nullable integers become floats with NaN, booleans and strings are left out (nothing
    plots them). `log_columns` adds ``log10(<column>)`` for each positive numeric column:
    the coordinates of rasterized log axes, in which a selection made on them is expressed.
    """
    columns = {"id": frame["id"].astype(str)}
    for name in ("site", "flavor"):
        columns[name] = pd.Categorical(frame[name])
    names = [_DATE, *(c for c in frame.columns if c.startswith("json."))]
    for name in names if only is None else [n for n in names if n in only]:
        values = frame[name]
        if _is_date(values):
            columns[name] = values.dt.tz_convert(None) if values.dt.tz else values
        elif _is_numeric(values):
            columns[name] = values.to_numpy(dtype="float64", na_value=np.nan)
            if log_columns and not (columns[name] <= 0).any():
                columns[_log_column(name)] = np.log10(columns[name], dtype=np.float32)
    return pd.DataFrame(columns, index=frame.index, copy=False).reset_index(drop=True)


def _rows_per_tag(tags: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, pd.Categorical]:
    """`rows` each repeated once per tag of its result ("(no tag)" for none), and the tags.

    Works on the few distinct tag combinations rather than on every row: exploding the
    tuples row by row takes longer than building the whole plot may.
    """
    combination, combinations = pd.factorize(tags, use_na_sentinel=False)
    combinations = [row_tags or (NO_TAG,) for row_tags in combinations]
    names = sorted({tag for row_tags in combinations for tag in row_tags})
    code_of = {name: code for code, name in enumerate(names)}
    codes = np.array([code_of[tag] for row_tags in combinations for tag in row_tags])
    sizes = np.array([len(row_tags) for row_tags in combinations])
    starts = np.cumsum(sizes) - sizes
    combination = combination[rows]
    repeats = sizes[combination]
    # Position of each output row among the tags of its result: 0, 1, ... per result.
    position = np.arange(repeats.sum()) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    tag_codes = codes[np.repeat(starts[combination], repeats) + position]
    return np.repeat(rows, repeats), pd.Categorical.from_codes(tag_codes, categories=names)


def _plot_data(frame: pd.DataFrame, spec: PlotSpec, *, per_tag: bool) -> pd.DataFrame:
    """The rows `spec` plots: results with its values, once per tag with `per_tag`.

    For box, violin and bar plots the categories of the group are ordered by their median
    y, lowest first, and only groups with values remain. Rows are picked, repeated and
    ordered as indices first and copied once, because with many JSON columns each copy
    of 100k rows costs more than a plot's whole budget allows.
    """
    data = _columns(frame, log_columns=False, only={_DATE, spec.x, spec.y})
    plotted = {"histogram": [spec.x], "scatter": [spec.x, spec.y]}.get(spec.kind, [spec.y])
    rows = np.flatnonzero(data[plotted].notna().all(axis=1).to_numpy())
    groups = None
    if per_tag:
        rows, groups = _rows_per_tag(frame["tags"], rows)
    if spec.kind in ("box", "violin", "bar"):
        if groups is None:
            groups = data[spec.group].array.take(rows)
        values = pd.Series(data[spec.y].to_numpy()[rows])
        medians = values.groupby(groups, observed=True).median().sort_values()
        groups = groups.set_categories(list(medians.index))
        if spec.kind != "bar":
            # Box and violin plots show their categories in the order the rows come.
            by_group = np.argsort(groups.codes, kind="stable")
            rows, groups = rows[by_group], groups[by_group]
    picked = data.take(rows).reset_index(drop=True)
    if groups is not None:
        picked[spec.group] = groups
    return picked


def _dataset(data: pd.DataFrame, spec: PlotSpec) -> hv.Dataset:
    """All of `data` as a Dataset whose dimensions carry the spec's labels."""
    numeric = [c for c in data.columns if pd.api.types.is_float_dtype(data[c])]
    keys = [c for c in data.columns if c not in numeric]
    return hv.Dataset(
        data,
        kdims=[hv.Dimension(c, label=spec.label(c)) for c in keys],
        vdims=[hv.Dimension(c, label=spec.label(c)) for c in numeric],
    )


class _group_medians(Operation):
    """Median of `value` per `category` as Bars, or with its interquartile range as ErrorBars.

    An operation rather than a computed table so that link_selections can re-run it on
    the selected rows and overlay their medians.
    """

    value = param.ClassSelector(class_=hv.Dimension, doc="The value dimension.")
    category = param.ClassSelector(class_=hv.Dimension, doc="The category dimension, in order.")
    errors = param.Boolean(default=False, doc="ErrorBars of the IQR instead of Bars.")

    def _process(self, element, key=None):
        y, group = self.p.value, self.p.category
        values = element.dframe([group.name, y.name]).groupby(group.name, observed=True)[y.name]
        stats = values.quantile([0.25, 0.5, 0.75]).unstack().reset_index()
        stats.columns = [group.name, "q1", y.name, "q3"]
        if not self.p.errors:
            return hv.Bars(stats, kdims=[group], vdims=[y])
        stats["below"] = stats[y.name] - stats["q1"]
        stats["above"] = stats["q3"] - stats[y.name]
        return hv.ErrorBars(stats, kdims=[group], vdims=[y, "below", "above"])


def _medians(data: pd.DataFrame, spec: PlotSpec) -> hv.Overlay:
    """Median bars with IQR error bars of `_plot_data` for a bar spec."""
    dims = {
        "value": hv.Dimension(spec.y, label=spec.label(spec.y)),
        # The order of the bars, also when a selection leaves out some groups.
        "category": hv.Dimension(spec.group, values=list(data[spec.group].cat.categories)),
    }
    dataset = _dataset(data, spec)
    bars = _group_medians(dataset, **dims).opts(color="#4c78a8", alpha=0.8)
    return bars * _group_medians(dataset, errors=True, **dims).opts(color="black")


def median_iqr_bars(frame: pd.DataFrame, y: str, group: str) -> hv.Overlay:
    """Bars of the median `y` per group, lowest first, with interquartile-range error bars."""
    spec = PlotSpec(kind="bar", y=y, group=group)
    return _medians(_plot_data(frame, spec, per_tag=group == "tags"), spec)


def _title(spec: PlotSpec) -> str:
    if spec.kind == "scatter":
        return f"{spec.label(spec.y)} vs {spec.label(spec.x)}"
    if spec.kind == "histogram":
        return f"Distribution of {spec.label(spec.x)}"
    return f"{spec.label(spec.y)} by {spec.group}"


def _points(dataset: hv.Dataset, spec: PlotSpec) -> hv.Points:
    """Points coloured by group, with the hover and selection tools."""
    vdims = [c for c in hover_columns(spec) if c not in (spec.x, spec.y)] + ["id"]
    points = dataset.to(hv.Points, [spec.x, spec.y], vdims, groupby=[])
    return points.opts(
        color=spec.group,
        cmap=_CATEGORY_CMAP,
        size=5,
        alpha=0.7,
        show_legend=True,
        legend_position="right",
        tools=["hover", "box_select", "tap"],
        hover_tooltips=[spec.label(c) for c in hover_columns(spec)],
        logx=spec.logx,
        logy=spec.logy,
    )


def _raster_axes(spec: PlotSpec) -> tuple[str, str]:
    """The columns a rasterized scatter is drawn on: log10 values on a log axis, as Bokeh's
    Image glyph is binned linearly."""
    return (
        _log_column(spec.x) if spec.logx else spec.x,
        _log_column(spec.y) if spec.logy else spec.y,
    )


def _is_moment(value) -> bool:
    """Whether a selection or zoom bound is a point in time (a datetime64 or a datetime)."""
    return isinstance(value, np.datetime64 | datetime)


def _span(values: np.ndarray, chosen) -> tuple[float, float]:
    """The range an image covers: the one `chosen` (a zoom), else the values' own, widened
    by a hair so that the largest value falls inside the last pixel."""
    if chosen is not None and None not in chosen:
        low, high = (pd.Timestamp(v).value if _is_moment(v) else float(v) for v in chosen)
        return float(low), float(high)
    low, high = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
    pad = (high - low) * 1e-6 or max(abs(high) * 1e-6, 1.0)
    return low - pad, high + pad


def count_image(frame: pd.DataFrame, spec: PlotSpec, x_range=None, y_range=None) -> hv.Image:
    """Results per pixel of a scatter too large to draw point by point, by datashader,
    over `x_range` and `y_range` (a zoom) or all the values. On a log axis the image is
    drawn on log10 values (Bokeh's Image glyph is binned linearly); the ticks show the
    values themselves. Empty pixels are transparent; box selection works on it."""
    x, y = _raster_axes(spec)
    dates = _is_date(frame[spec.x])
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
    canvas = ds.Canvas(
        plot_width=_RASTER_SIZE[0],
        plot_height=_RASTER_SIZE[1],
        x_range=_span(xs, x_range),
        y_range=_span(ys, y_range),
    )
    counts = canvas.points(pd.DataFrame({"x": xs, "y": ys}, copy=False), "x", "y", ds.count())
    # The image is most of what a change sends to the browser: one byte a pixel while
    # every count fits, else two (a pixel of more than 65,535 results shows 65,535).
    grid = counts.values
    dtype = np.uint8 if grid.max(initial=0) <= np.iinfo(np.uint8).max else np.uint16
    grid = np.minimum(grid, np.iinfo(dtype).max).astype(dtype)
    xcoords = counts.coords["x"].values
    if dates:
        xcoords = xcoords.astype("int64").astype("datetime64[ns]")
    log_ticks = {"xformatter": _POWER_OF_TEN_TICKS} if spec.logx else {}
    if spec.logy:
        log_ticks["yformatter"] = _POWER_OF_TEN_TICKS
    image = hv.Image(
        (xcoords, counts.coords["y"].values, grid),
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


def _histogram(dataset: hv.Dataset, data: pd.DataFrame, spec: PlotSpec) -> hv.Histogram:
    """Counts of x in _BINS bins, of equal width in log space with a log x axis."""
    values = data[spec.x]
    if _is_date(values):
        edges = np.histogram_bin_edges(values.to_numpy("int64"), _BINS).astype("datetime64[ns]")
    elif spec.logx:
        edges = 10 ** np.histogram_bin_edges(np.log10(values), _BINS)
    else:
        edges = np.histogram_bin_edges(values, _BINS)
    # Explicit edges: HoloViews' own binning of datetimes breaks link_selections.
    return histogram(dataset, dimension=spec.x, bins=edges).opts(
        tools=["hover", "box_select"], logx=spec.logx, logy=spec.logy, color="#4c78a8"
    )


def _empty_plot(spec: PlotSpec) -> hv.Element | hv.Overlay:
    """A plot of the spec's kind without data, for a search that found nothing."""
    x = hv.Dimension(spec.x, label=spec.label(spec.x))
    if spec.kind == "histogram":
        return hv.Histogram(([0, 1], [0]), kdims=[x])
    y = hv.Dimension(spec.y, label=spec.label(spec.y))
    if spec.kind == "scatter":
        return hv.Points([], kdims=[x, y])
    if spec.kind == "bar":
        errors = hv.ErrorBars([], kdims=[spec.group], vdims=[y, "below", "above"])
        return hv.Bars([], kdims=[spec.group], vdims=[y]) * errors
    element = hv.BoxWhisker if spec.kind == "box" else hv.Violin
    return element([], kdims=[spec.group], vdims=[y])


def is_rasterized(frame: pd.DataFrame, spec: PlotSpec) -> bool:
    """Whether `spec` draws `frame` as a count image rather than one glyph per result."""
    return spec.kind == "scatter" and len(frame) > RASTERIZE_ABOVE


def plot_element(frame: pd.DataFrame, spec: PlotSpec) -> hv.Element | hv.Overlay:
    """The plot of a non-empty `frame` (a valid spec) without title and size: what a live
    plot's DynamicMap returns for each new set of rows. A large scatter is a count image
    (`count_image`)."""
    rasterized = is_rasterized(frame, spec)
    if rasterized:
        return count_image(frame, spec)
    # Counts (histogram) count results, so tags must not repeat them.
    per_tag = spec.group == "tags" and spec.kind != "histogram"
    data = _plot_data(frame, spec, per_tag=per_tag)
    if spec.kind == "scatter":
        return _points(_dataset(data, spec), spec)
    if spec.kind == "histogram":
        return _histogram(_dataset(data, spec), data, spec)
    if spec.kind == "bar":
        return _medians(data, spec).opts(
            {"Bars": {"tools": ["hover", "tap", "box_select"], "logy": spec.logy, "xrotation": 30}}
        )
    element = hv.BoxWhisker if spec.kind == "box" else hv.Violin
    plot = _dataset(data, spec).to(element, spec.group, spec.y, groupby=[])
    return plot.opts(tools=["hover", "box_select"], logy=spec.logy, xrotation=30)


def plot_layout(spec: PlotSpec, *, empty: bool = False) -> dict:
    """The title and size options of a plot."""
    title = _EMPTY_TITLE if empty else _title(spec)
    return {"title": title, "responsive": True, "height": _HEIGHT}


def build_plot(frame: pd.DataFrame, spec: PlotSpec) -> hv.Element | hv.Overlay | hv.DynamicMap:
    """The plot for `spec`; raises ValueError with the `problems` when it cannot be built.

    An empty frame gives an empty plot of the right kind titled 'No results match'.
    Scatter plots of more than RASTERIZE_ABOVE results are rasterized by datashader into a
    count image (hover shows counts), which still supports box selection.
    """
    problems = spec.problems(frame)
    if problems:
        raise ValueError("; ".join(problems))
    if frame.empty:
        return _empty_plot(spec).opts(**plot_layout(spec, empty=True))
    if is_rasterized(frame, spec):
        plot = ZoomableCountImage(hv.streams.Pipe(data=frame), spec).object
    else:
        plot = plot_element(frame, spec)
    return plot.opts(**plot_layout(spec))


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
        x, y = _raster_axes(spec) if rasterized else (spec.x, spec.y)
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


def selection_expr(spec: PlotSpec, x_selection, y_selection, *, rasterized: bool) -> hv.dim:
    """The rows a box selection on the plot of `spec` picks, as an hv.dim expression for
    `selection_ids`. The selections are a SelectionXY stream's: a (low, high) range on a
    continuous axis, a list of categories on a categorical one (raster axes of a log
    scale are in log10)."""
    if spec.kind == "scatter":
        x, y = _raster_axes(spec) if rasterized else (spec.x, spec.y)
        return _within(x, x_selection) & _within(y, y_selection)
    if spec.kind == "histogram":
        return _within(spec.x, x_selection)
    picked = hv.dim(spec.group).isin([str(category) for category in x_selection or []])
    return picked if spec.kind == "bar" else picked & _within(spec.y, y_selection)


def _within(column: str, selection) -> hv.dim:
    low, high = selection
    if _is_moment(low):
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
