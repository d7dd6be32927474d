"""The ranked chart: how many times better than the reference each site + flavor is.

Horizontal bars, best at the top, each with the 95 % interval of its ratio as a
whisker and its raw results as dots; the reference's bar is at 1 and marked. Bars are
coloured by what the statistics allow one to say: clearly better, clearly worse, no
clear difference, too few results. A click on a bar (or its row) makes that group the
reference. Built with Bokeh directly: the chart is kept and only its data replaced on
every change, which keeps a click's selection and the page's scroll where they were.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd
import panel as pn
from bokeh.models import ColumnDataSource, FactorRange, HoverTool, Span, TapTool, Whisker
from bokeh.plotting import figure
from bokeh.transform import jitter

from dashboard.results.ranking import NO_CLEAR, REFERENCE, TOO_FEW

__all__ = ["COLOURS", "RankedChart", "bar_rows", "dot_rows", "on_page"]

#: What the colour of a bar says.
COLOURS = {
    "better": "#2e7d32",
    "worse": "#c62828",
    NO_CLEAR: "#9e9e9e",
    TOO_FEW: "#e0b64a",
    REFERENCE: "#0b3d91",
}
LEGEND = {
    "better": "clearly better",
    "worse": "clearly worse",
    NO_CLEAR: "no clear difference",
    TOO_FEW: "too few results to conclude",
    REFERENCE: "reference",
}
ROW_PX = 30


def _oriented(ranked: pd.DataFrame, lower_is_better: bool) -> tuple[np.ndarray, np.ndarray]:
    """Each interval of the ratio as an interval of "times better"."""
    low, high = ranked["low"].to_numpy(float), ranked["high"].to_numpy(float)
    if not lower_is_better:
        return low, high
    with np.errstate(divide="ignore"):
        return 1 / high, 1 / low


def _kind(verdict: str) -> str:
    if verdict in (REFERENCE, NO_CLEAR, TOO_FEW):
        return verdict
    return "better" if verdict == "faster" else "worse"


def _number(value: float) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:,.3g}"


def bar_rows(ranked: pd.DataFrame, lower_is_better: bool, unit: str) -> dict[str, list]:
    """The bars' data: one row per group, best first."""
    low, high = _oriented(ranked, lower_is_better)
    kinds = [_kind(v) for v in ranked["verdict"]]
    suffix = f" {unit}" if unit else ""
    interval = [
        f"{_number(a)}–{_number(b)}×" if math.isfinite(a) and math.isfinite(b) else "none"
        for a, b in zip(low, high, strict=True)
    ]
    return {
        "group": list(ranked["group"]),
        "better": [float(v) if math.isfinite(v) else 0.0 for v in ranked["times_better"]],
        "shown": [f"{_number(v)}×" for v in ranked["times_better"]],
        "low": [float(v) if math.isfinite(v) else np.nan for v in low],
        "high": [float(v) if math.isfinite(v) else np.nan for v in high],
        "interval": interval,
        "n": [int(n) for n in ranked["n"]],
        "median": [f"{_number(m)}{suffix}" for m in ranked["median"]],
        "iqr": [
            f"{_number(a)}–{_number(b)}{suffix}"
            for a, b in zip(ranked["q1"], ranked["q3"], strict=True)
        ],
        "verdict": list(ranked["verdict"]),
        "method": [m or "none (fewer than 3 results on a side)" for m in ranked["method"]],
        "colour": [COLOURS[k] for k in kinds],
        "label": [
            f"{g}  {_number(v)}× n={n}" + (" (too few)" if k == TOO_FEW else "")
            for g, v, n, k in zip(
                ranked["group"], ranked["times_better"], ranked["n"], kinds, strict=True
            )
        ],
        "alpha": [0.45 if k == TOO_FEW else 0.85 for k in kinds],
    }


