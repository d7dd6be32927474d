"""The explorer's plots: each kind and grouping renders, with its axes, labels and hover,
and large result sets reach the browser as an image."""

from __future__ import annotations

import itertools
import json
import logging

import holoviews as hv
import numpy as np
import pytest
from bokeh.embed import json_item
from bokeh.models import HoverTool, LogScale
from helpers import CPUS, SCORE, TAGS, spec_for

from dashboard.plots.elements import (
    NO_TAG,
    RASTERIZE_ABOVE,
    build_plot,
    hover_columns,
    median_iqr_bars,
)
from dashboard.plots.spec import GROUPS, PLOT_KINDS, PlotSpec


def glyph_types(plot) -> set[str]:
    """The glyphs drawn and the annotations (error bars are Whisker annotations)."""
    figure = hv.render(plot, backend="bokeh")
    return {type(r.glyph).__name__ for r in figure.renderers} | {
        type(annotation).__name__ for annotation in figure.center
    }


def serialized_size(plot) -> int:
    # Standalone serialisation warns that HoloViews' Python callbacks will not run.
    logging.getLogger("bokeh.embed.util").setLevel(logging.ERROR)
    return len(json.dumps(json_item(hv.render(plot, backend="bokeh"))))


EXPECTED_GLYPHS = {
    "scatter": {"Scatter"},
    "box": {"VBar", "Segment"},
    "violin": {"Patches", "VBar"},
    "bar": {"VBar", "Whisker"},
    "histogram": {"Quad"},
}


@pytest.mark.parametrize(
    ("kind", "group"),
    list(itertools.product(PLOT_KINDS, GROUPS)),
    ids=[f"{k}-{g}" for k, g in itertools.product(PLOT_KINDS, GROUPS)],
)
def test_every_kind_and_grouping_renders(results, kind, group):
    assert EXPECTED_GLYPHS[kind] <= glyph_types(build_plot(results, spec_for(kind, group)))


@pytest.mark.parametrize("kind", ["scatter", "box", "violin", "bar"])
def test_log_y_axis(results, kind):
    figure = hv.render(build_plot(results, spec_for(kind, logy=True)), backend="bokeh")
    assert isinstance(figure.y_scale, LogScale)


def test_log_histogram_has_log_x_axis_and_geometric_bins(results):
    plot = build_plot(results, spec_for("histogram", logx=True))
    widths = np.diff(np.log10(plot.edges))
    assert np.allclose(widths, widths[0])
    assert isinstance(hv.render(plot, backend="bokeh").x_scale, LogScale)


def test_labels_name_axes_and_title(results):
    spec = PlotSpec(y=SCORE, labels={SCORE: "score [GFLOPS]"})
    figure = hv.render(build_plot(results, spec), backend="bokeh")
    assert figure.yaxis[0].axis_label == "score [GFLOPS]"
    assert figure.xaxis[0].axis_label == "execution date"
    assert figure.title.text == "score [GFLOPS] vs execution date"


@pytest.mark.parametrize("kind", PLOT_KINDS)
def test_empty_results_give_an_empty_plot_saying_so(results, kind):
    empty = results.iloc[:0][["id", "site", "flavor", "tags", "execution_datetime"]]
    plot = build_plot(empty, spec_for(kind))
    figure = hv.render(plot, backend="bokeh")
    assert figure.title.text == "No results match"
    assert type(plot) is type(build_plot(results, spec_for(kind)))


def test_box_categories_are_ordered_by_median(results):
    figure = hv.render(build_plot(results, spec_for("box", "flavor")), backend="bokeh")
    medians = results.groupby("flavor", observed=True)[SCORE].median()
    assert list(figure.x_range.factors) == medians.sort_values().index.tolist()


def test_median_bars_show_median_and_interquartile_range(results):
    bars, errors = median_iqr_bars(results, SCORE, "site")
    quartiles = results.groupby("site", observed=True)[SCORE].quantile([0.25, 0.5, 0.75])
    quartiles = quartiles.unstack().sort_values(0.5)
    assert list(bars.dimension_values("site")) == quartiles.index.tolist()
    assert np.allclose(bars.dimension_values(SCORE), quartiles[0.5])
    assert np.allclose(errors.dimension_values("below"), quartiles[0.5] - quartiles[0.25])
    assert np.allclose(errors.dimension_values("above"), quartiles[0.75] - quartiles[0.5])


def test_tags_grouping_counts_a_result_once_per_tag(results):
    points = build_plot(results, spec_for("scatter", "tags"))
    expected = sum(max(1, len(tags)) for tags in results["tags"])
    assert len(points) == expected
    untagged = points.dimension_values("tags") == NO_TAG
    assert untagged.sum() == sum(len(tags) == 0 for tags in results["tags"])
    assert set(points.dimension_values("tags")) == {*TAGS, NO_TAG}


def test_small_scatter_draws_one_glyph_per_result(results):
    figure = hv.render(build_plot(results, spec_for("scatter")), backend="bokeh")
    (renderer,) = figure.renderers
    assert len(renderer.data_source.data["id"]) == len(results)
    assert figure.legend and figure.select_one(HoverTool) is not None


def test_large_scatter_reaches_the_browser_as_a_small_image(many_results):
    plot = build_plot(many_results, spec_for("scatter"))
    assert len(many_results) > RASTERIZE_ABOVE
    assert isinstance(plot, hv.DynamicMap)
    glyphs = glyph_types(plot)
    assert "Image" in glyphs and "Scatter" not in glyphs
    assert serialized_size(plot) < 300_000


def test_large_log_scatter_is_rasterized_on_log_values(many_results):
    plot = build_plot(many_results, PlotSpec(x=CPUS, y=SCORE, logx=True, logy=True))
    image = plot[()]
    assert image.kdims[1].name == f"log10({SCORE})"
    low, high = np.log10(many_results[SCORE].agg(["min", "max"]))
    # The image covers every value, widened by no more than a pixel.
    assert image.range(1) == pytest.approx((low, high), abs=(high - low) / 100)


def test_hover_renders_values_as_text(results):
    """Site names, tags and JSON strings may hold HTML: the tooltips must not use templates."""
    for kind in PLOT_KINDS:
        figure = hv.render(build_plot(results, spec_for(kind, "tags")), backend="bokeh")
        for hover in figure.select(type=HoverTool):
            assert not isinstance(hover.tooltips, str) or "{safe}" not in hover.tooltips
            assert all("{safe}" not in value for _, value in hover.tooltips or [])


def test_hover_shows_site_flavor_values_and_date():
    assert hover_columns(PlotSpec(x=CPUS, y=SCORE)) == [
        "site",
        "flavor",
        CPUS,
        SCORE,
        "execution_datetime",
    ]
    assert hover_columns(PlotSpec(y=SCORE, group="tags"))[2] == "tags"
    assert hover_columns(PlotSpec(kind="box", y=SCORE, group="flavor")) == ["flavor", SCORE]


def test_large_scatter_grouped_by_tags_counts_each_result_once(many_results):
    image = build_plot(many_results, spec_for("scatter", "tags"))[()]
    assert np.nansum(image.dimension_values("Count")) == len(many_results)
