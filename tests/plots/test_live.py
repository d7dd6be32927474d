"""The explorer's live plot: new rows redraw the plot in place (the same Bokeh models, the
image HoloViews would draw), a box selection picks the results inside it, ticked results
are ringed, and a plot that cannot take new rows says so."""

from __future__ import annotations

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
import pytest
from bokeh.document import Document
from bokeh.models import GlyphRenderer, HoverTool, Image, Plot
from helpers import CPUS, SCORE, make_results
from panel.io.state import set_curdoc

from dashboard.plots.elements import RASTERIZE_ABOVE, build_plot
from dashboard.plots.live import LivePlot
from dashboard.plots.spec import PlotSpec
from dashboard.state.memory import give_back_memory


@pytest.fixture(scope="module")
def large() -> pd.DataFrame:
    return make_results(RASTERIZE_ABOVE * 4, seed=3)


def served(live: LivePlot) -> Document:
    """The live plot rendered into a document, as a session shows it."""
    document = Document()
    with set_curdoc(document):
        document.add_root(pn.pane.HoloViews(live.object).get_root(document))
    return document


def image_renderer(document: Document) -> GlyphRenderer:
    (renderer,) = [
        model
        for model in document.models
        if isinstance(model, GlyphRenderer) and isinstance(model.glyph, Image)
    ]
    return renderer


def drawn_counts(plot) -> np.ndarray:
    """The counts a fresh HoloViews render of `plot` sends to the browser."""
    figure = hv.render(plot, backend="bokeh")
    (renderer,) = [r for r in figure.renderers if isinstance(r.glyph, Image)]
    return renderer.data_source.data["image"][0]


def test_new_rows_redraw_the_image_in_place(large):
    spec = PlotSpec(y=SCORE)
    live = LivePlot(large, spec)
    document = served(live)
    renderer = image_renderer(document)
    models = {model.id for model in document.models}
    subset = large[large["site"] != large["site"].iloc[0]]
    assert len(subset) > RASTERIZE_ABOVE and live.fits(subset, spec)

    live.show(subset)

    assert image_renderer(document) is renderer
    assert {model.id for model in document.models} == models  # no new models
    shown = renderer.data_source.data["image"][0]
    assert np.array_equal(shown, drawn_counts(build_plot(subset, spec)))
    assert shown.sum() == subset[SCORE].notna().sum()
    first, last = subset["execution_datetime"].agg(["min", "max"]).dt.tz_convert(None)
    (figure,) = [m for m in document.models if isinstance(m, Plot) and renderer in m.renderers]
    x_range = figure.x_range
    assert pd.Timestamp(x_range.start) <= first
    assert pd.Timestamp(x_range.end) >= last


def box_select(live: LivePlot, x: tuple, y: tuple | list) -> list:
    """What the browser's box select makes the plot's SelectionXY stream report."""
    picks: list = []
    live.on_pick(picks.append)
    # On a categorical axis the bounds are factor positions; the stream adds the categories.
    bounds = (x[0], y[0], x[1], y[1]) if isinstance(x, tuple) else (0, y[0], 1, y[1])
    live.selection.event(bounds=bounds, x_selection=x, y_selection=y)
    return picks[-1]


@pytest.mark.parametrize(
    ("rows", "log"),
    [(300, False), (RASTERIZE_ABOVE * 4, False), (RASTERIZE_ABOVE * 4, True)],
    ids=["points", "image", "image-log"],
)
def test_a_box_selection_picks_the_results_inside_it(rows, log):
    frame = make_results(rows, seed=4)
    live = LivePlot(frame, PlotSpec(x=CPUS, y=SCORE, logx=log, logy=log))
    served(live)
    assert live.mode == ("image" if rows > RASTERIZE_ABOVE else "glyphs")
    x, y = (3.0, 9.0), (5.0, 20.0)
    if log:  # a rasterized log axis is drawn on log10 values
        x, y = tuple(np.log10(x)), tuple(np.log10(y))
    inside = frame[CPUS].between(3, 9) & frame[SCORE].between(5, 20)
    assert 0 < inside.sum() < len(frame)
    assert box_select(live, x, y) == sorted(frame.loc[inside, "id"])


def test_a_box_selection_of_dates_picks_the_results_of_those_days(large):
    live = LivePlot(large, PlotSpec(y=SCORE))
    served(live)
    start, end = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-01")
    picked = box_select(live, (start.to_datetime64(), end.to_datetime64()), (0.0, 1e9))
    executed = large["execution_datetime"].dt.tz_convert(None)
    assert picked == sorted(large.loc[executed.between(start, end), "id"])


def test_a_box_selection_of_categories_picks_those_groups_within_the_values():
    frame = make_results(300, seed=5)
    live = LivePlot(frame, PlotSpec(kind="box", y=SCORE, group="flavor"))
    served(live)
    flavors = sorted(frame["flavor"].unique())[:2]
    picked = box_select(live, flavors, (5.0, 20.0))
    inside = frame["flavor"].isin(flavors) & frame[SCORE].between(5, 20)
    assert picked == sorted(frame.loc[inside, "id"])
    # a bar plot picks whole groups
    bars = LivePlot(frame, PlotSpec(kind="bar", y=SCORE, group="site"))
    served(bars)
    site = str(frame["site"].iloc[0])
    assert box_select(bars, [site], (0.0, 1e6)) == sorted(frame.loc[frame["site"] == site, "id"])


