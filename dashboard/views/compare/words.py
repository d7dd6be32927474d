"""The Where to run view's words: the answer above the chart, and the chart's key.

Names come from the API: each is escaped before it is put in markup.
"""

from __future__ import annotations

import math
from html import escape

from dashboard.results.ranking import FEW, TOO_FEW
from dashboard.state.compare import CompareState
from dashboard.views.compare.chart import COLOURS, LEGEND

__all__ = ["answer_html", "legend_html"]


def answer_html(state: CompareState) -> str:
    """The answer in words: the best group, how much better, and how sure."""
    chosen, found = state.chosen, state.result
    if chosen is None or found is None:
        return "<h2>Where to run</h2><p>Loading the benchmarks…</p>"
    ranked = found.ranked
    title = f"<h2>Where to run {escape(chosen.name)}</h2>"
    if ranked.empty:
        return title + "<p>No result of this benchmark matches these choices.</p>"
    better = "lower" if state.lower_is_better else "higher"
    unit = f" [{escape(state.unit)}]" if state.unit else ""
    per = {"core": " per vCPU", "GPU": " per GPU"}.get(state.per, "")
    measure = f"{escape(state.shown_metric)}{unit}{per}, {better} is better"
    reference = ranked.loc[ranked["verdict"] == "reference", "group"]
    sure_enough = ranked[ranked["verdict"] != TOO_FEW]
    best = sure_enough.iloc[0] if len(sure_enough) else ranked.iloc[0]
    said = f"<b>{escape(best['group'])}</b>"
    if best["verdict"] == "reference" or not len(reference):
        said += " ranks first"
    else:
        low, high = (1 / best["high"], 1 / best["low"]) if state.lower_is_better else (
            best["low"], best["high"])  # fmt: skip
        sure = (
            f" (95 % interval {low:,.3g}–{high:,.3g}×; {escape(best['verdict'])})"
            if math.isfinite(low) and math.isfinite(high)
            else f" ({escape(best['verdict'])}: {int(best['n'])} result(s))"
        )
        said += (
            f" is {best['times_better']:,.3g}× as good as the reference "
            f"<b>{escape(reference.iloc[0])}</b>{sure}"
        )
    above = ranked.iloc[: list(ranked["group"]).index(best["group"])]
    if len(above):
        names = ", ".join(escape(g) for g in above["group"][:3])
        said += (
            f". Ranked above it with too few results to conclude (fewer than {FEW}): {names}"
            + (f" and {len(above) - 3} more" if len(above) > 3 else "")
        )
    return (
        f"{title}<p>{said}. Compared: {measure}; {int(ranked['n'].sum()):,} results in "
        f"{len(ranked)} site / flavor groups. Click a bar to compare with that group.</p>"
    )


def legend_html() -> str:
    swatches = "".join(
        f"<span style='margin-right:14px'><span style='display:inline-block;width:12px;"
        f"height:12px;background:{COLOURS[k]};margin-right:4px;vertical-align:middle'>"
        f"</span>{escape(text)}</span>"
        for k, text in LEGEND.items()
    )
    return (
        f"<div style='font-size:12px'>{swatches}<span>whisker: 95 % interval · dots: "
        "each result</span></div>"
    )
