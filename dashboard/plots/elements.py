"""HoloViews plots of benchmark results for the results explorer.

Pure functions: a results frame (one row per result, see :mod:`dashboard.results.frame`)
and a :class:`~dashboard.plots.spec.PlotSpec` in, a HoloViews object out; no widgets and
no I/O. :mod:`dashboard.plots.live` keeps one of them in the browser while its rows
change, and links it with the table.

A scatter of more than RASTERIZE_ABOVE results is a count image
(:mod:`dashboard.plots.raster`); what a selection picks is in :mod:`dashboard.plots.selection`.
"""

from __future__ import annotations

from collections.abc import Collection

import colorcet
import holoviews as hv
import holoviews.plotting.bokeh  # registers the Bokeh backend the options are for
import numpy as np
import pandas as pd
import param
from holoviews.core.operation import Operation
from holoviews.operation import histogram

from dashboard.plots.raster import ZoomableCountImage, count_image, log_column
from dashboard.plots.spec import DATE_COLUMN as _DATE
from dashboard.plots.spec import PlotSpec, is_date, is_numeric

RASTERIZE_ABOVE = 2_000  # points; above it the browser gets an image (~80 bytes a point otherwise)
NO_TAG = "(no tag)"

_HEIGHT = 400
_BINS = 40
_EMPTY_TITLE = "No results match"
# Starts with Bokeh's familiar Category10, then goes on with distinct colours, so that 24
# flavors or many tags do not repeat colours.
_CATEGORY_CMAP = list(colorcet.palette["glasbey_category10"])


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
        if is_date(values):
            columns[name] = values.dt.tz_convert(None) if values.dt.tz else values
        elif is_numeric(values):
            columns[name] = values.to_numpy(dtype="float64", na_value=np.nan)
            if log_columns and not (columns[name] <= 0).any():
                columns[log_column(name)] = np.log10(columns[name], dtype=np.float32)
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


def _histogram(dataset: hv.Dataset, data: pd.DataFrame, spec: PlotSpec) -> hv.Histogram:
    """Counts of x in _BINS bins, of equal width in log space with a log x axis."""
    values = data[spec.x]
    if is_date(values):
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
    Scatter plots of more than RASTERIZE_ABOVE results are rasterized into a
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