def test_clearing_the_selection_reports_none():
    frame = make_results(300, seed=6)
    live = LivePlot(frame, PlotSpec(y=SCORE))
    served(live)
    picks: list = []
    live.on_pick(picks.append)
    live.selection.event(bounds=None, x_selection=None, y_selection=None)
    assert picks == [None]


@pytest.mark.parametrize("kind", ["scatter", "box", "histogram"])
def test_ticked_results_are_ringed(kind, large):
    frame = make_results(300, seed=7) if kind != "histogram" else large
    spec = PlotSpec(kind=kind, y=SCORE) if kind != "histogram" else PlotSpec(kind=kind, x=SCORE)
    live = LivePlot(frame, spec)
    served(live)
    ids = list(frame["id"].iloc[[3, 30, 60]])
    live.mark(ids)
    marks = live.object[()].get(1)
    if kind == "histogram":
        assert sorted(marks.dimension_values(0)) == sorted(frame.set_index("id").loc[ids, SCORE])
    else:
        assert set(marks.dimension_values("id")) == set(ids)
    live.mark([])
    assert len(live.object[()].get(1)) == 0


def test_a_plot_that_cannot_take_the_rows_says_so(large):
    spec = PlotSpec(y=SCORE)
    live = LivePlot(large, spec)
    assert live.fits(large.iloc[: RASTERIZE_ABOVE + 1], spec)
    assert not live.fits(large.iloc[:RASTERIZE_ABOVE], spec)  # points, not an image
    assert not live.fits(large.iloc[:0], spec)
    assert not live.fits(large, PlotSpec(y=SCORE, logy=True))
    # filtered from a large population, any rows fit its image, none included
    assert live.fits(large.iloc[:10], spec, len(large))
    assert live.fits(large.iloc[:0], spec, len(large))
    small = LivePlot(large.iloc[:10], spec, population=len(large))
    assert small.mode == "image"


def drawn(document: Document) -> set[str]:
    """The ids of the figures and renderers of a document: new ones mean a new plot."""
    return {m.id for m in document.models if isinstance(m, Plot | GlyphRenderer)}


def dots_renderer(document: Document) -> GlyphRenderer:
    """The dots drawn over a count image (the renderer of points with their site, not the
    rings' with just their ids)."""
    (renderer,) = [
        model
        for model in document.models
        if isinstance(model, GlyphRenderer)
        and not isinstance(model.glyph, Image)
        and "site" in model.data_source.data
    ]
    return renderer


def dots(document: Document) -> dict:
    """The data of the dots drawn over a count image."""
    return dots_renderer(document).data_source.data


@pytest.mark.parametrize("log", [False, True], ids=["linear", "log"])
def test_filtering_a_large_population_to_few_results_keeps_the_plot_and_draws_them(large, log):
    """Facets that leave a few results of a large benchmark show them as dots with their
    values on hover, in the same plot (no new models); back to many, the dots go."""
    spec = PlotSpec(x=CPUS, y=SCORE, logx=log, logy=log)
    live = LivePlot(large, spec, population=len(large))
    document = served(live)
    models = drawn(document)
    assert len(dots(document)["site"]) == 0
    few = large[large[SCORE].notna() & large[CPUS].notna()].iloc[:25]

    assert live.fits(few, spec, len(large))
    live.show(few)

    assert drawn(document) == models  # the same plot
    shown = dots(document)
    assert len(shown["site"]) == len(few)
    assert sorted(shown["site"]) == sorted(few["site"])
    ys = shown[f"log10({SCORE})" if log else SCORE]
    expected = np.log10(few[SCORE]) if log else few[SCORE]
    assert np.allclose(sorted(ys), sorted(expected), rtol=1e-5)
    renderer = dots_renderer(document)
    (hover,) = [m for m in document.models if isinstance(m, HoverTool) and renderer in m.renderers]
    labels = [label for label, _field in hover.tooltips]
    assert {spec.label("site"), spec.label(SCORE), spec.label(CPUS)} <= set(labels), labels
    image = image_renderer(document).data_source.data["image"][0]
    assert image.size == 1 and image.sum() == 0  # the dots show them: the image is blank

    live.show(large)
    assert len(dots(document)["site"]) == 0
    assert image_renderer(document).data_source.data["image"][0].sum() == (
        large[[SCORE, CPUS]].notna().all(axis=1).sum()
    )
    live.show(large.iloc[:0])  # nothing matches: still the same plot, nothing drawn
    assert drawn(document) == models
    assert image_renderer(document).data_source.data["image"][0].sum() == 0


def test_two_sessions_draw_log_count_images_of_their_own(large):
    """Each session's document gets its own tick models (a Bokeh model belongs to one
    document: a shared one made the second visitor's log plot fail)."""
    spec = PlotSpec(x=CPUS, y=SCORE, logx=True, logy=True)
    first, second = served(LivePlot(large, spec)), served(LivePlot(large, spec))
    assert image_renderer(first) is not image_renderer(second)


def test_the_options_holoviews_looked_up_for_ended_plots_go_with_the_servers_memory(large):
    served(LivePlot(large, PlotSpec(kind="scatter", x="execution_datetime", y=SCORE)))
    assert any(hv.Store._lookup_cache.values())  # the options of the plot just drawn

    give_back_memory()
    assert not any(hv.Store._lookup_cache.values())
