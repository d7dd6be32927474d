"""The explorer's plots: each kind and grouping renders, invalid specs explain themselves,
large result sets reach the browser as an image, and selections map back to result ids."""

from __future__ import annotations

import itertools
import json
import logging

import holoviews as hv
import numpy as np
import pandas as pd
import pytest
from bokeh.embed import json_item
from bokeh.models import HoverTool, LogScale

from dashboard.plots.elements import (
    NO_TAG,
    RASTERIZE_ABOVE,
    build_plot,
    hover_columns,
    median_iqr_bars,
)
from dashboard.plots.selection import selection_ids
from dashboard.plots.spec import GROUPS, PLOT_KINDS, PlotSpec

SCORE = "json.result.score"
CPUS = "json.machine.cpu.count"
SITES = ["CESNET", "CESGA", "IFCA", "INFN", "<img src=x onerror=alert(1)>", "CYFRONET"]
FLAVOR_SIZES = {"small": 1, "medium": 2, "large": 4, "xlarge": 8}
TAGS = ["gpu", "hpc", "ssd", "<b>bold</b>"]


def make_results(rows: int, seed: int = 0) -> pd.DataFrame:
    """A results frame as frames.py builds it: 6 sites with 4 flavors each, a log-normal
    score that falls with flavor size, cpu counts, random tags, two years of dates."""
    rng = np.random.default_rng(seed)
    site = rng.integers(0, len(SITES), rows)
    size = rng.integers(0, len(FLAVOR_SIZES), rows)
    multiplier = np.array(list(FLAVOR_SIZES.values()))[size]
    flavor_names = np.array([f"{s.lower()[:6]}.{f}" for s in SITES for f in FLAVOR_SIZES])
    tag_sets = [c for n in range(3) for c in itertools.combinations(TAGS, n)]
    executed = pd.Timestamp("2023-01-01", tz="UTC") + pd.to_timedelta(
        rng.uniform(0, 730, rows), unit="D"
    )
    cpus = pd.array(multiplier * 2, dtype="Int64")
    cpus[rng.random(rows) < 0.05] = pd.NA
    return pd.DataFrame(
        {
            "id": [f"r{i:06d}" for i in range(rows)],
            "benchmark": pd.Categorical(["hpl"] * rows),
            "site": pd.Categorical(np.array(SITES)[site]),
            "flavor": pd.Categorical(flavor_names[site * len(FLAVOR_SIZES) + size]),
            "site_id": [f"s{i}" for i in site],
            "flavor_id": [f"f{i}" for i in size],
            "tags": [tag_sets[i] for i in rng.integers(0, len(tag_sets), rows)],
            "execution_datetime": executed,
            "upload_datetime": executed + pd.Timedelta(hours=2),
            SCORE: rng.lognormal(np.log(40 / multiplier), 0.5),
            CPUS: cpus,
            "json.machine.memory_gb": multiplier * 3.75,
            "json.result.delta": rng.normal(0, 1, rows),
            "json.result.passed": pd.array(rng.random(rows) < 0.9, dtype="boolean"),
            "json.system.os": np.array(["linux", "<script>x</script>"])[rng.integers(0, 2, rows)],
        }
    )


@pytest.fixture(scope="module", autouse=True)
def bokeh_backend() -> None:
    hv.extension("bokeh")


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    return make_results(300)


@pytest.fixture(scope="module")
def many_results() -> pd.DataFrame:
    return make_results(100_000, seed=1)


def spec_for(kind: str, group: str = "site", **options) -> PlotSpec:
    """A valid spec of `kind`: score over time, or the score distribution."""
    if kind == "histogram":
        return PlotSpec(kind=kind, x=SCORE, group=group, **options)
    return PlotSpec(kind=kind, y=SCORE, group=group, **options)


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


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (PlotSpec(kind="pie", y=SCORE), "Unknown plot kind 'pie'"),
        (PlotSpec(group="benchmark", y=SCORE), "Unknown grouping 'benchmark'"),
        (PlotSpec(kind="box"), "Choose a numeric column for y"),
        (PlotSpec(y="json.system.os"), "system.os (y) is not numeric"),
        (PlotSpec(y="json.result.passed"), "result.passed (y) is not numeric"),
        (PlotSpec(y="json.result.missing"), "result.missing (y) is not a column"),
        (PlotSpec(x="site", y=SCORE), "site (x) is not numeric or date"),
        (PlotSpec(kind="histogram", x="json.system.os"), "system.os (x) is not numeric or date"),
        (PlotSpec(kind="histogram", x=""), "Choose a numeric or date column for x"),
        (PlotSpec(y="json.result.delta", logy=True), "log axis needs positive values: "),
        (PlotSpec(y=SCORE, logx=True), "log axis needs numbers: execution date is a date"),
    ],
    ids=[
        "unknown-kind",
        "unknown-group",
        "y-missing",
        "y-text",
        "y-boolean",
        "y-not-a-column",
        "scatter-x-category",
        "histogram-x-text",
        "histogram-x-missing",
        "log-of-negatives",
        "log-of-dates",
    ],
)
def test_invalid_specs_explain_themselves_and_do_not_build(results, spec, message):
    problems = spec.problems(results)
    assert len(problems) == 1
    assert problems[0].startswith(message)
    with pytest.raises(ValueError) as error:
        build_plot(results, spec)
    assert str(error.value) == problems[0]


def test_log_problem_counts_the_rows_that_are_not_positive(results):
    spec = PlotSpec(kind="box", y="json.result.delta", logy=True)
    not_positive = int((results["json.result.delta"] <= 0).sum())
    assert spec.problems(results) == [
        f"log axis needs positive values: {not_positive} rows are <= 0"
    ]


def test_valid_specs_have_no_problems(results):
    assert all(spec_for(kind).problems(results) == [] for kind in PLOT_KINDS)
    assert PlotSpec(x=CPUS, y=SCORE, logx=True, logy=True).problems(results) == []


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


def test_selection_ids_of_a_box_selection(results):
    box = (hv.dim(SCORE) > 5) & (hv.dim(SCORE) < 10)
    inside = results[(results[SCORE] > 5) & (results[SCORE] < 10)]
    assert 0 < len(inside) < len(results)
    assert selection_ids(results, box) == set(inside["id"])


def test_selection_ids_of_dates_tags_and_log_axes(results):
    after = hv.dim("execution_datetime") > np.datetime64("2024-01-01")
    later = results["execution_datetime"] > pd.Timestamp("2024-01-01", tz="UTC")
    assert selection_ids(results, after) == set(results.loc[later, "id"])
    gpu = hv.dim("tags").isin(["gpu"])
    assert selection_ids(results, gpu) == {
        i for i, t in zip(results["id"], results["tags"], strict=True) if "gpu" in t
    }
    assert selection_ids(results, hv.dim(f"log10({SCORE})") > 1) == set(
        results.loc[results[SCORE] > 10, "id"]
    )


def test_selection_ids_without_selection_or_on_missing_columns(results):
    assert selection_ids(results, None) == set(results["id"])
    assert selection_ids(results, hv.dim("json.not.here") > 1) == set()


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