def dot_rows(dots: pd.DataFrame, ranked: pd.DataFrame, lower_is_better: bool) -> dict[str, list]:
    """The raw results as dots on the same scale as the bars."""
    reference = ranked.loc[ranked["verdict"] == REFERENCE, "median"]
    base = float(reference.iloc[0]) if len(reference) else math.nan
    values = dots["value"].to_numpy(float) if len(dots) else np.empty(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        better = base / values if lower_is_better else values / base
    keep = np.isfinite(better)
    return {
        "group": list(dots["group"].to_numpy()[keep]) if len(dots) else [],
        "better": list(better[keep]),
    }


def on_page(model, change) -> None:
    """Run ``change`` of Bokeh's own models (Panel changes its own with care) where the
    page allows it: under its document's lock, on the server's next turn; at once when
    no page shows the model yet."""
    document = model.document
    if document is not None and document.session_context is not None:
        document.add_next_tick_callback(change)
    else:
        change()


class RankedChart(pn.viewable.Viewer):
    """The chart; ``on_pick(group)`` is called when a bar is clicked."""

    def __init__(self, on_pick: Callable[[str], None]) -> None:
        super().__init__()
        self._on_pick = on_pick
        self.box = pn.Column(sizing_mode="stretch_width")
        self.figure = None  # made with the first answer, at the height it needs

    def _build(self, height: int) -> None:
        """A new figure of ``height``: a figure's size cannot be changed once shown (its
        pane keeps the first, and Panel refuses to be told another)."""
        self.bars = ColumnDataSource(bar_rows(_empty(), True, ""))
        self.dots = ColumnDataSource({"group": [], "better": []})
        self.figure = self._figure(height)
        self.pane = pn.pane.Bokeh(self.figure, height=height, sizing_mode="stretch_width")
        self.bars.selected.on_change("indices", self._picked)

    def _figure(self, height: int):
        plot = figure(
            y_range=FactorRange(factors=[]),
            height=height,
            sizing_mode="stretch_width",
            tools="tap",
            toolbar_location=None,
            x_axis_label="times better than the reference (1 = as good)",
        )
        bars = plot.hbar(
            y="label", right="better", left=0, height=0.7, source=self.bars,
            fill_color="colour", fill_alpha="alpha", line_color="colour",
            selection_fill_alpha=0.85, nonselection_fill_alpha="alpha",
            nonselection_line_alpha=1.0,
        )  # fmt: skip
        plot.scatter(
            x="better", y=jitter("group", width=0.5, range=plot.y_range), source=self.dots,
            size=3, color="#455a64", alpha=0.35,
        )  # fmt: skip
        plot.add_layout(
            Whisker(source=self.bars, base="label", lower="low", upper="high",
                    dimension="width", line_color="#8d8d8d", line_width=2)
        )  # fmt: skip
        plot.add_layout(Span(location=1, dimension="height", line_dash="dashed", line_width=1))
        plot.add_tools(
            HoverTool(
                renderers=[bars],
                tooltips=[
                    ("", "@group"),
                    ("times better", "@shown (95 % interval @interval)"),
                    ("verdict", "@verdict"),
                    ("results", "@n; median @median; IQR @iqr"),
                    ("interval by", "@method"),
                ],
            )
        )
        plot.select_one(TapTool).renderers = [bars]
        plot.ygrid.grid_line_color = None
        plot.yaxis.major_label_text_font_size = "11px"
        plot.x_range.start = 0
        return plot

    def show(self, ranked: pd.DataFrame, dots: pd.DataFrame, lower: bool, unit: str) -> None:
        """Draw ``ranked`` (best first, at the top) and its dots: in a new figure when
        the number of groups changed (filled before it is shown), else in the shown one."""
        rows = bar_rows(ranked, lower, unit)
        height = max(160, 60 + ROW_PX * len(rows["group"]))
        drawn = partial(self._fill, rows, dot_rows(dots, ranked, lower))
        if self.figure is not None and height == self.figure.height:
            on_page(self.figure, drawn)
            return
        self._build(height)
        drawn()
        self.box.objects = [self.pane]

    def _fill(self, rows: dict, dotted: dict) -> None:
        factors = list(reversed(rows["label"]))  # each group's name says its ratio and n
        labels = dict(zip(rows["group"], rows["label"], strict=True))
        self.dots.data = {"group": [labels[g] for g in dotted["group"]], "better": dotted["better"]}
        self.bars.selected.indices = []
        self.bars.data = rows
        self.figure.y_range.factors = factors
        right = np.nanmax([*rows["high"], *rows["better"], 1.0]) if factors else 2.0
        self.figure.x_range.end = float(right) * 1.25

    def _picked(self, _attr, _old, new) -> None:
        if new:
            groups = self.bars.data["group"]
            if 0 <= new[0] < len(groups):
                self._on_pick(groups[new[0]])

    def __panel__(self):
        return self.box


def _empty() -> pd.DataFrame:
    columns = ["group", "n", "median", "q1", "q3", "ratio", "low", "high", "times_better"]
    return pd.DataFrame({**{c: [] for c in columns}, "verdict": [], "method": []})
